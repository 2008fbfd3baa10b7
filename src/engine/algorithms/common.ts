/**
 * What every algorithm file shares: the rollout batch it trains on, the clipped-surrogate
 * objective (rl's policy loss with its KL and entropy terms), and the epochs x minibatches
 * loop with Adam and global grad-norm clipping. Diagnostics go to a ./recorder.ts Recorder.
 *
 * Shapes: N = rows of the batch (numGroups · G responses, group by group), T = response
 * positions (maxNewTokens), P = prompt length.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../config';
import { gatherImageRows, imageTensors, type ForwardOutput, type Policy, type RowImages } from '../model';
import type { Rng } from '../random';
import { exactKl, klPenalty, maskedMean, oldPolicyKl, policyLossFromTerms, policyLossTerms, regularisedLoss, rewardsWithKlPenalty, stopGradient, tokenLossWeights, type KlChoice, type KlEstimator } from '../rl';
import { ALGORITHM_SPECS } from './spec';
import { Adam, clipScale } from './optim';
import type { Recorder, TokenArrayName, TokenArrays } from './recorder';

// ---------------------------------------------------------------------------------------
// The batch

/** One rollout batch, per row. The trainer owns these tensors; algorithms never dispose them. */
export interface Batch {
  n: number;
  groupSize: number;
  /** Response positions (maxNewTokens); also L_max of 'seq-mean-token-sum-norm'. */
  T: number;
  /** The longest response in tokens (≤ T, from the host): every row is padding after it, so the passes compute only these positions (Policy.forward's `length`). Absent: all T. */
  responseLength?: number;
  /** The clean image of each row's prompt (the update never sees rollout noise): [N, H, W, 3], or shared (each distinct image encoded once). */
  images: RowImages;
  /** [N, P] int32, left-padded. */
  prompts: tf.Tensor2D;
  /** [N, T] int32 responses. */
  tokens: tf.Tensor2D;
  /** [N, T] 1 up to and including <eos>. */
  mask: tf.Tensor2D;
  /** [N, T] log π_old: the behaviour log-probs from sampling, or recomputed on clean images. */
  oldLogp: tf.Tensor2D;
  /** [N, T] log π_ref of the frozen initial policy; null when there is no reference (β = 0). */
  refLogp: tf.Tensor2D | null;
  /** [N, T, V] π_ref's whole log-distribution, for the exact reference KL (klEstimator 'exact'); else null. */
  refLogProbs: tf.Tensor3D | null;
  /** [N, T, V] π_old's whole log-distribution, for the exact KL(π_old ‖ π_θ) (policyKl 'exact' where the algorithm reads it); else null. */
  oldLogProbs: tf.Tensor3D | null;
  /** [N, T] value head before the update (critic algorithms only). */
  oldValues: tf.Tensor2D | null;
  /** [N] total reward of each response (weighted sum of the reward functions). */
  scores: tf.Tensor1D;
  /** [N, T] per-token rewards when rewards are dense (rl placeTokenRewards; they sum to `scores` per row): critic algorithms run GAE on these instead of the score on the last token. */
  tokenScores?: tf.Tensor2D | null;
  /** [N] each response's accuracy reward (1 right, 0 wrong), on the host; absent for gold traces (SFT), which are right by construction. */
  accuracy?: Float32Array;
}

/** Per-row tensors a minibatch carries: the batch's plus what an algorithm derived from it. */
export interface Rows {
  images: RowImages;
  prompts: tf.Tensor2D;
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
  oldLogp: tf.Tensor2D;
  refLogp: tf.Tensor2D | null;
  refLogProbs: tf.Tensor3D | null;
  oldLogProbs: tf.Tensor3D | null;
  /** [N] per sequence or [N, T] per token. */
  advantages: tf.Tensor1D | tf.Tensor2D;
  oldValues?: tf.Tensor2D | null;
  returns?: tf.Tensor2D | null;
}

