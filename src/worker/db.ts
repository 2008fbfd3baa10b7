import type { MetricsRecord } from '../engine/train/metrics';
import { compactedAfterTruncate, openPlaygroundDb, runRange, type PlaygroundDb, type RunFields, type RunSnapshot, type StoredCheckpoint, type StoredRun } from './dbSchema';
import type { RunStatus } from './lifecycle';

/**
 * The only module that writes the playground's IndexedDB, and only the worker imports it
 * (src/worker/dbWriters.test.ts checks both). The page asks for writes through TrainerApi.
 *
 * Crash safety: every write is one transaction, so a worker or page that dies mid-write leaves
 * the state before it or after it, never a mix. A run's progress (its metrics records, its
 * `iteration` and `wallMs`, its checkpoint and `checkpointIteration`) is written by `commit`
 * in one transaction, so what is saved always agrees: `iteration` is the last record saved and
 * the checkpoint is never ahead of it. Writes merge into the stored record rather than replace
 * it, and none brings back a run deleted meanwhile.
 */

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

/**
 * Writes that are told to fail, for tests (TrainerApi.failNextWrites, reached from `?debug`).
 * Only writes of data a person sees (metrics, new and imported runs) are failed: deletions
 * make space, and a status or a checkpoint alone would fail out of a test's sight.
 */
let failingWrites = 0;
/** Make the next `n` writes of data fail as a full quota would (n = 0 cancels). */
export function failNextWrites(n = 1): void {
  failingWrites = Math.max(0, Math.floor(n));
}

/**
 * One write: opens the database, runs `body`, and turns a quota failure into a StorageFullError.
 * `exempt`: a write the simulated fault leaves alone (see failingWrites).
 */
async function write<T>(what: string, body: (db: PlaygroundDb) => Promise<T>, exempt = false): Promise<T> {
  try {
    if (failingWrites > 0 && !exempt) {
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

// ---------------------------------------------------------------------------------------
// Run records

/** A new run record (it must not exist: a UUID collision or a second create is an error, not an overwrite). */
export async function createRun(run: StoredRun): Promise<void> {
  await write(`the new run "${run.name}"`, async (db) => {
    await db.add('runs', run);
  });
}

/** Read-modify-write one run record in one transaction; false (nothing written) if the run is gone. */
async function patchRun(what: string, runId: string, change: (run: StoredRun) => StoredRun, exempt = false): Promise<boolean> {
  return write(what, async (db) => {
    const tx = db.transaction('runs', 'readwrite');
    const existing = await tx.store.get(runId);
    if (!existing) {
      await tx.done;
      return false;
    }
    await settle(tx, [tx.store.put(change(existing))]);
    return true;
  }, exempt);
}

export function updateRunFields(runId: string, fields: RunFields): Promise<boolean> {
  return patchRun(`the run "${fields.name ?? 'changes'}"`, runId, (run) => ({ ...run, ...fields }));
}

/** A run's status (and its error, kept only with 'error'). */
export function writeStatus(runId: string, status: RunStatus, error?: string): Promise<boolean> {
  return patchRun(`the run's status`, runId, (run) => {
    const { error: _old, ...rest } = run;
    return { ...rest, status, ...(status === 'error' && error !== undefined ? { error } : {}) };
  }, true);
}

// ---------------------------------------------------------------------------------------
// Progress: metrics, iteration and checkpoint, together

export const span = (records: readonly MetricsRecord[]): string => {
  const a = records[0]?.iteration;
  const b = records.at(-1)?.iteration;
  return a === b ? `the metrics of iteration ${a}` : `the metrics of iterations ${a}-${b}`;
};

export interface Progress {
  runId: string;
  /** Records not saved yet, ascending. */
  records: readonly MetricsRecord[];
  /** Saved in the same transaction; its iteration is never past the last record's. */
  checkpoint?: StoredCheckpoint;
}

/**
 * Append records, move the run's iteration and wall time up to the last of them, and save the
 * checkpoint if there is one, in one transaction. False (nothing written) if the run is gone.
 */
export async function commit(p: Progress): Promise<boolean> {
  const last = p.records.at(-1);
  if (!last && !p.checkpoint) return true;
  const what = last ? span(p.records) : `the checkpoint at iteration ${p.checkpoint?.iteration}`;
  return write(what, async (db) => {
    const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
    const runs = tx.objectStore('runs');
    const run = await runs.get(p.runId);
    if (!run) {
      await tx.done; // no orphan metrics or weights: they would take space and never be shown
      return false;
    }
    const metrics = tx.objectStore('metrics');
    const next: StoredRun = { ...run, ...(last && last.iteration >= run.iteration ? { iteration: last.iteration, wallMs: last.wallMs } : {}) };
    if (p.checkpoint) next.checkpointIteration = p.checkpoint.iteration;
    const requests = [...p.records.map((r) => metrics.put({ ...r, runId: p.runId })), runs.put(next)];
    if (p.checkpoint) requests.push(tx.objectStore('checkpoints').put(p.checkpoint));
    await settle(tx, requests);
    return true;
  }, !last);
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
  }, true);
}

/** Delete thinned records and note how far thinning reached, in one transaction (see worker/compaction.ts). */
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
  }, true);
}

