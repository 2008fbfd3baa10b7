/**
 * Curriculum (Curr-ReFT, Deng et al. 2025, arXiv:2503.07065): train on easy prompts first and
 * raise the task level once the policy masters it. Mastery = an exponential moving average of
 * train accuracy at or above the threshold, after a few iterations at the level (so one lucky
 * batch does not move it). The average restarts at each new level. Held-out evaluation stays at
 * the starting level (./run.ts evaluateRun), and `curriculum/level` charts where training is.
 * Curr-ReFT's stages also change the task format and its reward; here a stage is a level only.
 */
export const CURRICULUM_EMA = 0.7;
export const CURRICULUM_MIN_ITERS = 3;

export class Curriculum {
  private ema: number | null = null;
  private itersAtLevel = 0;

  constructor(
    private level: number,
    readonly maxLevel: number,
    readonly threshold: number,
    readonly enabled: boolean,
  ) {}

  get difficulty(): number {
    return this.level;
  }

  /** Feed one iteration's train accuracy; returns true when the level went up. */
  observe(trainAccuracy: number): boolean {
    if (!this.enabled || !Number.isFinite(trainAccuracy)) return false;
    this.itersAtLevel++;
    this.ema = this.ema === null ? trainAccuracy : CURRICULUM_EMA * this.ema + (1 - CURRICULUM_EMA) * trainAccuracy;
    if (this.level < this.maxLevel && this.itersAtLevel >= CURRICULUM_MIN_ITERS && this.ema >= this.threshold) {
      this.level++;
      this.ema = null;
      this.itersAtLevel = 0;
      return true;
    }
    return false;
  }
}
