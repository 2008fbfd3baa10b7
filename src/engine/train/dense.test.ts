// Dense step rewards in the trainer: assembleBatch lays each sample's StepRAR credits on their
// tokens (rl placeTokenRewards) when rewards.dense is on, and disposes what it made.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { scoreSample } from '../rewards';
import type { TaskInstance } from '../tasks/types';
import { BOS, PAD, encode } from '../tokenizer';
import { assembleBatch, disposeAssembled, type HostSample, type RolloutRound } from './rollout';

const T = 12;
const sum2: TaskInstance = {
  taskId: 'digit-sum',
  seed: 0,
  split: 'id',
  difficulty: 1,
  imageSize: 4,
  image: new Float32Array(4 * 4 * 3),
  promptTokens: [BOS, ...encode('sum of digits ?')],
  answer: '7',
  goldTrace: '3 + 4 = 7'.split(' '),
};

function host(text: string): HostSample {
  const ids = encode(text);
  const tokens = [...ids, ...new Array<number>(T - ids.length).fill(PAD)];
  // accuracy 1 + StepRAR 0.4 (key steps "3 + 4 = 7" and "= 7", K = 2)
  const scored = scoreSample({ tokens, maxNewTokens: T }, sum2, { accuracy: 1, stepRAR: 0.4 });
  return { tokens: Int32Array.from(tokens), length: ids.length, truncated: false, perturbed: false, scored };
}

function round(samples: HostSample[]): RolloutRound {
  return {
    instances: [sum2],
    images: tf.zeros([1, 4, 4, 3]),
    rolloutImages: null,
    prompts: tf.tensor2d([sum2.promptTokens], [1, sum2.promptTokens.length], 'int32'),
    tokens: tf.tensor2d(samples.map((s) => Array.from(s.tokens)), [samples.length, T], 'int32'),
    logp: tf.zeros([samples.length, T]),
    mask: tf.tensor2d(samples.map((s) => Array.from({ length: T }, (_, t) => (t < s.length ? 1 : 0))), [samples.length, T]),
    samples,
    rewardMs: 0,
    temporal: null,
  };
}

describe('dense rewards in the assembled batch', () => {
  it("puts StepRAR's key steps on their tokens and the rest at the end; scalar runs get none", () => {
    // Both key steps end at token 5 ("<think> 3 + 4 = 7": "7" is token 5): 0.4 · 1/2 twice = 0.4 there.
    // Right answer: total 1 + 0.4 = 1.4, so the last token (<eos>, 10 of 11) gets 1.4 - 0.4 = 1.
    // Second sample "3 + 5 = 8", answer 8: no key step, accuracy 0: total 0, all zeros.
    const r = round([host('<think> 3 + 4 = 7 </think> <answer> 7 </answer> <eos>'), host('<think> 3 + 5 = 8 </think> <answer> 8 </answer> <eos>')]);
    const before = tf.memory().numTensors;
    const dense = assembleBatch([r], [{ round: 0, group: 0 }], 2, T);
    const rows = dense.tokenScores!.arraySync().map((row) => row.map((x) => Math.round(x * 1e6) / 1e6));
    expect(rows).toEqual([
      [0, 0, 0, 0, 0, 0.4, 0, 0, 0, 0, 1, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(Array.from(dense.scores.dataSync())).toEqual([Math.fround(1.4), 0]);
    disposeAssembled(dense);
    const scalar = assembleBatch([r], [{ round: 0, group: 0 }], 2);
    expect(scalar.tokenScores).toBeNull();
    disposeAssembled(scalar);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([r.images, r.prompts, r.tokens, r.logp, r.mask]);
  });
});
