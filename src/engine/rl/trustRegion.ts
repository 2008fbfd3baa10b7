/**
 * Trust-region machinery: the pieces TRPO (Schulman et al. 2015, arXiv:1502.05477) needs to
 * take a natural-gradient step under a hard KL bound, and the KL-coefficient controllers
 * that PPO-with-KL-penalty uses instead (Ziegler et al. 2019, arXiv:1909.08593; TRL).
 *
 * TRPO's step, as OpenAI Spinning Up / baselines take it:
 *   1. g = ∇ surrogate;  solve F s = g with conjugate gradient, F the Fisher (KL Hessian)
 *      seen only through Fisher-vector products v -> F v;
 *   2. scale s so the quadratic KL model hits the bound: β = sqrt(2 δ / sᵀ F s);
 *   3. backtrack along β s until the real KL <= δ and the surrogate improves.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertRank } from './masked';

// ---------------------------------------------------------------------------------------
// Conjugate gradient
// ---------------------------------------------------------------------------------------

export type ConjugateGradientResult = {
  /** Approximate solution of A x = b, a new tensor the caller disposes. */
  x: tf.Tensor1D;
  /** Iterations run (fewer than asked when the residual fell below the tolerance). */
  iterations: number;
  /** |b - A x|² as tracked by the recursion. */
  residualNorm2: number;
};

function dot(a: tf.Tensor1D, b: tf.Tensor1D): number {
  return tf.tidy(() => tf.dot(a, b).dataSync()[0]!);
}

/**
 * Solve A x = b for symmetric positive-definite A, given only v -> A v (Hestenes & Stiefel
 * 1952; the loop of baselines' `cg`). Exact after n iterations for an n x n system in exact
 * arithmetic; TRPO stops at ~10, which is enough for a good direction.
 *
 *   x = 0, r = b, p = b
 *   repeat: α = rᵀr / pᵀAp;  x += α p;  r -= α A p;  p = r + (r'ᵀr' / rᵀr) p
 *
 * fvp must return a new tensor (CG disposes it) and must not dispose its argument. Costs
 * two scalar readbacks per iteration. Stops early if the residual is below residualTol or
 * pᵀAp <= 0 (A not positive definite along p; the current x is returned).
 */
export function conjugateGradient(
  fvp: (v: tf.Tensor1D) => tf.Tensor1D,
  b: tf.Tensor1D,
  iters = 10,
  residualTol = 1e-10,
): ConjugateGradientResult {
  assertRank(b, 1, 'conjugateGradient: b', 'a flat vector [n]');
  const state: CgState = { x: tf.zerosLike(b), r: tf.clone(b), p: tf.clone(b), rr: 0, iterations: 0 };
  state.rr = dot(state.r, state.r);
  let done: CgState;
  try {
    done = cgLoop(fvp, b, state, iters, residualTol);
  } catch (e) {
    tf.dispose([state.x, state.r, state.p]); // fvp failed (a lost device, an assert): nothing of CG outlives it
    throw e;
  }
  done.r.dispose();
  done.p.dispose();
  return { x: done.x, iterations: done.iterations, residualNorm2: done.rr };
}

type CgState = { x: tf.Tensor1D; r: tf.Tensor1D; p: tf.Tensor1D; rr: number; iterations: number };

/** CG's iterations from `state`; every tensor it replaces it disposes, and on a throw `state` still holds the live ones. */
function cgLoop(fvp: (v: tf.Tensor1D) => tf.Tensor1D, b: tf.Tensor1D, state: CgState, iters: number, residualTol: number): CgState {
  let { x, r, p, rr, iterations } = state;
  while (iterations < iters && rr >= residualTol) {
    const ap = fvp(p);
    tf.util.assert(
      tf.util.arraysEqual(ap.shape, b.shape),
      () => `conjugateGradient: fvp returned shape [${ap.shape.join(', ')}], expected [${b.shape.join(', ')}]`,
    );
    const pAp = dot(p, ap);
    if (!(pAp > 0)) {
      if (ap !== p) ap.dispose();
      break;
    }
    const alpha = rr / pAp;
    const [xOld, rOld, pOld] = [x, r, p];
    x = tf.tidy(() => tf.add(xOld, tf.mul(pOld, alpha)));
    r = tf.tidy(() => tf.sub(rOld, tf.mul(ap, alpha)));
    if (ap !== p) ap.dispose();
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    p = tf.tidy(() => tf.add(r, tf.mul(pOld, beta)));
    xOld.dispose();
    rOld.dispose();
    pOld.dispose();
    rr = rrNew;
    iterations++;
    Object.assign(state, { x, r, p });
  }
  return { x, r, p, rr, iterations };
}

