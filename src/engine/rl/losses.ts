/**
 * The clipped policy-gradient objective (PPO and its GRPO / DAPO / GSPO descendants), how
 * per-token losses are averaged into one scalar, and the clipped value loss.
 *
 * Shapes: N sequences (responses) x T response positions. logp / oldLogp / mask are [N, T];
 * advantages are [N] (one per sequence, broadcast over its tokens: GRPO, RLOO) or [N, T]
 * (one per token: PPO with GAE). Everything here is differentiable w.r.t. logp and values,
 * so it can sit inside `tf.variableGrads`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { LOSS_AGGREGATIONS, POLICY_LOSS_LEVELS, type LossAggregation, type PolicyLossLevel } from './host';
import { klPenalty } from './kl';
import { asFloat32, assertRank, assertSameShape, maskOut, maskedMean, maskedSum } from './masked';
import { stopGradient } from './stopGradient';

// ---------------------------------------------------------------------------------------
// Aggregation: per-token losses [N, T] -> one scalar
// ---------------------------------------------------------------------------------------

/**
 * How per-token losses become one number (`LossAggregation`, declared in ./host.ts); names are veRL's `loss_agg_mode`. They differ in
 * how much each token weighs, which is the whole point of DAPO's and Dr. GRPO's fixes:
 *
 * - 'token-mean':              Σ_{i,t} L·m / Σ_{i,t} m. Every token weighs the same, so long
 *                              responses are not diluted (DAPO, Yu et al. 2025, arXiv:2503.14476).
 * - 'seq-mean-token-mean':     mean_i ( Σ_t L·m / Σ_t m ). Every sequence weighs the same, so a
 *                              token in a long response weighs less (original GRPO, arXiv:2402.03300).
 * - 'seq-mean-token-sum-norm': mean_i ( Σ_t L·m / maxLen ). A constant normaliser: no length
 *                              bias either way (Dr. GRPO, Liu et al. 2025, arXiv:2503.20783;
 *                              TRL `loss_type='dr_grpo'`).
 *
 * Sequence means run over sequences with at least one valid token: a fully masked row (one
 * dropped from the batch) neither counts nor produces NaN. (TRL's dr_grpo divides by all N rows;
 * the two agree whenever no row is fully masked.)
 */

/**
 * Aggregate per-token values [N, T] into a scalar (see `LossAggregation`). maxLen is the
 * constant of 'seq-mean-token-sum-norm' (the generation budget; defaults to T) and is ignored
 * by the other modes. Linear in perToken, so aggregate(a + b) = aggregate(a) + aggregate(b):
 * a KL or entropy term can be aggregated on its own and added to the policy loss.
 */
export function aggregate(perToken: tf.Tensor2D, mask: tf.Tensor2D, aggregation: LossAggregation, maxLen?: number): tf.Scalar {
  assertRank(perToken, 2, 'aggregate: perToken', '[N, T]');
  assertSameShape(perToken, mask, 'aggregate: perToken', 'mask');
  const normaliser = maxLen ?? perToken.shape[1];
  tf.util.assert(normaliser > 0, () => `aggregate: maxLen must be positive, got ${normaliser}`);
  return tf.tidy(() => {
    const m = asFloat32(mask);
    if (aggregation === 'token-mean') return maskedMean(perToken, m) as tf.Scalar;
    const hasTokens = tf.cast(tf.greater(tf.sum(m, 1), 0), 'float32'); // [N]
    let perSeq: tf.Tensor1D; // [N]
    if (aggregation === 'seq-mean-token-mean') perSeq = maskedMean(perToken, m, 1) as tf.Tensor1D;
    else if (aggregation === 'seq-mean-token-sum-norm') perSeq = tf.div(maskedSum(perToken, m, 1), normaliser);
    else throw new Error(`aggregate: unknown aggregation "${String(aggregation)}"; expected one of ${LOSS_AGGREGATIONS.join(', ')}`);
    return maskedMean(perSeq, hasTokens) as tf.Scalar;
  });
}

