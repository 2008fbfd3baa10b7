/**
 * One update step of every algorithm (and the GRPO presets dapo, dr-grpo, gspo), checked against
 * the objective written out by hand.
 *
 * The toy: a "policy" whose only policy parameter is a logit vector b over a 3-token vocabulary
 * (the same distribution π = softmax(b) at every position, whatever the image and prompt) and
 * whose value head is one scalar c (V = c everywhere). One group of 3 responses, T = 2:
 *
 *   row 0: tokens 0 1   (2 valid)   score 1
 *   row 1: tokens 1 2   (2 valid)   score 0
 *   row 2: token  2     (1 valid)   score 0
 *
 * Everything starts at b = 0, c = 0, so π = (1/3, 1/3, 1/3) and d log π(y) / d b_v = [y = v] - 1/3.
 * The policy loss of the critic-free algorithms is L = agg_{i,t}( -A_{i,t} · log π(y_{i,t}) )
 * (ratio 1 on the first step), so
 *
 *   dL/db_v = Σ_{i,t valid} w_{i,t} · (-A_{i,t}) · ([y_{i,t} = v] - 1/3)
 *
 * with w the aggregation's weight: 1/(N·|o_i|) (seq-mean-token-mean), 1/Σ|o_i| (token-mean),
 * 1/(N·T) (seq-mean-token-sum-norm). Adam's first step (bias-corrected, no clipping) moves each
 * parameter by -lr · g / (|g| + ε); the toy's Adam has ε = 1 so the step shows g's size as well
 * as its sign. TRPO moves b by the natural-gradient step, checked the same way.
 *
 * The test goes through the public API, ALGORITHM_REGISTRY[id].update(ctx); `toyContext` is its
 * only coupling to UpdateContext and Batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../config';
import type { Policy } from '../model';
import { Rng } from '../random';
import { tinyConfig } from '../train/testing';
import { ALGORITHM_REGISTRY, Adam, Recorder } from './index';
import type { PresetId } from '../presets';

const V = 3;
const TOKENS = [
  [0, 1],
  [1, 2],
  [2, 0], // the second token is padding
];
const LENGTHS = [2, 2, 1];
const SCORES = [1, 0, 0];
const N = 3;
const T = 2;
const LR = 0.1;
const VALUE_LR = 0.05;
const ADAM_EPS = 1;

// ---------------------------------------------------------------------------------------
// The toy policy and the one helper that builds an UpdateContext

/** The policy interface the algorithms use: forward, trainableVariables, valueHeadVariables. */
class ToyPolicy {
  readonly logits = tf.variable(tf.zeros([V]), true);
  readonly value = tf.variable(tf.zeros([1]), true);
  get trainableVariables(): tf.Variable[] {
    return [this.logits, this.value];
  }
  get valueHeadVariables(): tf.Variable[] {
    return [this.value];
  }
  forward(_images: tf.Tensor, _prompts: tf.Tensor, tokens: tf.Tensor2D, opts: { temperature: number }) {
    const logAll = tf.logSoftmax(tf.div(this.logits, opts.temperature)); // [V]
    const logp = tf.gather(logAll, tokens) as tf.Tensor2D; // [N, T]
    const entropy = tf.mul<tf.Tensor2D>(tf.onesLike(logp), tf.neg(tf.sum(tf.mul(tf.exp(logAll), logAll))));
    const values = tf.mul<tf.Tensor2D>(tf.onesLike(logp), this.value);
    return { logp, entropy, values };
  }
  dispose() {
    tf.dispose([this.logits, this.value]);
  }
}

