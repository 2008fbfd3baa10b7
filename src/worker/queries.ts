import type { MetricsRecord } from '../engine/train/metrics';
import { openPlaygroundDb, runRange, type RunSnapshot, type StoredCheckpoint, type StoredRun } from './dbSchema';

/**
 * Read-only queries on the playground's IndexedDB, for the page and the worker alike. Every
 * one runs in a readonly transaction: only the worker writes (db.ts).
 */

export async function getRun(id: string): Promise<StoredRun | undefined> {
  const db = await openPlaygroundDb();
  return db.transaction('runs', 'readonly').store.get(id);
}

/** Every run, oldest first. */
export async function listRuns(): Promise<StoredRun[]> {
  const db = await openPlaygroundDb();
  const runs = await db.transaction('runs', 'readonly').store.getAll();
  return runs.sort((a, b) => a.createdAt - b.createdAt);
}

/** A run's metrics from iteration `from` on (all of them by default), oldest first. */
export async function loadMetrics(runId: string, from = 0): Promise<MetricsRecord[]> {
  const db = await openPlaygroundDb();
  const rows = await db.transaction('metrics', 'readonly').store.getAll(runRange(runId, from));
  return rows.map(({ runId: _runId, ...r }) => r);
}

export async function getCheckpoint(runId: string): Promise<StoredCheckpoint | undefined> {
  const db = await openPlaygroundDb();
  return db.transaction('checkpoints', 'readonly').store.get(runId);
}

/** Everything stored of a run (record, metrics, checkpoint), read in one readonly transaction. */
export async function snapshotRun(runId: string): Promise<RunSnapshot | null> {
  const db = await openPlaygroundDb();
  const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readonly');
  const [run, rows, checkpoint] = await Promise.all([tx.objectStore('runs').get(runId), tx.objectStore('metrics').getAll(runRange(runId)), tx.objectStore('checkpoints').get(runId)]);
  if (!run) return null;
  return { run, metrics: rows.map(({ runId: _r, ...r }) => r), ...(checkpoint ? { checkpoint } : {}) };
}

/** How much of its quota the site uses, where the browser says (null where it does not). */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const est = await navigator.storage?.estimate?.();
    return est && typeof est.usage === 'number' && typeof est.quota === 'number' && est.quota > 0 ? { usage: est.usage, quota: est.quota } : null;
  } catch {
    return null;
  }
}
