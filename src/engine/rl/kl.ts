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
import { KL_ESTIMATORS, type KlEstimator } from './host';
import { assertSameShape, maskOut, sumOnDevice } from './masked';

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

/**
 * KL in the reward instead of the loss (Ziegler et al. 2019, arXiv:1909.08593; TRL
 * `PPOTrainer`; veRL `use_kl_in_reward`): subtract β times the per-token KL of the sampling
 * policy to the reference, on the sampled tokens, from the rewards:
 *
 *   per token, rewards [N, T] (PPO's token rewards):  r_t - β · KL_t · m_t
 *   per response, rewards [N] (critic-free scores):   r_i - β · Σ_t KL_{i,t} · m_{i,t}
 *
 * logp is log π_old of the sampled tokens (the rewards are fixed before the update), refLogp
 * log π_ref, mask the response mask, all [N, T]. Returns a new tensor shaped like rewards.
 */
export function rewardsWithKlPenalty<R extends tf.Tensor1D | tf.Tensor2D>(
  rewards: R,
  logp: tf.Tensor2D,
  refLogp: tf.Tensor2D,
  mask: tf.Tensor2D,
  beta: number,
  kind: KlEstimator,
): R {
  assertSameShape(logp, mask, 'rewardsWithKlPenalty: logp', 'mask');
  tf.util.assert(rewards.shape[0] === logp.shape[0], () => `rewardsWithKlPenalty: rewards has ${rewards.shape[0]} rows but logp has ${logp.shape[0]}`);
  if (rewards.rank === 2) assertSameShape(rewards, logp, 'rewardsWithKlPenalty: rewards [N, T]', 'logp');
  return tf.tidy(() => {
    if (beta === 0) return tf.clone(rewards);
    const kl = tf.mul(klPenalty(logp, refLogp, kind), mask); // [N, T]
    return rewards.rank === 1 ? tf.sub(rewards, tf.mul(tf.sum(kl, 1), beta)) : tf.sub(rewards, tf.mul(kl, beta));
  });
}

/**
 * The exact KL(p ‖ q) at every position, summed over the vocabulary instead of estimated from
 * the one sampled token:
 *
 *   KL_t = Σ_v p_t(v) · (log p_t(v) - log q_t(v))
 *
 * logP, logQ: [N, T, V] log-probabilities (log-softmax of the logits at the temperature the loss
 * uses); returns [N, T]. With p = π_θ and q = π_ref it is the reference KL that k1/k2/k3
 * estimate (objective.klEstimator 'exact'); with p = π_old and q = π_θ it is KL(π_old ‖ π_θ),
 * PPO-Penalty's penalty and TRPO's constraint (objective.policyKl 'exact'). Never negative (up
 * to rounding), no variance from sampling, and differentiable w.r.t. both arguments: with
 * respect to q it is the cross-entropy's gradient, p - softmax(q) per position, whose Hessian at
 * q = p is the Fisher of the softmax (what TRPO's conjugate gradient wants).
 *
 * The vocabulary here has 68 words, so this costs one [N, T, V] product; a real LLM's ~150k
 * tokens are why TRL and veRL sample (Schulman, "Approximating KL Divergence", 2020).
 * mask [N, T]: masked positions get exactly 0 (padding's junk log-probs never reach the sum).
 */
export function exactKl(logP: tf.Tensor3D, logQ: tf.Tensor3D, mask?: tf.Tensor2D): tf.Tensor2D {
  assertSameShape(logP, logQ, 'exactKl: logP', 'logQ');
  tf.util.assert(logP.rank === 3, () => `exactKl: logP must be [N, T, V], got rank ${logP.rank}`);
  if (mask) tf.util.assert(mask.shape[0] === logP.shape[0] && mask.shape[1] === logP.shape[1], () => `exactKl: mask [${mask.shape.join(', ')}] must be [N, T] of logP [${logP.shape.join(', ')}]`);
  return tf.tidy(() => {
    // p · (log p - log q). The difference is clamped so a word with p = 0 (log p = -Infinity) gives
    // 0 · (-1e4) = 0, not 0 · (-Infinity) = NaN; finite log-softmax outputs never come near the clamp.
    // Masked positions are zeroed before anything else: junk there (even -Infinity in both) must not
    // reach the gradient as NaN, as klPenalty's mask guards.
    const m3 = mask ? tf.broadcastTo(tf.expandDims(mask, -1), logP.shape) : null;
    const lp = m3 ? maskOut(logP, m3) : logP;
    const lq = m3 ? maskOut(logQ, m3) : logQ;
    const p = tf.exp(lp);
    const diff = tf.clipByValue(tf.sub(lp, lq), -1e4, 1e4);
    const kl = sumOnDevice(tf.mul(p, diff), -1) as tf.Tensor2D; // [N, T]
    return mask ? maskOut(kl, mask) : kl;
  });
}
