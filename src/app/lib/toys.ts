/**
 * The explainers' toys, on plain numbers: Schulman's KL sampling demo and TRPO's step on a
 * 2-parameter quadratic. The RL maths they use is the engine's own (engine/rl/host.ts, the
 * one module of engine/rl the page may import).
 */
import { Rng } from '../../engine/random';
import { KL_ESTIMATORS, klEstimate, mean, populationStd, type KlEstimator } from '../../engine/rl/host';

export interface EstimatorStats {
  mean: number;
  std: number;
}

/**
 * Schulman's sampling demo ("Approximating KL Divergence", 2020): pi = N(0, 1) samples,
 * pi_ref = N(mu, 1), so x = log pi(s) - log pi_ref(s) = mu^2/2 - s mu and KL(pi || pi_ref) = mu^2/2.
 * k1 and k3 are unbiased; k2 is biased; k3 has far less variance than k1.
 */
export function klSamplingDemo(mu: number, n: number, seed: number): { trueKl: number; samples: number[]; stats: Record<KlEstimator, EstimatorStats> } {
  const rng = new Rng(seed);
  const samples = Array.from({ length: n }, () => mu * mu * 0.5 - rng.normal() * mu);
  const stats = {} as Record<KlEstimator, EstimatorStats>;
  for (const kind of KL_ESTIMATORS) {
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
