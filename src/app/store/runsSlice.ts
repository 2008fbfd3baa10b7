import type { RunConfig } from '../../engine/config';
import type { MetricsRecord } from '../../engine/train/metrics';
import { errorText } from '../../engine/issues';
import type { InspectBatch } from '../../engine/train/types';
import { can, compactedAfterTruncate, isLive, refusal, runsQuery, WriteResultSchema, type StoredRun, type WorkerEvent, type WriteResult } from '../../worker/client';
import { nextColor } from '../lib/colors';
import { planCompaction } from '../lib/compaction';
import { downloadText } from '../lib/download';
import { metricsCsv, parseRunFile, runFileJson, safeFileName } from '../lib/exportRun';
import { presetTitle } from '../lib/presets';
import { forgetRun } from './forgetRun';
import type { Slice } from './types';

/**
 * Runs: a projection of what the worker said (statuses, metrics streamed and throttled into
 * the store, checkpoints) and of what storage holds, plus every verb on them. Nothing here
 * writes storage: each change is a worker call (TrainerApi), and the worker is the runs'
 * only writer. The store is the only place that talks to the worker's API.
 */
export interface RunsSlice {
  runs: Record<string, StoredRun>;
  /** Run ids, oldest first. */
  order: string[];
  metrics: Record<string, MetricsRecord[]>;
  /** The rollout batches the worker sent for the Inspect view, oldest first (the last keepBatches of each run). */
  inspect: Record<string, InspectBatch[]>;
  notes: Record<string, string[]>;
  activeRunId: string | null;
  runsLoaded: boolean;
  /** The run the last Delete or Reset threw away (the worker keeps what Undo puts back). */
  lastUndoable: { id: string; name: string } | null;
  /** A Start or Step that makes a new run is in flight: a second press (a double click) does nothing. */
  starting: boolean;

  loadRuns: () => Promise<void>;
  handleEvent: (e: WorkerEvent) => void;
  /** The worker died: live runs become resumable 'interrupted' runs (and a notice says why unless `notify` is false). */
  onWorkerCrash: (message: string, opts?: { notify?: boolean }) => void;

  /** Build a run in the worker (status 'ready' when it resolves); null if it failed (and said why). */
  newRun: (config: RunConfig, opts?: { name?: string; group?: string; activate?: boolean }) => Promise<string | null>;
  startRun: (id: string) => Promise<void>;
  pauseRun: (id: string) => Promise<void>;
  stepRun: (id: string) => Promise<void>;
  stopRun: (id: string) => Promise<void>;
  resetRun: (id: string) => Promise<void>;
  /**
   * Rebuild a run from its last checkpoint (iteration 0 if it has none) and continue it; with
   * `config`, under that config from then on (a lower lr after a divergence, more iterations).
   */
  resumeRun: (id: string, config?: RunConfig) => Promise<void>;
  /** A new run with this run's config, from the warm start, started; the run itself is left as it is (an imported run: no checkpoint to resume). */
  continueAsNew: (id: string) => Promise<void>;

  /** The Train view's buttons: act on the active run, or start a new one from the panel. */
  startActive: () => Promise<void>;
  pauseActive: () => Promise<void>;
  stepActive: () => Promise<void>;
  stopActive: () => Promise<void>;
  resetActive: () => Promise<void>;
  /** Held-out ID/OOD accuracy of the active (live, not running) run, as a notice. */
  evaluateActive: () => Promise<void>;

  selectRun: (id: string | null) => void;
  renameRun: (id: string, name: string) => void;
  toggleRun: (id: string) => void;
  duplicateRun: (id: string) => void;
  deleteRun: (id: string) => Promise<void>;
  /** Undo the last Delete or Reset: the run comes back as it was stored then. */
  undoLast: () => Promise<void>;
  exportRun: (id: string, kind: 'json' | 'csv') => void;
  importRun: (text: string) => Promise<string | null>;
}

/** Metrics reach the store at most this often (the charts throttle themselves further). */
const FLUSH_MS = 200;
const MAX_NOTES = 30;
/** How long a verb waits for a run's lock (a tab watching the run holds it for an instant when it frees). */
const CLAIM_WAIT_MS = 2000;

const errText = errorText; // zod's issue JSON (a worker's refusal) as sentences

