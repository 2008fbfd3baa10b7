/**
 * PPO with the value head as critic (Schulman et al. 2017, arXiv:1707.06347), in the RLHF
 * form of Ziegler et al. 2019 (arXiv:1909.08593) and TRL's `PPOTrainer`:
 *
 *   1. token rewards: the response's score on its last valid token, minus β · KL_t to the
 *      reference on every token when klMode = 'reward' (TRL: kl_coef, k1 per token);
 *   2. GAE(γ, λ) over the response's tokens with the value head's predictions V_t (rl/gae);
 *   3. advantages whitened over the batch (CleanRL norm_adv);
 *   4. mu epochs x minibatches of
 *        L = clipped surrogate + c_V · clipped value loss - c_H · entropy  (+ β · KL if klMode 'loss'),
 *      stopping early once approx KL(π_old || π_θ) exceeds earlyStopKl (CleanRL target_kl).
 *
 * PPO-Penalty (the paper's eq. 8, the form the survey introduces first) has no clipping:
 *
 *   L = -ρ·A + β · KL[π_old || π_θ]  (+ value loss, entropy)
 *
 * and adapts β after every iteration toward targetKl from the KL measured after the update
 * (klAdaptRule: Ziegler's proportional controller, or the paper's own rule, which halves or
 * doubles β; rl/trustRegion.ts). The KL is exact over the vocabulary by default (policyKl).
 * Its β penalises drift from π_old, so PPO-Penalty needs no reference model.
 *
 * The policy and value head share the trunk: the value loss trains the trunk too (at lr);
 * the value head itself steps at valueLr.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOutput } from '../model';
import { NO_CLIP, aggregate, explainedVariance, gae, maskedMean, rewardsAtLastToken, rewardsWithKlPenalty, valueLoss, whiten } from '../rl';
import { batchRows, forwardOptions, policyDriftKl, runUpdates, sampledEstimator, surrogateObjective, type Batch, type LossTerms, type Rows, type UpdateContext } from './common';

/**
 * Step 1: the per-token rewards GAE runs on. `placed` is the score on the tokens (dense rewards,
 * rewards.dense, already sit on their tokens; otherwise the score is paid at the end), [N, T], the
 * caller's. `gaeRewards` is a new tensor, `placed` − β·KL_t, when the KL is in the reward, else
 * null: GAE then runs on `placed` itself (no copy of it is made).
 */
export function tokenRewards(ctx: UpdateContext): { placed: tf.Tensor2D; gaeRewards: tf.Tensor2D | null } {
  const { batch, config } = ctx;
  const o = config.objective;
  const klInReward = o.klMode === 'reward' && Boolean(batch.refLogp) && ctx.beta > 0;
  const placed = tf.tidy(() => (batch.tokenScores ? tf.clone(batch.tokenScores) : rewardsAtLastToken(batch.scores, batch.mask))); // [N, T]
  // rewardsWithKlPenalty tidies its own intermediates.
  const gaeRewards = klInReward ? rewardsWithKlPenalty(placed, batch.oldLogp, batch.refLogp!, batch.mask, ctx.beta, sampledEstimator(o.klEstimator)) : null;
  return { placed, gaeRewards };
}

/** Steps 1-3 above, shared with TRPO: token rewards, GAE, whitening. Records value/adv diagnostics (and, for Inspect, the token rewards). */
export function criticAdvantages(ctx: UpdateContext): { advantages: tf.Tensor2D; returns: tf.Tensor2D; oldValues: tf.Tensor2D } {
  const { batch, config, rec } = ctx;
  const o = config.objective;
  const oldValues = batch.oldValues;
  if (!oldValues) throw new Error(`${o.algorithm}: the batch has no value predictions (the trainer must run the critic pass)`);
  const { placed, gaeRewards } = tokenRewards(ctx);
  const { advantages, returns } = gae(gaeRewards ?? placed, oldValues, batch.mask, o.gamma, o.lambda);
  rec.stats('adv', advantages, batch.mask); // before whitening: the whitened ones are mean 0, std 1 by construction
  rec.set('value/explained_var', explainedVariance(oldValues, returns, batch.mask));
  rec.set('value/mean', maskedMean(oldValues, batch.mask) as tf.Scalar);
  if (ctx.keepTokens) {
    rec.tokens('values', tf.clone(oldValues));
    rec.tokens('returns', tf.clone(returns));
    rec.tokens('tokenAdvantages', tf.clone(advantages));
    rec.advantages(tf.tidy(() => maskedMean(advantages, batch.mask, 1) as tf.Tensor1D));
    // Inspect shows where inside each response the reward was paid, and what GAE made of it.
    rec.tokens('tokenRewards', placed);
    if (gaeRewards) rec.tokens('gaeRewards', gaeRewards);
  } else {
    tf.dispose([placed, ...(gaeRewards ? [gaeRewards] : [])]);
  }
  if (!o.whitenAdvantages) return { advantages, returns, oldValues };
  const white = whiten(advantages, batch.mask) as tf.Tensor2D;
  advantages.dispose();
  return { advantages: white, returns, oldValues };
}

