import { isLive, type StoredRun } from '../../worker/client';
import { mb } from './format';

/** What the storage-full banner and the load-time check say, and which runs it offers to delete. */

export interface Estimate {
  usage: number;
  quota: number;
}

/** Past this share of the quota the page warns at load, before a write is refused. */
export const NEARLY_FULL = 0.9;
/** How many runs the storage-full banner offers to delete. */
export const FREE_SPACE_OFFERS = 5;

export function storageFullText(what: string, est: Estimate | null): string {
  const used = est ? ` This site uses ${mb(est.usage)} of the ${mb(est.quota)} the browser allows it.` : '';
  return `Storage is full: ${what} could not be saved.${used}`;
}

export function nearlyFullText(est: Estimate | null): string | null {
  if (!est || est.usage / est.quota < NEARLY_FULL) return null;
  const pct = Math.round((100 * est.usage) / est.quota);
  return `Storage is ${pct}% full (${mb(est.usage)} of ${mb(est.quota)}): delete old runs before the browser refuses to save new ones.`;
}

/** Runs a person could delete to make room: finished here, not trained by another tab; oldest first. */
export function deletableRuns(order: readonly string[], runs: Readonly<Record<string, StoredRun>>, foreign: Readonly<Record<string, true>>, max = FREE_SPACE_OFFERS): StoredRun[] {
  const out: StoredRun[] = [];
  for (const id of order) {
    const run = runs[id];
    if (run && !isLive(run.status) && !foreign[id]) out.push(run);
    if (out.length >= max) break;
  }
  return out;
}
