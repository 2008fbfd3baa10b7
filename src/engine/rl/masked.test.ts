import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { maskedMean, maskedSum, maskedVar, sequenceLengths } from './masked';
import { close } from './testing.test-utils';

describe('masked reductions', () => {
  // Row 0: [1, 2] valid; row 1: [3] valid and junk; row 2: nothing valid.
  const x = tf.tensor2d([
    [1, 2],
    [3, -Infinity],
    [NaN, 5],
  ]);
  const mask = tf.tensor2d([
    [1, 1],
    [1, 0],
    [0, 0],
  ]);

  it('maskedSum and maskedMean, whole batch and per row', () => {
    close(maskedSum(x, mask), 6);
    close(maskedMean(x, mask), 2); // (1 + 2 + 3) / 3
    close(maskedSum(x, mask, 1), [3, 3, 0]);
    close(maskedMean(x, mask, 1), [1.5, 3, 0]); // the empty row gives 0, not NaN
  });

  it('maskedVar: population and Bessel-corrected', () => {
    // [1, 2, 3]: mean 2, Σ (x - mean)² = 2 -> 2/3 population, 2/2 = 1 unbiased.
    close(maskedVar(x, mask), 2 / 3);
    close(maskedVar(x, mask, true), 1);
    close(maskedVar(tf.tensor1d([4]), tf.tensor1d([1]), true), 0); // one value: 0, not 0/0
  });

  it('gradients are finite and zero on padding', () => {
    const g = tf.grad((v: tf.Tensor) => tf.add(maskedMean(v, mask), maskedVar(v, mask)))(x);
    // d mean / dx = 1/3; d var / dx = 2 (x - 2) / 3 -> [-2/3, 0, 2/3] on [1, 2, 3].
    close(g, [
      [1 / 3 - 2 / 3, 1 / 3],
      [1 / 3 + 2 / 3, 0],
      [0, 0],
    ]);
  });

  it('sequenceLengths counts valid tokens per row, casting a bool mask', () => {
    close(sequenceLengths(mask), [2, 1, 0]);
    close(sequenceLengths(tf.cast(mask, 'bool')), [2, 1, 0]);
  });

  it('rejects mismatched shapes', () => {
    expect(() => maskedMean(x, tf.ones([3, 3]))).toThrow(/maskedMean: x and mask must have the same shape, got \[3, 2\] and \[3, 3\]/);
  });

  it('does not leak', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      maskedSum(x, mask, 1);
      maskedMean(x, mask);
      maskedVar(x, mask, true);
      sequenceLengths(mask);
    });
    expect(tf.memory().numTensors).toBe(before);
    const out = [maskedSum(x, mask), maskedMean(x, mask, 1), maskedVar(x, mask), sequenceLengths(mask)];
    expect(tf.memory().numTensors - before).toBe(4);
    tf.dispose(out);
  });
});
