/**
 * GRPO, Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath, arXiv:2402.03300,
 * eq. 3), as TRL's `GRPOTrainer` implements it:
 *
 *   J(θ) = E_q E_{o_1..o_G ~ π_old(·|q)} (1/G) Σ_i (1/|o_i|) Σ_t
 *            [ min( ρ_{i,t} Â_i, clip(ρ_{i,t}, 1-ε, 1+ε) Â_i ) - β · D_KL[π_θ || π_ref] ]
 *
 *   Â_i = (r_i - mean(r_1..r_G)) / (std(r_1..r_G) + 1e-4)       (outcome supervision)
 *   D_KL = π_ref/π_θ - log(π_ref/π_θ) - 1                      (k3, per token)
 *
 * G samples per prompt replace PPO's critic: the group mean is the baseline. The same knobs
 * give the family:
 * - Dr. GRPO (Liu et al. 2025, arXiv:2503.20783): advantageScale 'none' (no std division) and
 *   lossAggregation 'seq-mean-token-sum-norm' (no 1/|o_i|): removes the length and difficulty biases.
 * - DAPO (Yu et al. 2025, arXiv:2503.14476): clip-higher (epsHigh 0.28 > epsLow 0.2), dynamic
 *   sampling (trainer + ../train/filter.ts), 'token-mean' aggregation, overlong reward shaping,
 *   no KL.
 * - GSPO (Zheng et al. 2025, arXiv:2507.18071): ratioLevel 'sequence', the length-normalised
 *   sequence ratio (π_θ(o)/π_old(o))^(1/|o|), clipped per sequence with a tiny range.
 */
import * as tf from '@tensorflow/tfjs-core';
import { groupAdvantages } from '../rl';
import { batchRows, runUpdates, scoresWithKlPenalty, surrogateObjective, type UpdateContext } from './common';

export function grpoUpdate(ctx: UpdateContext): void {
  const { batch, config } = ctx;
  const o = config.objective;
  // 1. Group-normalised outcome advantage, one number per response (broadcast over its tokens).
  const advantages = tf.tidy(() => {
    const scores = o.klMode === 'reward' ? scoresWithKlPenalty(batch, ctx.beta, o.klEstimator) : batch.scores;
    return groupAdvantages(scores, batch.groupSize, o.advantageScale);
  });
  ctx.rec.stats('adv', advantages);
  ctx.rec.advantages(tf.clone(advantages));
  // 2. mu epochs x minibatches of the clipped surrogate minus β · k3 KL to the reference.
  const beta = o.klMode === 'loss' ? ctx.beta : 0;
  runUpdates(ctx, batchRows(batch, advantages), (mb, fwd) => surrogateObjective(ctx, mb, fwd, { epsLow: o.epsLow, epsHigh: o.epsHigh, beta, reportClip: true }), {
    withValue: false,
    earlyStopKl: o.earlyStopKl,
  });
  advantages.dispose();
}
