/**
 * Per-token estimators of KL(π_θ || π_ref) from one sampled token, after J. Schulman,
 * "Approximating KL Divergence" (2020, joschu.net/blog/kl-approx.html). With
 *
 *   x = log π_θ(y_t) - log π_ref(y_t)      (y_t sampled from π_θ, so E[x] = KL)
 *
 * - k1 = x                 unbiased, high variance, can be negative per token.
 * - k2 = x² / 2            biased (low for small KL), low variance, always >= 0.
 * - k3 = exp(-x) + x - 1   unbiased and always >= 0: (ρ - 1) - log ρ with ρ = π_ref/π_θ.
 *                          GRPO uses k3 (Shao et al. 2024, arXiv:2402.03300);
 *                          veRL calls it "low_var_kl".
 *
 * Returns a new tensor, same shape as the inputs, to be masked and aggregated by the caller
 * (e.g. `aggregate(beta * klPenalty(...), mask, ...)`). Differentiable w.r.t. logp.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertSameShape, maskOut } from './masked';

export type KlEstimator = 'k1' | 'k2' | 'k3';
export const KL_ESTIMATORS: readonly KlEstimator[] = ['k1', 'k2', 'k3'];

export type KlPenaltyOptions = {
  /**
   * Clamp each per-token value into [-clamp, clamp] (veRL clamps k3 at 10). Off by default.
   * k3 grows like exp(-x), so one token whose probability collapsed under π_θ can swamp a
   * batch; the clamp bounds it, at the cost of a zero gradient for that token.
   */
  clamp?: number;
  /**
   * Response mask, same shape as logp. When given, masked positions get exactly 0 and no
   * gradient, even if the padding holds -Infinity log-probs (without it, exp(-x) of junk
   * makes the gradient NaN even after the caller masks the value).
   */
  mask?: tf.Tensor;
};

export function klPenalty(logp: tf.Tensor, refLogp: tf.Tensor, kind: KlEstimator, options: KlPenaltyOptions = {}): tf.Tensor {
  assertSameShape(logp, refLogp, 'klPenalty: logp', 'refLogp');
  const { clamp, mask } = options;
  tf.util.assert(clamp === undefined || clamp > 0, () => `klPenalty: clamp must be positive, got ${clamp}`);
  if (mask) assertSameShape(logp, mask, 'klPenalty: logp', 'mask');
  return tf.tidy(() => {
    const x = mask ? maskOut(tf.sub(logp, refLogp), mask) : tf.sub(logp, refLogp); // k1, k2, k3 are all 0 at x = 0
    let kl: tf.Tensor;
    switch (kind) {
      case 'k1':
        kl = x;
        break;
      case 'k2':
        kl = tf.mul(tf.square(x), 0.5);
        break;
      case 'k3':
        kl = tf.sub(tf.add(tf.exp(tf.neg(x)), x), 1);
        break;
      default:
        throw new Error(`klPenalty: unknown estimator "${String(kind)}"; expected one of ${KL_ESTIMATORS.join(', ')}`);
    }
    return clamp === undefined ? kl : tf.clipByValue(kl, -clamp, clamp);
  });
}
