/**
 * The task registry. Every task is served through one guard, so bad options fail loudly
 * with the task's name, and no task can emit a prompt or a gold response the model cannot hold.
 */
import { mixSeed } from '../random';
import { answerWords, formatResponse, id } from '../tokenizer';
import { areaTask } from './area';
import { clickTask } from './click';
import { compareTask } from './compare';
import { countTask } from './count';
import { digitSumTask } from './digit-sum';
import { motionTask } from './motion';
import { locateTask } from './locate';
import { QUESTION_FORMATS, QUESTION_FORMAT_CANDIDATES, SPLITS, TASK_IDS, isSplit, type GenerateOptions, type Split, type TaskDef, type TaskId, type TaskInstance } from './types';

export * from './types';

/** Prompts are left-padded to the model's default promptLen (8), <bos> included. */
export const MAX_PROMPT_TOKENS = 8;
/** The longest gold response, `<think> ... </think> <answer> X </answer> <eos>` included. */
export const MAX_RESPONSE_TOKENS = 24;
/** Below this the shapes, digits and grid cells are too few pixels to tell apart. */
export const MIN_IMAGE_SIZE = 16;

function checkOptions(def: TaskDef, o: GenerateOptions): void {
  const bad = (what: string): never => {
    throw new Error(`Task "${def.id}": ${what}`);
  };
  if (!Number.isFinite(o.seed)) bad(`seed must be a finite number, got ${o.seed}.`);
  if (!isSplit(o.split)) bad(`split must be one of ${SPLITS.map((s) => `'${s}'`).join(', ')}, got ${String(o.split)}.`);
  if (!Number.isInteger(o.difficulty) || o.difficulty < 1 || o.difficulty > def.levels) bad(`difficulty must be an integer in 1..${def.levels}, got ${o.difficulty}.`);
  if (!Number.isInteger(o.imageSize) || o.imageSize < MIN_IMAGE_SIZE) bad(`imageSize must be an integer >= ${MIN_IMAGE_SIZE}, got ${o.imageSize}.`);
  if (!(o.jitter >= 0 && o.jitter <= 1)) bad(`jitter must be in [0, 1], got ${o.jitter}.`);
  const format = o.format ?? 'open';
  if (!(QUESTION_FORMATS as readonly string[]).includes(format)) bad(`format must be one of ${QUESTION_FORMATS.map((f) => `'${f}'`).join(', ')}, got ${String(format)}.`);
  if (format !== 'open' && def.choiceFormats !== true) bad(`asks open questions only (no candidates in its prompt), got format '${format}'.`);
}

/** A closed question (binary, choice) lists its format's number of candidates, the gold answer exactly once, and says which format it is. */
function checkCandidates(def: TaskDef, o: GenerateOptions, inst: TaskInstance): void {
  const format = o.format ?? 'open';
  const where = `Task "${def.id}" (seed ${inst.seed})`;
  if (format === 'open') {
    if (inst.format !== undefined || inst.candidates !== undefined) throw new Error(`${where} made a closed question for an open one.`);
    return;
  }
  const c = inst.candidates ?? [];
  if (inst.format !== format || c.length !== QUESTION_FORMAT_CANDIDATES[format] || c.filter((x) => x === inst.answer).length !== 1) {
    throw new Error(`${where} made the ${String(inst.format)} candidates [${c.join(', ')}] for a ${format} question answered "${inst.answer}": it needs ${QUESTION_FORMAT_CANDIDATES[format]}, the answer exactly once.`);
  }
}

function checkInstance(def: TaskDef, inst: TaskInstance): TaskInstance {
  const words = answerWords(inst.answer);
  if (words.length !== def.answerLength) {
    throw new Error(`Task "${def.id}" (seed ${inst.seed}) made the ${words.length}-word answer "${inst.answer}"; its answers have ${def.answerLength}.`);
  }
  const tooBig = [...inst.promptTokens, ...inst.goldTrace.map(id), ...words.map(id)].find((t) => t >= def.vocabSize);
  if (tooBig !== undefined) throw new Error(`Task "${def.id}" (seed ${inst.seed}) used token id ${tooBig}, outside its ${def.vocabSize}-word vocabulary.`);
  const response = formatResponse(inst.goldTrace, inst.answer).length;
  if (inst.promptTokens.length > MAX_PROMPT_TOKENS || response > MAX_RESPONSE_TOKENS) {
    throw new Error(
      `Task "${inst.taskId}" (seed ${inst.seed}) made a ${inst.promptTokens.length}-token prompt and a ${response}-token gold response; ` +
        `the limits are ${MAX_PROMPT_TOKENS} and ${MAX_RESPONSE_TOKENS}.`,
    );
  }
  return inst;
}

function guarded(def: TaskDef): TaskDef {
  return {
    ...def,
    generate(opts) {
      checkOptions(def, opts);
      const inst = checkInstance(def, def.generate(opts));
      checkCandidates(def, opts, inst);
      return inst;
    },
  };
}

export const TASKS: Readonly<Record<TaskId, TaskDef>> = {
  count: guarded(countTask),
  'digit-sum': guarded(digitSumTask),
  compare: guarded(compareTask),
  area: guarded(areaTask),
  motion: guarded(motionTask),
  locate: guarded(locateTask),
  click: guarded(clickTask),
};

/** The accuracy reward of an answer (the words inside <answer> ... </answer>, or null when there are none), in [0, 1]. */
export function scoreAnswer(instance: TaskInstance, answer: string | null): number {
  if (answer === null) return 0;
  const def = TASKS[instance.taskId];
  const words = answerWords(answer);
  if (def.scoreAnswer) return def.scoreAnswer(instance, words);
  return words.join(' ') === instance.answer ? 1 : 0;
}

/** Whether an answer counts as right (accuracy tables, pass@k, majority vote); see TaskDef.isCorrect. */
export function isCorrectAnswer(instance: TaskInstance, answer: string | null): boolean {
  if (answer === null) return false;
  const def = TASKS[instance.taskId];
  if (def.isCorrect) return def.isCorrect(instance, answerWords(answer));
  return scoreAnswer(instance, answer) === 1;
}

/**
 * The warm-start checkpoint a run starts from (a directory under public/checkpoints/): the
 * task's own, or `<task>-verbose` when the run asks for verbose traces (task.verbose) and the
 * task has that style: a warm start fine-tuned on traces of varying length, so the policy
 * starts out varying its reasoning length.
 */
export function warmStartName(settings: { task: TaskId; verbose?: boolean }): string {
  return settings.verbose === true && TASKS[settings.task].verboseTraces === true ? `${settings.task}-verbose` : settings.task;
}

export function isTaskId(id: string): id is TaskId {
  return (TASK_IDS as readonly string[]).includes(id);
}

export function getTask(id: string): TaskDef {
  if (!isTaskId(id)) throw new Error(`Unknown task "${id}": valid tasks are ${TASK_IDS.map((t) => `"${t}"`).join(', ')}.`);
  return TASKS[id];
}

export interface BatchOptions {
  count: number;
  /** Instance k gets seed mixSeed(seedBase, k): batches with different bases share no instances. */
  seedBase: number;
  split: Split;
  difficulty: number;
  imageSize: number;
  jitter: number;
}

export function generateBatch(task: TaskDef, { count, seedBase, ...opts }: BatchOptions): TaskInstance[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`Batch count must be a non-negative integer, got ${count}.`);
  return Array.from({ length: count }, (_, k) => task.generate({ ...opts, seed: mixSeed(seedBase, k) }));
}
