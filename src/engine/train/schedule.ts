/**
 * Schedules over the iterations of a run: the learning rate (linear warm-up, then constant,
 * linear or cosine decay, as TRL's `lr_scheduler_type`) and the KL coefficient β (fixed,
 * moved toward betaFinal — rising, it is the "dynamic KL" of OThink-MR1's GRPO-D,
 * arXiv:2503.16081 — or adapted toward a target KL: Ziegler et al. 2019, arXiv:1909.08593, or
 * Schulman et al. 2017's halve/double rule, arXiv:1707.06347 sec. 4).
 *
 * Iterations count from 0 here: `at(t)` is the value used by the (t+1)-th iteration.
 */
import { AdaptiveKLController, FixedKLController, HalveDoubleKLController, type KLController } from '../rl';
import type { RunConfig } from '../config';

/** Fraction of the decay phase done at iteration t, in [0, 1]. */
function progress(t: number, start: number, total: number): number {
  const span = total - start;
  return span <= 0 ? 1 : Math.min(1, Math.max(0, (t - start) / span));
}

/**
 * Learning rate at iteration t (0-based) of `total`:
 *   warm-up (t < warmup): lr · (t + 1) / (warmup + 1)      — never exactly 0
 *   then constant: lr;  linear: lr · (1 - p);  cosine: lr · ½ (1 + cos π p)
 * with p the share of the post-warm-up iterations already done. Like TRL, it decays to 0
 * at the end of the run.
 */
export function learningRateAt(optim: RunConfig['optim'], t: number, total: number): number {
  const { lr, warmupIters, lrSchedule } = optim;
  if (t < warmupIters) return (lr * (t + 1)) / (warmupIters + 1);
  const p = progress(t, warmupIters, total);
  switch (lrSchedule) {
    case 'constant':
      return lr;
    case 'linear':
      return lr * (1 - p);
    case 'cosine':
      return lr * 0.5 * (1 + Math.cos(Math.PI * p));
  }
}

/**
 * β over the run. 'fixed' and 'adaptive' go through a KLController (rl/trustRegion.ts) fed the
 * measured KL after each iteration; 'linear' and 'cosine' move β from `beta` to `betaFinal`
 * over the run whatever the KL does: up for OThink-MR1's GRPO-D (explore early under a weak
 * anchor, stay near the reference late), down for a decay.
 */
export class BetaSchedule {
  private readonly controller: KLController | null;
  constructor(
    private readonly objective: RunConfig['objective'],
    private readonly total: number,
  ) {
    const { klSchedule, beta, targetKl, klHorizon, klAdaptRule } = objective;
    const adaptive = (): KLController =>
      klAdaptRule === 'halve-double' ? new HalveDoubleKLController(beta, targetKl) : new AdaptiveKLController(beta, targetKl, klHorizon);
    this.controller = klSchedule === 'adaptive' ? adaptive() : klSchedule === 'fixed' ? new FixedKLController(beta) : null;
  }

  /** β for iteration t (0-based). */
  at(t: number): number {
    if (this.controller) return this.controller.value;
    const { beta, betaFinal, klSchedule } = this.objective;
    const p = progress(t, 0, this.total - 1);
    const w = klSchedule === 'linear' ? 1 - p : 0.5 * (1 + Math.cos(Math.PI * p));
    return betaFinal + (beta - betaFinal) * w;
  }

  /**
   * After an iteration: the proportional controller moves β by at most 20% / klHorizon toward
   * the target (one "step" per iteration, so klHorizon is counted in iterations); the
   * halve-double rule (klAdaptRule) halves or doubles it outside [target / 1.5, 1.5 target].
   */
  observe(measuredKl: number): void {
    this.controller?.update(measuredKl, 1);
  }

  /** True when some iteration may use β > 0 (so a reference model is needed). */
  get everPositive(): boolean {
    const { beta, betaFinal, klSchedule } = this.objective;
    return beta > 0 || ((klSchedule === 'linear' || klSchedule === 'cosine') && betaFinal > 0);
  }
}