export function batchRows(b: Batch, advantages: tf.Tensor1D | tf.Tensor2D, extra: Partial<Rows> = {}): Rows {
  const { images, prompts, tokens, mask, oldLogp, refLogp, refLogProbs, oldLogProbs } = b;
  return { images, prompts, tokens, mask, oldLogp, refLogp, refLogProbs, oldLogProbs, advantages, ...extra };
}

/** The rows `idx` of every per-row tensor (new tensors, the caller disposes them with `disposeRows`). */
export function gatherRows(rows: Rows, idx: tf.Tensor1D): Rows {
  const g = <T extends tf.Tensor>(x: T): T => tf.tidy(() => tf.gather(x, idx));
  return {
    images: gatherImageRows(rows.images, idx),
    prompts: g(rows.prompts),
    tokens: g(rows.tokens),
    mask: g(rows.mask),
    oldLogp: g(rows.oldLogp),
    refLogp: rows.refLogp ? g(rows.refLogp) : null,
    refLogProbs: rows.refLogProbs ? g(rows.refLogProbs) : null,
    oldLogProbs: rows.oldLogProbs ? g(rows.oldLogProbs) : null,
    advantages: g(rows.advantages),
    oldValues: rows.oldValues ? g(rows.oldValues) : null,
    returns: rows.returns ? g(rows.returns) : null,
  };
}

/** Dispose every tensor of a Rows made by gatherRows. */
export function disposeRows(r: Rows): void {
  const all: (tf.Tensor | null | undefined)[] = [...imageTensors(r.images), r.prompts, r.tokens, r.mask, r.oldLogp, r.refLogp, r.refLogProbs, r.oldLogProbs, r.advantages, r.oldValues, r.returns];
  tf.dispose(all.filter((t): t is tf.Tensor => t !== null && t !== undefined));
}

// ---------------------------------------------------------------------------------------
// Small tensor helpers

/** The policy's parameters without the value head: what the policy gradient moves. */
export function policyParams(policy: Policy): tf.Variable[] {
  const value = new Set(policy.valueHeadVariables);
  return policy.trainableVariables.filter((v) => !value.has(v));
}

/** True when every rollout is used for exactly one optimizer step (so π_old = π_θ at that step). */
export function singleUpdate(config: RunConfig): boolean {
  return config.optim.epochs * config.optim.minibatches === 1;
}

/**
 * KL in the reward, for critic-free algorithms (veRL `use_kl_in_reward`): each response's
 * score minus β times its summed per-token KL to the reference, on the sampled tokens.
 * [N] -> [N], a new tensor.
 */
export function scoresWithKlPenalty(b: Batch, beta: number, kind: KlChoice): tf.Tensor1D {
  return b.refLogp ? rewardsWithKlPenalty(b.scores, b.oldLogp, b.refLogp, b.mask, beta, sampledEstimator(kind)) : tf.clone(b.scores);
}

// ---------------------------------------------------------------------------------------
// KL: sampled estimates or the exact sum over the vocabulary

/** A one-sample estimator; 'exact' is refused (the config refuses it with klMode 'reward', the one path that takes this). */
export function sampledEstimator(kind: KlChoice): KlEstimator {
  if (kind === 'exact') throw new Error('objective.klEstimator: the exact KL needs the whole distributions, which the KL-in-reward path does not keep; set klMode to loss.');
  return kind;
}

/** Which whole distributions [N, T, V] a config needs: π_ref's (the exact reference KL) and π_old's (the exact KL(π_old ‖ π_θ)). */
export function fullDistributions(config: RunConfig): { ref: boolean; old: boolean } {
  const o = config.objective;
  const readsPolicyKl = (ALGORITHM_SPECS[o.algorithm].knobs as readonly string[]).includes('objective.policyKl');
  return { ref: o.klEstimator === 'exact', old: readsPolicyKl && o.policyKl === 'exact' };
}

/** The update's forward options: the loss's temperature, and the whole distribution when an exact KL reads it. */
export function forwardOptions(config: RunConfig, batch: Pick<Batch, 'responseLength'>): { temperature: number; full: boolean; length?: number } {
  const need = fullDistributions(config);
  return { temperature: config.sampling.temperature, full: need.ref || need.old, ...(batch.responseLength ? { length: batch.responseLength } : {}) };
}

