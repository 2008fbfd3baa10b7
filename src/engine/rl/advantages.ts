/**
 * Critic-free advantages: turn one scalar reward per sampled response into an advantage,
 * using the other responses to the same prompt (its "group") as the baseline.
 *
 * Layout: rewards is [N] with N = numPrompts * G, the G samples of each prompt adjacent
 * (prompt 0's G samples, then prompt 1's, ...), as TRL's GRPOTrainer lays them out.
 * Every function returns a new tensor the caller disposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { STD_EPS, ZERO_VARIANCE_RTOL, type AdvantageScale } from './host';
import { assertRank, assertSameShape, asFloat32, maskOut, maskedMean, maskedVar } from './masked';

function assertGroups(rewards: tf.Tensor, groupSize: number, fn: string): void {
  assertRank(rewards, 1, `${fn}: rewards`, '[N]');
  tf.util.assert(Number.isInteger(groupSize) && groupSize >= 1, () => `${fn}: groupSize must be a positive integer, got ${groupSize}`);
  tf.util.assert(
    rewards.shape[0] % groupSize === 0,
    () => `${fn}: N = ${rewards.shape[0]} rewards do not split into groups of ${groupSize}`,
  );
}

/**
 * Sample std of x along axis 1 with Bessel's correction (torch.std's default, which TRL
 * uses): sqrt(Σ (x - mean)^2 / (n - 1)). A row of one element has std 0.
 */
function besselStd(x: tf.Tensor2D): tf.Tensor1D {
  const n = x.shape[1];
  const centred = tf.sub(x, tf.mean(x, 1, true));
  return tf.sqrt(tf.div<tf.Tensor1D>(tf.sum(tf.square(centred), 1), Math.max(n - 1, 1)));
}

/**
 * GRPO's group-relative advantage (TRL `GRPOTrainer._generate_and_score_completions`):
 *
 *   A_i = (r_i - mean_{j in group(i)} r_j) / (std + 1e-4)
 *
 * std is the Bessel-corrected std of the group ('group') or of the whole batch of raw
 * rewards ('batch'); 'none' skips the division (Dr. GRPO). A group whose rewards are all
 * equal gets advantage exactly 0: it carries no learning signal (DAPO's dynamic sampling
 * drops such groups; see `groupStd`).
 *
 * rewards: [N] -> advantages: [N].
 */
export function groupAdvantages(rewards: tf.Tensor1D, groupSize: number, scale: AdvantageScale): tf.Tensor1D {
  assertGroups(rewards, groupSize, 'groupAdvantages');
  const n = rewards.shape[0];
  return tf.tidy(() => {
    const r = asFloat32(rewards);
    const grouped = tf.reshape<tf.Rank.R2>(r, [n / groupSize, groupSize]); // [P, G]
    const groupMean = tf.mean(grouped, 1, true); // [P, 1]
    const ownStd = tf.expandDims(besselStd(grouped), 1); // [P, 1]: each group's own std
    // host.ts isZeroVariance: std <= 1e-6 · max(1, |mean|) -> exactly 0, not rounding / 1e-4.
    const live = tf.cast(tf.greater(ownStd, tf.mul(tf.maximum(tf.abs(groupMean), 1), ZERO_VARIANCE_RTOL)), 'float32');
    const centred = tf.mul(tf.sub(grouped, groupMean), live); // [P, G]
    if (scale === 'none') return tf.reshape(centred, [n]);
    const std = scale === 'group' ? ownStd : besselStd(tf.reshape<tf.Rank.R2>(r, [1, n])); // [P, 1] or [1]: the batch's
    return tf.reshape(tf.div(centred, tf.add(std, STD_EPS)), [n]);
  });
}

/**
 * The Bessel-corrected std of each group's rewards, [N] -> [N / G]. An entry that is zero up to
 * rounding (host.ts `isZeroVariance`) marks a group with no learning signal: `groups/zero_std_frac`
 * counts them, and DAPO's dynamic sampling (Yu et al. 2025, arXiv:2503.14476) drops them.
 */
export function groupStd(rewards: tf.Tensor1D, groupSize: number): tf.Tensor1D {
  assertGroups(rewards, groupSize, 'groupStd');
  return tf.tidy(() => besselStd(tf.reshape(asFloat32(rewards), [rewards.shape[0] / groupSize, groupSize])));
}

/**
 * REINFORCE Leave-One-Out (Kool et al. 2019; Ahmadian et al. 2024, arXiv:2402.14740):
 * the baseline for sample i is the mean reward of the other G-1 samples of its prompt,
 *
 *   A_i = r_i - (Σ_{j in group} r_j - r_i) / (G - 1)  =  G / (G - 1) · (r_i - group mean),
 *
 * which is unbiased because the baseline does not depend on sample i. Needs G >= 2.
 * rewards: [N] -> advantages: [N].
 */
export function rlooAdvantages(rewards: tf.Tensor1D, groupSize: number): tf.Tensor1D {
  assertGroups(rewards, groupSize, 'rlooAdvantages');
  tf.util.assert(groupSize >= 2, () => `rlooAdvantages: needs groupSize >= 2 (a leave-one-out baseline), got ${groupSize}`);
  const n = rewards.shape[0];
  return tf.tidy(() => {
    const grouped = tf.reshape<tf.Rank.R2>(asFloat32(rewards), [n / groupSize, groupSize]); // [P, G]
    const othersMean = tf.div(tf.sub(tf.sum(grouped, 1, true), grouped), groupSize - 1); // [P, G]
    return tf.reshape(tf.sub(grouped, othersMean), [n]);
  });
}

/**
 * REINFORCE with the batch-mean baseline (Williams 1992): A_i = r_i - mean_j r_j over all
 * N samples. The simplest variance reduction; no groups needed. rewards: [N] -> [N].
 */
export function reinforceBaselineAdvantages(rewards: tf.Tensor1D): tf.Tensor1D {
  assertRank(rewards, 1, 'reinforceBaselineAdvantages: rewards', '[N]');
  return tf.tidy(() => {
    const r = asFloat32(rewards);
    return tf.sub(r, tf.mean(r));
  });
}

/**
 * Masked whitening (TRL / veRL `masked_whiten`), used on PPO's GAE advantages:
 *
 *   whiten(x) = (x - mean_m(x)) / sqrt(var_m(x) + 1e-8)    [+ mean_m(x) if !shiftMean]
 *
 * with mean and the Bessel-corrected variance taken over valid positions of the whole batch.
 * Unlike TRL, masked positions come back as 0 rather than whitened padding.
 * x, mask: same shape -> same shape.
 */
export function whiten(x: tf.Tensor, mask: tf.Tensor, shiftMean = true): tf.Tensor {
  assertSameShape(x, mask, 'whiten: x', 'mask');
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const xs = maskOut(x, m);
    const mean = maskedMean(xs, m);
    const variance = maskedVar(xs, m, true);
    let w = tf.mul(tf.sub(xs, mean), tf.rsqrt(tf.add(variance, 1e-8)));
    if (!shiftMean) w = tf.add(w, mean);
    return tf.where(tf.greater(m, 0), w, tf.zerosLike(w));
  });
}
