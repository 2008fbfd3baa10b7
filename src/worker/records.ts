import { z } from 'zod';
import { parseOrExplain } from '../engine/issues';
import { MetricsRecordSchema, type MetricsRecord } from '../engine/train/metrics';
import { compactMetrics, createRun, deleteRun, failNextWrites, importRun, isQuotaError, restoreRun, StorageFullError, updateRunFields } from './db';
import { StoredRunSchema, type StoredRun } from './dbSchema';
import { importFromFile } from './importFile';
import { ImportRequestSchema, type ImportProgress } from './importProtocol';
import { enforce } from './lifecycle';
import { RunFieldsSchema, type TrainerApi, type WriteResult } from './protocol';
import { getRun } from './queries';
import type { Runner } from './runner';

/**
 * The writes the page asks for (TrainerApi): each input parsed with zod (it crossed a boundary),
 * each queued behind the training's own writes (Journal), each answered with a WriteResult
 * rather than a thrown error, so what was not saved and why survive the trip back.
 */
type RecordsApi = Pick<TrainerApi, 'addRun' | 'updateRun' | 'importRun' | 'importFile' | 'cancelImport' | 'deleteRun' | 'undo' | 'compact' | 'retrySaving' | 'failNextWrites'>;

const RunIdSchema = z.string().min(1);

/** What updateRun answers for a run that is not stored (any more). */
export const RUN_GONE = 'This run is no longer stored (it was deleted, here or in another tab), so the change was not saved.';

/** A failure as the page is told of it. */
function failed(e: unknown, what: string): WriteResult {
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, full: isQuotaError(e), what: e instanceof StorageFullError ? e.what : what, message };
}

async function attempt(what: string, body: () => Promise<unknown>): Promise<WriteResult> {
  try {
    await body();
    return { ok: true };
  } catch (e) {
    return failed(e, what);
  }
}

type Queued = (what: string, body: () => Promise<unknown>) => Promise<WriteResult>;

/** Delete and its Undo (which also undoes a reset): what comes back is what was stored at that moment. */
function deletions(runner: Runner, queued: Queued): Pick<RecordsApi, 'deleteRun' | 'undo'> {
  return {
    deleteRun: async (rawId) => {
      const runId = RunIdSchema.parse(rawId);
      await runner.dispose(runId);
      runner.journal.forget(runId);
      return queued('the deletion of a run', async () => {
        // Read in the deleting transaction: Undo puts back what was stored, not an older copy.
        const snapshot = await deleteRun(runId);
        if (snapshot) runner.undo.keep(snapshot);
      });
    },
    undo: async (rawId) => {
      const runId = RunIdSchema.parse(rawId);
      const snapshot = runner.undo.peek(runId);
      if (!snapshot) return { ok: false, full: false, what: 'the run', message: 'Nothing to undo: this run was not deleted or reset here.' };
      await runner.dispose(runId); // a trainer built by the reset: its progress is what Undo throws away
      runner.journal.forget(runId);
      return queued(`the restored run "${snapshot.run.name}"`, async () => {
        await restoreRun(snapshot);
        runner.undo.done(runId);
      });
    },
  };
}

/** An imported run's record and metrics, stored together (one transaction) or not at all. */
function storeImported(queued: Queued, run: StoredRun, metrics: MetricsRecord[]): Promise<WriteResult> {
  // The record says what its saved records reach, as every write keeps it (db.commit).
  const last = metrics.at(-1);
  // Marked imported: it has no checkpoint, so the lifecycle refuses a resume that would erase it.
  const { checkpointIteration: _c, ...record } = { ...run, iteration: last?.iteration ?? 0, wallMs: last?.wallMs ?? 0, imported: true };
  return queued(`the imported run "${run.name}"`, () => importRun(record, metrics));
}

/** "Import run": the file read, parsed, checked, thinned and stored here (worker/importFile.ts), cancellable until it is stored. */
function imports(queued: Queued): Pick<RecordsApi, 'importRun' | 'importFile' | 'cancelImport'> {
  const running = new Set<string>();
  const cancelled = new Set<string>();
  return {
    importRun: (rawRun, rawMetrics) => storeImported(queued, StoredRunSchema.parse(rawRun), z.array(MetricsRecordSchema).parse(rawMetrics)),
    importFile: async (raw, onProgress) => {
      const request = parseOrExplain(ImportRequestSchema, raw, 'Invalid import request');
      running.add(request.id);
      // The callback is a comlink proxy: each call is one postMessage; nothing waits on it.
      const progress = onProgress ? (p: ImportProgress) => void Promise.resolve(onProgress(p)).catch(() => undefined) : undefined;
      try {
        return await importFromFile(request, { store: (run, metrics) => storeImported(queued, run, metrics), onProgress: progress, cancelled: () => cancelled.has(request.id) });
      } finally {
        running.delete(request.id);
        cancelled.delete(request.id);
      }
    },
    cancelImport: (rawId) => {
      const id = RunIdSchema.parse(rawId);
      if (running.has(id)) cancelled.add(id);
      return Promise.resolve();
    },
  };
}

export function recordsApi(runner: Runner): RecordsApi {
  const journal = runner.journal;
  const queued: Queued = (what, body) => journal.serial(() => attempt(what, body));
  return {
    ...deletions(runner, queued),
    ...imports(queued),
    addRun: (raw) => {
      const run = StoredRunSchema.parse(raw);
      return queued(`the new run "${run.name}"`, () => createRun({ ...run, status: 'loading', iteration: 0, wallMs: 0 }));
    },
    updateRun: (rawId, raw) => {
      const runId = RunIdSchema.parse(rawId);
      const fields = RunFieldsSchema.parse(raw);
      return queued(`the run "${fields.name ?? 'changes'}"`, async () => {
        const stored = await getRun(runId);
        if (stored) enforce(stored.status, 'rename');
        // A run deleted meanwhile (in another tab, or before this change was queued) is not silently "saved".
        if (!(await updateRunFields(runId, fields))) throw new Error(RUN_GONE);
      });
    },
    compact: (rawId, rawDrop, rawThrough) => {
      const runId = RunIdSchema.parse(rawId);
      const drop = z.array(z.number().int().min(1)).parse(rawDrop);
      const through = z.number().int().min(0).parse(rawThrough);
      return queued('the compacted metrics', () => compactMetrics(runId, drop, through));
    },
    retrySaving: async () => {
      const left = await journal.retry();
      return left === null ? { ok: true } : { ok: false, full: true, what: 'what waited to be saved', message: left };
    },
    failNextWrites: (n) => Promise.resolve(failNextWrites(z.number().int().min(0).parse(n))),
  };
}
