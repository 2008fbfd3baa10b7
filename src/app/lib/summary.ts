import type { MetricsRecord } from '../../engine/train/metrics';
import { lastValue } from './series';
import { accuraciesDiffer } from './stats';

/**
 * The Compare view's table: one row per run, and the best cell of each column.
 */

export interface SummaryRow {
  runId: string;
  accId: number | undefined;
  accOod: number | undefined;
  /** Held-out accuracy on the visual-shift split (undefined for runs from before it existed). */
  accShift: number | undefined;
  /** First iteration whose held-out ID accuracy (or train accuracy, for a run without evals) reached 80%. */
  itersTo80: number | null;
  kl: number | undefined;
  meanLength: number | undefined;
  wallS: number | undefined;
  /** Prompts per held-out evaluation (the run's evalN): the accuracies' noise. */
  evalN?: number;
  /** Iterations between evaluations: how finely "iterations to 80%" is measured. */
  evalEvery?: number;
}

/** How much better than the runner-up a value must be to earn a star, for columns without a sampling model. */
export const RELATIVE_MARGIN = 0.1;

export const SUMMARY_COLUMNS = [
  {
    key: 'accId',
    label: 'Final acc (ID)',
    better: 'high',
    help: 'Held-out in-distribution accuracy at the last evaluation (evalN prompts like the training ones).',
    star: '★ only when it beats the runner-up by more than 2 standard errors of the difference (SE = √(p(1−p)/evalN)).',
  },
  {
    key: 'accShift',
    label: 'Final acc (visual shift)',
    better: 'high',
    help: 'Held-out visual-shift accuracy at the last evaluation: answers from training, in pictures training never shows (the task\'s shift: other sizes, colours, glyphs or noise).',
    star: '★ only when it beats the runner-up by more than 2 standard errors of the difference (SE = √(p(1−p)/evalN)).',
  },
  {
    key: 'accOod',
    label: 'Final acc (novel answers)',
    better: 'high',
    help: 'Held-out accuracy on the novel-answer (OOD) split at the last evaluation: answers training never shows (more objects, three digits, longer sides).',
    star: '★ only when it beats the runner-up by more than 2 standard errors of the difference (SE = √(p(1−p)/evalN)).',
  },
  {
    key: 'itersTo80',
    label: 'Iters to 80%',
    better: 'low',
    help: 'Learning speed: the first iteration at which held-out ID accuracy (train accuracy if the run never evaluated) reached 80%. Fewer is faster; "not reached" if it never did.',
    star: '★ only when it is sooner than the runner-up by more than one evaluation interval (evalEvery), the resolution it is measured at.',
  },
  {
    key: 'kl',
    label: 'Final KL',
    better: 'low',
    help: 'KL to the reference policy at the last iteration: lower stayed closer to the start model. "–" when β = 0 (no reference kept).',
    star: `★ only when it is lower than the runner-up by more than ${RELATIVE_MARGIN * 100}%.`,
  },
  {
    key: 'meanLength',
    label: 'Mean length',
    better: 'low',
    help: 'Mean response length (tokens) at the last iteration: shorter answers are cheaper.',
    star: `★ only when it is lower than the runner-up by more than ${RELATIVE_MARGIN * 100}%.`,
  },
  {
    key: 'wallS',
    label: 'Wall time',
    better: 'low',
    help: "Time spent in the run's own iterations (on this machine, beside the other runs).",
    star: `★ only when it is lower than the runner-up by more than ${RELATIVE_MARGIN * 100}%.`,
  },
] as const;
export type SummaryKey = (typeof SUMMARY_COLUMNS)[number]['key'];

export function firstIterationReaching(records: readonly MetricsRecord[], threshold: number): number | null {
  const hasEval = records.some((r) => r.values['acc/eval_id'] !== undefined);
  const key = hasEval ? 'acc/eval_id' : 'acc/train';
  for (const r of records) {
    const v = r.values[key];
    if (v !== undefined && v >= threshold) return r.iteration;
  }
  return null;
}

export function summarise(runId: string, records: readonly MetricsRecord[], evalRun?: { evalN: number; evalEvery: number }): SummaryRow {
  return {
    ...(evalRun ? { evalN: evalRun.evalN, evalEvery: evalRun.evalEvery } : {}),
    runId,
    accId: lastValue(records, 'acc/eval_id'),
    accOod: lastValue(records, 'acc/eval_ood'),
    accShift: lastValue(records, 'acc/eval_shift'),
    itersTo80: firstIterationReaching(records, 0.8),
    kl: lastValue(records, 'kl/ref'),
    meanLength: lastValue(records, 'len/mean'),
    wallS: records.length > 0 ? records.at(-1)!.wallMs / 1000 : undefined,
  };
}

/** Whether `best` beats `other` in column `key` by more than the noise (see each column's `star`). */
export function beatsBeyondNoise(key: SummaryKey, best: SummaryRow, other: SummaryRow): boolean {
  const a = best[key];
  const b = other[key];
  if (a === null || a === undefined || !Number.isFinite(a)) return false;
  if (b === undefined || !Number.isFinite(b)) return true; // the other has no value at all
  if (key === 'itersTo80') {
    if (b === null) return true; // reached 80% against never
    return b - a > Math.max(best.evalEvery ?? 0, other.evalEvery ?? 0);
  }
  if (b === null) return true;
  if (key === 'accId' || key === 'accOod' || key === 'accShift') {
    if (best.evalN === undefined || other.evalN === undefined) return a !== b;
    return accuraciesDiffer(a, best.evalN, b, other.evalN);
  }
  return b - a > RELATIVE_MARGIN * Math.abs(b);
}

/**
 * For each column, the run id holding the best value, only when it beats every other run by
 * more than the noise (so no star for one row, a tie, or a difference a reseed could undo).
 */
export function bestPerColumn(rows: readonly SummaryRow[]): Record<SummaryKey, Set<string>> {
  const out = {} as Record<SummaryKey, Set<string>>;
  for (const col of SUMMARY_COLUMNS) {
    const set = new Set<string>();
    const vals = rows.filter((r) => typeof r[col.key] === 'number' && Number.isFinite(r[col.key]));
    if (rows.length > 1 && vals.length > 0) {
      const sign = col.better === 'high' ? -1 : 1;
      const sorted = [...vals].sort((x, y) => sign * ((x[col.key] as number) - (y[col.key] as number)));
      const top = sorted[0]!;
      if (rows.every((r) => r === top || beatsBeyondNoise(col.key, top, r))) set.add(top.runId);
    }
    out[col.key] = set;
  }
  return out;
}
