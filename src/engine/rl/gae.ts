/**
 * Generalised Advantage Estimation (Schulman et al. 2016, arXiv:1506.02438) for PPO with a
 * learned value head, plus the per-token reward layout it consumes.
 *
 * Every response is one episode: its tokens are the time steps, the episode ends after the
 * last valid token (mask = 1), and positions after it are terminal (value 0, reward 0),
 * exactly what TRL's PPOTrainer gets by zeroing values and rewards past the end.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, assertRank, assertSameShape } from './masked';

export type GaeResult = {
  /** Â_t, [B, T]; 0 at masked positions. */
  advantages: tf.Tensor2D;
  /** Â_t + V_t, the value-head target (the λ-return), [B, T]; 0 at masked positions. */
  returns: tf.Tensor2D;
};

/**
 * Backward recursion, per row, over valid positions t (CleanRL `ppo.py`, TRL `PPOTrainer`):
 *
 *   δ_t = r_t + γ · V_{t+1} - V_t            (V_{t+1} = 0 past the last valid token)
 *   Â_t = δ_t + γ · λ · Â_{t+1}              (Â_{t+1} = 0 past the last valid token)
 *   R_t = Â_t + V_t
 *
 * A masked position breaks the chain: it is treated as terminal, so nothing flows back
 * through it. A fully masked row gives all zeros.
 *
 * The recursion is sequential in t, so it runs on host arrays (one readback of three [B, T]
 * tensors, T <= 64) and the results go back as new tensors. Advantages and returns are
 * targets, not differentiated through, so nothing is lost by leaving the graph here.
 */
export function gae(rewards: tf.Tensor2D, values: tf.Tensor2D, mask: tf.Tensor2D, gamma: number, lambda: number): GaeResult {
  assertRank(rewards, 2, 'gae: rewards', '[B, T]');
  assertSameShape(rewards, values, 'gae: rewards', 'values');
  assertSameShape(rewards, mask, 'gae: rewards', 'mask');
  tf.util.assert(gamma >= 0 && gamma <= 1, () => `gae: gamma must be in [0, 1], got ${gamma}`);
  tf.util.assert(lambda >= 0 && lambda <= 1, () => `gae: lambda must be in [0, 1], got ${lambda}`);
  const [b, t] = rewards.shape;
  const r = rewards.dataSync();
  const v = values.dataSync();
  const m = mask.dataSync();
  const adv = new Float32Array(b * t);
  const ret = new Float32Array(b * t);
  for (let row = 0; row < b; row++) {
    let nextValue = 0; // V_{t+1}
    let nextAdv = 0; // Â_{t+1}
    for (let col = t - 1; col >= 0; col--) {
      const i = row * t + col;
      if (!(m[i]! > 0)) {
        // Terminal: whatever the padding holds, it contributes nothing.
        nextValue = 0;
        nextAdv = 0;
        continue;
      }
      const delta = r[i]! + gamma * nextValue - v[i]!;
      nextAdv = delta + gamma * lambda * nextAdv;
      adv[i] = nextAdv;
      ret[i] = nextAdv + v[i]!;
      nextValue = v[i]!;
    }
  }
  return { advantages: tf.tensor2d(adv, [b, t]), returns: tf.tensor2d(ret, [b, t]) };
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
