import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../engine/config';
import type { MetricsRecord } from '../engine/train/metrics';
import { isLive, type RunStatus } from './protocol';

/**
 * The playground's IndexedDB, shared by the page (runs and their metrics) and the worker
 * (checkpoints: it holds the weights). Both open it through `openPlaygroundDb`, so the
 * schema upgrade lives in one place.
 *
 * Crash safety: every write that touches more than one record is one transaction, so a page
 * that dies mid-write leaves the state before it or the state after it, never a mix. Fields of
 * a run record have one owner each, and writers merge rather than replace the record, so one
 * writer never rolls back another's field:
 * - the page: name, config, status, colour, visibility, group, error (`updateRun`);
 * - the metrics writes: `iteration` and `wallMs`, in the same transaction as the records they
 *   count (`appendMetrics`, `truncateMetrics`), so `iteration` is always the last record saved;
 * - the checkpoint writes (in the worker): `checkpointIteration`, with the checkpoint;
 * - compaction: `compactedThrough`, with the records it drops.
 * What can still disagree (a checkpoint ahead of the metrics, after a page closed between the
 * worker's write and the page's) is found at load by `app/lib/integrity.ts` and shown.
 */

export interface StoredRun {
  id: string;
  name: string;
  config: RunConfig;
  status: RunStatus;
  color: string;
  visible: boolean;
  createdAt: number;
  /** Last iteration completed. */
  iteration: number;
  /** Wall time spent in the run's own iterations. */
  wallMs: number;
  /** The comparison the run belongs to, if any. */
  group?: string;
  error?: string;
  /** Iteration of the last saved checkpoint (written with the checkpoint, in its transaction). */
  checkpointIteration?: number;
  /** Metrics at or before this iteration were thinned by compaction (app/lib/compaction.ts). */
  compactedThrough?: number;
}

export interface StoredCheckpoint {
  runId: string;
  iteration: number;
  wallMs: number;
  savedAt: number;
  artifacts: tf.io.ModelArtifacts;
}

interface PlaygroundSchema extends DBSchema {
  runs: { key: string; value: StoredRun };
  /** One row per iteration, key [runId, iteration]: appends are cheap and a range drops a tail. */
  metrics: { key: [string, number]; value: MetricsRecord & { runId: string } };
  checkpoints: { key: string; value: StoredCheckpoint };
}

export type PlaygroundDb = IDBPDatabase<PlaygroundSchema>;

export const DB_NAME = 'rft-playground';
const DB_VERSION = 1;

let opening: Promise<PlaygroundDb> | null = null;

export function openPlaygroundDb(): Promise<PlaygroundDb> {
  opening ??= openDB<PlaygroundSchema>(DB_NAME, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('runs', { keyPath: 'id' });
      db.createObjectStore('metrics', { keyPath: ['runId', 'iteration'] });
      db.createObjectStore('checkpoints', { keyPath: 'runId' });
    },
  });
  return opening;
}

const runRange = (runId: string, from = 0) => IDBKeyRange.bound([runId, from], [runId, Number.MAX_SAFE_INTEGER]);

// ---------------------------------------------------------------------------------------
// Storage faults: a full quota becomes a StorageFullError that says what was not saved.

/** The browser refused a write because the site's storage quota is used up. Nothing of that write was kept. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(
    /** What was not saved, for the message ("the metrics of iterations 4-6"). */
    readonly what: string,
    options?: ErrorOptions,
  ) {
    super(`Storage is full: ${what} could not be saved.`, options);
  }
}

/** A DOMException (or an abort caused by one) saying the quota is exhausted. */
export function isQuotaError(e: unknown): boolean {
  if (e instanceof StorageFullError) return true;
  if (typeof e !== 'object' || e === null) return false;
  const { name, code } = e as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || code === 22;
}

/** Writes that are told to fail, for tests (`?debug` exposes this on the page; see bootstrap.ts). */
let failingWrites = 0;
/** Make the next `n` writes of this realm fail as a full quota would (n = 0 cancels). */
export function failNextWrites(n = 1): void {
  failingWrites = Math.max(0, Math.floor(n));
}

