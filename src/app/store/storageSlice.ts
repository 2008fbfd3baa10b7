import type { MetricsRecord } from '../../engine/train/metrics';
import { isLive, runsDb, type RunStatus, type StoredRun } from '../../worker/client';
import { findProblems, incompleteLabel } from '../lib/integrity';
import { nearlyFullText, storageFullText } from '../lib/storage';
import { TAB_CHANNEL, TabCoordinator, type LockManagerLike } from '../lib/tabs';
import { forgetRun, without } from './forgetRun';
import type { Slice } from './types';

/**
 * Storage as a shared, fallible thing: runs another tab is training (read-only here), runs
 * whose stored data is not whole (a badge says what is missing), and a full quota (a banner
 * that says what was not saved and offers to delete old runs). The runs slice calls in here
 * around its writes.
 */
export interface StorageSlice {
  /** Runs whose lock another tab holds: shown, refreshed, never written here. */
  foreignRuns: Record<string, true>;
  /** Why a stored run is not whole ("incomplete: metrics end at iteration 3 of 5"). */
  incomplete: Record<string, string>;
  /** A write was refused for quota: the banner's text. Cleared once a retry saves everything. */
  storageFull: { text: string } | null;

  /** Join the other tabs (Web Locks + BroadcastChannel); once, at page start. */
  initTabs: () => void;
  /** Every stored run with its metrics, live statuses left by closed pages made 'interrupted', each checked. */
  readStoredRuns: () => Promise<{ runs: StoredRun[]; metrics: Record<string, MetricsRecord[]> }>;
  /** True (and a notice saying why) when another tab is training the run. */
  refuseForeign: (id: string, verb: string) => boolean;
  /** Take a run's lock for this tab (false: another tab has it). */
  claimRun: (id: string, waitMs?: number) => Promise<boolean>;
  releaseRun: (id: string) => void;
  /** Tell other tabs these runs changed in storage. */
  announceRuns: (ids: readonly string[]) => void;
  /** Re-read one run from storage (another tab changed it). */
  refreshRun: (id: string) => Promise<void>;
  /** Check a run read from storage or a file; set or clear its badge. */
  checkRun: (run: StoredRun, storedStatus: RunStatus, metrics: readonly MetricsRecord[], hasCheckpoint: boolean) => void;
  /** A write failed: a full quota opens the banner (and pauses this tab's training); anything else is a notice. */
  onStorageError: (e: unknown, what: string) => void;
  /** Write again whatever this tab shows but storage lacks (after room was made). */
  retrySaving: () => Promise<void>;
  dismissStorageFull: () => void;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));


