import { describe, expect, it } from 'vitest';
import { encode } from '../../../engine/tokenizer';
import { clickMarks } from './drawClick';

/** The target's box: columns 4..7, rows 9..11. */
const PROMPT = { goldTrace: 'red square width 4 to 7 height 9 to 11'.split(' ') };
const resp = (index: number, text: string) => ({ index, sample: { tokens: encode(text) } });

describe('clickMarks (Inspect draws the click task)', () => {
  it('marks every sampled click hit or miss against the target box, and counts answers that are no click on the screen', () => {
    const m = clickMarks(PROMPT, [
      resp(8, '<think> </think> <answer> click 5 10 </answer> <eos>'), // the centre: hit
      resp(9, '<think> red </think> <answer> click 7 11 </answer> <eos>'), // the far corner: hit
      resp(10, '<think> </think> <answer> click 8 10 </answer> <eos>'), // one column right: miss
      resp(11, '<think> </think> <answer> click 20 10 </answer> <eos>'), // off the screen: not drawn
      resp(12, '<think> </think> <answer> 5 10 </answer> <eos>'), // no action: not drawn
      resp(13, '<think> </think>'), // no answer
    ]);
    expect(m).toEqual({
      box: { x0: 4, x1: 7, y0: 9, y1: 11 },
      marks: [
        { sample: 8, x: 5, y: 10, hit: true },
        { sample: 9, x: 7, y: 11, hit: true },
        { sample: 10, x: 8, y: 10, hit: false },
      ],
      unparsed: 3,
    });
  });

  it('draws nothing for a batch stored without gold traces', () => {
    expect(clickMarks({}, [resp(0, '<answer> click 5 10 </answer>')])).toBeNull();
  });
});
