/**
 * PPO with the value head as critic (Schulman et al. 2017, arXiv:1707.06347), in the RLHF
 * form of Ziegler et al. 2019 (arXiv:1909.08593) and TRL's `PPOTrainer`:
 *
 *   1. token rewards: the response's score on its last valid token, minus β · KL_t to the
 *      reference on every token when klMode = 'reward' (TRL: kl_coef, k1 per token);
 *   2. GAE(γ, λ) over the response's tokens with the value head's predictions V_t;
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
 * (Ziegler's proportional controller, rl/trustRegion.ts; the paper's rule halves or doubles β).
 * Its β penalises drift from π_old, so PPO-Penalty needs no reference model.
 *
 * The policy and value head share the trunk: the value loss trains the trunk too (at lr);
 * the value head itself steps at valueLr.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOutput } from '../model';
import { aggregate, explainedVariance, klPenalty, maskedMean, rewardsAtLastToken, valueLoss, whiten } from '../rl';
import { batchRows, runUpdates, surrogateObjective, type Batch, type LossTerms, type Rows, type UpdateContext } from './common';

/**
 * GAE on the device (no readback), for responses whose valid tokens are a prefix of the row
 * (as every rollout's are). With δ_t = r_t + γ V_{t+1} m_{t+1} - V_t (masked),
 *
 *   Â_t = Σ_{k >= t} (γλ)^{k-t} δ_k   =  (δ · M)_t,   M[k, t] = (γλ)^{k-t} for k >= t, else 0,
 *
 * one [N, T] x [T, T] matmul instead of a backward loop. Equal to rl/gae (tested) under the
 * prefix-mask assumption. Returns {advantages, returns = Â + V}, both 0 where masked.
 */
export function gaeOnDevice(rewards: tf.Tensor2D, values: tf.Tensor2D, mask: tf.Tensor2D, gamma: number, lambda: number): { advantages: tf.Tensor2D; returns: tf.Tensor2D } {
  const [n, t] = rewards.shape;
  const discount = new Float32Array(t * t);
  for (let k = 0; k < t; k++) for (let j = 0; j <= k; j++) discount[k * t + j] = (gamma * lambda) ** (k - j);
  return tf.tidy(() => {
    const shift = (x: tf.Tensor2D) => tf.concat([tf.slice(x, [0, 1], [n, t - 1]), tf.zeros([n, 1])], 1); // x_{t+1}, 0 past the end
    const nextValues = tf.mul(shift(values), shift(mask)); // [N, T]: V_{t+1}, 0 after the last valid token
    const delta = tf.mul(tf.sub(tf.add(rewards, tf.mul(nextValues, gamma)), values), mask); // [N, T]
    const advantages = tf.mul<tf.Tensor2D>(tf.matMul(delta, tf.tensor2d(discount, [t, t])), mask); // [N, T]
    const returns = tf.mul<tf.Tensor2D>(tf.add(advantages, values), mask);
    return { advantages, returns };
  });
}

/** Steps 1-3 above, shared with TRPO: token rewards, GAE, whitening. Records value/adv diagnostics. */
export function criticAdvantages(ctx: UpdateContext): { advantages: tf.Tensor2D; returns: tf.Tensor2D; oldValues: tf.Tensor2D } {
  const { batch, config, rec } = ctx;
  const o = config.objective;
  const oldValues = batch.oldValues;
  if (!oldValues) throw new Error(`${o.algorithm}: the batch has no value predictions (the trainer must run the critic pass)`);
  const { advantages, returns } = tf.tidy(() => {
    let tokenRewards = rewardsAtLastToken(batch.scores, batch.mask); // [N, T]
    if (o.klMode === 'reward' && batch.refLogp && ctx.beta > 0) {
      const kl = tf.mul(klPenalty(batch.oldLogp, batch.refLogp, o.klEstimator), batch.mask);
      tokenRewards = tf.sub(tokenRewards, tf.mul(kl, ctx.beta));
    }
    return gaeOnDevice(tokenRewards, oldValues, batch.mask, o.gamma, o.lambda);
  });
  rec.stats('adv', advantages, batch.mask); // before whitening: the whitened ones are mean 0, std 1 by construction
  rec.set('value/explained_var', explainedVariance(oldValues, returns, batch.mask));
  rec.set('value/mean', maskedMean(oldValues, batch.mask) as tf.Scalar);
  if (ctx.keepTokens) {
    rec.array('values', 'tokens', tf.clone(oldValues));
    rec.array('returns', 'tokens', tf.clone(returns));
    rec.array('tokenAdvantages', 'tokens', tf.clone(advantages));
    rec.array('advantage', 'rows', tf.tidy(() => maskedMean(advantages, batch.mask, 1)));
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
 * c_V · value loss. The KL is the k3 estimate on the sampled tokens (they came from π_old).
 */
function ppoPenaltyLoss(ctx: UpdateContext, mb: Rows, fwd: ForwardOutput): LossTerms {
  const o = ctx.config.objective;
  const policy = surrogateObjective(ctx, mb, fwd, { epsLow: Infinity, epsHigh: Infinity, beta: 0, reportClip: false });
  // ρ - 1 - log ρ with ρ = π_θ / π_old: the estimator klPenalty(oldLogp, logp, 'k3') computes.
  const klOld = klPenalty(mb.oldLogp, fwd.logp, 'k3') as tf.Tensor2D;
  const penalty = tf.mul(aggregate(klOld, mb.mask, o.lossAggregation, ctx.batch.T), ctx.beta);
  const policyLoss = tf.add<tf.Scalar>(policy.loss, penalty);
  const vLoss = valueTerm(ctx, mb, fwd);
  policy.record['loss/policy'] = policyLoss;
  policy.record['loss/value'] = vLoss;
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
    const { logp } = ctx.policy.forward(b.images, b.prompts, b.tokens, { temperature: ctx.config.sampling.temperature });
    return maskedMean(klPenalty(b.oldLogp, logp, 'k3'), b.mask) as tf.Scalar;
  });
}