/**
 * Per-token KL(π_θ ‖ π_ref) of rows under this forward, [m, T]: klEstimator's sampled estimate
 * on the response tokens, or the exact sum over the vocabulary. null without a reference.
 */
export function referenceKl(fwd: ForwardOutput, rows: Pick<Rows, 'refLogp' | 'refLogProbs' | 'mask'>, kind: KlChoice): tf.Tensor2D | null {
  if (!rows.refLogp) return null;
  if (kind !== 'exact') return klPenalty(fwd.logp, rows.refLogp, kind) as tf.Tensor2D;
  if (!fwd.logProbs || !rows.refLogProbs) throw new Error('objective.klEstimator: the exact KL needs the whole distributions of the policy and the reference (the trainer keeps them when klEstimator is exact).');
  return exactKl(fwd.logProbs, rows.refLogProbs, rows.mask);
}

/**
 * Per-token KL(π_old ‖ π_θ) of rows under this forward, [m, T]: the exact sum over the vocabulary
 * when π_old's whole distribution was kept (policyKl 'exact'), else the k3 estimate ρ - 1 - log ρ
 * on the sampled tokens. PPO-Penalty's penalty and measured KL, TRPO's constraint.
 */
export function policyDriftKl(fwd: ForwardOutput, rows: Pick<Rows, 'oldLogp' | 'oldLogProbs' | 'mask'>): tf.Tensor2D {
  if (rows.oldLogProbs) {
    if (!fwd.logProbs) throw new Error('objective.policyKl: the exact KL(π_old ‖ π_θ) needs the policy\'s whole distribution (forward with full).');
    return exactKl(rows.oldLogProbs, fwd.logProbs, rows.mask);
  }
  return oldPolicyKl(fwd.logp, rows.oldLogp);
}

// ---------------------------------------------------------------------------------------
// What an algorithm's update gets

export interface UpdateContext {
  config: RunConfig;
  policy: Policy;
  /** Adam over the policy's parameters except the value head (learning rate `lr`). */
  policyOpt: Adam;
  /** Adam over the value head (learning rate optim.valueLr); critic algorithms only. */
  valueOpt: Adam;
  batch: Batch;
  /** KL coefficient of this iteration (reference KL; PPO-Penalty: KL to π_old). */
  beta: number;
  /** Policy learning rate of this iteration. */
  lr: number;
  /** Value-head learning rate of this iteration (valueLr on the same schedule). */
  valueLr: number;
  /** Seeded randomness of this iteration (minibatch order). */
  rng: Rng;
  rec: Recorder;
  /** Record per-token arrays for the inspector. */
  keepTokens: boolean;
}

// ---------------------------------------------------------------------------------------
// The shared objective

export interface ObjectiveOptions {
  epsLow: number;
  epsHigh: number;
  /** Reference-KL weight in the loss (0 = no term). */
  beta: number;
  /** Whether clip fractions are reported (not for PPO-Penalty and TRPO, which do not clip). */
  reportClip: boolean;
}

/** What a loss function hands the update loop: the loss, scalars to record, per-token arrays to keep. */
export interface LossTerms {
  loss: tf.Scalar;
  record: Record<string, tf.Scalar>;
  tokens: TokenArrays;
}

/**
 * The policy side of every policy-gradient objective here (PPO-Clip, GRPO, RLOO, REINFORCE),
 * per token, as TRL's GRPOTrainer computes it:
 *
 *   L = agg( -min(ρ·A, clip(ρ, 1-ε_low, 1+ε_high)·A) + β · KL_k(π_θ || π_ref) - c_H · H(π_θ) )
 *
 * ρ is per token or per sequence (GSPO), agg the configured aggregation (token-mean for DAPO,
 * seq-mean-token-mean for GRPO, seq-mean-token-sum-norm / L_max for Dr. GRPO). With one update
 * per rollout, π_old is π_θ detached (TRL does the same), so ρ = 1 exactly and the gradient
 * is the plain policy gradient A·∇log π.
 */
