import type { RunSnapshot } from './dbSchema';
import { isLive } from './lifecycle';
import { snapshotRun } from './queries';

/**
 * What Delete and Reset destroyed, per run, as it was stored at that moment (after every
 * write queued before it), so Undo puts back exactly that: never an older copy the page held.
 * Kept in the worker's memory: a worker that dies takes its undo with it, as a reload does.
 */
export class UndoStore {
  private readonly kept = new Map<string, RunSnapshot>();

  /** Keep `snapshot` for Undo; a run that had a trainer comes back resumable, not live. */
  keep(snapshot: RunSnapshot): void {
    const { run } = snapshot;
    this.kept.set(run.id, { ...snapshot, run: { ...run, status: isLive(run.status) ? 'interrupted' : run.status } });
  }

  /** Keep what is stored of a run now (before a reset throws it away). */
  async keepStored(runId: string): Promise<void> {
    const snapshot = await snapshotRun(runId);
    if (snapshot && (snapshot.metrics.length > 0 || snapshot.checkpoint)) this.keep(snapshot);
  }

  /** What Undo puts back for a run (it stays kept until `done`). */
  peek(runId: string): RunSnapshot | undefined {
    return this.kept.get(runId);
  }

  done(runId: string): void {
    this.kept.delete(runId);
  }
}
