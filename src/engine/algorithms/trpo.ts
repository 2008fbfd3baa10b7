/**
 * TRPO, Trust Region Policy Optimization (Schulman et al. 2015, arXiv:1502.05477), with GAE
 * advantages from the value head (Schulman et al. 2016, arXiv:1506.02438), as OpenAI
 * baselines / Spinning Up take the step:
 *
 *   maximise  L(θ) = agg( ρ_t · Â_t )            subject to   mean_t KL(π_old || π_θ) <= δ
 *
 *   1. g = ∇_θ L at θ_old (one backward pass over the whole batch);
 *   2. x ≈ F⁻¹ g by conjugate gradient, F the Fisher (the KL's Hessian at θ_old) seen only
 *      through Fisher-vector products F v, on a subsample of the batch (the paper used 10%);
 *   3. full step β x with β = sqrt(2δ / xᵀ F x): the quadratic model of the KL sits on δ;
 *   4. backtracking line search along it: accept the first fraction whose real mean KL is
 *      <= δ and whose surrogate improves; otherwise keep θ_old.
 *
 * The Fisher-vector product is a central finite difference of the KL gradient,
 *
 *   F v ≈ ( ∇KL(θ_old + h v) - ∇KL(θ_old - h v) ) / 2h  + damping · v,
 *
 * not double backprop: tfjs's second derivatives through logSoftmax came back as zeros here.
 * The KL is exact by default (policyKl 'exact'): Σ_v π_old(v) log(π_old(v) / π_θ(v)) at each
 * position, whose Hessian at θ_old is the Fisher of the softmax; or the k3 estimate on the
 * sampled tokens, mean_t (ρ_t - 1 - log ρ_t), whose Hessian at θ_old is the empirical Fisher
 * mean_t ∇log π(y_t) ∇log π(y_t)ᵀ. Both are positive semi-definite, as CG needs. (trpo.test.ts
 * and oneStep.test.ts check the k3 product against F computed by hand.)
 *
 * Only the policy moves by the natural gradient; the value head is then fitted to the GAE
 * returns with Adam (epochs x minibatches, value head only, so the trust region holds).
 * TRPO is the one algorithm here that reads back inside the update: CG and the line search
 * take host decisions on scalars.
 */
import * as tf from '@tensorflow/tfjs-core';
import { NO_CLIP, backtrackingLineSearch, conjugateGradient, maskedMean, policyLoss, regularisedLoss, trustRegionStepScale, valueLoss } from '../rl';
import { Rng, mixSeed } from '../random';
import { criticAdvantages } from './ppo';
import { batchRows, disposeRows, forwardOptions, gatherRows, policyDriftKl, policyParams, referenceKl, runUpdates, type LossTerms, type Rows, type UpdateContext } from './common';
import type { ForwardOutput } from '../model';
import type { TokenArrays } from './recorder';

// ---------------------------------------------------------------------------------------
// Flat parameter vectors

/** All variables as one flat vector [P] (a new tensor). */
export function flatten(tensors: readonly tf.Tensor[]): tf.Tensor1D {
  return tf.tidy(() => tf.concat<tf.Tensor1D>(tensors.map((t) => tf.reshape(t, [-1]))));
}

/** Split a flat vector back into tensors shaped like `like` (new tensors). */
export function unflatten(flat: tf.Tensor1D, like: readonly tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const parts = tf.split(flat, like.map((v) => v.size));
    return parts.map((p, i) => tf.reshape(p, like[i]!.shape));
  });
}

/** Set variables to base + scale · direction (flat), keeping base's tensors intact. */
export function assignOffset(vars: readonly tf.Variable[], base: readonly tf.Tensor[], direction: tf.Tensor1D, scale: number): void {
  tf.tidy(() => {
    const parts = unflatten(direction, vars);
    vars.forEach((v, i) => v.assign(tf.add(base[i]!, tf.mul(parts[i]!, scale))));
  });
}

// ---------------------------------------------------------------------------------------
// Fisher-vector product by finite differences

/**
 * v -> F v + damping · v, with F the Hessian at the current parameters of `kl` (a function of
 * the variables that is minimal, with zero gradient, there), by the central difference of its
 * gradient with step h = eps / |v| (so the probe moves the parameters by eps in norm).
 * The variables are restored exactly (from copies) before returning.
 */