/**
 * One write: opens the database, runs `body`, and turns a quota failure into a StorageFullError.
 * `frees`: a deletion, which the simulated fault leaves alone (deleting is how space is made).
 */
async function write<T>(what: string, body: (db: PlaygroundDb) => Promise<T>, frees = false): Promise<T> {
  try {
    if (failingWrites > 0 && !frees) {
      failingWrites--;
      throw new DOMException('Simulated by failNextWrites(): the storage quota is exhausted.', 'QuotaExceededError');
    }
    return await body(await openPlaygroundDb());
  } catch (e) {
    if (e instanceof StorageFullError) throw e;
    if (isQuotaError(e)) throw new StorageFullError(what, { cause: e });
    throw e;
  }
}

/**
 * Wait for a transaction and its requests. A request that fails aborts the transaction; the
 * transaction's own error (QuotaExceededError) is the one worth reporting, not the AbortError
 * of the requests it took down with it.
 */
async function settle(tx: { done: Promise<void>; error: DOMException | null }, requests: readonly Promise<unknown>[]): Promise<void> {
  try {
    await Promise.all([...requests, tx.done]);
  } catch (e) {
    await tx.done.catch(() => undefined);
    throw tx.error ?? e;
  }
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

// ---------------------------------------------------------------------------------------
// Runs

/** The fields a run record's other writers own (see the top of this file). */
function pageOwned(run: StoredRun): Omit<StoredRun, 'iteration' | 'wallMs' | 'checkpointIteration' | 'compactedThrough'> {
  const { iteration: _i, wallMs: _w, checkpointIteration: _c, compactedThrough: _t, ...own } = run;
  return own;
}

/** A new run record (it must not exist: a UUID collision or a second create is an error, not an overwrite). */
export async function createRun(run: StoredRun): Promise<void> {
  await write(`the new run "${run.name}"`, async (db) => {
    await db.add('runs', run);
  });
}

/**
 * The page's fields of an existing run (name, status...), merged into the stored record so
 * the iteration, checkpoint and compaction written by others stay. False if the run is gone
 * (deleted in another tab): a late update never brings a deleted run back.
 */
export async function updateRun(run: StoredRun): Promise<boolean> {
  return write(`the run "${run.name}"`, async (db) => {
    const tx = db.transaction('runs', 'readwrite');
    const existing = await tx.store.get(run.id);
    if (!existing) {
      await tx.done;
      return false;
    }
    await settle(tx, [tx.store.put({ ...existing, ...pageOwned(run) })]);
    return true;
  });
}

/** Create the run if it is new, else update its page fields (as updateRun). */
export async function putRun(run: StoredRun): Promise<void> {
  if (!(await updateRun(run))) await createRun(run);
}

/**
 * A live status left behind by a page that went away becomes 'interrupted' (resumable), in one
 * transaction that re-reads it: a status another tab wrote meanwhile is not overwritten.
 */
export async function markInterrupted(runId: string): Promise<StoredRun | undefined> {
  return write(`the interrupted run`, async (db) => {
    const tx = db.transaction('runs', 'readwrite');
    const run = await tx.store.get(runId);
    if (!run || !isLive(run.status)) {
      await tx.done;
      return run;
    }
    const next: StoredRun = { ...run, status: 'interrupted' };
    await settle(tx, [tx.store.put(next)]);
    return next;
  });
}

export async function getRun(id: string): Promise<StoredRun | undefined> {
  const db = await openPlaygroundDb();
  return db.get('runs', id);
}

export async function listRuns(): Promise<StoredRun[]> {
  const db = await openPlaygroundDb();
  const runs = await db.getAll('runs');
  return runs.sort((a, b) => a.createdAt - b.createdAt);
}

// ---------------------------------------------------------------------------------------
// Metrics

const span = (records: readonly MetricsRecord[]): string => {
  const a = records[0]?.iteration;
  const b = records.at(-1)?.iteration;
  return a === b ? `the metrics of iteration ${a}` : `the metrics of iterations ${a}-${b}`;
};

/**
 * Append records and move the run's iteration and wall time up to the last of them, in one
 * transaction: the stored iteration is always that of the newest record saved (records
 * appended late, after a refused write, fill a gap without moving it back). False (and
 * nothing written) if the run record is gone.
 */
export async function appendMetrics(runId: string, records: readonly MetricsRecord[]): Promise<boolean> {
  const last = records.at(-1);
  if (!last) return true;
  return write(span(records), async (db) => {
    const tx = db.transaction(['runs', 'metrics'], 'readwrite');
    const runs = tx.objectStore('runs');
    const run = await runs.get(runId);
    if (!run) {
      // No orphan metrics: they would take space and never be shown.
      await tx.done;
      return false;
    }
    const metrics = tx.objectStore('metrics');
    const moved = last.iteration >= run.iteration ? { iteration: last.iteration, wallMs: last.wallMs } : {};
    await settle(tx, [...records.map((r) => metrics.put({ ...r, runId })), runs.put({ ...run, ...moved })]);
    return true;
  });
}

/** A run's metrics from iteration `from` on (all of them by default), oldest first. */
export async function loadMetrics(runId: string, from = 0): Promise<MetricsRecord[]> {
  const db = await openPlaygroundDb();
  const rows = await db.getAll('metrics', runRange(runId, from));
  return rows.map(({ runId: _runId, ...r }) => r);
}

/** The iterations a run has records for (keys only), ascending. */
export async function metricIterations(runId: string): Promise<number[]> {
  const db = await openPlaygroundDb();
  const keys = await db.getAllKeys('metrics', runRange(runId));
  return keys.map((k) => k[1]);
}

/**
 * How far a run's thinning reaches once its metrics from iteration `from` on are gone: never
 * past what is left, and undefined once no thinned record is left (a reset), so the gaps of the
 * run trained next are not excused as thinning.
 */
export function compactedAfterTruncate(compactedThrough: number | undefined, from: number): number | undefined {
  if (compactedThrough === undefined) return undefined;
  const through = Math.min(compactedThrough, from - 1);
  return through > 0 ? through : undefined;
}

/**
 * Drop the metrics of iterations >= `from` (a reset drops them all, a resume the tail past its
 * checkpoint) and bring the run's iteration, wall time and thinning mark back to what is kept,
 * in one transaction.
 */
export async function truncateMetrics(runId: string, from: number): Promise<void> {
  await write(`the run's truncated metrics`, async (db) => {
    const tx = db.transaction(['runs', 'metrics'], 'readwrite');
    const metrics = tx.objectStore('metrics');
    const runs = tx.objectStore('runs');
    const requests: Promise<unknown>[] = [metrics.delete(runRange(runId, from))];
    const run = await runs.get(runId);
    if (run && run.iteration >= from) {
      const kept = from > 0 ? await metrics.openCursor(IDBKeyRange.bound([runId, 0], [runId, from - 1]), 'prev') : null;
      requests.push(runs.put({ ...run, iteration: kept?.value.iteration ?? 0, wallMs: kept?.value.wallMs ?? 0, compactedThrough: compactedAfterTruncate(run.compactedThrough, from) }));
    }
    await settle(tx, requests);
  });
}

/** Delete thinned records and note how far thinning reached, in one transaction (see app/lib/compaction.ts). */
export async function compactMetrics(runId: string, drop: readonly number[], through: number): Promise<void> {
  if (drop.length === 0) return;
  await write(`the compacted metrics`, async (db) => {
    const tx = db.transaction(['runs', 'metrics'], 'readwrite');
    const runs = tx.objectStore('runs');
    const run = await runs.get(runId);
    if (!run) {
      await tx.done;
      return;
    }
    const metrics = tx.objectStore('metrics');
    await settle(tx, [...drop.map((it) => metrics.delete([runId, it])), runs.put({ ...run, compactedThrough: Math.max(run.compactedThrough ?? 0, through) })]);
  });
}

/** A run read from a file: its record and its metrics land together or not at all. */
export async function importRun(run: StoredRun, metrics: readonly MetricsRecord[]): Promise<void> {
  await write(`the imported run "${run.name}"`, async (db) => {
    const tx = db.transaction(['runs', 'metrics'], 'readwrite');
    const store = tx.objectStore('metrics');
    await settle(tx, [tx.objectStore('runs').add(run), ...metrics.map((r) => store.put({ ...r, runId: run.id }))]);
  });
}

// ---------------------------------------------------------------------------------------
// Checkpoints (written by the worker)

/** Save a run's checkpoint and point its record at it, in one transaction. Skipped if the run was deleted. */
export async function putCheckpoint(ckpt: StoredCheckpoint): Promise<void> {
  await write(`the checkpoint at iteration ${ckpt.iteration}`, async (db) => {
    const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
    const runs = tx.objectStore('runs');
    const run = await runs.get(ckpt.runId);
    if (!run) {
      await tx.done;
      return;
    }
    await settle(tx, [tx.objectStore('checkpoints').put(ckpt), runs.put({ ...run, checkpointIteration: ckpt.iteration })]);
  });
}

export async function getCheckpoint(runId: string): Promise<StoredCheckpoint | undefined> {
  const db = await openPlaygroundDb();
  return db.get('checkpoints', runId);
}

/** Ids of the runs that have a checkpoint (keys only: the weights are not read). */
export async function checkpointRunIds(): Promise<Set<string>> {
  const db = await openPlaygroundDb();
  return new Set(await db.getAllKeys('checkpoints'));
}

export async function deleteCheckpoint(runId: string): Promise<void> {
  await write(`the removal of an old checkpoint`, async (db) => {
    const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
    const runs = tx.objectStore('runs');
    const requests: Promise<unknown>[] = [tx.objectStore('checkpoints').delete(runId)];
    const run = await runs.get(runId);
    if (run && run.checkpointIteration !== undefined) {
      const { checkpointIteration: _c, ...rest } = run;
      requests.push(runs.put(rest));
    }
    await settle(tx, requests);
  }, true);
}

// ---------------------------------------------------------------------------------------
// Delete and undo

/** Everything about a run, for delete-with-undo. */
export interface RunSnapshot {
  run: StoredRun;
  metrics: MetricsRecord[];
  checkpoint?: StoredCheckpoint;
}

export async function deleteRunEverywhere(runId: string): Promise<RunSnapshot | null> {
  const db = await openPlaygroundDb();
  const run = await db.get('runs', runId);
  if (!run) return null;
  const [metrics, checkpoint] = await Promise.all([loadMetrics(runId), db.get('checkpoints', runId)]);
  await write(`the deletion of "${run.name}"`, async (wdb) => {
    const tx = wdb.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
    await settle(tx, [tx.objectStore('runs').delete(runId), tx.objectStore('metrics').delete(runRange(runId)), tx.objectStore('checkpoints').delete(runId)]);
  }, true);
  return { run, metrics, ...(checkpoint ? { checkpoint } : {}) };
}

/** Undo a delete: the run, its metrics and its checkpoint come back together or not at all. */
export async function restoreRun(snapshot: RunSnapshot): Promise<void> {
  const { run, metrics, checkpoint } = snapshot;
  await write(`the restored run "${run.name}"`, async (db) => {
    const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
    const store = tx.objectStore('metrics');
    const last = metrics.at(-1);
    // The record's iteration is that of its last record, as appendMetrics keeps it.
    const record: StoredRun = { ...run, iteration: last?.iteration ?? 0, wallMs: last?.wallMs ?? 0 };
    if (checkpoint) record.checkpointIteration = checkpoint.iteration;
    else delete record.checkpointIteration;
    await settle(tx, [
      tx.objectStore('runs').put(record),
      ...metrics.map((r) => store.put({ ...r, runId: run.id })),
      ...(checkpoint ? [tx.objectStore('checkpoints').put(checkpoint)] : []),
    ]);
  });
}
