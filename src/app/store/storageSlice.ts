import type { MetricsRecord } from '../../engine/train/metrics';
import { runsQuery, settled, WriteResultSchema, type StoredRun, type WriteResult } from '../../worker/client';
import { errorText } from '../../engine/issues';
import { nearlyFullText, storageFullText } from '../lib/storage';
import { TAB_CHANNEL, TabCoordinator, type LockManagerLike } from '../lib/tabs';
import { forgetRun, without } from './forgetRun';
import type { Slice } from './types';

/**
 * Storage as a shared, fallible thing, seen from the page: runs another tab is training
 * (read-only here), and a full quota (a banner that says what was not saved and offers to
 * delete old runs). The page only reads storage (runsQuery); the worker writes it, and says
 * here when a write failed.
 */
export interface StorageSlice {
  /** Runs whose lock another tab holds: shown, refreshed, never changed here. */
  foreignRuns: Record<string, true>;
  /** A write was refused for quota: the banner's text. Cleared once a retry saves everything. */
  storageFull: { text: string } | null;

  /** Join the other tabs (Web Locks + BroadcastChannel); once, at page start. */
  initTabs: () => void;
  /** Every stored run with its metrics; a live status no tab holds is shown as 'interrupted'. */
  readStoredRuns: () => Promise<{ runs: StoredRun[]; metrics: Record<string, MetricsRecord[]> }>;
  /** True (and a notice saying why) when another tab is training the run. */
  refuseForeign: (id: string, verb: string) => boolean;
  /** Take a run's lock for this tab (false: another tab has it). */
  claimRun: (id: string, waitMs?: number) => Promise<boolean>;
  releaseRun: (id: string) => void;
  /** Tell other tabs these runs changed in storage. */
  announceRuns: (ids: readonly string[]) => void;
  /** Re-read one run from storage (another tab changed it, or an Undo put it back). */
  refreshRun: (id: string) => Promise<void>;
  /** A write the worker made or was asked for failed: a full quota opens the banner; anything else is a notice. */
  onWriteFailed: (failure: Extract<WriteResult, { ok: false }>) => void;
  /** Ask the worker to write whatever storage refused (after room was made). */
  retrySaving: () => Promise<void>;
  dismissStorageFull: () => void;
}

const errText = errorText; // zod's issue JSON (a worker's refusal) as sentences

export const createStorageSlice: Slice<StorageSlice> = (set, get) => {
  let tabs: TabCoordinator | null = null;
  const refreshing = new Map<string, Promise<void>>();
  const again = new Set<string>();

  /**
   * A live status in storage whose run this tab does not hold was left by a worker that is
   * gone (a closed page, a crash): it reads as 'interrupted'. Nothing is written: the next
   * worker to take the run writes its status.
   */
  const settleLeftBehind = (run: StoredRun): StoredRun => (tabs?.owns(run.id) ? run : { ...run, status: settled(run.status, false) });

  /** Metrics of a run another tab writes: only what is new since we last read, unless it was cut back. */
  const freshMetrics = async (id: string, stored: StoredRun): Promise<MetricsRecord[]> => {
    const local = get().metrics[id] ?? [];
    const lastLocal = local.at(-1);
    const known = get().runs[id];
    if (!lastLocal || !known || stored.iteration < lastLocal.iteration || (stored.compactedThrough ?? 0) !== (known.compactedThrough ?? 0)) {
      return runsQuery.loadMetrics(id);
    }
    const tail = await runsQuery.loadMetrics(id, lastLocal.iteration);
    // The record we ended on must still be the same one (not a reset that got this far again).
    if (tail[0]?.iteration !== lastLocal.iteration || tail[0].wallMs !== lastLocal.wallMs) return runsQuery.loadMetrics(id);
    return [...local, ...tail.slice(1)];
  };

  const refreshOnce = async (id: string): Promise<void> => {
    if (tabs?.owns(id)) return; // live in this tab: this tab is its only writer
    const stored = await runsQuery.getRun(id);
    if (!stored) {
      if (!get().runs[id]) return;
      set((s) => forgetRun(s, id));
      return;
    }
    const elsewhere = (await tabs?.heldElsewhere()) ?? new Set<string>();
    const foreign = elsewhere.has(stored.id);
    const run = foreign ? stored : settleLeftBehind(stored);
    if (foreign) tabs?.watch(id);
    const metrics = await freshMetrics(id, stored);
    set((s) => {
      const local = s.runs[id];
      const order = s.order.includes(id) ? s.order : [...s.order, id].sort((a, b) => (s.runs[a]?.createdAt ?? run.createdAt) - (s.runs[b]?.createdAt ?? run.createdAt));
      return {
        // Which runs are drawn stays this tab's choice.
        runs: { ...s.runs, [id]: local ? { ...run, visible: local.visible } : run },
        metrics: { ...s.metrics, [id]: metrics },
        order,
        foreignRuns: foreign ? { ...s.foreignRuns, [id]: true as const } : without(s.foreignRuns, id),
      };
    });
  };

  return {
    foreignRuns: {},
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
      const [stored, elsewhere] = await Promise.all([runsQuery.listRuns(), tabs?.heldElsewhere() ?? Promise.resolve(new Set<string>())]);
      const runs: StoredRun[] = [];
      const metrics: Record<string, MetricsRecord[]> = {};
      const foreignRuns: Record<string, true> = {};
      for (const s of stored) {
        // Nothing survives a reload in the worker: a run live in a page now gone is
        // interrupted; one whose lock another tab holds is that tab's.
        const foreign = elsewhere.has(s.id);
        if (foreign) {
          foreignRuns[s.id] = true;
          tabs?.watch(s.id);
        }
        runs.push(foreign ? s : settleLeftBehind(s));
        metrics[s.id] = await runsQuery.loadMetrics(s.id);
      }
      set((st) => ({ foreignRuns: { ...st.foreignRuns, ...foreignRuns } }));
      const full = nearlyFullText(await runsQuery.storageEstimate());
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

    onWriteFailed: (failure) => {
      if (!failure.full) {
        get().notify('error', `Could not save ${failure.what}: ${failure.message}`);
        return;
      }
      set({ storageFull: { text: storageFullText(failure.what, null) } });
      void runsQuery.storageEstimate().then((est) => {
        if (get().storageFull) set({ storageFull: { text: storageFullText(failure.what, est) } });
      });
      // The worker has paused the runs it trains: training on would only make more that cannot be kept.
    },

    retrySaving: async () => {
      const client = get().client;
      if (!client?.connected) return void get().notify('error', 'Could not retry: the trainer worker is not running.');
      const result = WriteResultSchema.parse(await client.api.retrySaving());
      if (!result.ok) return get().onWriteFailed(result);
      set({ storageFull: null });
      get().notify('info', 'Saved: every run this tab shows is stored again.');
    },

    dismissStorageFull: () => set({ storageFull: null }),
  };
};