/**
 * TRPO's step length: the largest β with ½ (β s)ᵀ F (β s) = δ, i.e. β = sqrt(2 δ / sᵀ F s),
 * so the quadratic model of the KL sits exactly on the trust-region boundary.
 * sFs <= 0 (a degenerate Fisher estimate) gives 0: take no step.
 */
export function trustRegionStepScale(sFs: number, maxKl: number): number {
  tf.util.assert(maxKl > 0, () => `trustRegionStepScale: maxKl must be positive, got ${maxKl}`);
  return sFs > 0 ? Math.sqrt((2 * maxKl) / sFs) : 0;
}

// ---------------------------------------------------------------------------------------
// Backtracking line search
// ---------------------------------------------------------------------------------------

export type LineSearchOptions = {
  /**
   * Evaluate the surrogate loss (lower is better) and KL(π_old || π) with the parameters at
   * θ_old + stepFrac · fullStep. The caller owns the parameters: it sets them here, and
   * restores θ_old itself if the search fails.
   */
  evaluate: (stepFrac: number) => { loss: number; kl: number };
  /** Surrogate loss at θ_old. */
  lossBefore: number;
  /**
   * First-order improvement predicted for the full step, -gᵀ fullStep (g the loss
   * gradient). The ratio test is skipped when it is not positive.
   */
  expectedImprove: number;
  /** Trust-region radius δ; Infinity disables the KL test. */
  maxKl: number;
  /** Step shrink factor per backtrack (0.5 in baselines, 0.8 in Spinning Up). */
  backtrackCoeff?: number;
  /** Steps tried: stepFrac = coeff^0, coeff^1, ..., coeff^(maxBacktracks-1). */
  maxBacktracks?: number;
  /** Minimum actual / expected improvement to accept a step (0.1 in baselines). */
  acceptRatio?: number;
};

export type LineSearchResult = {
  accepted: boolean;
  /** Fraction of the full step taken; 0 when nothing was accepted. */
  stepFrac: number;
  /** Steps rejected before the accepted one (maxBacktracks when none was accepted). */
  backtracks: number;
  /** Loss and KL at the accepted step (lossBefore and 0 when none was accepted). */
  loss: number;
  kl: number;
};

/**
 * Shrink the step geometrically until it is safe (TRPO, Appendix C; baselines `linesearch`
 * plus Spinning Up's KL test). A step is accepted when
 *   kl <= maxKl,   lossBefore - loss > 0,   and   (lossBefore - loss) / (stepFrac · expectedImprove) > acceptRatio.
 * Pure control flow over numbers: the caller does the tensor work inside `evaluate`.
 */
export function backtrackingLineSearch(options: LineSearchOptions): LineSearchResult {
  const { evaluate, lossBefore, expectedImprove, maxKl, backtrackCoeff = 0.5, maxBacktracks = 10, acceptRatio = 0.1 } = options;
  tf.util.assert(
    backtrackCoeff > 0 && backtrackCoeff < 1,
    () => `backtrackingLineSearch: backtrackCoeff must be in (0, 1), got ${backtrackCoeff}`,
  );
  tf.util.assert(
    Number.isInteger(maxBacktracks) && maxBacktracks >= 1,
    () => `backtrackingLineSearch: maxBacktracks must be a positive integer, got ${maxBacktracks}`,
  );
  for (let j = 0; j < maxBacktracks; j++) {
    const stepFrac = backtrackCoeff ** j;
    const { loss, kl } = evaluate(stepFrac);
    const improve = lossBefore - loss;
    const ratioOk = !(expectedImprove > 0) || improve / (stepFrac * expectedImprove) > acceptRatio;
    if (kl <= maxKl && improve > 0 && ratioOk) return { accepted: true, stepFrac, backtracks: j, loss, kl };
  }
  return { accepted: false, stepFrac: 0, backtracks: maxBacktracks, loss: lossBefore, kl: 0 };
}