/** The clipped value loss of the minibatch (values: V_θ from this forward). */
function valueTerm(ctx: UpdateContext, mb: Rows, fwd: ForwardOutput): tf.Scalar {
  const clip = ctx.config.objective.valueClip;
  return valueLoss(fwd.values, mb.oldValues!, mb.returns!, mb.mask, clip > 0 ? clip : undefined).loss;
}

/** PPO-Clip's minibatch loss: clipped surrogate (+ KL, entropy) + c_V · value loss. */
function ppoClipLoss(ctx: UpdateContext, mb: Rows, fwd: ForwardOutput): LossTerms {
  const o = ctx.config.objective;
  const policy = surrogateObjective(ctx, mb, fwd, { epsLow: o.epsLow, epsHigh: o.epsHigh, beta: o.klMode === 'loss' ? ctx.beta : 0, reportClip: true });
  const vLoss = valueTerm(ctx, mb, fwd);
  policy.record['loss/value'] = vLoss;
  return { ...policy, loss: tf.add(policy.loss, tf.mul(vLoss, o.valueCoef)) };
}

/**
 * PPO-Penalty's minibatch loss: unclipped surrogate + β · KL(π_old || π_θ) (+ entropy) +
 * c_V · value loss. The KL is exact, summed over the vocabulary at each position (policyKl
 * 'exact', the default), or the k3 estimate on the sampled tokens (they came from π_old).
 */
function ppoPenaltyLoss(ctx: UpdateContext, mb: Rows, fwd: ForwardOutput): LossTerms {
  const o = ctx.config.objective;
  const policy = surrogateObjective(ctx, mb, fwd, { ...NO_CLIP, beta: 0, reportClip: false });
  const klOld = policyDriftKl(fwd, mb); // [m, T]
  const penalty = tf.mul(aggregate(klOld, mb.mask, o.lossAggregation, ctx.batch.T), ctx.beta);
  const policyLoss = tf.add<tf.Scalar>(policy.loss, penalty);
  const vLoss = valueTerm(ctx, mb, fwd);
  policy.record['loss/policy'] = policyLoss;
  policy.record['loss/value'] = vLoss;
  const { lossWeight, contribution } = policy.tokens;
  // Inspect's per-token share of loss/policy gains the penalty's: weight · β · KL(π_old ‖ π_θ)_t.
  if (lossWeight && contribution) policy.tokens.contribution = tf.add<tf.Tensor2D>(contribution, tf.mul(lossWeight, tf.mul(klOld, ctx.beta)));
  return { ...policy, loss: tf.add(policyLoss, tf.mul(vLoss, o.valueCoef)) };
}

export function ppoUpdate(ctx: UpdateContext, variant: 'clip' | 'penalty'): void {
  const { batch, config } = ctx;
  const o = config.objective;
  // 1-3. Token rewards -> GAE with the critic's values -> whitened advantages.
  const { advantages, returns, oldValues } = criticAdvantages(ctx);
  const rows = batchRows(batch, advantages, { oldValues, returns });
  // 4. Epochs x minibatches of the clipped (or penalised) surrogate + value loss.
  runUpdates(ctx, rows, (mb, fwd) => (variant === 'clip' ? ppoClipLoss(ctx, mb, fwd) : ppoPenaltyLoss(ctx, mb, fwd)), {
    withValue: true,
    earlyStopKl: o.earlyStopKl,
  });
  if (variant === 'penalty') ctx.rec.set('policy/kl_after_update', klAfterUpdate(ctx, batch));
  tf.dispose([advantages, returns]);
}

/** KL(π_old || π_θ) over the whole batch after the update: the d that PPO-Penalty's β adapts to. */
function klAfterUpdate(ctx: UpdateContext, b: Batch): tf.Scalar {
  return tf.tidy(() => {
    const fwd = ctx.policy.forward(b.images, b.prompts, b.tokens, forwardOptions(ctx.config, b));
    return maskedMean(policyDriftKl(fwd, b), b.mask) as tf.Scalar;
  });
}