export const createStorageSlice: Slice<StorageSlice> = (set, get) => {
  let tabs: TabCoordinator | null = null;
  const refreshing = new Map<string, Promise<void>>();
  const again = new Set<string>();

  const label = (run: StoredRun, storedStatus: RunStatus, metrics: readonly MetricsRecord[], hasCheckpoint: boolean): string | null =>
    incompleteLabel(
      findProblems({
        storedStatus,
        iteration: run.iteration,
        totalIterations: run.config.run.iterations,
        checkpointIteration: run.checkpointIteration,
        compactedThrough: run.compactedThrough,
        metricIterations: metrics.map((r) => r.iteration),
        hasCheckpoint,
      }),
    );

  /** A live status in storage whose lock nobody holds was left by a closed page: mark it, under the lock. */
  const settleLeftBehind = async (run: StoredRun): Promise<StoredRun | null> => {
    if (!isLive(run.status) || tabs?.owns(run.id)) return run;
    if (!(await get().claimRun(run.id))) return null; // another tab has it: it is theirs
    try {
      return (await runsDb.markInterrupted(run.id)) ?? { ...run, status: 'interrupted' };
    } catch {
      return { ...run, status: 'interrupted' }; // shown as interrupted; stored as it was
    } finally {
      get().releaseRun(run.id);
    }
  };

  /** Metrics of a run another tab writes: only what is new since we last read, unless it was cut back. */
  const freshMetrics = async (id: string, stored: StoredRun): Promise<MetricsRecord[]> => {
    const local = get().metrics[id] ?? [];
    const lastLocal = local.at(-1);
    const known = get().runs[id];
    if (!lastLocal || !known || stored.iteration < lastLocal.iteration || (stored.compactedThrough ?? 0) !== (known.compactedThrough ?? 0)) {
      return runsDb.loadMetrics(id);
    }
    const tail = await runsDb.loadMetrics(id, lastLocal.iteration);
    // The record we ended on must still be the same one (not a reset that got this far again).
    if (tail[0]?.iteration !== lastLocal.iteration || tail[0].wallMs !== lastLocal.wallMs) return runsDb.loadMetrics(id);
    return [...local, ...tail.slice(1)];
  };

  const refreshOnce = async (id: string): Promise<void> => {
    if (tabs?.owns(id)) return; // live in this tab: this tab is its only writer
    const stored = await runsDb.getRun(id);
    if (!stored) {
      if (!get().runs[id]) return;
      set((s) => forgetRun(s, id));
      return;
    }
    const elsewhere = (await tabs?.heldElsewhere()) ?? new Set<string>();
    const foreign = elsewhere.has(stored.id);
    const run = foreign ? stored : await settleLeftBehind(stored);
    if (!run) return; // claimed by another tab just now: its announcement will follow
    if (foreign) tabs?.watch(id);
    const metrics = await freshMetrics(id, stored);
    const withCkpt = foreign ? null : await runsDb.checkpointRunIds();
    const badge = withCkpt ? label(run, stored.status, metrics, withCkpt.has(id)) : null;
    set((s) => {
      const local = s.runs[id];
      const order = s.order.includes(id) ? s.order : [...s.order, id].sort((a, b) => (s.runs[a]?.createdAt ?? run.createdAt) - (s.runs[b]?.createdAt ?? run.createdAt));
      return {
        // Which runs are drawn stays this tab's choice.
        runs: { ...s.runs, [id]: local ? { ...run, visible: local.visible } : run },
        metrics: { ...s.metrics, [id]: metrics },
        order,
        foreignRuns: foreign ? { ...s.foreignRuns, [id]: true as const } : without(s.foreignRuns, id),
        incomplete: badge ? { ...s.incomplete, [id]: badge } : without(s.incomplete, id),
      };
    });
  };

  return {
    foreignRuns: {},
    incomplete: {},
    storageFull: null,

    initTabs: () => {
      if (tabs) return;
      const locks = typeof navigator !== 'undefined' && 'locks' in navigator ? (navigator.locks as unknown as LockManagerLike) : null;
      const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(TAB_CHANNEL) : null;
      tabs = new TabCoordinator({
        locks,
        channel,
        onChanged: (ids) => {
          for (const id of ids) void get().refreshRun(id);
        },
        onFreed: (id) => void get().refreshRun(id),
      });
    },

    readStoredRuns: async () => {
      const [stored, withCkpt, elsewhere] = await Promise.all([runsDb.listRuns(), runsDb.checkpointRunIds(), tabs?.heldElsewhere() ?? Promise.resolve(new Set<string>())]);
      const runs: StoredRun[] = [];
      const metrics: Record<string, MetricsRecord[]> = {};
      const foreignRuns: Record<string, true> = {};
      const incomplete: Record<string, string> = {};
      for (const s of stored) {
        // Nothing survives a reload in the worker: a run that was live in a page now gone is
        // interrupted; one whose lock another tab holds is that tab's.
        const settled = elsewhere.has(s.id) ? null : await settleLeftBehind(s);
        const run = settled ?? s;
        const list = await runsDb.loadMetrics(s.id);
        if (!settled) {
          foreignRuns[s.id] = true;
          tabs?.watch(s.id);
        } else {
          const badge = label(run, s.status, list, withCkpt.has(s.id));
          if (badge) incomplete[s.id] = badge;
        }
        runs.push(run);
        metrics[s.id] = list;
      }
      set((st) => ({ foreignRuns: { ...st.foreignRuns, ...foreignRuns }, incomplete: { ...st.incomplete, ...incomplete } }));
      const n = Object.keys(incomplete).length;
      if (n > 0) get().notify('error', `${n === 1 ? 'One saved run is' : `${n} saved runs are`} incomplete (a page closed or a write failed mid-run): ${n === 1 ? 'its row says' : 'their rows say'} what is missing.`);
      const full = nearlyFullText(await runsDb.storageEstimate());
      if (full) get().notify('error', full);
      return { runs, metrics };
    },

    refuseForeign: (id, verb) => {
      if (!get().foreignRuns[id]) return false;
      const name = get().runs[id]?.name ?? 'This run';
      get().notify('error', `${verb} refused: "${name}" is training in another tab. Use that tab, or wait until it stops there.`);
      return true;
    },

    claimRun: async (id, waitMs = 0) => (tabs ? tabs.claim(id, waitMs) : true),
    releaseRun: (id) => tabs?.release(id),
    announceRuns: (ids) => tabs?.announce(ids),

    refreshRun: (id) => {
      // One refresh per run at a time; changes that arrive meanwhile are read once more after it.
      const running = refreshing.get(id);
      if (running) {
        again.add(id);
        return running;
      }
      const p = refreshOnce(id)
        .catch((e: unknown) => void get().notify('error', `Could not read a run another tab changed: ${errText(e)}`))
        .finally(() => {
          refreshing.delete(id);
          if (again.delete(id)) void get().refreshRun(id);
        });
      refreshing.set(id, p);
      return p;
    },

    checkRun: (run, storedStatus, metrics, hasCheckpoint) => {
      const badge = label(run, storedStatus, metrics, hasCheckpoint);
      set((s) => ({ incomplete: badge ? { ...s.incomplete, [run.id]: badge } : without(s.incomplete, run.id) }));
    },

    onStorageError: (e, what) => {
      if (!runsDb.isQuotaError(e)) {
        get().notify('error', `Could not save ${what}: ${errText(e)}`);
        return;
      }
      const lost = e instanceof runsDb.StorageFullError ? e.what : what;
      set({ storageFull: { text: storageFullText(lost, null) } });
      void runsDb.storageEstimate().then((est) => {
        if (get().storageFull) set({ storageFull: { text: storageFullText(lost, est) } });
      });
      // Training on would only make more that cannot be kept: pause this tab's running runs.
      for (const id of get().order) if (get().runs[id]?.status === 'running' && !get().foreignRuns[id]) void get().pauseRun(id);
    },

    retrySaving: async () => {
      try {
        for (const id of get().order) {
          const run = get().runs[id];
          if (!run || get().foreignRuns[id]) continue;
          const stored = await runsDb.getRun(id);
          if (!stored) continue;
          const have = new Set(await runsDb.metricIterations(id));
          const missing = (get().metrics[id] ?? []).filter((r) => !have.has(r.iteration));
          if (missing.length > 0) await runsDb.appendMetrics(id, missing);
          await runsDb.updateRun(run);
          get().announceRuns([id]);
        }
        set({ storageFull: null });
        get().notify('info', 'Saved: every run this tab shows is stored again.');
      } catch (e) {
        get().onStorageError(e, 'the retried writes');
      }
    },

    dismissStorageFull: () => set({ storageFull: null }),
  };
};
