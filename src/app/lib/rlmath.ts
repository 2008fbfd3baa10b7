/**
 * The RL maths of src/engine/rl, mirrored on plain number arrays for the Learn view's
 * explainers and the Inspect view (the page never runs tfjs). Same names, same constants,
 * same conventions; rlmath.test.ts checks each function against the engine's tensor version.
 */
import { Rng } from '../../engine/random';

/** As engine/rl STD_EPS: added to the std before dividing, so an all-equal group gives 0, not NaN. */
export const STD_EPS = 1e-4;

export type AdvantageScale = 'group' | 'batch' | 'none';
export type KlKind = 'k1' | 'k2' | 'k3';
export type Aggregation = 'token-mean' | 'seq-mean-token-mean' | 'seq-mean-token-sum-norm';

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Sample std with Bessel's correction (torch.std's default, which TRL and the engine use); 0 for one element. */
export function besselStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Population std (divide by n), as the metrics' reward/std and InspectBatch.groupStats use. */
export function populationStd(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}

function groups<T>(xs: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1 || xs.length % size !== 0) throw new Error(`${xs.length} values do not split into groups of ${size}`);
  return Array.from({ length: xs.length / size }, (_, k) => xs.slice(k * size, (k + 1) * size));
}

/** GRPO: A_i = (r_i - group mean) / (std + 1e-4), std of the group or of the whole batch; 'none' = Dr. GRPO. */
export function groupAdvantages(rewards: readonly number[], groupSize: number, scale: AdvantageScale): number[] {
  const batchStd = besselStd(rewards);
  return groups(rewards, groupSize).flatMap((g) => {
    const m = mean(g);
    const std = scale === 'group' ? besselStd(g) : batchStd;
    return g.map((r) => (scale === 'none' ? r - m : (r - m) / (std + STD_EPS)));
  });
}

/** RLOO: r_i minus the mean of the other G-1 rewards of its group. */
export function rlooAdvantages(rewards: readonly number[], groupSize: number): number[] {
  if (groupSize < 2) throw new Error('RLOO needs groups of at least 2');
  return groups(rewards, groupSize).flatMap((g) => {
    const sum = g.reduce((a, b) => a + b, 0);
    return g.map((r) => r - (sum - r) / (groupSize - 1));
  });
}

/** REINFORCE with the batch-mean baseline. */
export function reinforceAdvantages(rewards: readonly number[]): number[] {
  const m = mean(rewards);
  return rewards.map((r) => r - m);
}

/**
 * GAE over one response (every position valid): delta_t = r_t + gamma V_{t+1} - V_t,
 * A_t = delta_t + gamma lambda A_{t+1}, R_t = A_t + V_t, with V and A zero past the end.
 */
export function gae(rewards: readonly number[], values: readonly number[], gamma: number, lambda: number): { advantages: number[]; returns: number[]; deltas: number[] } {
  if (rewards.length !== values.length) throw new Error('gae: rewards and values differ in length');
  const T = rewards.length;
  const advantages = new Array<number>(T).fill(0);
  const returns = new Array<number>(T).fill(0);
  const deltas = new Array<number>(T).fill(0);
  let nextValue = 0;
  let nextAdv = 0;
  for (let t = T - 1; t >= 0; t--) {
    const delta = rewards[t]! + gamma * nextValue - values[t]!;
    deltas[t] = delta;
    nextAdv = delta + gamma * lambda * nextAdv;
    advantages[t] = nextAdv;
    returns[t] = nextAdv + values[t]!;
    nextValue = values[t]!;
  }
  return { advantages, returns, deltas };
}

/** Per-token KL estimate with x = log pi - log pi_ref: k1 = x, k2 = x^2/2, k3 = e^-x + x - 1. */
export function klEstimate(x: number, kind: KlKind): number {
  if (kind === 'k1') return x;
  if (kind === 'k2') return (x * x) / 2;
  return Math.exp(-x) + x - 1;
}

/** The PPO-Clip objective of one token (to maximise): min(r A, clip(r, 1-epsLow, 1+epsHigh) A). */
export function clippedSurrogate(ratio: number, advantage: number, epsLow: number, epsHigh: number): number {
  const clipped = Math.min(Math.max(ratio, 1 - epsLow), 1 + epsHigh);
  return Math.min(ratio * advantage, clipped * advantage);
}

