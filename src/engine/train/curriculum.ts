/**
 * Curriculum (Curr-ReFT, Deng et al. 2025, arXiv:2503.07065): train on easy prompts first and
 * raise the task level once the policy masters it. Mastery = an exponential moving average of
 * train accuracy at or above the threshold, after a few iterations at the level (so one lucky
 * batch does not move it). The average restarts at each new level. Held-out evaluation stays at
 * the starting level, in the open question format (./run.ts evaluateRun), and `curriculum/level`
 * charts where training is.
 *
 * Curr-ReFT's two phases (arXiv:2503.07065, section 3, and its code's Stage1_judge,
 * Stage2_choice and Stage3_open GRPO scripts): (1) curriculum RL whose stages go from basic
 * perception to reasoning, each asking its own question format (true/false, then multiple choice,
 * then the open question) with a reward per stage ("difficulty-aware reward design": the early
 * stages pay rewards that are easy to acquire, the last one only the exact answer), then
 * (2) rejected-sampling self-improvement: sample, keep the high-quality (right) responses and
 * fine-tune on them. Here a stage is a task level above the start; its reward weights and its
 * question format are data (CURR_REFT_STAGES). The weights override rewards.weights key by key
 * (tricks.curriculumRewards staged); the format (tricks.curriculumFormat staged) is the prompt's:
 *  - stage 1, binary: two candidate answers after the question ("sum of digits ? 5 7"). The
 *    vocabulary has no yes/no/true/false words (and the 68-word warm starts cannot emit `none`),
 *    so a choice between two answers is the nearest to true/false it allows; like a yes/no, half
 *    the guesses are right.
 *  - stage 2, choice: three candidates ("sum of digits ? 6 4 5"); the paper's options are letters
 *    A-E, which the vocabulary lacks, so the answer is the candidate itself.
 *  - stage 3 and above, open: the task's own question.
 * The answer and its reward are the task's own in every format (exact match); only the prompt
 * changes. Candidates need prompt room: prompts are at most 8 tokens, because the checkpoints'
 * position tables hold exactly 8 prompt positions (model.promptLen) and a longer prompt would not
 * load them. digit-sum's question is 4 words, so 3 candidates fit; count's is 5 (two fit, not
 * three), so only digit-sum declares choiceFormats. The self-improvement stage is the run's last
 * tricks.curriculumRejectIters iterations, asked open questions and trained by the rft
 * algorithm's update (../algorithms/sft.ts rftUpdate).
 */
import type { QuestionFormat } from '../tasks/types';

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

/** One RL stage of the curriculum: the reward weights it pays (overriding rewards.weights for the keys it names) and the question format it asks. */
export interface CurriculumStage {
  readonly name: string;
  readonly weights: Readonly<Partial<Record<'accuracy' | 'format' | 'step', number>>>;
  /** The question format under tricks.curriculumFormat staged (../tasks/types.ts QUESTION_FORMATS). */
  readonly format: QuestionFormat;
}

/**
 * Curr-ReFT's difficulty-aware rewards and question formats as data. Stage 1 (the starting
 * level) asks a binary question and pays well-formed output and right steps as much as half the
 * answer, so a policy that is still wrong earns signal; stage 2 asks a 3-way choice and pays less
 * for them; stage 3 (and any level above) asks the open question and pays the answer, with a
 * small format term only. A level past the last stage keeps the last stage's weights and format.
 */
export const CURR_REFT_STAGES: readonly CurriculumStage[] = [
  { name: 'basic', weights: { accuracy: 1, format: 0.5, step: 0.5 }, format: 'binary' },
  { name: 'intermediate', weights: { accuracy: 1, format: 0.2, step: 0.2 }, format: 'choice' },
  { name: 'answer', weights: { accuracy: 1, format: 0.1, step: 0 }, format: 'open' },
];
/** The stage number charted for the rejection-sampling self-improvement phase: one past the RL stages. */
export const SELF_IMPROVEMENT_STAGE = CURR_REFT_STAGES.length + 1;

/** 1-based RL stage of a level, counted from the run's starting level and capped at the last stage. */
export function stageOfLevel(level: number, startLevel: number): number {
  return Math.min(Math.max(level - startLevel + 1, 1), CURR_REFT_STAGES.length);
}

/** The RL stage's declaration (1-based; clamped to the first and the last stage). */
function stageAt(stage: number): CurriculumStage {
  return CURR_REFT_STAGES[Math.min(Math.max(stage, 1), CURR_REFT_STAGES.length) - 1]!;
}

/** The run's reward weights with the stage's weights laid over them (the keys the stage names). */
export function stageRewardWeights<W extends Record<string, number>>(base: W, stage: number): W {
  return { ...base, ...stageAt(stage).weights };
}

/** The question format of a stage (1-based; past the last RL stage, the last one's; the self-improvement stage asks open questions). */
export function stageFormat(stage: number): QuestionFormat {
  if (stage >= SELF_IMPROVEMENT_STAGE) return 'open';
  return stageAt(stage).format;
}

/** Levels a run must be able to climb from its start for the staged formats to reach the open question (stage 3 is two levels up). */
export const OPEN_STAGE = CURR_REFT_STAGES.findIndex((s) => s.format === 'open') + 1;

/** Whether 0-based iteration t of a run of `total` lies in the last `rejectIters` (self-improvement). */
export function inSelfImprovement(t: number, total: number, rejectIters: number): boolean {
  return rejectIters > 0 && t >= total - rejectIters;
}