/**
 * The weight `aggregate` gives each token, [N, T]: aggregate(x) = Σ_{i,t} w_{i,t}·x_{i,t}
 * (it is linear). token-mean 1/Σm, seq-mean-token-mean 1/(N'·|o_i|), seq-mean-token-sum-norm
 * 1/(N'·maxLen), N' the rows with at least one valid token, 0 on padding: the same
 * denominators as `aggregate`, over the rows of whatever batch or minibatch it is given.
 * Inspect multiplies it into each token's loss term to show the token's share of the loss.
 */
export function tokenLossWeights(mask: tf.Tensor2D, aggregation: LossAggregation, maxLen?: number): tf.Tensor2D {
  assertRank(mask, 2, 'tokenLossWeights: mask', '[N, T]');
  const normaliser = maxLen ?? mask.shape[1];
  return tf.tidy(() => {
    const m = asFloat32(mask);
    if (aggregation === 'token-mean') return tf.div<tf.Tensor2D>(m, tf.maximum(tf.sum(m), 1));
    const lengths = tf.sum(m, 1, true); // [N, 1]
    const live = tf.maximum(tf.sum(tf.cast(tf.greater(lengths, 0), 'float32')), 1); // N'
    let perRow: tf.Tensor; // [N, 1]: the row's tokens' shared denominator before dividing by N'
    if (aggregation === 'seq-mean-token-mean') perRow = tf.maximum(lengths, 1);
    else if (aggregation === 'seq-mean-token-sum-norm') perRow = tf.mul(tf.onesLike(lengths), normaliser);
    else throw new Error(`tokenLossWeights: unknown aggregation "${String(aggregation)}"; expected one of ${LOSS_AGGREGATIONS.join(', ')}`);
    return tf.div<tf.Tensor2D>(m, tf.mul(perRow, live));
  });
}

// ---------------------------------------------------------------------------------------
// Policy loss
// ---------------------------------------------------------------------------------------

/*
 * Where the importance ratio lives (`PolicyLossLevel`, declared in ./host.ts):
 * - 'token':    r_{i,t} = π_θ(y_t) / π_old(y_t), clipped per token (PPO, GRPO, DAPO).
 * - 'sequence': s_i = exp( mean_t log(π_θ(y_t) / π_old(y_t)) ), the length-normalised sequence
 *               ratio, clipped per sequence (GSPO, Zheng et al. 2025, arXiv:2507.18071).
 */

/**
 * Per-token log-ratios are clamped into [-20, 20] before exp, as veRL does, so a wild
 * token cannot overflow float32. Such a ratio is far outside any clip range anyway.
 */
export const LOG_RATIO_CLAMP = 20;

export type PolicyLossInput = {
  /** log π_θ(y_t) of the sampled tokens under the policy being trained, [N, T]. */
  logp: tf.Tensor2D;
  /** log π_old(y_t) under the policy that sampled them (a constant), [N, T]. */
  oldLogp: tf.Tensor2D;
  /** [N] per sequence (broadcast over its tokens) or [N, T] per token. */
  advantages: tf.Tensor1D | tf.Tensor2D;
  /** 1 for response tokens, 0 for padding, [N, T]. */
  mask: tf.Tensor2D;
  /** Lower clip: ratios below 1 - epsLow stop pulling a negative advantage down. Infinity disables it. */
  epsLow: number;
  /** Upper clip: ratios above 1 + epsHigh stop pushing a positive advantage up. DAPO's clip-higher sets it above epsLow. */
  epsHigh: number;
  level: PolicyLossLevel;
  aggregation: LossAggregation;
  /** Constant normaliser for 'seq-mean-token-sum-norm' (defaults to T). */
  maxLen?: number;
  /**
   * Dual-clip PPO's c > 1 (Ye et al. 2020, arXiv:1912.09729; veRL `clip_ratio_c`, 3 by default
   * there): a token with A < 0 loses at most c·|A|, however far its ratio has run past c.
   * Undefined, 0 or Infinity: off (the plain clipped surrogate).
   */
  clipRatioC?: number;
};

