import type { RunStatus } from '../../worker/client';

/**
 * Is a stored run whole? Writes are transactional (worker/db.ts), but a run is written by two
 * parties (the page saves metrics, the worker saves checkpoints) and a page can close between
 * them, a write can be refused for quota while a later one succeeds, and a browser can evict
 * or a person can edit storage. This check runs on what was read back, so a run that is not
 * whole says so in the runs list instead of passing for complete.
 */

export interface StoredRunFacts {
  /** The status read from storage (before a live status is turned into 'interrupted'). */
  storedStatus: RunStatus;
  /** The run record's iteration (the last metrics record saved, as the writes keep it). */
  iteration: number;
  /** How many iterations the run was configured for. */
  totalIterations: number;
  checkpointIteration?: number | undefined;
  /** Metrics at or before this iteration were thinned on purpose (compaction). */
  compactedThrough?: number | undefined;
  /** The iterations of the stored metrics records, ascending. */
  metricIterations: readonly number[];
  /** Whether a checkpoint row exists for the run. */
  hasCheckpoint: boolean;
}

const MAX_GAPS_SHOWN = 3;

/** Runs of consecutive missing iterations in (after, last]: "9-10", "14". */
export function missingRanges(iterations: readonly number[], after: number): string[] {
  const ranges: string[] = [];
  let expected = after + 1;
  for (const it of iterations) {
    if (it <= after) continue;
    if (it > expected) ranges.push(it - 1 === expected ? String(expected) : `${expected}-${it - 1}`);
    expected = Math.max(expected, it + 1);
  }
  return ranges;
}

/** What is wrong with a stored run, one plain sentence fragment each; empty when it is whole. */
export function findProblems(f: StoredRunFacts): string[] {
  const problems: string[] = [];
  const last = f.metricIterations.at(-1) ?? 0;
  if (f.storedStatus === 'loading' && f.metricIterations.length === 0 && f.iteration === 0) {
    problems.push('the page closed while it was being created, before any iteration was saved');
  }
  if (last < f.iteration) problems.push(`metrics end at iteration ${last} of ${f.iteration}`);
  if (last > f.iteration) problems.push(`the run record stops at iteration ${f.iteration} but its metrics go on to ${last}`);
  const gaps = missingRanges(f.metricIterations, f.compactedThrough ?? 0);
  if (gaps.length > 0) {
    const shown = gaps.slice(0, MAX_GAPS_SHOWN).join(', ');
    const more = gaps.length > MAX_GAPS_SHOWN ? ` and ${gaps.length - MAX_GAPS_SHOWN} more gaps` : '';
    problems.push(`no metrics for iteration${gaps.length === 1 && !gaps[0]!.includes('-') ? '' : 's'} ${shown}${more}`);
  }
  // (When the record is ahead of its metrics, the line above already says where they end.)
  if (f.storedStatus === 'done' && last >= f.iteration && f.iteration < f.totalIterations) {
    problems.push(`marked done, but metrics end at iteration ${f.iteration} of ${f.totalIterations}`);
  }
  if (f.checkpointIteration !== undefined && !f.hasCheckpoint) {
    problems.push(`its checkpoint (iteration ${f.checkpointIteration}) is missing, so Resume would start over`);
  } else if (f.hasCheckpoint && f.checkpointIteration !== undefined && f.checkpointIteration > last && last >= f.iteration) {
    // (Worth its own line only when the record agrees with the metrics: else the first line says it.)
    problems.push(`its checkpoint is at iteration ${f.checkpointIteration} but metrics end at ${last}`);
  }
  return problems;
}

/** The runs list's badge text, or null for a whole run. */
export function incompleteLabel(problems: readonly string[]): string | null {
  return problems.length === 0 ? null : `incomplete: ${problems.join('; ')}`;
}
