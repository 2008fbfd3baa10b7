/**
 * REINFORCE (Williams 1992) with a baseline, and RLOO (REINFORCE Leave-One-Out; Kool et al.
 * 2019, Ahmadian et al. 2024 "Back to Basics", arXiv:2402.14740; TRL `RLOOTrainer`).
 *
 * The oldest policy gradient: raise the log-probability of each sampled response in
 * proportion to how much better than a baseline it scored,
 *
 *   ∇J ≈ mean_i A_i · Σ_t ∇ log π_θ(y_{i,t})      (aggregated as the config says)
 *
 * - 'reinforce': A_i = r_i - mean_j r_j, the batch mean as baseline.
 * - 'rloo':      A_i = r_i - mean_{j ≠ i, same prompt} r_j, the other G-1 samples of the
 *                same prompt as baseline (unbiased, and per-prompt).
 *
 * No critic, no clipping needed: with one update per rollout (the presets) the ratio is 1 and
 * the loss below is exactly the REINFORCE gradient. With more epochs it uses the same clipped
 * importance ratio as PPO, as TRL's RLOOTrainer does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { reinforceBaselineAdvantages, rlooAdvantages } from '../rl';
import { batchRows, runUpdates, scoresWithKlPenalty, surrogateObjective, type UpdateContext } from './common';

/** Sequence advantages [N] for REINFORCE (batch-mean baseline) or RLOO (leave-one-out baseline). */
export function reinforceAdvantages(scores: tf.Tensor1D, groupSize: number, kind: 'reinforce' | 'rloo'): tf.Tensor1D {
  return kind === 'rloo' ? rlooAdvantages(scores, groupSize) : reinforceBaselineAdvantages(scores);
}

export function reinforceUpdate(ctx: UpdateContext, kind: 'reinforce' | 'rloo'): void {
  const { batch, config } = ctx;
  const o = config.objective;
  // 1. Score each response (optionally minus β · its KL to the reference), then the baseline.
  const advantages = tf.tidy(() => {
    const scores = o.klMode === 'reward' ? scoresWithKlPenalty(batch, ctx.beta, o.klEstimator) : batch.scores;
    return reinforceAdvantages(scores, batch.groupSize, kind);
  });
  ctx.rec.stats('adv', advantages);
  ctx.rec.advantages(tf.clone(advantages));
  // 2. Policy-gradient steps on -A · ratio (ratio = 1 on the first step).
  const beta = o.klMode === 'loss' ? ctx.beta : 0;
  runUpdates(ctx, batchRows(batch, advantages), (mb, fwd) => surrogateObjective(ctx, mb, fwd, { epsLow: o.epsLow, epsHigh: o.epsHigh, beta, reportClip: true }), {
    withValue: false,
    earlyStopKl: o.earlyStopKl,
  });
  advantages.dispose();
}
