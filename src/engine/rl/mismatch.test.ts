import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { samplingMismatch } from './mismatch';

const read = (m: ReturnType<typeof samplingMismatch>) => {
  const out = [m.ratioMean, m.ratioMin, m.ratioMax, m.logpDiffMean, m.logpDiffMax].map((t) => t.dataSync()[0]!);
  tf.dispose(Object.values(m));
  return out;
};

describe('samplingMismatch (behaviour vs. updated policy, TRL sampling/*)', () => {
  it('matches the ratio and log-prob gap worked by hand, ignoring masked junk', () => {
    // Row 0: all 3 tokens valid; row 1: only its first (the rest is padding holding NaN).
    // logp − behaviour on the valid tokens: 0.5, 0, 0.5, 2.
    // ratios e^0.5 = 1.648721, 1, 1.648721, e^2 = 7.389056 -> mean (2·1.648721 + 1 + 7.389056) / 4 = 2.921625,
    // min 1, max 7.389056; |diff| mean 3 / 4 = 0.75, max 2.
    const before = tf.memory().numTensors;
    const logp = tf.tensor2d([[-1, -2, -0.5], [-1, 0, 0]]);
    const behaviour = tf.tensor2d([[-1.5, -2, -1], [-3, NaN, NaN]]);
    const mask = tf.tensor2d([[1, 1, 1], [1, 0, 0]]);
    const [mean, min, max, diffMean, diffMax] = read(samplingMismatch(logp, behaviour, mask));
    expect(mean).toBeCloseTo(2.921625, 5);
    expect(min).toBeCloseTo(1, 6);
    expect(max).toBeCloseTo(7.389056, 5);
    expect(diffMean).toBeCloseTo(0.75, 6);
    expect(diffMax).toBeCloseTo(2, 6);
    tf.dispose([logp, behaviour, mask]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports no mismatch on an empty mask, and exactly 1 when the policies agree', () => {
    const logp = tf.tensor2d([[-1, -2]]);
    const other = tf.tensor2d([[5, 5]]);
    const none = tf.zeros([1, 2]);
    const all = tf.ones([1, 2]);
    expect(read(samplingMismatch(logp, other, none))).toEqual([1, 1, 1, 0, 0]);
    expect(read(samplingMismatch(logp, logp, all))).toEqual([1, 1, 1, 0, 0]);
    tf.dispose([logp, other, none, all]);
  });
});
