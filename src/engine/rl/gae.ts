/**
 * Generalised Advantage Estimation (Schulman et al. 2016, arXiv:1506.02438) for PPO with a
 * learned value head, plus the per-token reward layout it consumes.
 *
 * Every response is one episode: its tokens are the time steps, the episode ends after the
 * last valid token (mask = 1), and positions after it are terminal (value 0, reward 0),
 * exactly what TRL's PPOTrainer gets by zeroing values and rewards past the end.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, assertRank, assertSameShape, maskOut } from './masked';

export type GaeResult = {
  /** Â_t, [B, T]; 0 at masked positions. */
  advantages: tf.Tensor2D;
  /** Â_t + V_t, the value-head target (the λ-return), [B, T]; 0 at masked positions. */
  returns: tf.Tensor2D;
};

/**
 * GAE as PPO trains with it (CleanRL `ppo.py`, TRL `PPOTrainer`), on the device with no
 * readback. Per row, over valid positions t:
 *
 *   δ_t = r_t + γ · V_{t+1} - V_t            (V_{t+1} = 0 past the last valid token)
 *   Â_t = δ_t + γ · λ · Â_{t+1}  =  Σ_{k >= t} (γλ)^{k-t} δ_k
 *   R_t = Â_t + V_t
 *
 * The backward recursion is sequential in t; its closed form is one [N, T] x [T, T] matmul,
 * Â = δ · M with M[k, t] = (γλ)^{k-t} for k >= t, else 0. That sum runs to the end of the
 * row, so it equals the recursion when the valid tokens are a prefix of each row (every
 * rollout's are: the mask is 1 up to and including <eos>); gae.test.ts checks it against the
 * recursion itself. Padding may hold anything: it is masked out of δ and of the results.
 * A fully masked row gives all zeros. Advantages and returns are targets, not differentiated
 * through.
 */
export function gae(rewards: tf.Tensor2D, values: tf.Tensor2D, mask: tf.Tensor2D, gamma: number, lambda: number): GaeResult {
  assertRank(rewards, 2, 'gae: rewards', '[B, T]');
  assertSameShape(rewards, values, 'gae: rewards', 'values');
  assertSameShape(rewards, mask, 'gae: rewards', 'mask');
  tf.util.assert(gamma >= 0 && gamma <= 1, () => `gae: gamma must be in [0, 1], got ${gamma}`);
  tf.util.assert(lambda >= 0 && lambda <= 1, () => `gae: lambda must be in [0, 1], got ${lambda}`);
  const [n, t] = rewards.shape;
  const discount = new Float32Array(t * t); // M, [T, T]
  for (let k = 0; k < t; k++) for (let j = 0; j <= k; j++) discount[k * t + j] = (gamma * lambda) ** (k - j);
  return tf.tidy(() => {
    const m = asFloat32(mask);
    // Padding may hold junk (NaN, Infinity): select it away before any arithmetic.
    const [r, v] = [maskOut(asFloat32(rewards), m), maskOut(asFloat32(values), m)];
    const shift = (x: tf.Tensor2D) => tf.concat([tf.slice(x, [0, 1], [n, t - 1]), tf.zeros([n, 1])], 1); // x_{t+1}, 0 past the end
    const nextValues = tf.mul(shift(v), shift(m)); // [N, T]: V_{t+1}, 0 after the last valid token
    const delta = tf.mul(tf.sub(tf.add(r, tf.mul(nextValues, gamma)), v), m); // [N, T]
    const advantages = tf.mul<tf.Tensor2D>(tf.matMul(delta, tf.tensor2d(discount, [t, t])), m); // [N, T]
    const returns = tf.mul<tf.Tensor2D>(tf.add(advantages, v), m); // [N, T]
    return { advantages, returns };
  });
}

/**
 * Per-token rewards for PPO from one scalar score per response: the score lands on the last
 * valid token, every other token gets 0 (TRL `PPOTrainer`; Ziegler et al. 2019). Add a
 * per-token KL penalty (-β · klPenalty) to this before calling `gae`.
 *
 * scores: [B], mask: [B, T] with valid tokens a prefix of each row -> rewards: [B, T].
 * A fully masked row gets no reward.
 */
export function rewardsAtLastToken(scores: tf.Tensor1D, mask: tf.Tensor2D): tf.Tensor2D {
  assertRank(scores, 1, 'rewardsAtLastToken: scores', '[B]');
  assertRank(mask, 2, 'rewardsAtLastToken: mask', '[B, T]');
  tf.util.assert(
    scores.shape[0] === mask.shape[0],
    () => `rewardsAtLastToken: scores has ${scores.shape[0]} rows but mask has ${mask.shape[0]}`,
  );
  return tf.tidy(() => {
    const lengths = tf.sum(asFloat32(mask), 1); // [B]
    const last = tf.cast(tf.sub(lengths, 1), 'int32'); // [B]; -1 for an empty row, which oneHot maps to all zeros
    const onLast = tf.cast(tf.oneHot(last, mask.shape[1]), 'float32'); // [B, T]
    return tf.mul(onLast, tf.expandDims(asFloat32(scores), 1)); // [B, T]
  });
}
