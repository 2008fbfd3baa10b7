import { describe, expect, it } from 'vitest';
import type { InspectSample } from '../../../engine/train/types';
import { encode, formatResponse } from '../../../engine/tokenizer';
import type { GroupView } from '../../lib/inspect';
import { sampledBoxes } from './drawLocate';

const sample = (tokens: number[]): InspectSample => ({ promptIndex: 0, tokens, reward: 0 } as unknown as InspectSample);
const said = (box: string) => sample(formatResponse(['at'], box));

describe('sampledBoxes (locate in Inspect)', () => {
  it('reads every response\'s box and its IoU with the gold box, and why a malformed one is none', () => {
    const group = {
      prompt: { answer: '2 2 2 2', imageSize: 32, image: new Float32Array(32 * 32 * 3), promptTokens: [], difficulty: 1 },
      samples: [said('2 2 2 2'), said('2 2 2 3'), said('2 2 0 2'), sample(encode('<think> at </think> <eos>')), said('0 0 8 8')].map((s, index) => ({ index, sample: s })),
    } as unknown as GroupView;
    const { gold, boxes } = sampledBoxes(group);
    expect(gold).toEqual({ x: 2, y: 2, w: 2, h: 2 });
    // IoUs by hand: 4/4; 4/6 (one cell taller); none; none; 4/64 (the whole image).
    expect(boxes.map((b) => b.iou)).toEqual([1, 4 / 6, 0, 0, 4 / 64]);
    expect(boxes.map((b) => b.reason)).toEqual([null, null, 'a box of width 0 and height 2 is empty', 'no answer between <answer> and </answer>', null]);
    expect(boxes.map((b) => b.n)).toEqual([1, 2, 3, 4, 5]);
  });
});