/** Merge new records onto a run's metrics; a record at or before the tail replaces the tail (resume, reset). */
function merge(old: readonly MetricsRecord[], fresh: readonly MetricsRecord[]): MetricsRecord[] {
  if (fresh.length === 0) return [...old];
  const first = fresh[0]!.iteration;
  const keep = old.length > 0 && old.at(-1)!.iteration >= first ? old.filter((r) => r.iteration < first) : old;
  return [...keep, ...fresh];
}

/** An imported file's records thinned as compaction would have (repeatedly: one pass may leave more than the limit), and how far. */
function thinForImport(metrics: MetricsRecord[], through: number | undefined): { metrics: MetricsRecord[]; through: number | undefined } {
  let kept = metrics;
  let reach = through;
  for (let plan = planCompaction(kept); plan; plan = planCompaction(kept)) {
    kept = plan.keep;
    reach = Math.max(reach ?? 0, plan.through);
  }
  return { metrics: kept, through: reach };
}

/** Add a batch (replacing one of the same iteration, as after a reset), keep the newest `keep`, oldest first. */
export function addBatch(list: readonly InspectBatch[], batch: InspectBatch, keep: number): InspectBatch[] {
  const next = [...list.filter((b) => b.iteration < batch.iteration), batch];
  return next.slice(-keep);
}