/** All scalars, owned by the caller. */
export type PolicyLossOutput = {
  loss: tf.Scalar;
  /** Fraction of valid tokens with ratio < 1 - epsLow and A < 0 (gradient cut by the lower clip). */
  clipFracLow: tf.Scalar;
  /** Fraction of valid tokens with ratio > 1 + epsHigh and A > 0 (gradient cut by the upper clip). */
  clipFracHigh: tf.Scalar;
  /** clipFracLow + clipFracHigh: the `clip/region` metric (the dual clip is counted apart). */
  clipFrac: tf.Scalar;
  /** Fraction of valid tokens with A < 0 whose loss the dual clip capped at c·|A| (veRL `pg_clipfrac_lower`); 0 when off. */
  clipFracDual: tf.Scalar;
  /** Estimate of KL(π_old || π_θ) over valid tokens; see `policyLoss`. */
  approxKl: tf.Scalar;
};

/** Per-token pieces of the policy loss, [N, T] each, 0 at masked positions. */
export type PolicyLossTerms = {
  /** -min(ρ·A, clip(ρ)·A): what gets aggregated. */
  perToken: tf.Tensor2D;
  /** ρ actually used in the objective: r_{i,t} ('token') or s_i on each token ('sequence'). */
  ratio: tf.Tensor2D;
  /** log π_θ - log π_old per token (clamped), whatever the level. */
  logRatio: tf.Tensor2D;
  /** 1 where the lower clip cut the gradient (ρ < 1 - epsLow, A < 0). */
  clippedLow: tf.Tensor2D;
  /** 1 where the upper clip cut the gradient (ρ > 1 + epsHigh, A > 0). */
  clippedHigh: tf.Tensor2D;
  /** 1 where the dual clip capped the loss (A < 0 and ρ > c); all 0 when off. */
  clippedDual: tf.Tensor2D;
};

/**
 * No clipping: the plain importance-weighted surrogate -ρ·A, which PPO-Penalty (arXiv:1707.06347
 * eq. 8) and TRPO (arXiv:1502.05477) optimise; their step is bounded by a KL instead.
 */
export const NO_CLIP = { epsLow: Infinity, epsHigh: Infinity } as const;

function assertPolicyInput(input: PolicyLossInput): void {
  const { logp, oldLogp, advantages, mask, epsLow, epsHigh } = input;
  assertRank(logp, 2, 'policyLoss: logp', '[N, T]');
  assertSameShape(logp, oldLogp, 'policyLoss: logp', 'oldLogp');
  assertSameShape(logp, mask, 'policyLoss: logp', 'mask');
  if (advantages.rank === 1) {
    tf.util.assert(
      advantages.shape[0] === logp.shape[0],
      () => `policyLoss: advantages [N] must have N = ${logp.shape[0]} entries, got ${advantages.shape[0]}`,
    );
  } else {
    assertSameShape(logp, advantages, 'policyLoss: logp', 'advantages [N, T]');
  }
  tf.util.assert(epsLow >= 0 && epsHigh >= 0, () => `policyLoss: clip ranges must be >= 0, got epsLow=${epsLow} epsHigh=${epsHigh}`);
  const c = input.clipRatioC;
  tf.util.assert(c === undefined || c === 0 || c > 1, () => `policyLoss: clipRatioC must be > 1 (or 0 / undefined for off), got ${c}`);
}

/** The dual clip's c when it is on, else null. */
function dualClipOf(input: PolicyLossInput): number | null {
  const c = input.clipRatioC;
  return c !== undefined && c > 1 && Number.isFinite(c) ? c : null;
}

