import type { Policy } from '../model';
import { TASKS } from '../tasks';
import { SPLITS, TASK_IDS, type Split, type TaskId } from '../tasks/types';
import { evaluate } from './evaluate';

/**
 * Cross-task evaluation: one policy, greedy, on every task's ID, visual-shift and novel-answer
 * (ood) splits, so "train on count, test on digit-sum" is one table. Every task whose
 * vocabulary the model has (TaskDef.vocabSize: the four single-image tasks share one, the
 * later ones another) is asked, so any run's weights can answer those prompts; a task it never
 * trained on mostly shows what the warm start or the other task left behind.
 */

/** The tasks a model with this many vocabulary rows can be asked: those built on the same vocabulary. */
export function tasksForVocab(vocabSize: number): TaskId[] {
  return TASK_IDS.filter((t) => TASKS[t].vocabSize === vocabSize);
}

export interface CrossTaskOptions {
  /** Held-out prompts per task and split (the same ones every time: seeds from evalSeed). */
  n: number;
  /** The run's level; a task with fewer levels is asked at its top level. */
  difficulty: number;
  imageSize: number;
  jitter: number;
  maxNewTokens: number;
  /** (done, total) prompts over the whole table. */
  onProgress?: (done: number, total: number) => void;
}

export interface CrossTaskCell {
  task: TaskId;
  split: Split;
  n: number;
  accuracy: number;
  formatRate: number;
}

/** The table, task by task, each task's splits in SPLITS order. */
export async function crossTaskEvaluation(policy: Policy, o: CrossTaskOptions): Promise<CrossTaskCell[]> {
  const tasks = tasksForVocab(policy.config.vocabSize);
  const total = tasks.length * SPLITS.length * o.n;
  const cells: CrossTaskCell[] = [];
  for (const task of tasks) {
    for (const split of SPLITS) {
      const before = cells.length * o.n;
      const r = await evaluate(policy, TASKS[task], {
        split,
        n: o.n,
        difficulty: Math.min(o.difficulty, TASKS[task].levels),
        imageSize: o.imageSize,
        jitter: o.jitter,
        maxNewTokens: o.maxNewTokens,
        mode: { kind: 'greedy' },
        onProgress: (done) => o.onProgress?.(before + done, total),
      });
      cells.push({ task, split, n: r.n, accuracy: r.accuracy, formatRate: r.formatRate });
    }
  }
  return cells;
}