/** The batch above and an UpdateContext over the toy (Adam with ε = 1, no reference model). */
function toyContext(config: RunConfig, accuracy: readonly number[] = SCORES, tokenScores?: number[][]) {
  const policy = new ToyPolicy();
  const mask = tf.tensor2d(LENGTHS.map((l) => Array.from({ length: T }, (_, t) => (t < l ? 1 : 0))), [N, T]);
  const batch = {
    n: N,
    groupSize: N,
    T,
    images: tf.zeros<tf.Rank.R4>([N, 1, 1, 3]),
    prompts: tf.zeros<tf.Rank.R2>([N, 1], 'int32'),
    tokens: tf.tensor2d(TOKENS, [N, T], 'int32'),
    mask,
    oldLogp: tf.fill<tf.Rank.R2>([N, T], Math.log(1 / V)),
    refLogp: null,
    refLogProbs: null,
    oldLogProbs: null,
    oldValues: tf.zeros<tf.Rank.R2>([N, T]),
    scores: tf.tensor1d(SCORES),
    tokenScores: tokenScores ? tf.tensor2d(tokenScores, [N, T]) : null,
    accuracy: Float32Array.from(accuracy),
  };
  const policyOpt = new Adam([policy.logits], { epsilon: ADAM_EPS });
  const valueOpt = new Adam([policy.value], { epsilon: ADAM_EPS });
  const rec = new Recorder();
  const ctx = { config, policy: policy as unknown as Policy, policyOpt, valueOpt, batch, beta: config.objective.beta, lr: LR, valueLr: VALUE_LR, rng: new Rng(1), rec, keepTokens: false };
  const dispose = () => {
    rec.dispose();
    policyOpt.dispose();
    valueOpt.dispose();
    tf.dispose([batch.images, batch.prompts, batch.tokens, batch.mask, batch.oldLogp, batch.oldValues, batch.scores, ...(batch.tokenScores ? [batch.tokenScores] : [])]);
    policy.dispose();
  };
  return { ctx, policy, dispose };
}

/** A preset on the toy: one epoch, one minibatch, no grad clipping, no entropy bonus, the whole batch for TRPO's Fisher. */
function toyConfig(preset: PresetId): RunConfig {
  return tinyConfig(preset, {
    sampling: { promptsPerIter: 1, groupSize: N, temperature: 1 },
    optim: { epochs: 1, minibatches: 1, gradClip: 0 },
    // The hand maths below is the k3 KL(π_old ‖ π_θ) on the sampled tokens; the exact one is pinned in rl/kl.test.ts.
    objective: { entropyCoef: 0, trpoFisherFrac: 1, policyKl: 'k3' },
  });
}

// ---------------------------------------------------------------------------------------
// The maths by hand

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const besselStd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
/** Adam's first step: -lr · g / (|g| + ε) (m̂ = g, v̂ = g² after bias correction). */
const adamStep = (g: number, lr: number) => (-lr * g) / (Math.abs(g) + ADAM_EPS);

/** The aggregation weight w_{i,t} of a valid token. */
function weight(aggregation: RunConfig['objective']['lossAggregation'], i: number): number {
  if (aggregation === 'token-mean') return 1 / LENGTHS.reduce((a, b) => a + b, 0);
  if (aggregation === 'seq-mean-token-mean') return 1 / (N * LENGTHS[i]!);
  return 1 / (N * T);
}

/** dL/db for L = agg(-A · log π(y)) at b = 0; adv(i, t) is the advantage of token t of row i. */
function policyGradient(aggregation: RunConfig['objective']['lossAggregation'], adv: (i: number, t: number) => number): number[] {
  const g = [0, 0, 0];
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < LENGTHS[i]!; t++) {
      for (let v = 0; v < V; v++) g[v]! += weight(aggregation, i) * -adv(i, t) * ((TOKENS[i]![t] === v ? 1 : 0) - 1 / V);
    }
  }
  return g;
}

/**
 * PPO's and TRPO's advantages at V = 0: the score on the last valid token, GAE(γ = 1, λ) gives
 * A_t = λ^(|o|-1-t) · score, the returns are the same numbers, then A is whitened over the 5
 * valid tokens (Bessel variance).
 */