/**
 * The per-token clipped surrogate (PPO, Schulman et al. 2017, arXiv:1707.06347, eq. 7), as
 * a loss to minimise:
 *
 *   L_{i,t} = -min( ρ·A, clip(ρ, 1 - epsLow, 1 + epsHigh)·A )
 *
 * 'token' level: ρ = r_{i,t} = exp(logp - oldLogp).
 * 'sequence' level (GSPO): ρ = s_{i,t} = sg[s_i] · π_θ(y_t) / sg[π_θ(y_t)], the "GSPO-token"
 * form (arXiv:2507.18071; veRL `compute_policy_loss_gspo`): its value is s_i on every token,
 * so the clip decision is per sequence, and ∂s_{i,t}/∂logp_t = s_i. Aggregated with
 * 'seq-mean-token-mean' its gradient is exactly GSPO's,
 *   (1/|batch|) Σ_i s_i · A_i · (1/|y_i|) Σ_t ∇ log π_θ(y_t)  for unclipped sequences;
 * other aggregations reweight sequences by length.
 *
 * Dual clip (arXiv:1912.09729, eq. 4; veRL `compute_policy_loss`), when clipRatioC = c > 1: for
 * A < 0 the loss is min(-min(ρA, clip(ρ)A), -c·A), so a token the old policy found unlikely and
 * the new one very likely (ρ far above 1) cannot push a negative advantage's loss past c·|A|.
 * Tokens with A >= 0 are untouched.
 *
 * Returns new tensors the caller disposes.
 */
export function policyLossTerms(input: PolicyLossInput): PolicyLossTerms {
  assertPolicyInput(input);
  const { logp, oldLogp, advantages, mask, epsLow, epsHigh, level } = input;
  const dualC = dualClipOf(input);
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const valid = tf.greater(m, 0); // [N, T] bool
    // Padding may hold -Infinity log-probs: select it away before subtracting.
    const logRatio = tf.clipByValue(maskOut(tf.sub<tf.Tensor2D>(logp, oldLogp), m), -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP); // [N, T]
    let ratio: tf.Tensor2D; // [N, T]
    if (level === 'token') {
      ratio = tf.exp(logRatio);
    } else if (level === 'sequence') {
      const lengths = tf.maximum(tf.sum(m, 1), 1); // [N]; 1 for an empty row, whose sum is 0
      const seqLogRatio = tf.div(tf.sum(tf.mul(logRatio, m), 1), lengths); // [N]: log s_i
      const safeLogp = maskOut(logp, m); // [N, T]
      // log s_{i,t} = logp_t - sg[logp_t] + sg[log s_i]: value log s_i, gradient 1 w.r.t. logp_t.
      const logS = tf.add<tf.Tensor2D>(tf.sub(safeLogp, stopGradient(safeLogp)), tf.expandDims(stopGradient(seqLogRatio), 1));
      ratio = tf.exp(logS);
    } else {
      throw new Error(`policyLoss: unknown level "${String(level)}"; expected one of ${POLICY_LOSS_LEVELS.join(', ')}`);
    }
    // [N, 1] broadcast over tokens, or [N, T] with padding zeroed (junk there would make the gradient NaN).
    const adv = advantages.rank === 1 ? tf.expandDims(asFloat32(advantages), 1) : maskOut(asFloat32(advantages), m);
    const lo = 1 - epsLow; // -Infinity when epsLow = Infinity: no lower clip
    const hi = 1 + epsHigh;
    let clipped: tf.Tensor2D = ratio;
    if (Number.isFinite(lo)) clipped = tf.maximum(clipped, lo);
    if (Number.isFinite(hi)) clipped = tf.minimum(clipped, hi);
    let perToken = tf.maximum<tf.Tensor2D>(tf.neg(tf.mul(ratio, adv)), tf.neg(tf.mul(clipped, adv))); // -min(ρA, clip(ρ)A)
    const zeros = tf.zerosLike(ratio);
    const onValid = (cond: tf.Tensor): tf.Tensor2D => tf.cast(tf.logicalAnd<tf.Tensor2D>(valid, cond), 'float32');
    let clippedDual: tf.Tensor2D = zeros;
    if (dualC !== null) {
      // -c·A where A < 0, +Infinity elsewhere (a constant: the advantages carry no gradient), so
      // min(L, cap) is the dual clip and leaves A >= 0 alone; the gradient follows the smaller one.
      const negative = tf.less(adv, 0);
      const cap = tf.where(negative, tf.neg(tf.mul(adv, dualC)), tf.fill(adv.shape, Infinity));
      clippedDual = onValid(tf.greater(perToken, cap));
      perToken = tf.minimum(perToken, cap);
    }
    return {
      clippedDual,
      perToken: tf.where(valid, perToken, zeros),
      ratio: tf.where(valid, ratio, zeros),
      logRatio,
      clippedLow: onValid(tf.logicalAnd(tf.less(ratio, lo), tf.less(adv, 0))),
      clippedHigh: onValid(tf.logicalAnd(tf.greater(ratio, hi), tf.greater(adv, 0))),
    };
  });
}

