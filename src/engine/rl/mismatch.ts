/**
 * The mismatch between the policy that sampled a rollout (the behaviour policy) and the policy
 * the update starts from, token by token, as TRL (`sampling/importance_sampling_ratio/*`,
 * `sampling/sampling_logp_difference/*`, GRPOTrainer's vLLM importance-sampling correction) and
 * veRL (`rollout_corr/*`) chart it. Here the behaviour policy is π_θ on a NoisyRollout image
 * (Liu et al. 2025, arXiv:2504.13055, §3: rollouts from distorted images, the update on the
 * clean ones), so its updates are off-policy by exactly this ratio:
 *
 *   r_t = π_old(o_t | clean image) / π_behaviour(o_t | noisy image) = exp(logp_t − behaviourLogp_t)
 *
 * Reported over the masked tokens: mean, min and max of r_t, and mean and max of
 * |logp_t − behaviourLogp_t|. An empty mask gives 1, 1, 1, 0, 0 (no mismatch to report).
 */
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, assertSameShape, maskOut } from './masked';

export interface SamplingMismatch {
  ratioMean: tf.Scalar;
  ratioMin: tf.Scalar;
  ratioMax: tf.Scalar;
  logpDiffMean: tf.Scalar;
  logpDiffMax: tf.Scalar;
}

/** logp, behaviourLogp, mask: [N, T] (mask 0/1; masked positions may hold anything). */
export function samplingMismatch(logp: tf.Tensor, behaviourLogp: tf.Tensor, mask: tf.Tensor): SamplingMismatch {
  assertSameShape(logp, behaviourLogp, 'logp', 'behaviourLogp');
  assertSameShape(logp, mask, 'logp', 'mask');
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const on = tf.greater(m, 0);
    const count = tf.sum(m);
    const any = tf.greater(count, 0);
    const diff = maskOut(tf.sub(asFloat32(logp), asFloat32(behaviourLogp)), m); // 0 where masked
    const ratio = tf.exp(diff);
    const absDiff = tf.abs(diff);
    const safeCount = tf.maximum(count, 1);
    const one = tf.scalar(1);
    const ratioMean = tf.where(any, tf.div(tf.sum(tf.mul(ratio, m)), safeCount), one) as tf.Scalar;
    const ratioMin = tf.where(any, tf.min(tf.where(on, ratio, tf.fill(ratio.shape, Infinity))), one) as tf.Scalar;
    const ratioMax = tf.where(any, tf.max(tf.where(on, ratio, tf.fill(ratio.shape, -Infinity))), one) as tf.Scalar;
    const logpDiffMean = tf.div<tf.Scalar>(tf.sum(tf.mul(absDiff, m)), safeCount);
    const logpDiffMax = tf.max<tf.Scalar>(absDiff); // masked positions hold 0, and |x| >= 0
    return { ratioMean, ratioMin, ratioMax, logpDiffMean, logpDiffMax };
  });
}
