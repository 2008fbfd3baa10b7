import type { MetricsRecord } from '../../engine/train/metrics';

/**
 * Metrics compaction for long runs, so a 100k-iteration run does not fill the browser's
 * storage or the charts with 100k points. Once a run holds more than `maxRecords` records:
 * - the newest `keepRecent` records are kept whole (the part of the curve being watched);
 * - older records are thinned to the iterations that are multiples of a stride, the smallest
 *   power of two (at least 2) that leaves at most `maxOld` of them;
 * - every evaluation record (one with held-out accuracy) and the run's first record are kept.
 * Strides are powers of two, so a later, coarser pass keeps a subset of what an earlier pass
 * kept: compacting again never brings back or shifts points. The page applies the same plan
 * to the records it holds and to IndexedDB, so what is charted, exported and reloaded agree.
 */
export interface CompactionOptions {
  maxRecords: number;
  keepRecent: number;
  maxOld: number;
}

export const COMPACTION: CompactionOptions = { maxRecords: 2000, keepRecent: 500, maxOld: 1000 };

/** Records with held-out accuracy: rare and the most telling, never thinned. */
export function isEvalRecord(r: MetricsRecord): boolean {
  return 'acc/eval_id' in r.values || 'acc/eval_ood' in r.values || 'acc/eval_shift' in r.values;
}

/** The smallest power of two >= 2 with at most `maxOld` multiples in 1..through. */
export function strideFor(through: number, maxOld: number): number {
  let stride = 2;
  while (Math.floor(through / stride) > maxOld) stride *= 2;
  return stride;
}

export interface CompactionPlan {
  keep: MetricsRecord[];
  /** Iterations whose records are dropped. */
  drop: number[];
  /** The newest iteration of the thinned part: gaps at or before it are on purpose. */
  through: number;
  stride: number;
}

/** What to drop from a run's records (ascending by iteration); null when nothing needs to go. */
export function planCompaction(records: readonly MetricsRecord[], opts: CompactionOptions = COMPACTION): CompactionPlan | null {
  if (records.length <= opts.maxRecords) return null;
  const oldCount = records.length - opts.keepRecent;
  const through = records[oldCount - 1]!.iteration;
  const stride = strideFor(through, opts.maxOld);
  const keep: MetricsRecord[] = [];
  const drop: number[] = [];
  records.forEach((r, i) => {
    if (i >= oldCount || i === 0 || r.iteration % stride === 0 || isEvalRecord(r)) keep.push(r);
    else drop.push(r.iteration);
  });
  return drop.length === 0 ? null : { keep, drop, through, stride };
}