/** -1: the lower clip cut the gradient (r < 1-epsLow, A < 0); +1: the upper (r > 1+epsHigh, A > 0); 0 otherwise. */
export function clipState(ratio: number, advantage: number, epsLow: number, epsHigh: number): -1 | 0 | 1 {
  if (ratio < 1 - epsLow && advantage < 0) return -1;
  if (ratio > 1 + epsHigh && advantage > 0) return 1;
  return 0;
}

/**
 * How much one token of response i weighs in the aggregated loss (its gradient is this times
 * the token's own): token-mean 1/sum|o|, seq-mean-token-mean 1/(N |o_i|), sum-norm 1/(N L_max).
 */
export function tokenWeights(lengths: readonly number[], aggregation: Aggregation, maxLen: number): number[] {
  const live = lengths.filter((l) => l > 0).length;
  const total = lengths.reduce((a, b) => a + b, 0);
  return lengths.map((len) => {
    if (len === 0) return 0;
    if (aggregation === 'token-mean') return 1 / total;
    if (aggregation === 'seq-mean-token-mean') return 1 / (live * len);
    return 1 / (live * maxLen);
  });
}

/** The aggregated loss of per-token losses (ragged rows), as engine/rl `aggregate`. */
export function aggregate(perToken: readonly (readonly number[])[], aggregation: Aggregation, maxLen: number): number {
  const w = tokenWeights(perToken.map((r) => r.length), aggregation, maxLen);
  return perToken.reduce((a, row, i) => a + w[i]! * row.reduce((x, y) => x + y, 0), 0);
}

export interface EstimatorStats {
  mean: number;
  std: number;
}

/**
 * Schulman's sampling demo ("Approximating KL Divergence", 2020): pi = N(0, 1) samples,
 * pi_ref = N(mu, 1), so x = log pi(s) - log pi_ref(s) = mu^2/2 - s mu and KL(pi || pi_ref) = mu^2/2.
 * k1 and k3 are unbiased; k2 is biased; k3 has far less variance than k1.
 */
export function klSamplingDemo(mu: number, n: number, seed: number): { trueKl: number; samples: number[]; stats: Record<KlKind, EstimatorStats> } {
  const rng = new Rng(seed);
  const samples = Array.from({ length: n }, () => mu * mu * 0.5 - rng.normal() * mu);
  const stats = {} as Record<KlKind, EstimatorStats>;
  for (const kind of ['k1', 'k2', 'k3'] as const) {
    const vals = samples.map((x) => klEstimate(x, kind));
    stats[kind] = { mean: mean(vals), std: populationStd(vals) };
  }
  return { trueKl: (mu * mu) / 2, samples, stats };
}

/**
 * TRPO on a 2-parameter toy: maximise g.d subject to 1/2 d^T F d <= delta. The natural step is
 * sqrt(2 delta / g^T F^-1 g) F^-1 g; the plain gradient step scaled to the same KL for contrast.
 */
export function trustRegionStep(g: readonly [number, number], F: readonly [number, number, number], delta: number) {
  const [a, b, c] = F; // F = [[a, b], [b, c]], symmetric positive definite
  const det = a * c - b * b;
  if (!(det > 0) || !(a > 0)) throw new Error('F must be positive definite');
  const nat: [number, number] = [(c * g[0] - b * g[1]) / det, (-b * g[0] + a * g[1]) / det]; // F^-1 g
  const quad = (d: readonly [number, number]) => a * d[0] * d[0] + 2 * b * d[0] * d[1] + c * d[1] * d[1]; // d^T F d
  const sNat = Math.sqrt((2 * delta) / Math.max(g[0] * nat[0] + g[1] * nat[1], 1e-12));
  const sGrad = Math.sqrt((2 * delta) / Math.max(quad(g), 1e-12));
  return {
    natural: [sNat * nat[0], sNat * nat[1]] as [number, number],
    gradient: [sGrad * g[0], sGrad * g[1]] as [number, number],
    /** Points of the ellipse 1/2 d^T F d = delta, for drawing. */
    ellipse: Array.from({ length: 65 }, (_, i) => {
      const th = (2 * Math.PI * i) / 64;
      const u: [number, number] = [Math.cos(th), Math.sin(th)];
      const s = Math.sqrt((2 * delta) / quad(u));
      return [s * u[0], s * u[1]] as [number, number];
    }),
    /** First-order improvement g.d of each step: the natural one is the larger at the same KL. */
    gain: { natural: sNat * (g[0] * nat[0] + g[1] * nat[1]), gradient: sGrad * (g[0] * g[0] + g[1] * g[1]) },
  };
}