// ---------------------------------------------------------------------------------------
// KL-coefficient controllers
// ---------------------------------------------------------------------------------------

/** The KL penalty coefficient β, updated once per rollout from the measured KL. */
export interface KLController {
  /** Current β. */
  readonly value: number;
  /** Update β after observing mean KL `currentKl` on a batch of `nSteps` samples. */
  update(currentKl: number, nSteps: number): void;
}

/** β stays where it was set (GRPO's fixed β; TRL `FixedKLController`). */
export class FixedKLController implements KLController {
  constructor(readonly value: number) {
    tf.util.assert(value >= 0, () => `FixedKLController: beta must be >= 0, got ${value}`);
  }
  update(_currentKl: number, _nSteps: number): void {
    // Fixed: nothing to adapt.
  }
}

/**
 * Proportional control of β toward a target KL (Ziegler et al. 2019, arXiv:1909.08593;
 * TRL `AdaptiveKLController`):
 *
 *   e = clip(KL / target - 1, -0.2, 0.2)
 *   β ← β · (1 + e · nSteps / horizon)
 *
 * KL above target raises β (penalise drift harder), below lowers it; the clip and the
 * horizon keep each change small.
 */
export class AdaptiveKLController implements KLController {
  private beta: number;
  constructor(
    initBeta: number,
    readonly target: number,
    readonly horizon: number,
  ) {
    tf.util.assert(initBeta >= 0, () => `AdaptiveKLController: initial beta must be >= 0, got ${initBeta}`);
    tf.util.assert(target > 0, () => `AdaptiveKLController: target KL must be positive, got ${target}`);
    tf.util.assert(horizon > 0, () => `AdaptiveKLController: horizon must be positive, got ${horizon}`);
    this.beta = initBeta;
  }
  get value(): number {
    return this.beta;
  }
  update(currentKl: number, nSteps: number): void {
    if (!Number.isFinite(currentKl)) return; // a NaN KL must not poison β for the rest of the run
    const error = Math.min(Math.max(currentKl / this.target - 1, -0.2), 0.2);
    this.beta *= 1 + (error * nSteps) / this.horizon;
  }
}

/**
 * PPO-Penalty's own rule (Schulman et al. 2017, arXiv:1707.06347, section 4, "Adaptive KL
 * Penalty Coefficient"): after each policy update, with d the measured KL,
 *
 *   d < target / 1.5  ->  β ← β / 2
 *   d > target · 1.5  ->  β ← β · 2
 *   otherwise             β stays
 *
 * (the paper: "The parameters 1.5 and 2 above are chosen heuristically, but the algorithm is not
 * very sensitive to them"). A bang-bang controller: it reacts in one iteration where the
 * proportional one moves at most 20% / horizon, and it never settles between the two bands.
 * nSteps is ignored: one update of β per observed KL.
 */
export class HalveDoubleKLController implements KLController {
  private beta: number;
  constructor(
    initBeta: number,
    readonly target: number,
  ) {
    tf.util.assert(initBeta >= 0, () => `HalveDoubleKLController: initial beta must be >= 0, got ${initBeta}`);
    tf.util.assert(target > 0, () => `HalveDoubleKLController: target KL must be positive, got ${target}`);
    this.beta = initBeta;
  }
  get value(): number {
    return this.beta;
  }
  update(currentKl: number, _nSteps: number): void {
    if (!Number.isFinite(currentKl)) return; // as the proportional controller: a NaN KL leaves β alone
    if (currentKl < this.target / 1.5) this.beta /= 2;
    else if (currentKl > this.target * 1.5) this.beta *= 2;
  }
}