function criticAdvantages(lambda: number, tokenRewards?: number[][]): { adv: number[][]; returns: number[][] } {
  // Per-token rewards r (dense): A_t = Σ_{k >= t, valid} λ^(k-t) · r_k at V = 0, γ = 1.
  const reward = (i: number, k: number) => (tokenRewards ? tokenRewards[i]![k]! : k === LENGTHS[i]! - 1 ? SCORES[i]! : 0);
  const returns = TOKENS.map((_, i) => Array.from({ length: LENGTHS[i]! }, (_, t) => Array.from({ length: LENGTHS[i]! - t }, (_, j) => lambda ** j * reward(i, t + j)).reduce((a, b) => a + b, 0)));
  const flat = returns.flat();
  const m = mean(flat);
  const s = Math.sqrt(flat.reduce((a, x) => a + (x - m) ** 2, 0) / (flat.length - 1) + 1e-8);
  return { adv: returns.map((row) => row.map((x) => (x - m) / s)), returns };
}

/** The value head's gradient: valueCoef · mean_valid (c - R) at c = 0 (clipping is inactive at c = c_old). */
function valueGradient(valueCoef: number, returns: number[][]): number {
  return valueCoef * mean(returns.flat().map((r) => 0 - r));
}

/** Solve the 3x3 system A x = y (Gaussian elimination with partial pivoting). */
function solve3(a: number[][], y: number[]): number[] {
  const m = a.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < 3; c++) {
    const p = [c, c + 1, c + 2].filter((r) => r < 3).reduce((best, r) => (Math.abs(m[r]![c]!) > Math.abs(m[best]![c]!) ? r : best), c);
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[3]! / row[i]!);
}

// ---------------------------------------------------------------------------------------

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

/** Run one update of the preset's algorithm on the toy; the change in b and c. */
function oneUpdate(preset: PresetId, opts: { accuracy?: readonly number[]; temperature?: number; tokenScores?: number[][] } = {}): { config: RunConfig; db: number[]; dc: number } {
  const config = opts.temperature === undefined ? toyConfig(preset) : { ...toyConfig(preset), sampling: { ...toyConfig(preset).sampling, temperature: opts.temperature } };
  const { ctx, policy, dispose } = toyContext(config, opts.accuracy, opts.tokenScores);
  cleanup = dispose;
  ALGORITHM_REGISTRY[config.objective.algorithm].update(ctx);
  return { config, db: Array.from(policy.logits.dataSync()), dc: policy.value.dataSync()[0]! };
}

function expectClose(actual: number[], expected: number[], digits = 5) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a, `component ${i}: got [${actual.map((x) => x.toFixed(6)).join(', ')}], expected [${expected.map((x) => x.toFixed(6)).join(', ')}]`).toBeCloseTo(expected[i]!, digits));
}

