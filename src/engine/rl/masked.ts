/**
 * Masked reductions: the few primitives every loss and statistic below is built from.
 *
 * A mask is a float tensor of 0/1 with the same shape as the values (1 = a real response
 * token, 0 = padding after `<eos>` or a row dropped from the batch). Masked positions may
 * hold anything, even -Infinity or NaN (a log-prob under top-k sampling, say): they are
 * selected away with `tf.where` (`maskOut`) before any arithmetic, so they can reach neither
 * the value nor the gradient. That has to happen on the raw inputs: once junk has gone
 * through a nonlinear op (square, exp), the op's zero upstream gradient times its infinite
 * local derivative is NaN. Empty masks give 0, never NaN.
 *
 * Names follow TRL / veRL (`masked_mean`, `masked_var`, `masked_whiten`) so a reader can
 * cross-check.
 */
import * as tf from '@tensorflow/tfjs-core';
import { taping } from './tape';

/** Assert two tensors have identical shapes, naming them in the message. */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, aName: string, bName: string): void {
  tf.util.assert(
    tf.util.arraysEqual(a.shape, b.shape),
    () => `${aName} and ${bName} must have the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
  );
}

/** Assert a tensor's rank, naming it and the expected layout in the message. */
export function assertRank(x: tf.Tensor, rank: number, name: string, layout: string): void {
  tf.util.assert(x.rank === rank, () => `${name} must be ${layout} (rank ${rank}), got shape [${x.shape.join(', ')}]`);
}

/** x as float32 (a bool or int32 mask or reward is accepted and cast). Call inside a tidy. */
export function asFloat32<T extends tf.Tensor>(x: T): T {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/** x where mask > 0, else 0: masked positions cannot leak Infinity or NaN into a sum. Call inside a tidy. */
export function maskOut<T extends tf.Tensor>(x: T, mask: tf.Tensor): T {
  return tf.where(tf.greater(mask, 0), x, tf.zerosLike(x));
}

/**
 * tf.sum(x, axis, keepDims) with the same value and gradient, the gradient made on the device:
 * dy reshaped to the kept shape times ones filled on the device over the summed axes. tfjs's own Sum gradient
 * multiplies by ones(x.shape), built on the host and uploaded: 0.8 MiB per default-preset
 * iteration from the log-prob and log-softmax sums over the vocabulary alone, a buffer upload
 * each on a GPU backend (bench counters, traced by call site). Use it for every sum a loss is
 * differentiated through; counts over a mask need no gradient and keep tf.sum.
 */
export function sumOnDevice(x: tf.Tensor, axis?: number | number[], keepDims = false): tf.Tensor {
  const axes = axis === undefined ? x.shape.map((_, i) => i) : tf.util.parseAxisParam(axis, x.shape);
  if (!taping()) return tf.sum(x, axes, keepDims); // no gradient wanted: the wrapper below would only add its own cost
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d)); // dy's shape with the summed axes as 1
  // Ones over the summed axes only; dy·ones broadcasts to x's shape. Not broadcastTo: its Tile walks
  // element by element on wasm (tens of ms at the logits' size), a broadcast multiply does not.
  const ones = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
  const sum = tf.customGrad<tf.Tensor>((...args) => {
    const input = args[0] as tf.Tensor;
    return { value: tf.sum(input, axes, keepDims), gradFunc: (dy: tf.Tensor) => tf.mul(tf.reshape(dy, kept), tf.fill(ones, 1)) };
  });
  return sum(x);
}

/** Σ x·mask, over all positions or along `axis`. */
export function maskedSum(x: tf.Tensor, mask: tf.Tensor, axis?: number): tf.Tensor {
  assertSameShape(x, mask, 'maskedSum: x', 'mask');
  return tf.tidy(() => {
    const m = asFloat32(mask);
    return sumOnDevice(tf.mul(maskOut(x, m), m), axis);
  });
}

/**
 * Σ x·mask / Σ mask (TRL's `masked_mean`), over all positions or along `axis`.
 * Where Σ mask = 0 the result is 0, with a zero (not NaN) gradient: the count is replaced
 * by 1 there, and the numerator is already 0.
 */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor, axis?: number): tf.Tensor {
  assertSameShape(x, mask, 'maskedMean: x', 'mask');
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const total = sumOnDevice(tf.mul(maskOut(x, m), m), axis);
    const count = tf.sum(m, axis);
    const safeCount = tf.where(tf.greater(count, 0), count, tf.onesLike(count));
    return tf.div(total, safeCount);
  });
}

/**
 * Masked variance over all positions (TRL's `masked_var`):
 *   var = mean_m((x - mean_m(x))^2),  times n/(n-1) when `unbiased` (Bessel; n = Σ mask).
 * n <= 1 gives 0.
 */
export function maskedVar(x: tf.Tensor, mask: tf.Tensor, unbiased = false): tf.Scalar {
  assertSameShape(x, mask, 'maskedVar: x', 'mask');
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const xs = maskOut(x, m); // before the square: see the header
    const mean = maskedMean(xs, m);
    const variance = maskedMean(tf.square(tf.sub(xs, mean)), m) as tf.Scalar;
    if (!unbiased) return variance;
    const n = tf.sum(m);
    // n/(n-1); with n <= 1 the variance is 0 already and the factor is taken as 1.
    return tf.mul(variance, tf.div(n, tf.maximum(tf.sub(n, 1), 1)));
  });
}

/** Valid tokens per row, Σ_t mask[i, t]: [N, T] -> [N]. */
export function sequenceLengths(mask: tf.Tensor2D): tf.Tensor1D {
  assertRank(mask, 2, 'sequenceLengths: mask', '[N, T]');
  return tf.tidy(() => tf.sum(asFloat32(mask), 1));
}