export function fisherVectorProduct(kl: () => tf.Scalar, vars: readonly tf.Variable[], damping: number, eps = 1e-2): (v: tf.Tensor1D) => tf.Tensor1D {
  return (v) => {
    const base = vars.map((x) => tf.clone(x));
    const vNorm = tf.tidy(() => tf.norm(v).dataSync()[0]!);
    if (!(vNorm > 0)) {
      tf.dispose(base);
      return tf.zerosLike(v);
    }
    const h = eps / vNorm;
    const gradAt = (sign: 1 | -1): tf.Tensor1D => {
      assignOffset(vars, base, v, sign * h);
      const { value, grads } = tf.variableGrads(kl, [...vars]);
      value.dispose();
      const flat = flatten(vars.map((x) => grads[x.name] ?? tf.zerosLike(x)));
      tf.dispose(Object.values(grads));
      return flat;
    };
    const grads: tf.Tensor1D[] = []; // freed below on every path (the second gradient may throw)
    try {
      grads.push(gradAt(1));
      grads.push(gradAt(-1));
      const [plus, minus] = grads as [tf.Tensor1D, tf.Tensor1D];
      return tf.tidy(() => tf.add<tf.Tensor1D>(tf.div(tf.sub(plus, minus), 2 * h), tf.mul(v, damping)));
    } finally {
      tf.dispose(grads);
      vars.forEach((x, i) => x.assign(base[i]!));
      tf.dispose(base);
    }
  };
}

// ---------------------------------------------------------------------------------------
// The TRPO step

/**
 * Surrogate loss (to minimise) and mean KL(π_old || π_θ) of rows under the current parameters:
 * rl's policy loss without clipping (NO_CLIP: -ρ·Â aggregated), plus the reference-KL and
 * entropy terms of every other algorithm; the KL is the constraint's (policyKl: exact over the
 * vocabulary, or the k3 estimate on the sampled tokens).
 */
function surrogateAndKl(ctx: UpdateContext, rows: Rows): { loss: tf.Scalar; kl: tf.Scalar } {
  const o = ctx.config.objective;
  const fwd = ctx.policy.forward(rows.images, rows.prompts, rows.tokens, forwardOptions(ctx.config, ctx.batch));
  const { mask } = rows;
  const policy = policyLoss({ logp: fwd.logp, oldLogp: rows.oldLogp, advantages: rows.advantages, mask, ...NO_CLIP, level: 'token', aggregation: o.lossAggregation, maxLen: ctx.batch.T });
  const kl = o.klMode === 'loss' ? referenceKl(fwd, rows, o.klEstimator) : null;
  const loss = regularisedLoss(policy.loss, { mask, aggregation: o.lossAggregation, maxLen: ctx.batch.T, kl, beta: ctx.beta, entropy: fwd.entropy, entropyCoef: o.entropyCoef });
  return { loss, kl: maskedMean(policyDriftKl(fwd, rows), mask) as tf.Scalar };
}

/**
 * Mean KL(π_old || π_θ) of rows: the constraint, and the function whose Hessian is F. Exact over
 * the vocabulary (policyKl 'exact'), its Hessian at θ_old is the true Fisher
 * E_{y~π}[∇log π(y) ∇log π(y)ᵀ]; the k3 estimate's is the empirical Fisher of the sampled tokens.
 */
function meanKl(ctx: UpdateContext, rows: Rows): tf.Scalar {
  const fwd = ctx.policy.forward(rows.images, rows.prompts, rows.tokens, forwardOptions(ctx.config, ctx.batch));
  return maskedMean(policyDriftKl(fwd, rows), rows.mask) as tf.Scalar;
}

const read = (t: tf.Scalar): number => {
  try {
    return t.dataSync()[0]!;
  } finally {
    t.dispose();
  }
};

/** Step 1: g = -∇ loss at θ_old (uphill for the objective), and the loss there. */
function policyGradient(ctx: UpdateContext, rows: Rows, vars: tf.Variable[]): { g: tf.Tensor1D; lossBefore: number } {
  const { value, grads } = tf.variableGrads(() => surrogateAndKl(ctx, rows).loss, vars);
  const g = tf.tidy(() => tf.neg<tf.Tensor1D>(flatten(vars.map((x) => grads[x.name] ?? tf.zerosLike(x)))));
  tf.dispose(Object.values(grads));
  return { g, lossBefore: read(value) };
}

/** Step 2: x ≈ F⁻¹ g by conjugate gradient, with Fisher-vector products on a seeded subsample of the rows; and xᵀFx. */
export function naturalDirection(ctx: UpdateContext, rows: Rows, vars: tf.Variable[], g: tf.Tensor1D): { x: tf.Tensor1D; xFx: number; iterations: number } {
  const { n } = ctx.batch;
  const o = ctx.config.objective;
  const fisherRows = Math.max(1, Math.min(n, Math.round(n * o.trpoFisherFrac)));
  const sub = fisherRows < n ? new Rng(mixSeed(ctx.rng.int(0, 2 ** 31 - 1), 0xf15e)).shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, fisherRows) : null;
  const subIdx = sub ? tf.tensor1d(sub, 'int32') : null;
  const fisherData = subIdx ? gatherRows(rows, subIdx) : rows;
  // A product that throws (a lost device) must strand nothing: the subsample, CG's x and F x are freed on every path.
  try {
    const fvp = fisherVectorProduct(() => meanKl(ctx, fisherData), vars, o.trpoDamping);
    const cg = conjugateGradient(fvp, g, o.trpoCgIters);
    try {
      return { x: cg.x, xFx: curvature(fvp, cg.x), iterations: cg.iterations };
    } catch (e) {
      cg.x.dispose();
      throw e;
    }
  } finally {
    if (subIdx) {
      subIdx.dispose();
      disposeRows(fisherData);
    }
  }
}

