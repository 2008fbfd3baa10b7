import type { MetricsRecord } from '../../engine/train/metrics';
import { lastValue } from './series';

/**
 * The Compare view's table: one row per run, and the best cell of each column.
 */

export interface SummaryRow {
  runId: string;
  accId: number | undefined;
  accOod: number | undefined;
  /** First iteration whose held-out ID accuracy (or train accuracy, for a run without evals) reached 80%. */
  itersTo80: number | null;
  kl: number | undefined;
  meanLength: number | undefined;
  wallS: number | undefined;
}

export const SUMMARY_COLUMNS = [
  { key: 'accId', label: 'Final acc (ID)', better: 'high', help: 'Held-out in-distribution accuracy at the last evaluation.' },
  { key: 'accOod', label: 'Final acc (OOD)', better: 'high', help: 'Held-out out-of-distribution accuracy at the last evaluation.' },
  { key: 'itersTo80', label: 'Iters to 80%', better: 'low', help: 'First iteration at which eval ID accuracy (train accuracy if the run never evaluated) reached 80%.' },
  { key: 'kl', label: 'Final KL', better: 'low', help: 'KL to the reference policy at the last iteration (closer to the start model).' },
  { key: 'meanLength', label: 'Mean length', better: 'low', help: 'Mean response length (tokens) at the last iteration.' },
  { key: 'wallS', label: 'Wall time', better: 'low', help: 'Time spent in the run\'s own iterations.' },
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

export function summarise(runId: string, records: readonly MetricsRecord[]): SummaryRow {
  return {
    runId,
    accId: lastValue(records, 'acc/eval_id'),
    accOod: lastValue(records, 'acc/eval_ood'),
    itersTo80: firstIterationReaching(records, 0.8),
    kl: lastValue(records, 'kl/ref'),
    meanLength: lastValue(records, 'len/mean'),
    wallS: records.length > 0 ? records.at(-1)!.wallMs / 1000 : undefined,
  };
}

/** For each column, the run ids holding the best value (ties all marked; nothing for one row or a full tie). */
export function bestPerColumn(rows: readonly SummaryRow[]): Record<SummaryKey, Set<string>> {
  const out = {} as Record<SummaryKey, Set<string>>;
  for (const col of SUMMARY_COLUMNS) {
    const vals = rows
      .map((r) => ({ id: r.runId, v: r[col.key] }))
      .filter((x): x is { id: string; v: number } => typeof x.v === 'number' && Number.isFinite(x.v));
    const set = new Set<string>();
    const best = col.better === 'high' ? Math.max(...vals.map((x) => x.v)) : Math.min(...vals.map((x) => x.v));
    // Nothing to mark with one run, or when every run ties (0% everywhere is no winner).
    const allTie = vals.length === rows.length && vals.every((x) => x.v === best);
    if (rows.length > 1 && vals.length > 0 && !allTie) {
      for (const x of vals) if (x.v === best) set.add(x.id);
    }
    out[col.key] = set;
  }
  return out;
}