/** A run read from a file: its record and its metrics land together or not at all. */
export async function importRun(run: StoredRun, metrics: readonly MetricsRecord[]): Promise<void> {
  await write(`the imported run "${run.name}"`, async (db) => {
    const tx = db.transaction(['runs', 'metrics'], 'readwrite');
    const store = tx.objectStore('metrics');
    await settle(tx, [tx.objectStore('runs').add(run), ...metrics.map((r) => store.put({ ...r, runId: run.id }))]);
  });
}

/** Forget a run's checkpoint (a fresh start must not resume into an older one later). */
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

/** Delete a run, its metrics and its checkpoint; resolves with what they were, read in the same transaction. */
export async function deleteRun(runId: string): Promise<RunSnapshot | null> {
  return write(`the deletion of a run`, async (db) => {
    const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
    const [run, rows, checkpoint] = await Promise.all([tx.objectStore('runs').get(runId), tx.objectStore('metrics').getAll(runRange(runId)), tx.objectStore('checkpoints').get(runId)]);
    if (!run) {
      await tx.done;
      return null;
    }
    await settle(tx, [tx.objectStore('runs').delete(runId), tx.objectStore('metrics').delete(runRange(runId)), tx.objectStore('checkpoints').delete(runId)]);
    const metrics = rows.map(({ runId: _r, ...r }) => r);
    return { run, metrics, ...(checkpoint ? { checkpoint } : {}) };
  }, true);
}

/**
 * Undo a delete or a reset: the run, its metrics and its checkpoint come back as they were,
 * replacing whatever the run has now, together or not at all.
 */
export async function restoreRun(snapshot: RunSnapshot): Promise<void> {
  const { run, metrics, checkpoint } = snapshot;
  await write(`the restored run "${run.name}"`, async (db) => {
    const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
    const store = tx.objectStore('metrics');
    const last = metrics.at(-1);
    // The record's iteration is that of its last record, as commit keeps it.
    const record: StoredRun = { ...run, iteration: last?.iteration ?? 0, wallMs: last?.wallMs ?? 0 };
    if (checkpoint) record.checkpointIteration = checkpoint.iteration;
    else delete record.checkpointIteration;
    // Requests in one transaction run in order: what a reset run wrote since goes first.
    await settle(tx, [
      store.delete(runRange(run.id)),
      tx.objectStore('checkpoints').delete(run.id),
      tx.objectStore('runs').put(record),
      ...metrics.map((r) => store.put({ ...r, runId: run.id })),
      ...(checkpoint ? [tx.objectStore('checkpoints').put(checkpoint)] : []),
    ]);
  });
}