export function surrogateObjective(ctx: UpdateContext, mb: Rows, fwd: ForwardOutput, opts: ObjectiveOptions): LossTerms {
  const o = ctx.config.objective;
  const { mask } = mb;
  const terms = policyLossTerms({
    logp: fwd.logp,
    oldLogp: singleUpdate(ctx.config) ? stopGradient(fwd.logp) : mb.oldLogp,
    advantages: mb.advantages,
    mask,
    epsLow: opts.epsLow,
    epsHigh: opts.epsHigh,
    // The dual clip bounds the clipped surrogate; the unclipped ones (PPO-Penalty, TRPO) do not read it.
    clipRatioC: opts.reportClip ? o.dualClipC : 0,
    level: o.ratioLevel,
    aggregation: o.lossAggregation,
    maxLen: ctx.batch.T,
  });
  const policy = policyLossFromTerms(terms, mask, o.lossAggregation, ctx.batch.T);
  const record: Record<string, tf.Scalar> = { 'policy/approx_kl': policy.approxKl };
  const tokens: TokenArrays = { logp: fwd.logp, ratio: terms.ratio, entropy: fwd.entropy };
  if (opts.reportClip) {
    Object.assign(record, { 'clip/low': policy.clipFracLow, 'clip/high': policy.clipFracHigh, 'clip/region': policy.clipFrac });
    if (o.dualClipC > 0) record['clip/dual'] = policy.clipFracDual;
    tokens.clipped = tf.sub<tf.Tensor2D>(terms.clippedHigh, terms.clippedLow);
  }
  const kl = referenceKl(fwd, mb, o.klEstimator); // [m, T]
  if (kl) tokens.kl = kl;
  if (kl && o.klMode === 'loss') record['kl/ref'] = maskedMean(kl, mask) as tf.Scalar;
  const loss = regularisedLoss(policy.loss, {
    mask,
    aggregation: o.lossAggregation,
    maxLen: ctx.batch.T,
    kl: o.klMode === 'loss' ? kl : null,
    beta: opts.beta,
    entropy: fwd.entropy,
    entropyCoef: o.entropyCoef,
  });
  record['entropy'] = maskedMean(fwd.entropy, mask) as tf.Scalar;
  record['loss/policy'] = loss;
  if (ctx.keepTokens) {
    const perToken = regularisedPerToken(terms.perToken, o.klMode === 'loss' ? kl : null, opts.beta, fwd.entropy, o.entropyCoef);
    Object.assign(tokens, tokenShares(perToken, mask, ctx));
  }
  return { loss, record, tokens };
}

/** -min(ρA, clip(ρ)A) + β·KL_t - c_H·H_t per token, [m, T]: what `regularisedLoss` aggregates, term by term. */
function regularisedPerToken(policy: tf.Tensor2D, kl: tf.Tensor2D | null, beta: number, entropy: tf.Tensor2D, entropyCoef: number): tf.Tensor2D {
  return tf.tidy(() => {
    let x = policy;
    if (kl && beta > 0) x = tf.add(x, tf.mul(kl, beta));
    if (entropyCoef > 0) x = tf.sub(x, tf.mul(entropy, entropyCoef));
    return x;
  });
}

/**
 * Each token's weight under the aggregation (over this minibatch's rows, as the loss counts
 * them) and its share weight × term of the loss: summed over the minibatch it is the loss this
 * step took, so Inspect shows what trained. Two [m, T] arrays for the one readback.
 */
export function tokenShares(perToken: tf.Tensor2D, mask: tf.Tensor2D, ctx: UpdateContext): Pick<TokenArrays, 'lossWeight' | 'contribution'> {
  const lossWeight = tokenLossWeights(mask, ctx.config.objective.lossAggregation, ctx.batch.T); // [m, T]
  return { lossWeight, contribution: tf.mul<tf.Tensor2D>(lossWeight, perToken) };
}

// ---------------------------------------------------------------------------------------
// The update loop