export const createRunsSlice: Slice<RunsSlice> = (set, get) => {
  let pending = new Map<string, MetricsRecord[]>();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  /** The projection of one run, changed here only (what the worker said, or an edit it was asked to save). */
  const mirror = (id: string, p: Partial<StoredRun>): void => {
    const run = get().runs[id];
    if (run) set((s) => ({ runs: { ...s.runs, [id]: { ...run, ...p } } }));
  };

  /** A write the worker was asked for: its result parsed (it crossed a boundary), a failure reported. */
  const saved = async (what: string, call: () => Promise<WriteResult>): Promise<boolean> => {
    try {
      const result = WriteResultSchema.parse(await call());
      if (!result.ok) get().onWriteFailed(result);
      return result.ok;
    } catch (e) {
      get().notify('error', `Could not save ${what}: ${errText(e)}`);
      return false;
    }
  };

  /** Edit the fields a person owns (never on a run another tab is training: that tab's worker writes it). */
  const edit = async (id: string, fields: Pick<Partial<StoredRun>, 'name' | 'config' | 'visible'>): Promise<void> => {
    const run = get().runs[id];
    if (!run || get().foreignRuns[id]) return;
    mirror(id, fields);
    if (await saved(`the run "${run.name}"`, () => api().updateRun(id, fields))) get().announceRuns([id]);
  };

  /** Past COMPACTION.maxRecords, thin a run's old records here, and ask the worker to thin storage alike (lib/compaction.ts). */
  const compact = (id: string) => {
    const plan = planCompaction(get().metrics[id] ?? []);
    if (!plan) return;
    set((s) => ({
      metrics: { ...s.metrics, [id]: plan.keep },
      ...(s.runs[id] ? { runs: { ...s.runs, [id]: { ...s.runs[id], compactedThrough: Math.max(s.runs[id].compactedThrough ?? 0, plan.through) } } } : {}),
    }));
    void saved('the compacted metrics', () => api().compact(id, plan.drop, plan.through));
  };

  /** Apply buffered metrics in one store update (the charts redraw at most every FLUSH_MS); the worker has stored them. */
  const flush = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const { runs, metrics } = get();
    const nextRuns = { ...runs };
    const nextMetrics = { ...metrics };
    for (const [id, records] of batch) {
      const run = runs[id];
      if (!run) continue;
      nextMetrics[id] = merge(metrics[id] ?? [], records);
      const last = records.at(-1)!;
      nextRuns[id] = { ...run, iteration: last.iteration, wallMs: last.wallMs };
    }
    set({ runs: nextRuns, metrics: nextMetrics });
    get().announceRuns([...batch.keys()]);
    for (const id of batch.keys()) compact(id);
  };

  const api = () => {
    const { client, workerState } = get();
    if (!client || !client.connected || workerState === 'failed') throw new Error('The trainer worker is not running.');
    return client.api;
  };

  /** Run a worker call; a failure becomes an error notice rather than an unhandled rejection. */
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (e) {
      get().notify('error', `${what}: ${errText(e)}`);
      return null;
    }
  };

  /** The projection cut back to `keepUpTo` (a reset, a resume): the worker cut storage the same way. */
  const truncate = (id: string, keepUpTo: number) => {
    const records = get().metrics[id] ?? [];
    if (records.length > 0 && records.at(-1)!.iteration > keepUpTo) {
      set((s) => ({ metrics: { ...s.metrics, [id]: records.filter((r) => r.iteration <= keepUpTo) } }));
    }
    const run = get().runs[id];
    if (run?.compactedThrough !== undefined) mirror(id, { compactedThrough: compactedAfterTruncate(run.compactedThrough, keepUpTo + 1) });
    const batches = get().inspect[id];
    if (batches?.some((b) => b.iteration > keepUpTo)) set((s) => ({ inspect: { ...s.inspect, [id]: batches.filter((b) => b.iteration <= keepUpTo) } }));
  };

  /** Make a new run and act on it, once: `starting` is set from the press until the run exists and was told to start (or failed). */
  const startNew = async (make: () => Promise<string | null>, then: (id: string) => Promise<void>): Promise<void> => {
    set({ starting: true });
    try {
      const id = await make();
      if (id) await then(id);
    } finally {
      set({ starting: false });
    }
  };

  return {
    runs: {},
    order: [],
    metrics: {},
    inspect: {},
    notes: {},
    activeRunId: null,
    runsLoaded: false,
    lastUndoable: null,
    starting: false,

    loadRuns: async () => {
      // Live runs left by a closed page become 'interrupted'; other tabs' runs stay theirs; each is checked (storageSlice).
      const { runs: stored, metrics } = await get().readStoredRuns();
      const runs: Record<string, StoredRun> = {};
      for (const r of stored) runs[r.id] = r;
      set((s) => ({
        runs: { ...runs, ...s.runs },
        metrics: { ...metrics, ...s.metrics },
        order: [...stored.map((r) => r.id).filter((id) => !s.order.includes(id)), ...s.order],
        // The newest run this tab can act on (another tab's run would leave the controls with nothing to do).
        activeRunId: s.activeRunId ?? stored.filter((r) => !s.foreignRuns[r.id]).at(-1)?.id ?? null,
        runsLoaded: true,
      }));
    },

    handleEvent: (e) => {
      switch (e.type) {
        case 'metrics': {
          const list = pending.get(e.runId) ?? [];
          list.push(...e.records);
          pending.set(e.runId, list);
          flushTimer ??= setTimeout(flush, FLUSH_MS);
          return;
        }
        case 'status': {
          flush(); // metrics before the status they led to
          const run = get().runs[e.runId];
          if (!run) return;
          // 'loading' (and a failed build) carry no iteration; 'ready' after a reset or a resume
          // does, and anything streamed past it is gone.
          const meaningful = e.status !== 'loading' && !(e.status === 'error' && e.iteration === 0);
          if (meaningful) truncate(e.runId, e.iteration);
          mirror(e.runId, {
            status: e.status,
            ...(meaningful ? { iteration: e.iteration } : {}),
            ...(e.status === 'error' ? { error: e.error ?? 'unknown error' } : { error: undefined }),
          });
          get().announceRuns([e.runId]);
          // The worker stored the status before saying it: other tabs may have the run now.
          if (!isLive(e.status)) get().releaseRun(e.runId);
          if (e.status === 'error' && e.error) get().notify('error', `${run.name}: ${e.error}`);
          return;
        }
        case 'checkpoint': {
          // Stored with the checkpoint, in its transaction (worker/db.ts): the page only mirrors it.
          const run = get().runs[e.runId];
          if (run) set((s) => ({ runs: { ...s.runs, [e.runId]: { ...run, checkpointIteration: e.iteration } } }));
          return;
        }
        case 'note':
          set((s) => ({ notes: { ...s.notes, [e.runId]: [...(s.notes[e.runId] ?? []), e.note].slice(-MAX_NOTES) } }));
          return;
        case 'inspect': {
          const keep = Math.max(1, get().runs[e.runId]?.config.run.keepBatches ?? 1);
          set((s) => ({ inspect: { ...s.inspect, [e.runId]: addBatch(s.inspect[e.runId] ?? [], e.batch, keep) } }));
          return;
        }
        case 'storage':
          get().onWriteFailed({ ok: false, full: e.full, what: e.what, message: e.message });
          return;
        case 'backend':
          set({ backend: e.info });
          get().notify('error', e.message);
          return;
      }
    },

    onWorkerCrash: (message, opts = {}) => {
      flush();
      // Storage keeps the live status the dead worker wrote last; a live status no tab holds
      // reads as 'interrupted' everywhere (storageSlice), so letting go of the lock is enough.
      // The dead worker stored records before it told the page (worker/journal.ts), so storage
      // can be ahead of the events that arrived: show each run as stored, not as last heard.
      for (const run of Object.values(get().runs)) {
        if (isLive(run.status) && !get().foreignRuns[run.id]) {
          get().releaseRun(run.id);
          void get()
            .refreshRun(run.id)
            .then(() => {
              if (isLive(get().runs[run.id]?.status ?? 'stopped')) mirror(run.id, { status: 'interrupted' });
            });
        }
      }
      if (opts.notify !== false) get().notify('error', message);
    },

    newRun: async (config, opts = {}) => {
      const { runs, order } = get();
      const id = crypto.randomUUID();
      const n = order.length + 1;
      const name = (opts.name ?? config.name).trim() || `${presetTitle(config.preset)} · ${config.task.task} #${n}`;
      const run: StoredRun = {
        id,
        name,
        config: { ...config, name },
        status: 'loading',
        color: nextColor(order.map((i) => runs[i]?.color ?? '')),
        visible: true,
        createdAt: Date.now(),
        iteration: 0,
        wallMs: 0,
        ...(opts.group ? { group: opts.group } : {}),
      };
      // Held while the run is live here: other tabs show it read-only (storageSlice).
      await get().claimRun(id);
      if (!(await saved(`the new run "${name}"`, () => api().addRun(run)))) {
        get().releaseRun(id);
        return null;
      }
      get().announceRuns([id]);
      set((s) => ({
        runs: { ...s.runs, [id]: run },
        order: [...s.order, id],
        metrics: { ...s.metrics, [id]: [] },
        ...(opts.activate ? { activeRunId: id } : {}),
      }));
      try {
        await api().create(id, run.config);
        return id;
      } catch (e) {
        // The worker's 'error' status event has already said why; say it here only if it could not.
        if (get().runs[id]?.status !== 'error') {
          mirror(id, { status: 'error', error: errText(e) });
          get().releaseRun(id);
          get().notify('error', `Could not create "${name}": ${errText(e)}`);
        }
        return null;
      }
    },

    startRun: async (id) => {
      if (get().refuseForeign(id, 'Start')) return;
      await attempt('Start failed', () => api().start(id));
    },
    pauseRun: async (id) => {
      if (get().refuseForeign(id, 'Pause')) return;
      await attempt('Pause failed', () => api().pause(id));
    },
    stepRun: async (id) => {
      if (get().refuseForeign(id, 'Step')) return;
      await attempt('Step failed', () => api().step(id));
    },
    stopRun: async (id) => {
      if (get().refuseForeign(id, 'Stop')) return;
      await attempt('Stop failed', () => api().stop(id));
    },
    resetRun: async (id) => {
      const run = get().runs[id];
      if (!run || get().refuseForeign(id, 'Reset')) return;
      if (!can(run.status, 'reset')) return void get().notify('error', `Reset refused: ${refusal(run.status, 'reset')}`);
      if (!(await get().claimRun(id, CLAIM_WAIT_MS))) return void get().notify('error', `Reset refused: "${run.name}" is in use in another tab.`);
      const lost = run.iteration > 0 || run.checkpointIteration !== undefined;
      truncate(id, 0);
      set((s) => ({ metrics: { ...s.metrics, [id]: [] } }));
      mirror(id, { iteration: 0, wallMs: 0, checkpointIteration: undefined });
      const live = (await attempt('Reset failed', () => api().list()))?.some((r) => r.runId === id);
      // The worker keeps what the reset throws away, as Delete does: Undo brings it back.
      const done = live ? (await attempt('Reset failed', () => api().reset(id))) !== null : (await attempt('Reset failed', () => api().create(id, run.config))) !== null;
      if (!done && !live) get().releaseRun(id);
      if (done && lost) {
        set({ lastUndoable: { id, name: run.name } });
        get().notify('undo', `Reset "${run.name}" to iteration 0.`);
      }
    },
    resumeRun: async (id, edited) => {
      const run = get().runs[id];
      if (!run || get().refuseForeign(id, 'Resume')) return;
      if (!can(run.status, 'resume', run)) return void get().notify('error', `Resume refused: ${refusal(run.status, 'resume', run)}`);
      if (!(await get().claimRun(id, CLAIM_WAIT_MS))) return void get().notify('error', `Resume refused: "${run.name}" is in use in another tab.`);
      const config = edited ? { ...edited, name: run.name } : run.config;
      const res = await attempt(`Could not resume "${run.name}"`, () => api().create(id, config, { resume: true }));
      if (!res) return get().releaseRun(id);
      if (edited) await edit(id, { config });
      truncate(id, res.iteration);
      if (res.iteration < config.run.iterations) await get().startRun(id);
    },

    continueAsNew: async (id) => {
      const run = get().runs[id];
      if (!run || get().starting) return;
      await startNew(() => get().newRun(run.config, { name: `${run.name} (continued)`, activate: true }), (nid) => get().startRun(nid));
    },

    startActive: async () => {
      const { activeRunId, runs, config, errors, starting } = get();
      if (starting) return; // the first press is still making its run
      const active = activeRunId ? runs[activeRunId] : undefined;
      if (active && can(active.status, 'start')) return get().startRun(active.id);
      if (active && isLive(active.status)) return;
      if (!config) {
        const n = Object.keys(errors).length;
        get().notify('error', `Start refused: ${n} field${n === 1 ? ' has an invalid value' : 's have invalid values'}. Fix ${n === 1 ? 'it' : 'them'} first.`);
        return;
      }
      await startNew(() => get().newRun(config, { activate: true }), (id) => get().startRun(id));
    },
    pauseActive: async () => {
      const id = get().activeRunId;
      if (id && can(get().runs[id]?.status, 'pause')) await get().pauseRun(id);
    },
    stepActive: async () => {
      const { activeRunId, runs, config, starting } = get();
      if (starting) return;
      const active = activeRunId ? runs[activeRunId] : undefined;
      if (active && can(active.status, 'step')) return get().stepRun(active.id);
      if (active && isLive(active.status)) return;
      if (!config) {
        get().notify('error', 'Step refused: fix the invalid fields first.');
        return;
      }
      await startNew(() => get().newRun(config, { activate: true }), (id) => get().stepRun(id));
    },
    stopActive: async () => {
      const id = get().activeRunId;
      const run = id ? get().runs[id] : undefined;
      // Another tab's run: refused here (a second Stop would otherwise kill this tab's worker).
      if (!run || get().refuseForeign(run.id, 'Stop')) return;
      if (run.status === 'stopping') return get().abortWorker(); // a second Stop: don't wait for the iteration
      if (can(run.status, 'stop')) await get().stopRun(run.id);
    },
    resetActive: async () => {
      const id = get().activeRunId;
      if (id) await get().resetRun(id);
    },

    evaluateActive: async () => {
      const id = get().activeRunId;
      const run = id ? get().runs[id] : undefined;
      if (!run || !can(run.status, 'evaluate') || get().refuseForeign(run.id, 'Evaluate')) return;
      const res = await attempt('Evaluation failed', () => api().evaluate(run.id));
      if (res) {
        const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
        get().notify('info', `${run.name} at iteration ${run.iteration}: held-out accuracy ID ${pct(res.id.accuracy)} (n=${res.id.n}), visual shift ${pct(res.shift.accuracy)} (n=${res.shift.n}), novel answers (OOD) ${pct(res.ood.accuracy)} (n=${res.ood.n}).`);
      }
    },

    selectRun: (id) => set({ activeRunId: id }),
    renameRun: (id, name) => {
      const run = get().runs[id];
      const clean = name.trim().slice(0, 80);
      if (run && clean && !get().refuseForeign(id, 'Rename')) void edit(id, { name: clean, config: { ...run.config, name: clean } });
    },
    toggleRun: (id) => {
      const run = get().runs[id];
      // Another tab's run: drawn or not here only (that tab writes its record).
      if (run && get().foreignRuns[id]) mirror(id, { visible: !run.visible });
      else if (run) void edit(id, { visible: !run.visible });
    },
    duplicateRun: (id) => {
      const run = get().runs[id];
      if (!run) return;
      get().loadConfig({ ...run.config, name: '' });
      set({ view: 'train' });
      get().notify('info', `The config of "${run.name}" is in the panel: press Start to run it again.`);
    },
    deleteRun: async (id) => {
      const run = get().runs[id];
      if (!run || get().refuseForeign(id, 'Delete')) return;
      // Held for the delete, so another tab cannot resume the run while it goes.
      if (!(await get().claimRun(id, CLAIM_WAIT_MS))) return void get().notify('error', `Delete refused: "${run.name}" is in use in another tab.`);
      // The worker frees a live run's trainer, then deletes what is stored, keeping it for Undo.
      const ok = await saved(`the deletion of "${run.name}"`, () => api().deleteRun(id));
      get().releaseRun(id);
      if (!ok) return;
      get().announceRuns([id]);
      set((s) => ({ ...forgetRun(s, id), lastUndoable: { id, name: run.name } }));
      get().notify('undo', `Deleted "${run.name}".`);
    },
    undoLast: async () => {
      const last = get().lastUndoable;
      if (!last) return;
      // One transaction in the worker: all of it or none, as it was stored when deleted or reset
      // (a trainer the reset built is freed: the run comes back not live, and not held here).
      if (!(await saved(`the restored run "${last.name}"`, () => api().undo(last.id)))) return;
      get().releaseRun(last.id);
      set((s) => ({ lastUndoable: null, notices: s.notices.filter((n) => n.kind !== 'undo') }));
      get().announceRuns([last.id]);
      await get().refreshRun(last.id);
    },
    exportRun: (id, kind) => {
      flush();
      const run = get().runs[id];
      if (!run) return;
      const metrics = get().metrics[id] ?? [];
      const base = safeFileName(run.name);
      if (kind === 'json') downloadText(`${base}.run.json`, runFileJson(run, metrics), 'application/json');
      else downloadText(`${base}.metrics.csv`, metricsCsv(metrics), 'text/csv');
    },
    importRun: async (text) => {
      let file;
      try {
        file = parseRunFile(text);
      } catch (e) {
        get().notify('error', `Import failed: ${errText(e)}`);
        return null;
      }
      // Thinned as a long run is (evaluations and the first record kept), before anything is stored or drawn.
      const thinned = thinForImport(file.metrics, file.run.compactedThrough);
      file = { ...file, metrics: thinned.metrics, run: { ...file.run, ...(thinned.through ? { compactedThrough: thinned.through } : {}) } };
      const { runs, order } = get();
      const used = order.map((i) => runs[i]?.color ?? '');
      const id = crypto.randomUUID();
      const run: StoredRun = {
        id,
        name: file.run.name,
        config: file.config,
        status: file.run.status,
        color: file.run.color && !used.includes(file.run.color) ? file.run.color : nextColor(used),
        visible: true,
        createdAt: Date.now(),
        iteration: file.run.iteration,
        wallMs: file.run.wallMs,
        ...(file.run.compactedThrough ? { compactedThrough: file.run.compactedThrough } : {}),
        ...(file.run.source ? { source: file.run.source } : {}),
      };
      // One transaction in the worker: nothing is kept of a failed import.
      let result: WriteResult;
      try {
        result = WriteResultSchema.parse(await api().importRun(run, file.metrics));
      } catch (e) {
        result = { ok: false, full: false, what: `the imported run "${run.name}"`, message: errText(e) };
      }
      if (!result.ok) {
        get().notify('error', `Import failed: ${result.message} Nothing was changed.`);
        if (result.full) get().onWriteFailed(result);
        return null;
      }
      get().announceRuns([id]);
      // As stored: the record's iteration is that of its last metrics record.
      const stored = (await runsQuery.getRun(id)) ?? run;
      set((s) => ({ runs: { ...s.runs, [id]: stored }, order: [...s.order, id], metrics: { ...s.metrics, [id]: file.metrics }, activeRunId: id }));
      get().notify('info', `Imported "${run.name}" (${file.metrics.length} iterations).`);
      return id;
    },
  };
};