/** xᵀ F x, read back; F x is freed whatever happens. */
function curvature(fvp: (v: tf.Tensor1D) => tf.Tensor1D, x: tf.Tensor1D): number {
  const fx = fvp(x);
  try {
    return read(tf.dot(x, fx) as tf.Scalar);
  } finally {
    fx.dispose();
  }
}

/** Steps 3-4: scale x to the trust-region boundary, then backtrack along it on the whole batch; θ moves only if a step is accepted. */
function trustRegionStep(ctx: UpdateContext, rows: Rows, vars: tf.Variable[], g: tf.Tensor1D, x: tf.Tensor1D, xFx: number, lossBefore: number) {
  const o = ctx.config.objective;
  const fullStep = tf.tidy(() => tf.mul<tf.Tensor1D>(x, trustRegionStepScale(xFx, o.trpoMaxKl)));
  const expectedImprove = read(tf.dot(g, fullStep) as tf.Scalar);
  const base = vars.map((v) => tf.clone(v));
  const search = backtrackingLineSearch({
    evaluate: (frac) => {
      assignOffset(vars, base, fullStep, frac);
      const { loss, kl } = tf.tidy(() => surrogateAndKl(ctx, rows));
      return { loss: read(loss), kl: read(kl) };
    },
    lossBefore,
    expectedImprove,
    maxKl: o.trpoMaxKl,
    maxBacktracks: o.trpoBacktracks,
  });
  if (search.accepted) assignOffset(vars, base, fullStep, search.stepFrac);
  else vars.forEach((v, i) => v.assign(base[i]!));
  tf.dispose([...base, fullStep]);
  return { search, expectedImprove };
}

/** Step 5's loss: the value head's clipped loss alone, recording entropy and KL to the reference on the way. */
function valueFitLoss(ctx: UpdateContext, mb: Rows, fwd: ForwardOutput): LossTerms {
  const o = ctx.config.objective;
  const vLoss = valueLoss(fwd.values, mb.oldValues!, mb.returns!, mb.mask, o.valueClip > 0 ? o.valueClip : undefined).loss;
  const record: Record<string, tf.Scalar> = { 'loss/value': vLoss, entropy: maskedMean(fwd.entropy, mb.mask) as tf.Scalar };
  const tokens: TokenArrays = { logp: fwd.logp, ratio: tf.exp(tf.sub<tf.Tensor2D>(fwd.logp, mb.oldLogp)), entropy: fwd.entropy };
  const kl = referenceKl(fwd, mb, o.klEstimator);
  if (kl) {
    tokens.kl = kl;
    if (o.klMode === 'loss') record['kl/ref'] = maskedMean(kl, mb.mask) as tf.Scalar;
  }
  return { loss: vLoss, record, tokens };
}

export function trpoUpdate(ctx: UpdateContext): void {
  const { batch, rec, policy } = ctx;
  const vars = policyParams(policy);
  // Advantages from the critic (as PPO: token rewards -> GAE -> whitening).
  const { advantages, returns, oldValues } = criticAdvantages(ctx);
  const rows = batchRows(batch, advantages, { oldValues, returns });

  const { g, lossBefore } = policyGradient(ctx, rows, vars); // 1
  rec.set('grad/norm', tf.norm(g) as tf.Scalar);
  const { x, xFx, iterations } = naturalDirection(ctx, rows, vars, g); // 2
  const { search, expectedImprove } = trustRegionStep(ctx, rows, vars, g, x, xFx, lossBefore); // 3, 4
  tf.dispose([g, x]);
  rec.setHost('loss/policy', search.accepted ? search.loss : lossBefore);
  rec.setHost('policy/approx_kl', search.kl);
  rec.setHost('trpo/step_frac', search.stepFrac);
  rec.setHost('trpo/backtracks', search.backtracks);
  rec.setHost('trpo/accepted', search.accepted ? 1 : 0);
  rec.setHost('trpo/cg_iters', iterations);
  rec.setHost('trpo/expected_improve', expectedImprove);

  // 5. Fit the value head to the returns (Adam, value head only: the trust region holds).
  runUpdates(ctx, rows, (mb, fwd) => valueFitLoss(ctx, mb, fwd), { withValue: false, earlyStopKl: 0, onlyValue: true });
  tf.dispose([advantages, returns]);
}