/**
 * The policy loss and its diagnostics (see `policyLossTerms` for the objective and
 * `LossAggregation` for how tokens are averaged).
 *
 * Clip fractions are over valid tokens of the whole batch; at the 'sequence' level every
 * token of a clipped sequence counts (as GSPO reports it), so they stay comparable across
 * levels.
 *
 * approxKl is the k3 estimator of KL(π_old || π_θ) on the sampled tokens,
 *   mean_m( (ρ_t - 1) - log ρ_t ),  ρ_t = π_θ/π_old per token,
 * as CleanRL logs it: tokens were sampled from π_old, so this is unbiased for that direction
 * and never negative, unlike the k1 mean (-log ρ), and unlike TRL's ½(log ρ)² it is not
 * biased low when the policy moves far. It is a diagnostic (early stopping, charts), not
 * part of the loss.
 *
 * Inside `tf.variableGrads(f)` only the tensor f returns survives f's tidy; to read the
 * diagnostics too, `tf.keep` them inside f and dispose them afterwards.
 */
export function policyLoss(input: PolicyLossInput): PolicyLossOutput {
  assertPolicyInput(input);
  return tf.tidy(() => policyLossFromTerms(policyLossTerms(input), input.mask, input.aggregation, input.maxLen));
}

/**
 * `policyLoss` from terms already computed: what the trainer calls, since it also keeps the
 * per-token terms for the Inspect view. policyLoss is exactly this after policyLossTerms.
 * The terms stay the caller's; the five scalars are new.
 */
export function policyLossFromTerms(terms: PolicyLossTerms, mask: tf.Tensor2D, aggregation: LossAggregation, maxLen?: number): PolicyLossOutput {
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const loss = aggregate(terms.perToken, m, aggregation, maxLen);
    const clipFracLow = maskedMean(terms.clippedLow, m) as tf.Scalar;
    const clipFracHigh = maskedMean(terms.clippedHigh, m) as tf.Scalar;
    const clipFracDual = maskedMean(terms.clippedDual, m) as tf.Scalar;
    const k3 = tf.sub(tf.sub(tf.exp(terms.logRatio), 1), terms.logRatio); // (ρ - 1) - log ρ
    return {
      loss,
      clipFracLow,
      clipFracHigh,
      clipFrac: tf.add(clipFracLow, clipFracHigh),
      clipFracDual,
      approxKl: maskedMean(k3, m) as tf.Scalar,
    };
  });
}

/**
 * KL(π_old || π_θ) per token, the k3 estimate on tokens sampled from π_old:
 * ρ - 1 - log ρ with ρ = π_θ / π_old, i.e. klPenalty with the two policies swapped.
 * PPO-Penalty's penalty, TRPO's constraint (whose Hessian at θ_old is the empirical Fisher),
 * and PPO-Penalty's measured KL after the update. Differentiable w.r.t. logp. [N, T] -> [N, T].
 */
export function oldPolicyKl(logp: tf.Tensor2D, oldLogp: tf.Tensor2D): tf.Tensor2D {
  return klPenalty(oldLogp, logp, 'k3') as tf.Tensor2D;
}

