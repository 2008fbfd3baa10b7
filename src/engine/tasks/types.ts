import type { VocabSize } from '../tokenizer';
import type { Box } from './box';

/**
 * What every visual-reasoning task provides. A task is one file that exports a TaskDef;
 * the registry (./index.ts) lists them.
 */

export const TASK_IDS = ['count', 'digit-sum', 'compare', 'area', 'motion', 'click', 'locate'] as const;
export type TaskId = (typeof TASK_IDS)[number];

/**
 * 'id' is the training distribution. Two held-out kinds of out-of-distribution prompts ask
 * whether what was learned generalises:
 * - 'ood', "novel answers": answers the model has never produced (counts 6-9, three digits, ...);
 * - 'shift', "visual shift": answers all inside the ID answer space, pictures that differ in a
 *   way training never shows (TaskDef.shift says how, and why a reader should still answer).
 * The keys stay 'id' and 'ood' (metric keys `acc/eval_id`, `acc/eval_ood`); SPLIT_LABELS names them.
 */
export const SPLITS = ['id', 'ood', 'shift'] as const;
export type Split = (typeof SPLITS)[number];

/** What the page and the CLI call each split. */
export const SPLIT_LABELS: Readonly<Record<Split, string>> = { id: 'ID', ood: 'novel answers', shift: 'visual shift' };

export function isSplit(s: unknown): s is Split {
  return typeof s === 'string' && (SPLITS as readonly string[]).includes(s);
}

/**
 * The question's format (Curr-ReFT, arXiv:2503.07065: its curriculum stages ask true/false, then
 * multiple-choice, then open questions). `open` is every task's own question; `binary` and `choice`
 * put QUESTION_FORMAT_CANDIDATES candidate answers in the prompt, the right one exactly once, and
 * the model answers with the right candidate's words (the vocabulary has no yes/no/true/false or
 * option letters, and the 68-word warm starts cannot emit `none`: so a binary question is a choice
 * between two answers, the nearest to true/false these words allow). Only a task that declares
 * `choiceFormats` honours them (the registry refuses the others).
 */
export const QUESTION_FORMATS = ['open', 'binary', 'choice'] as const;
export type QuestionFormat = (typeof QUESTION_FORMATS)[number];
/** How many candidates a question of each closed format lists in its prompt. */
export const QUESTION_FORMAT_CANDIDATES: Readonly<Record<Exclude<QuestionFormat, 'open'>, number>> = { binary: 2, choice: 3 };

export interface GenerateOptions {
  seed: number;
  split: Split;
  /** 1..TaskDef.levels; higher is harder (curriculum learning raises it). */
  difficulty: number;
  /** Square image side in pixels (32 by default). */
  imageSize: number;
  /** 0..1: how much positions, sizes and colours wander (0 = canonical layouts). */
  jitter: number;
  /**
   * Gold traces of varying length (TaskDef.verboseTraces): the same picture and answer, with
   * optional redundant checks in the reasoning. Absent or false: the task's one trace.
   */
  verbose?: boolean;
  /**
   * The question's format (QUESTION_FORMATS). Absent or 'open': the task's own question. A closed
   * format changes the prompt only (the candidates, drawn from their own random stream): the
   * picture, the answer and the gold trace stay the open instance's.
   */
  format?: QuestionFormat;
}

export interface TaskInstance {
  taskId: TaskId;
  seed: number;
  split: Split;
  difficulty: number;
  imageSize: number;
  /** [imageSize, imageSize, 3] row-major RGB, values in [0, 1]. */
  image: Float32Array;
  /** Token ids, starting with <bos>; at most DEFAULT promptLen (8) long. */
  promptTokens: number[];
  /**
   * The gold answer: TaskDef.answerLength vocabulary words joined by single spaces
   * ("7", "red", "click 12 20"). Where many answers are right (any point in a box), one of them.
   */
  answer: string;
  /** The gold reasoning between <think> and </think>, as vocabulary words. */
  goldTrace: string[];
  /** A closed-format question only (GenerateOptions.format binary or choice): its format; absent for an open one. */
  format?: Exclude<QuestionFormat, 'open'>;
  /** A closed-format question only: the candidate answers its prompt lists, in prompt order, `answer` exactly once. */
  candidates?: string[];
}

