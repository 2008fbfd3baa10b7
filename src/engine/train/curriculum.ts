/**
 * Curriculum (Curr-ReFT, Deng et al. 2025, arXiv:2503.07065): train on easy prompts first and
 * raise the task level once the policy masters it. Mastery = an exponential moving average of
 * train accuracy at or above the threshold, after a few iterations at the level (so one lucky
 * batch does not move it). The average restarts at each new level. Held-out evaluation stays at
 * the starting level (./run.ts evaluateRun), and `curriculum/level` charts where training is.
 *
 * Curr-ReFT's two phases (arXiv:2503.07065, section 3): (1) curriculum RL whose stages go from
 * basic perception to reasoning with a reward per stage ("difficulty-aware reward design": the
 * early stages pay rewards that are easy to acquire, the last one only the exact answer), then
 * (2) rejected-sampling self-improvement: sample, keep the high-quality (right) responses and
 * fine-tune on them. Here a stage is a task level above the start; its reward weights are data
 * (CURR_REFT_STAGES) that override rewards.weights key by key; the self-improvement stage is the
 * run's last tricks.curriculumRejectIters iterations, trained by the rft algorithm's update
 * (../algorithms/sft.ts rftUpdate). The paper's stages also change the question format
 * (true/false, multiple choice, open answer); the task families here have one format per task,
 * so a stage changes the level and the reward, not the format.
 */
export const CURRICULUM_EMA = 0.7;
export const CURRICULUM_MIN_ITERS = 3;

export class Curriculum {
  private ema: number | null = null;
  private itersAtLevel = 0;
  private readonly startLevel: number;

  constructor(
    private level: number,
    readonly maxLevel: number,
    readonly threshold: number,
    readonly enabled: boolean,
  ) {
    this.startLevel = level;
  }

  get difficulty(): number {
    return this.level;
  }

  /** The RL stage (1-based, CURR_REFT_STAGES) the current level is. */
  get stage(): number {
    return stageOfLevel(this.level, this.startLevel);
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

/** One RL stage of the curriculum: the reward weights it pays (overriding rewards.weights for the keys it names). */
export interface CurriculumStage {
  readonly name: string;
  readonly weights: Readonly<Partial<Record<'accuracy' | 'format' | 'step', number>>>;
}

/**
 * Curr-ReFT's difficulty-aware rewards as data. Stage 1 (the starting level) pays well-formed
 * output and right steps as much as half the answer, so a policy that is still wrong earns
 * signal; stage 2 pays less for them; stage 3 (and any level above) pays the answer, with a
 * small format term only. A level past the last stage keeps the last stage's weights.
 */
export const CURR_REFT_STAGES: readonly CurriculumStage[] = [
  { name: 'basic', weights: { accuracy: 1, format: 0.5, step: 0.5 } },
  { name: 'intermediate', weights: { accuracy: 1, format: 0.2, step: 0.2 } },
  { name: 'answer', weights: { accuracy: 1, format: 0.1, step: 0 } },
];
/** The stage number charted for the rejection-sampling self-improvement phase: one past the RL stages. */
export const SELF_IMPROVEMENT_STAGE = CURR_REFT_STAGES.length + 1;

/** 1-based RL stage of a level, counted from the run's starting level and capped at the last stage. */
export function stageOfLevel(level: number, startLevel: number): number {
  return Math.min(Math.max(level - startLevel + 1, 1), CURR_REFT_STAGES.length);
}

/** The run's reward weights with the stage's weights laid over them (the keys the stage names). */
export function stageRewardWeights<W extends Record<string, number>>(base: W, stage: number): W {
  const s = CURR_REFT_STAGES[Math.min(Math.max(stage, 1), CURR_REFT_STAGES.length) - 1]!;
  return { ...base, ...s.weights };
}

/** Whether 0-based iteration t of a run of `total` lies in the last `rejectIters` (self-improvement). */
export function inSelfImprovement(t: number, total: number, rejectIters: number): boolean {
  return rejectIters > 0 && t >= total - rejectIters;
}