export interface UpdateLoopOptions {
  /** Also train the value head (its gradient goes to valueOpt at valueLr). */
  withValue: boolean;
  /** Stop the epochs once the mean approx KL of an epoch exceeds this (0 = never). */
  earlyStopKl: number;
  /** Train the value head alone (TRPO's critic fit): the policy keeps its parameters. */
  onlyValue?: boolean;
  /** Softmax temperature of the forward pass (default sampling.temperature; SFT and RFT fit the model itself, at 1). */
  temperature?: number;
}

/** Row order of one epoch: identity with one minibatch, a seeded shuffle otherwise. */
function epochOrder(n: number, minibatches: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  return minibatches > 1 ? rng.shuffle(order) : order;
}

/**
 * mu epochs x M minibatches of: forward -> loss -> gradients -> global clip -> Adam
 * (CleanRL `ppo.py`'s inner loop). Records the mean of every scalar over the updates, grad
 * norms, and, from the last epoch run, the per-token arrays in row order for the inspector.
 * Returns the epochs run.
 */
export function runUpdates(ctx: UpdateContext, rows: Rows, lossFn: LossFn, opts: UpdateLoopOptions): number {
  const { policy, config, rec } = ctx;
  const n = ctx.batch.n;
  const minibatches = Math.min(config.optim.minibatches, n);
  const policyVars = opts.onlyValue ? [] : policyParams(policy);
  const vars = [...policyVars, ...(opts.withValue || opts.onlyValue ? policy.valueHeadVariables : [])];
  let epochsRun = 0;
  let lastTokens: TokenPart[] = [];
  let epochKl: tf.Scalar | null = null;
  try {
    for (let epoch = 0; epoch < config.optim.epochs; epoch++) {
      const order = epochOrder(n, minibatches, ctx.rng);
      disposeParts(lastTokens); // only the last epoch's arrays are kept
      lastTokens = [];
      for (let k = 0; k < minibatches; k++) {
        const idx = order.slice(Math.floor((k * n) / minibatches), Math.floor(((k + 1) * n) / minibatches));
        const idxT = minibatches > 1 ? tf.tensor1d(idx, 'int32') : null;
        const mb = idxT ? gatherRows(rows, idxT) : rows;
        // A step that throws (a lost device, a bad value) must not strand its minibatch: other runs share the engine.
        try {
          const { value, terms, grads } = lossAndGrads(ctx, mb, lossFn, vars, opts.temperature ?? config.sampling.temperature);
          try {
            applyGrads(ctx, grads, policyVars.length, opts.onlyValue ? 'grad/value_norm' : 'grad/norm');
          } finally {
            tf.dispose(grads);
          }
          epochKl = recordTerms(rec, terms, value, opts.earlyStopKl > 0 ? epochKl : null, opts.earlyStopKl > 0);
          if (ctx.keepTokens) lastTokens.push({ idx, tokens: terms.tokens });
        } finally {
          if (idxT) {
            idxT.dispose();
            disposeRows(mb);
          }
        }
      }
      epochsRun++;
      if (epochKl) {
        // One readback per epoch, only when early stopping is on (CleanRL's target_kl).
        const meanKl = epochKl.dataSync()[0]! / minibatches;
        epochKl.dispose();
        epochKl = null;
        if (meanKl > opts.earlyStopKl) break;
      }
    }
  } catch (e) {
    disposeParts(lastTokens);
    epochKl?.dispose();
    throw e;
  }
  if (ctx.keepTokens) storeTokens(rec, lastTokens, n);
  rec.setHost('policy/epochs', epochsRun);
  return epochsRun;
}

type LossFn = (mb: Rows, fwd: ForwardOutput) => LossTerms;