export interface TaskDef {
  id: TaskId;
  title: string;
  /** One line for the UI. */
  description: string;
  /**
   * The visual-shift split in one or two sentences: what its pictures change, and why a
   * model that really reads the picture should still answer (its answers are all ID answers).
   */
  shift: string;
  /** Number of difficulty levels (>= 3). */
  levels: number;
  /**
   * Rows of the model's vocabulary this task needs: BASE_VOCAB_SIZE for the single-image tasks
   * (their warm starts were trained on it), VOCAB_SIZE for tasks whose words were appended later.
   * A run's model.vocabSize follows its task (RunConfigSchema sets it).
   */
  vocabSize: VocabSize;
  /** Words between <answer> and </answer> in every answer (1 for "7", 3 for "click 12 20"): the format reward asks for exactly this many. */
  answerLength: number;
  /**
   * The accuracy reward for a parsed answer's words, in [0, 1]. Absent: 1 for the gold words
   * exactly, else 0. A task where many answers are right (a click anywhere in a box) or
   * rightness is graded (IoU with a gold box) says so here.
   */
  scoreAnswer?(instance: TaskInstance, words: readonly string[]): number;
  /**
   * Whether an answer counts as right for accuracy tables and pass@k (a graded score needs a
   * line: IoU >= 0.5, say). Absent: scoreAnswer(...) === 1.
   */
  isCorrect?(instance: TaskInstance, words: readonly string[]): boolean;
  /**
   * Present when answers are boxes `x y w h` on the grid of ./box.ts (locate): the gold box of an
   * instance. The box reward variants (rewards.box: IoU >= 0.5, recall) apply to such tasks only.
   */
  goldBox?(instance: TaskInstance): Box;
  /**
   * Whether its instances carry a gold reasoning trace that a model can imitate (`goldTrace`):
   * SFT trains on these and is refused on a task without them. Every task here has them; a task
   * that only knows its answers (a real data set with labels alone) would say false.
   */
  hasGoldTraces: boolean;
  /**
   * Whether `generate` honours GenerateOptions.verbose: gold traces whose length varies (redundant
   * checks the grammar, the step rewards and StepRVR accept), so length tools have lengths to act
   * on. Absent: no verbose style (config.ts refuses task.verbose for it).
   */
  verboseTraces?: boolean;
  /**
   * Whether `generate` honours GenerateOptions.format binary and choice (candidate answers in the
   * prompt, Curr-ReFT's staged question formats). It needs a prompt short enough to hold
   * QUESTION_FORMAT_CANDIDATES.choice more tokens within the 8 prompt positions the checkpoints'
   * position tables have. Absent: open questions only (config.ts refuses tricks.curriculumFormat).
   */
  choiceFormats?: boolean;
  generate(opts: GenerateOptions): TaskInstance;
  /**
   * Frame-sequence tasks only (motion): the image with its frames in a seeded random order,
   * never the original one. T-GRPO (tricks.temporalGrpo) rolls each prompt out on these too;
   * a single-picture task has none, and the config refuses T-GRPO on it.
   */
  shuffleFrames?(image: Float32Array, imageSize: number, seed: number): Float32Array;
  /**
   * Process reward (StepGRPO): the fraction, in [0, 1], of the gold trace's steps that the
   * given trace gets right (digits read correctly, partial sums right, ...). An empty or
   * unparseable trace scores 0.
   */
  scoreSteps(instance: TaskInstance, trace: readonly string[]): number;
  /**
   * StepRAR's key steps (R1-VL, arXiv:2503.12937 §3.2): the essential intermediate steps of the
   * gold reasoning, each given as its equivalent forms ("3 + 4 = 7" or "4 + 3 = 7"), derived
   * from `goldTrace` alone (so rewards.py can derive them too). Absent: every gold trace word is
   * a key step of one form.
   */
  keySteps?(instance: TaskInstance): KeyStep[];
  /**
   * StepRVR's validity test (R1-VL, arXiv:2503.12937 §3.2): the trace is complete (what was
   * read from the picture, the reasoning on it, in that order, nothing else) and logical (each
   * step follows from the ones before, and the answer is the trace's conclusion). It judges the
   * reasoning's shape and consistency, not whether the picture was read right: a trace that
   * misreads a digit but adds correctly is valid. Absent: a non-empty trace and an answer.
   */
  validReasoning?(instance: TaskInstance, trace: readonly string[], answer: readonly string[]): boolean;
}

/** One key step: its equivalent forms, each a run of words; any one found in the trace matches it. */
export type KeyStep = readonly (readonly string[])[];