export type RegularisedLossOptions = {
  mask: tf.Tensor2D;
  aggregation: LossAggregation;
  /** Constant normaliser for 'seq-mean-token-sum-norm' (defaults to T). */
  maxLen?: number;
  /** Per-token KL to the reference, [N, T], and its weight β; no term when absent or β = 0. */
  kl?: tf.Tensor2D | null;
  beta: number;
  /** Per-token entropy, [N, T], and its bonus coefficient c_H; no term when c_H = 0. */
  entropy: tf.Tensor2D;
  entropyCoef: number;
};

/**
 * The loss every policy-gradient update here minimises, as TRL's GRPOTrainer (KL in the
 * loss, arXiv:2402.03300 eq. 3) plus PPO's entropy bonus (arXiv:1707.06347 eq. 9):
 *
 *   L = policy + β · agg(KL_t) - c_H · agg(H_t)
 *
 * each term aggregated like the policy loss (aggregation is linear, so this is the
 * aggregate of the per-token sum). Terms with a zero weight are left out, not added as 0:
 * then `policy` itself comes back.
 */
export function regularisedLoss(policy: tf.Scalar, o: RegularisedLossOptions): tf.Scalar {
  const agg = (x: tf.Tensor2D) => aggregate(x, o.mask, o.aggregation, o.maxLen);
  return tf.tidy(() => {
    let loss = policy;
    if (o.kl && o.beta > 0) loss = tf.add(loss, tf.mul(agg(o.kl), o.beta));
    if (o.entropyCoef > 0) loss = tf.sub(loss, tf.mul(agg(o.entropy), o.entropyCoef));
    return loss;
  });
}

// ---------------------------------------------------------------------------------------
// Value loss
// ---------------------------------------------------------------------------------------

export type ValueLossOutput = {
  loss: tf.Scalar;
  /** Fraction of valid positions where the clipped term was the larger one (TRL `vf_clipfrac`). */
  clipFrac: tf.Scalar;
};

/**
 * PPO's clipped value loss (CleanRL `ppo.py`, TRL `PPOTrainer`):
 *
 *   V_clip = clip(V, V_old - c, V_old + c)
 *   loss   = ½ · mean_m( max( (V - R)², (V_clip - R)² ) )
 *
 * The max makes the update pessimistic: moving V further than c from V_old cannot lower
 * the loss. clipRange undefined or Infinity disables clipping (plain ½ MSE). values,
 * oldValues, returns and mask share one shape ([N, T] per token, or [N]).
 */
export function valueLoss(
  values: tf.Tensor,
  oldValues: tf.Tensor,
  returns: tf.Tensor,
  mask: tf.Tensor,
  clipRange?: number,
): ValueLossOutput {
  assertSameShape(values, oldValues, 'valueLoss: values', 'oldValues');
  assertSameShape(values, returns, 'valueLoss: values', 'returns');
  assertSameShape(values, mask, 'valueLoss: values', 'mask');
  tf.util.assert(clipRange === undefined || clipRange >= 0, () => `valueLoss: clipRange must be >= 0, got ${clipRange}`);
  return tf.tidy(() => {
    const m = asFloat32(mask);
    // Padding may hold junk (NaN returns): select it away before squaring, or its gradient is NaN.
    const [v, vOld, ret] = [values, oldValues, returns].map((x) => maskOut(x, m)) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const unclipped = tf.square(tf.sub(v, ret));
    if (clipRange === undefined || !Number.isFinite(clipRange)) {
      return { loss: tf.mul<tf.Scalar>(maskedMean(unclipped, m), 0.5), clipFrac: tf.scalar(0) };
    }
    const vClipped = tf.add(vOld, tf.clipByValue(tf.sub(v, vOld), -clipRange, clipRange));
    const clippedSq = tf.square(tf.sub(vClipped, ret));
    return {
      loss: tf.mul<tf.Scalar>(maskedMean(tf.maximum(unclipped, clippedSq), m), 0.5),
      clipFrac: maskedMean(tf.cast(tf.greater(clippedSq, unclipped), 'float32'), m) as tf.Scalar,
    };
  });
}
