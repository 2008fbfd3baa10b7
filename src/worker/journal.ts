import type { MetricsRecord } from '../engine/train/metrics';
import { commit, isQuotaError, StorageFullError, truncateMetrics, writeStatus, deleteCheckpoint } from './db';
import type { StoredCheckpoint } from './dbSchema';
import type { RunStatus } from './lifecycle';
import type { WorkerEvent } from './protocol';

/**
 * The worker's ordered log of what a run became: every write to storage goes through one
 * queue, and the event that tells the page about it is sent once the write has settled. So the
 * page never hears of a status before the metrics that led to it, and another tab that reads
 * storage when told finds what was announced.
 *
 * A full quota stops the writing of progress (not the training's events): records the page
 * was shown but storage refused stay here, in order, until `retry()`; a checkpoint is not
 * written while they wait, so a saved checkpoint is never ahead of the saved metrics.
 */
export class Journal {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly unsaved = new Map<string, MetricsRecord[]>();
  /** The newest status of each run whose status write failed. */
  private readonly unsavedStatus = new Map<string, { status: RunStatus; error?: string }>();
  private full = false;

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    /** Storage refused a write for quota (the runner pauses its running runs). */
    private readonly onFull: () => void,
  ) {}

  /** Run `fn` after every write queued before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** An event with nothing to store (a note, an Inspect batch): sent in its turn. */
  send(e: WorkerEvent): void {
    void this.serial(() => Promise.resolve(this.emit(e)));
  }

  /** New records of a run: saved (with its iteration), then sent. */
  metrics(runId: string, records: readonly MetricsRecord[]): void {
    if (records.length === 0) return;
    this.hold(runId, records);
    void this.serial(async () => {
      if (!this.full) await this.save(runId).catch(() => undefined);
      this.emit({ type: 'metrics', runId, records: [...records] });
    });
  }

  /** A status change: stored, then sent. */
  status(runId: string, status: RunStatus, iteration: number, error?: string): void {
    void this.serial(async () => {
      try {
        await writeStatus(runId, status, error);
        this.unsavedStatus.delete(runId);
      } catch (e) {
        this.unsavedStatus.set(runId, { status, ...(error !== undefined ? { error } : {}) });
        if (!this.full) this.report(e, `the status of a run`);
      }
      this.emit({ type: 'status', runId, status, iteration, ...(error !== undefined ? { error } : {}) });
    });
  }

  /**
   * A checkpoint, with the run's records not saved yet, in one transaction (db.commit). Rejects
   * (having sent the records all the same) when it could not be saved.
   */
  checkpoint(runId: string, records: readonly MetricsRecord[], ckpt: StoredCheckpoint): Promise<void> {
    this.hold(runId, records);
    return this.serial(async () => {
      try {
        if (this.full) throw new StorageFullError(`the checkpoint at iteration ${ckpt.iteration}`);
        await this.save(runId, ckpt);
      } finally {
        if (records.length > 0) this.emit({ type: 'metrics', runId, records: [...records] });
      }
      this.emit({ type: 'checkpoint', runId, iteration: ckpt.iteration });
    });
  }

  /** Cut a run back to the iterations before `from` (a reset, a resume), its checkpoint too when `from` is 1. */
  truncate(runId: string, from: number): Promise<void> {
    const kept = (this.unsaved.get(runId) ?? []).filter((r) => r.iteration < from);
    if (kept.length > 0) this.unsaved.set(runId, kept);
    else this.unsaved.delete(runId);
    return this.serial(async () => {
      if (from <= 1) await deleteCheckpoint(runId);
      await truncateMetrics(runId, from);
    });
  }

  /** A run is gone: nothing of it waits to be written. */
  forget(runId: string): void {
    this.unsaved.delete(runId);
    this.unsavedStatus.delete(runId);
  }

  /** Write everything that waits (after room was made); resolves with what still could not be saved, or null. */
  retry(): Promise<string | null> {
    return this.serial(async () => {
      this.full = false;
      try {
        for (const runId of [...this.unsaved.keys()]) await this.save(runId);
        for (const [runId, s] of [...this.unsavedStatus]) {
          await writeStatus(runId, s.status, s.error);
          this.unsavedStatus.delete(runId);
        }
        return null;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    });
  }

  private hold(runId: string, records: readonly MetricsRecord[]): void {
    if (records.length > 0) this.unsaved.set(runId, [...(this.unsaved.get(runId) ?? []), ...records]);
  }

  /** Commit what waits for a run (and the checkpoint); a failure is reported and rethrown. */
  private async save(runId: string, checkpoint?: StoredCheckpoint): Promise<void> {
    const records = this.unsaved.get(runId) ?? [];
    try {
      await commit({ runId, records, ...(checkpoint ? { checkpoint } : {}) });
      // Only what was committed: records held while the transaction ran wait for the next one.
      const left = (this.unsaved.get(runId) ?? []).filter((r) => !records.includes(r));
      if (left.length > 0) this.unsaved.set(runId, left);
      else this.unsaved.delete(runId);
    } catch (e) {
      this.report(e, 'a run\'s progress');
      throw e;
    }
  }

  private report(e: unknown, what: string): void {
    const full = isQuotaError(e);
    const lost = e instanceof StorageFullError ? e.what : what;
    this.emit({ type: 'storage', full, what: lost, message: e instanceof Error ? e.message : String(e) });
    if (full && !this.full) {
      this.full = true;
      this.onFull();
    }
  }
}
