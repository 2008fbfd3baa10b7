import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { maskedMean, maskedSum, maskedVar, sequenceLengths, sumOnDevice } from './masked';
import { close, hostWritesDuring } from './testing.test-utils';

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

describe('sumOnDevice', () => {
  it('sums like tf.sum, with the gradient dy broadcast back (hand numbers)', () => tf.tidy(() => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    close(sumOnDevice(x, -1), [6, 15]); // 1+2+3, 4+5+6
    expect(sumOnDevice(x, -1, true).shape).toEqual([2, 1]);
    close(sumOnDevice(x), 21);
    close(sumOnDevice(x, 0), [5, 7, 9]);
    // d/dx Σ_i w_i·Σ_j x_ij = w_i in every column: w = [1, 10] -> [[1, 1, 1], [10, 10, 10]].
    const w = tf.tensor1d([1, 10]);
    close(tf.grad((t: tf.Tensor) => tf.dot(sumOnDevice(t, -1), w))(x), [
      [1, 1, 1],
      [10, 10, 10],
    ]);
    // Over axis 0 with v = [1, 2, 3]: every row gets v.
    const v = tf.tensor1d([1, 2, 3]);
    close(tf.grad((t: tf.Tensor) => tf.dot(sumOnDevice(t, 0), v))(x), [
      [1, 2, 3],
      [1, 2, 3],
    ]);
  }));

  it('equals tf.sum and its gradient to 1e-5 on every axis choice, and uploads nothing of the input size', () => {
    const x = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 7);
    const cases: [number | number[] | undefined, boolean][] = [[-1, false], [-1, true], [1, false], [[0, 2], true], [undefined, false]];
    for (const [axis, keep] of cases) {
      const w = tf.tidy(() => tf.randomNormal(tf.sum(x, axis, keep).shape, 0, 1, 'float32', 3));
      const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t), w)); // the outer sum is over w's small shape
      const ours = (t: tf.Tensor) => sumOnDevice(t, axis, keep);
      const ref = (t: tf.Tensor) => tf.sum(t, axis, keep);
      tf.test_util.expectArraysClose(tf.tidy(() => ours(x).dataSync()), tf.tidy(() => ref(x).dataSync()), 1e-5);
      tf.test_util.expectArraysClose(tf.tidy(() => tf.grad(loss(ours))(x).dataSync()), tf.tidy(() => tf.grad(loss(ref))(x).dataSync()), 1e-5);
      // tf.sum's own gradient builds ones(x.shape) on the host (60 floats here); ours makes nothing that size.
      const sizes = hostWritesDuring(() => tf.dispose(tf.tidy(() => tf.grad((t: tf.Tensor) => tf.dot(tf.reshape(ours(t), [-1]), tf.reshape(w, [-1])))(x))));
      expect(Math.max(0, ...sizes), `axis ${String(axis)}, keepDims ${keep}`).toBeLessThan(x.size);
      w.dispose();
    }
    x.dispose();
  });

  it('does not leak, forward or backward', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      sumOnDevice(x, -1);
      tf.grad((t: tf.Tensor) => sumOnDevice(t))(x);
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