/** forward -> loss -> the gradient of every variable, in order. The loss's diagnostics are kept past variableGrads' tidy. */
function lossAndGrads(ctx: UpdateContext, mb: Rows, lossFn: LossFn, vars: tf.Variable[], temperature: number): { value: tf.Scalar; terms: LossTerms; grads: tf.Tensor[] } {
  let kept: LossTerms | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const fwd = ctx.policy.forward(mb.images, mb.prompts, mb.tokens, { ...forwardOptions(ctx.config, ctx.batch), temperature });
    const terms = lossFn(mb, fwd);
    // Diagnostics must outlive variableGrads' tidy: keep them (disposed by the recorder, or below).
    for (const t of Object.values(terms.record)) if (t !== terms.loss) tf.keep(t);
    if (ctx.keepTokens) for (const t of Object.values(terms.tokens)) tf.keep(t);
    kept = terms;
    return terms.loss;
  }, vars);
  const terms = kept as LossTerms | null;
  if (!terms) throw new Error('runUpdates: the loss function returned nothing');
  const ordered = vars.map((v) => grads[v.name] ?? tf.zerosLike(v)); // every variable, in order
  return { value, terms, grads: ordered };
}

/** Clip the global norm, then Adam: the first nPolicy gradients at lr, the value head's at valueLr. Records the norm before clipping. */
function applyGrads(ctx: UpdateContext, grads: tf.Tensor[], nPolicy: number, normKey: string): void {
  const { norm, scale } = clipScale(grads, ctx.config.optim.gradClip); // Adam applies the clip to its flat gradient
  if (nPolicy > 0) ctx.policyOpt.step(grads.slice(0, nPolicy), ctx.lr, scale ?? undefined);
  if (grads.length > nPolicy) ctx.valueOpt.step(grads.slice(nPolicy), ctx.valueLr, scale ?? undefined);
  ctx.rec.mean(normKey, norm);
  scale?.dispose();
}

/**
 * Add a minibatch's scalars to the iteration's means (the recorder owns them from here). With
 * early stopping, returns the epoch's running sum of approx KL (taking ownership of epochKl).
 */
function recordTerms(rec: Recorder, terms: LossTerms, value: tf.Scalar, epochKl: tf.Scalar | null, earlyStop: boolean): tf.Scalar | null {
  let lossRecorded = false;
  let klSum = epochKl;
  for (const [key, t] of Object.entries(terms.record)) {
    if (key === 'policy/approx_kl' && earlyStop) {
      const prev: tf.Scalar | null = klSum;
      klSum = tf.tidy((): tf.Scalar => (prev ? tf.add<tf.Scalar>(prev, t) : tf.clone(t)));
      prev?.dispose();
    }
    lossRecorded ||= t === value;
    const extreme = EXTREMES[key];
    if (extreme) rec.extreme(extreme.key, t, extreme.which);
    rec.mean(key, t);
  }
  if (!lossRecorded) value.dispose();
  return klSum;
}

/** Scalars whose extreme over the iteration's updates is kept beside their mean, as TRL logs clip_ratio/low_min and high_max. */
const EXTREMES: Readonly<Record<string, { key: string; which: 'min' | 'max' }>> = {
  'clip/low': { key: 'clip/low_min', which: 'min' },
  'clip/high': { key: 'clip/high_max', which: 'max' },
};

type TokenPart = { idx: number[]; tokens: TokenArrays };

function disposeParts(parts: TokenPart[]): void {
  tf.dispose(parts.flatMap((p) => Object.values(p.tokens)));
}

/** Concatenate the per-minibatch arrays and put them back in row order. */
function storeTokens(rec: Recorder, parts: TokenPart[], n: number): void {
  if (parts.length === 0) return;
  const order = parts.flatMap((p) => p.idx);
  const identity = order.every((row, pos) => row === pos);
  const inverse = new Array<number>(n);
  order.forEach((row, pos) => (inverse[row] = pos));
  for (const name of Object.keys(parts[0]!.tokens) as TokenArrayName[]) {
    const t = tf.tidy(() => {
      const cat = parts.length === 1 ? tf.clone(parts[0]!.tokens[name]!) : tf.concat(parts.map((p) => p.tokens[name]!));
      return identity ? cat : tf.gather(cat, tf.tensor1d(inverse, 'int32'));
    });
    rec.tokens(name, t);
  }
  disposeParts(parts);
}