describe('one update step on a toy, against the objective by hand', () => {
  it('reinforce: A_i = r_i - mean(r) = (2/3, -1/3, -1/3)', () => {
    const { config, db, dc } = oneUpdate('reinforce');
    const A = SCORES.map((r) => r - mean(SCORES));
    expectClose(db, policyGradient(config.objective.lossAggregation, (i) => A[i]!).map((g) => adamStep(g, LR)));
    expect(dc).toBe(0); // no critic
  });

  it('rloo: A_i = r_i - mean of the other two = (1, -1/2, -1/2)', () => {
    const { config, db } = oneUpdate('rloo');
    const A = [1 - 0, 0 - 0.5, 0 - 0.5];
    expectClose(db, policyGradient(config.objective.lossAggregation, (i) => A[i]!).map((g) => adamStep(g, LR)));
  });

  it('grpo: A_i = (r_i - mean) / (Bessel std + 1e-4), seq-mean-token-mean', () => {
    const { config, db, dc } = oneUpdate('grpo');
    expect(config.objective.lossAggregation).toBe('seq-mean-token-mean');
    const A = SCORES.map((r) => (r - mean(SCORES)) / (besselStd(SCORES) + 1e-4));
    expectClose(db, policyGradient('seq-mean-token-mean', (i) => A[i]!).map((g) => adamStep(g, LR)));
    expect(dc).toBe(0);
  });

  it('dapo (a GRPO preset): the same advantages, token-mean over the 5 tokens', () => {
    const { config, db } = oneUpdate('dapo');
    expect(config.objective.lossAggregation).toBe('token-mean');
    const A = SCORES.map((r) => (r - mean(SCORES)) / (besselStd(SCORES) + 1e-4));
    const expected = policyGradient('token-mean', (i) => A[i]!).map((g) => adamStep(g, LR));
    expectClose(db, expected);
    // The aggregation matters here: row 2 is shorter, so seq-mean-token-mean would move b differently.
    const other = policyGradient('seq-mean-token-mean', (i) => A[i]!).map((g) => adamStep(g, LR));
    expect(Math.max(...other.map((x, v) => Math.abs(x - expected[v]!)))).toBeGreaterThan(1e-3);
  });

  it('dr-grpo (a GRPO preset): no std division, sum over tokens / (N·T)', () => {
    const { config, db } = oneUpdate('dr-grpo');
    expect(config.objective.lossAggregation).toBe('seq-mean-token-sum-norm');
    const A = SCORES.map((r) => r - mean(SCORES));
    expectClose(db, policyGradient('seq-mean-token-sum-norm', (i) => A[i]!).map((g) => adamStep(g, LR)));
  });

  it('gspo (a GRPO preset): the sequence ratio s_i = exp(mean_t log ρ) has d s_i = (1/|o_i|) Σ_t d log π at ρ = 1, so the step is GRPO\'s', () => {
    const { config, db } = oneUpdate('gspo');
    expect(config.objective.ratioLevel).toBe('sequence');
    expect(config.objective.advantageScale).toBe('group');
    const A = SCORES.map((r) => (r - mean(SCORES)) / (besselStd(SCORES) + 1e-4));
    expectClose(db, policyGradient(config.objective.lossAggregation, (i) => A[i]!).map((g) => adamStep(g, LR)));
  });

  it.each(['ppo', 'ppo-penalty'] as const)('%s: whitened GAE advantages per token; the value head steps toward the returns', (preset) => {
    const { config, db, dc } = oneUpdate(preset);
    const o = config.objective;
    expect(o.gamma).toBe(1);
    expect(o.whitenAdvantages).toBe(true);
    const { adv, returns } = criticAdvantages(o.lambda);
    // PPO-Penalty's β · KL(π_old || π_θ) has zero gradient at θ = θ_old: the same step as PPO-Clip.
    expectClose(db, policyGradient(o.lossAggregation, (i, t) => adv[i]![t]!).map((g) => adamStep(g, LR)));
    expect(dc).toBeCloseTo(adamStep(valueGradient(o.valueCoef, returns), VALUE_LR), 6);
    expect(dc).toBeGreaterThan(0); // the returns are >= 0 and c starts at 0
  });

  it('ppo with dense rewards: GAE runs on the per-token rewards, so a step paid at token 0 is credited there', () => {
    // Row 0's score 1 split as 0.5 at token 0 (a key step) and 0.5 at its last token (rl placeTokenRewards);
    // at V = 0, γ = 1: A_0 = 0.5 + λ·0.5, A_1 = 0.5, where the scalar layout gives A_0 = λ, A_1 = 1.
    const dense = [
      [0.5, 0.5],
      [0, 0],
      [0, 0],
    ];
    const { config, db, dc } = oneUpdate('ppo', { tokenScores: dense });
    const o = config.objective;
    expect(o.lambda).toBeLessThan(1); // else A_0 would be 1 under both layouts
    const { adv, returns } = criticAdvantages(o.lambda, dense);
    expectClose(db, policyGradient(o.lossAggregation, (i, t) => adv[i]![t]!).map((g) => adamStep(g, LR)));
    expect(dc).toBeCloseTo(adamStep(valueGradient(o.valueCoef, returns), VALUE_LR), 6);
    const scalar = criticAdvantages(o.lambda);
    const other = policyGradient(o.lossAggregation, (i, t) => scalar.adv[i]![t]!).map((g) => adamStep(g, LR));
    expect(Math.max(...other.map((x, v) => Math.abs(x - db[v]!)))).toBeGreaterThan(1e-4); // the layout moves the step
  });

  // The supervised arms: L = -Σ w_i·m_it·log π(y_it) / Σ w_i·m_it, and d log π(y) / d b_v = [y = v] - 1/3 at b = 0.
  it('sft: the toy rows are gold traces, all 5 tokens imitated: g_v = -(1/5)(count_v - 5/3) = (2/15, -1/15, -1/15)', () => {
    // Tokens 0 1 | 1 2 | 2: token 0 once, 1 twice, 2 twice.
    const g = [2 / 15, -1 / 15, -1 / 15];
    expectClose(oneUpdate('sft').db, g.map((x) => adamStep(x, LR)));
    // At temperature 2 the RL algorithms' loss divides the logits by 2 (the gradient halves); SFT fits the model itself, at 1.
    expectClose(oneUpdate('sft', { temperature: 2 }).db, g.map((x) => adamStep(x, LR)));
  });

  it('rft: only row 0 (the right answer) is imitated, its 2 tokens: g_v = -(1/2)([0=v] + [1=v] - 2/3) = (-1/6, -1/6, 1/3)', () => {
    const { db, dc } = oneUpdate('rft');
    expectClose(db, [-1 / 6, -1 / 6, 1 / 3].map((x) => adamStep(x, LR)));
    expect(dc).toBe(0);
  });

  it('rft: with no right answer it takes no step at all (b stays 0), and says so in rft/accepted_frac', () => {
    const config = toyConfig('rft');
    const { ctx, policy, dispose } = toyContext(config, [0, 0, 0]);
    cleanup = dispose;
    ALGORITHM_REGISTRY.rft.update(ctx);
    expect(Array.from(policy.logits.dataSync())).toEqual([0, 0, 0]);
  });

  it('trpo: b moves by the natural-gradient step (F + damping)^-1 g, scaled to the trust region', () => {
    const { config, db, dc } = oneUpdate('trpo');
    const o = config.objective;
    const { adv, returns } = criticAdvantages(o.lambda);
    // g: the surrogate's ascent direction, -dL/db.
    const g = policyGradient(o.lossAggregation, (i, t) => adv[i]![t]!).map((x) => -x);
    // F: the k3 KL's Hessian at θ_old, mean over valid tokens of (e_y - p)(e_y - p)ᵀ, plus damping.
    const valid = TOKENS.flatMap((row, i) => row.slice(0, LENGTHS[i]));
    const F = [0, 1, 2].map((a) => [0, 1, 2].map((c) => mean(valid.map((y) => ((y === a ? 1 : 0) - 1 / V) * ((y === c ? 1 : 0) - 1 / V))) + (a === c ? o.trpoDamping : 0)));
    const x = solve3(F, g);
    const xFx = x.reduce((s, xi, a) => s + xi * F[a]!.reduce((t, f, c) => t + f * x[c]!, 0), 0);
    const full = x.map((xi) => xi * Math.sqrt((2 * o.trpoMaxKl) / xFx));
    // The full step is accepted when its real mean KL(π_old || π_new) is inside the region (k3 per token).
    const logZ = Math.log(full.reduce((s, b) => s + Math.exp(b), 0));
    const kl = mean(valid.map((y) => Math.exp(full[y]! - logZ - Math.log(1 / V)) - 1 - (full[y]! - logZ - Math.log(1 / V))));
    expect(kl).toBeLessThanOrEqual(o.trpoMaxKl);
    expectClose(db, full, 4); // the Fisher-vector products are finite differences
    // Then the value head alone is fitted with Adam on the value loss itself (no valueCoef: nothing else shares the step).
    expect(dc).toBeCloseTo(adamStep(valueGradient(1, returns), VALUE_LR), 6);
  });
});
