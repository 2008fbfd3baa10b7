import * as tf from '@tensorflow/tfjs-core';
import { RunConfigSchema, type RunConfig } from '../engine/config';
import { parseOrExplain } from '../engine/issues';
import type { MetricsRecord } from '../engine/train/metrics';
import { DivergedError } from '../engine/train/divergence';
import { memoryBudgetBytes, memoryRefusal } from '../engine/train/memory';
import { createTrainer } from '../engine/train/trainer';
import type { TrainerDeps, TrainerHandle } from '../engine/train/types';
import { deviceLost, fallBackFrom } from './backend';
import { isQuotaError } from './db';
import { AttentionView } from './attention';
import { Journal } from './journal';
import { UndoStore } from './undo';
import { warmStartHandler } from './warmStart';
import { enforce, settled, type Command, type RunStatus } from './lifecycle';
import type { AttentionRequest, AttentionResult, BackendInfo, CreateOptions, WorkerEvent } from './protocol';
import { getCheckpoint, getRun } from './queries';
import type { StoredCheckpoint } from './dbSchema';
import type { Policy } from '../engine/model';

/**
 * The worker's side of training: one slot per live run, and one scheduler that steps the
 * running slots in turn (so a comparison's curves grow together). All trainer work goes
 * through `serial`: a step, an evaluation and a checkpoint never interleave.
 */

interface Slot {
  id: string;
  config: RunConfig;
  trainer: TrainerHandle;
  status: RunStatus;
  /** 'run': the scheduler keeps stepping it; 'idle': only explicit single steps. */
  want: 'run' | 'idle';
  /** Single steps asked for while not running, resolved in order. */
  steps: { resolve: (r: MetricsRecord | null) => void; reject: (e: unknown) => void }[];
  /** Wall time spent inside this run's own iterations (a fair clock for interleaved runs). */
  wallMs: number;
  lastCheckpointIter: number;
  lastCheckpointAt: number;
  lastInspectAt: number;
  /** Iteration of the newest rollout batch sent to the page for the Inspect view. */
  lastInspected: number;
}

const METRICS_FLUSH_MS = 120;
const CHECKPOINT_EVERY_ITERS = 10;
const CHECKPOINT_EVERY_MS = 20_000;
const INSPECT_EVERY_MS = 1_500;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
/** GiB of RAM the browser reports (Chrome: coarse, at most 8); undefined where it does not say. */
const deviceMemoryGiB = (): number | undefined => (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;
/** Errors that say the backend itself broke rather than the run's maths. */
const BACKEND_FAILURE = /device (was )?lost|context lost|lost context|webgpu|webgl|out of memory|GPUBuffer|mapAsync|failed to compile|wasm/i;


/** A build whose run was deleted before it finished: there is nothing to report about a run that is gone. */
class AbandonedBuild extends Error {}

export class Runner {
  private readonly slots = new Map<string, Slot>();
  private pendingMetrics = new Map<string, MetricsRecord[]>();
  /** Runs whose trainer create() is building now, and those of them deleted meanwhile. */
  private readonly building = new Set<string>();
  private readonly abandoned = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private looping = false;
  private rr = 0;
  private lostMessage: string | null = null;
  /** Which device watch is current: a loss reported by an older one is stale (see watchDevice). */
  private deviceWatch = 0;
  /** Every write to storage, in order, each announced to the page once settled. */
  readonly journal: Journal;
  /** What a reset (here) or a delete (records.ts) threw away, for Undo. */
  readonly undo = new UndoStore();
  /** The policy behind the attention view: the latest checkpoint of one run, loaded once. */
  private readonly attn = new AttentionView();

  constructor(
    send: (e: WorkerEvent) => void,
    private backend: BackendInfo,
    private readonly baseUrl: string,
  ) {
    this.journal = new Journal(send, () => this.pauseAll());
    this.watchDevice();
  }

  // ---------------------------------------------------------------------------------------
  // The API's verbs

  async create(runId: string, rawConfig: RunConfig, opts: CreateOptions = {}): Promise<{ iteration: number }> {
    const config = parseOrExplain(RunConfigSchema, rawConfig, 'Invalid config'); // a boundary: never trust what was posted
    // Storage cannot tell this worker's own build in flight from a dead worker's: a second Resume would build twice.
    if (this.building.has(runId)) throw new Error('This run is already being built: wait for it to be ready.');
    const resetting = await this.mayCreate(runId, opts.resume === true);
    this.building.add(runId);
    this.abandoned.delete(runId);
    try {
      return await this.createBuilt(runId, config, opts, resetting);
    } finally {
      this.building.delete(runId);
    }
  }

  private async createBuilt(runId: string, config: RunConfig, opts: CreateOptions, resetting: boolean): Promise<{ iteration: number }> {
    // After the writes queued before it: what Undo brings back is what was stored.
    if (resetting) await this.journal.serial(() => this.undo.keepStored(runId));
    const old = this.slots.get(runId);
    if (old) await this.serial(() => Promise.resolve(this.disposeSlot(old)));
    this.emitStatus(runId, 'loading', 0);
    try {
      // Refused before anything is allocated: an out-of-memory worker would take every live run with it.
      const refusal = memoryRefusal(config, memoryBudgetBytes(deviceMemoryGiB()));
      if (refusal) throw new Error(refusal);
      const { trainer, iteration, wallMs } = await this.serial(() => this.build(runId, config, opts.resume ?? false));
      if (this.abandoned.delete(runId)) {
        // Deleted while it was being built: free what was built, and say nothing more of the run.
        trainer.dispose();
        throw new AbandonedBuild('The run was deleted while it was being built.');
      }
      const slot: Slot = {
        id: runId,
        config,
        trainer,
        status: 'ready',
        want: 'idle',
        steps: [],
        wallMs,
        lastCheckpointIter: iteration,
        lastCheckpointAt: performance.now(),
        lastInspectAt: 0,
        lastInspected: iteration,
      };
      this.slots.set(runId, slot);
      this.emitStatus(runId, 'ready', iteration);
      return { iteration };
    } catch (e) {
      if (!(e instanceof AbandonedBuild)) this.emitStatus(runId, 'error', 0, message(e));
      // A plain Error with the message: it crosses the worker boundary intact.
      throw new Error(message(e), { cause: e });
    }
  }

  /**
   * `create` builds a run just added (its record says 'loading', nothing built it yet), resumes
   * one ('resume') or starts one over ('reset'): each only where the lifecycle allows. True for
   * a reset (its progress is kept for Undo first).
   */
  private async mayCreate(runId: string, resume: boolean): Promise<boolean> {
    const stored = await getRun(runId);
    if (!stored) throw new Error(`No run ${runId} in storage (it was deleted, or never added).`);
    const slot = this.slots.get(runId);
    const fresh = !slot && stored.status === 'loading' && stored.iteration === 0 && stored.checkpointIteration === undefined;
    if (fresh && !resume) return false;
    // A live status with no trainer here was left by a worker that is gone: interrupted.
    enforce(slot?.status ?? settled(stored.status, false), resume ? 'resume' : 'reset', stored);
    return !resume;
  }

  /** The live run `runId`, if `command` is allowed in its status (else the lifecycle's refusal). */
  private allowed(runId: string, command: Command): Slot {
    const slot = this.need(runId);
    enforce(slot.status, command);
    return slot;
  }

  start(runId: string): void {
    const slot = this.allowed(runId, 'start');
    if (slot.trainer.done) {
      void this.serial(() => this.finish(slot, 'done'));
      return;
    }
    slot.want = 'run';
    this.setStatus(slot, 'running');
    this.kick();
  }

  async pause(runId: string): Promise<void> {
    const slot = this.allowed(runId, 'pause');
    slot.want = 'idle';
    this.setStatus(slot, 'pausing');
    await this.serial(async () => {
      if (this.slots.get(runId) !== slot || slot.status !== 'pausing') return; // finished, stopped or paused meanwhile
      this.setStatus(slot, 'paused');
      this.maybeInspect(slot, true); // the batches the throttle held back while running
      await this.checkpoint(slot).catch((e: unknown) => this.emit({ type: 'note', runId, note: `Paused; the checkpoint at iteration ${slot.trainer.iteration} was not saved (${message(e)}).` }));
    });
  }

  /** Storage is full: pause every running run here rather than train on what cannot be kept. */
  private pauseAll(): void {
    for (const slot of this.slots.values()) if (slot.status === 'running') void this.pause(slot.id).catch(() => undefined);
  }

  step(runId: string): Promise<MetricsRecord | null> {
    let slot: Slot;
    try {
      slot = this.allowed(runId, 'step');
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return new Promise((resolve, reject) => {
      slot.steps.push({ resolve, reject });
      this.kick();
    });
  }

  async stop(runId: string): Promise<void> {
    const slot = this.slots.get(runId);
    if (!slot) return;
    enforce(slot.status, 'stop');
    slot.want = 'idle';
    this.setStatus(slot, 'stopping');
    await this.serial(async () => {
      if (this.slots.get(runId) === slot) await this.finish(slot, 'stopped');
    });
  }

  async reset(runId: string): Promise<void> {
    const slot = this.allowed(runId, 'reset');
    slot.want = 'idle';
    this.emitStatus(runId, 'loading', 0);
    await this.serial(async () => {
      this.flush(); // the iterations it ran are kept for Undo too
      await this.journal.serial(() => this.undo.keepStored(runId));
      this.disposeSlot(slot);
      this.pendingMetrics.delete(runId);
      let built;
      try {
        built = await this.build(runId, slot.config, false);
      } catch (e) {
        // As create() does: the run ends in 'error' with the reason (resumable), never stuck in 'loading'.
        this.emitStatus(runId, 'error', 0, message(e));
        throw new Error(message(e), { cause: e });
      }
      Object.assign(slot, { trainer: built.trainer, wallMs: 0, lastCheckpointIter: 0, lastInspected: 0, status: 'ready', steps: [] });
      this.slots.set(runId, slot);
      this.emitStatus(runId, 'ready', 0);
    });
  }

  evaluate(runId: string, n?: number) {
    const slot = this.allowed(runId, 'evaluate');
    return this.serial(() => slot.trainer.evaluate(n));
  }

  async dispose(runId: string): Promise<void> {
    const slot = this.slots.get(runId);
    if (!slot) {
      if (this.building.has(runId)) this.abandoned.add(runId); // create() frees it once built
      return;
    }
    slot.want = 'idle';
    await this.serial(() => {
      this.disposeSlot(slot);
      // Records still waiting for the next flush belong to what was deleted or undone: never store them over it.
      this.pendingMetrics.delete(runId);
      return Promise.resolve();
    });
  }

  /** Testing the fallback path: destroy the WebGPU device as a driver reset would. */
  simulateBackendFailure(): void {
    if (this.backend.name !== 'webgpu') throw new Error(`Only a WebGPU device can be lost here (the backend is ${this.backend.name}).`);
    const device = (tf.backend() as unknown as { device?: { destroy(): void } }).device;
    if (!device) throw new Error('The WebGPU backend has no device.');
    device.destroy();
  }

  /**
   * Attention of one response token over the image patches, with the run's latest saved
   * weights. A live run that is not running is checkpointed first, so its weights are current;
   * a running one answers from its last checkpoint (at most CHECKPOINT_EVERY_ITERS behind).
   */
  async attention(runId: string, req: AttentionRequest): Promise<AttentionResult> {
    return this.latestCheckpoint(runId, (ckpt) => this.attn.explain(ckpt, req));
  }

  /**
   * `fn` with the run's newest saved checkpoint, in turn with all trainer work: a live run that
   * is not running is checkpointed first, a running one answers from its last checkpoint.
   */
  latestCheckpoint<T>(runId: string, fn: (ckpt: StoredCheckpoint) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const slot = this.slots.get(runId);
      if (slot && slot.want !== 'run' && slot.trainer.iteration > slot.lastCheckpointIter) await this.checkpoint(slot);
      const ckpt = await getCheckpoint(runId);
      if (!ckpt) throw new Error('This run has no saved weights yet: run at least one iteration first.');
      return fn(ckpt);
    });
  }

  /** The policy of a saved checkpoint (the attention view's, kept while that checkpoint is the newest). */
  policyOf(ckpt: StoredCheckpoint): Promise<{ policy: Policy; iteration: number }> {
    return this.attn.policyFor(ckpt);
  }

  list() {
    return [...this.slots.values()].map((s) => ({ runId: s.id, status: s.status, iteration: s.trainer.iteration }));
  }

  // ---------------------------------------------------------------------------------------
  // Building trainers

  private async build(runId: string, config: RunConfig, resume: boolean): Promise<{ trainer: TrainerHandle; iteration: number; wallMs: number }> {
    const deps: TrainerDeps = {
      loadWarmStart: (task) => warmStartHandler(task, this.baseUrl),
      onNote: (note) => this.emit({ type: 'note', runId, note }),
    };
    let iteration = 0;
    let wallMs = 0;
    if (resume) {
      const ckpt = await getCheckpoint(runId);
      if (ckpt) {
        const artifacts = ckpt.artifacts;
        deps.resume = { checkpoint: { load: () => Promise.resolve(artifacts) }, iteration: ckpt.iteration };
        iteration = ckpt.iteration;
        wallMs = ckpt.wallMs;
      }
    }
    // What was saved past the starting point is gone (a fresh start loses its checkpoint too:
    // it must not be resumable into an older one later).
    this.pendingMetrics.delete(runId);
    await this.journal.truncate(runId, iteration + 1);
    const trainer = await Promise.resolve(createTrainer(config, deps));
    return { trainer, iteration, wallMs };
  }

  // ---------------------------------------------------------------------------------------
  // The scheduler

  private kick(): void {
    if (this.looping) return;
    this.looping = true;
    void this.loop().finally(() => {
      this.looping = false;
    });
  }

  private nextSlot(): Slot | null {
    const ready = [...this.slots.values()].filter((s) => s.want === 'run' || s.steps.length > 0);
    if (ready.length === 0) return null;
    this.rr = (this.rr + 1) % ready.length;
    return ready[this.rr] ?? null;
  }

  private async loop(): Promise<void> {
    for (;;) {
      const slot = this.nextSlot();
      if (!slot) return;
      await this.serial(() => this.iterate(slot));
      this.flushSoon();
      // A macrotask between iterations: pause/stop messages get in here.
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  private async iterate(slot: Slot): Promise<void> {
    // A lost device can fail silently: move every run before stepping on it again.
    if (this.lostMessage !== null) await this.recover(this.lostMessage);
    if (this.slots.get(slot.id) !== slot) return;
    const single = slot.want === 'run' ? null : slot.steps.shift();
    if (slot.want !== 'run' && !single) return;
    const t0 = performance.now();
    let record: MetricsRecord;
    try {
      record = await slot.trainer.step();
    } catch (e) {
      single?.reject(e);
      await this.onStepError(slot, e);
      return;
    }
    slot.wallMs += performance.now() - t0;
    record = { ...record, wallMs: slot.wallMs };
    this.queueMetrics(slot.id, record);
    this.maybeInspect(slot);
    single?.resolve(record);
    if (slot.trainer.done) {
      await this.finish(slot, 'done');
      return;
    }
    if (single && slot.status !== 'paused') this.setStatus(slot, 'paused');
    const now = performance.now();
    if (slot.trainer.iteration - slot.lastCheckpointIter >= CHECKPOINT_EVERY_ITERS || now - slot.lastCheckpointAt > CHECKPOINT_EVERY_MS) {
      try {
        await this.checkpoint(slot);
      } catch (e) {
        // The device was lost while the weights were read out: the same recovery as a failed step.
        if (this.isBackendFailure(e)) {
          await this.recover(this.lostMessage ?? message(e));
          return;
        }
        // Storage full (or the write refused): keep the weights in memory and stop asking for
        // more space; the user frees some and resumes. Training on would only widen the gap
        // between what is saved and what a reload would lose.
        slot.want = 'idle';
        if (slot.status !== 'paused') this.setStatus(slot, 'paused');
        const next = isQuotaError(e) ? 'Free some space, then resume or save again.' : 'Resume or save again.';
        this.emit({ type: 'note', runId: slot.id, note: `Paused: the checkpoint at iteration ${slot.trainer.iteration} was not saved (${message(e)}). ${next}` });
      }
    }
  }

  /**
   * Send the page the rollout batches it has not seen (the Inspect view keeps the last
   * keepBatches). While running at most every INSPECT_EVERY_MS; `force` when the run stops
   * or pauses, so the newest batch always arrives.
   */
  private maybeInspect(slot: Slot, force = false): void {
    if (slot.config.run.keepBatches === 0) return;
    const now = performance.now();
    if (!force && now - slot.lastInspectAt < INSPECT_EVERY_MS && slot.want === 'run') return;
    slot.lastInspectAt = now;
    for (const batch of slot.trainer.inspectBatches()) {
      if (batch.iteration <= slot.lastInspected) continue;
      this.emit({ type: 'inspect', runId: slot.id, batch });
      slot.lastInspected = batch.iteration;
    }
  }

  private async finish(slot: Slot, status: 'done' | 'stopped'): Promise<void> {
    this.flush();
    this.maybeInspect(slot, true);
    try {
      await this.checkpoint(slot);
    } catch (e) {
      this.emit({ type: 'note', runId: slot.id, note: `The final checkpoint was not saved: ${message(e)}` });
    }
    const iteration = slot.trainer.iteration;
    this.disposeSlot(slot);
    this.emitStatus(slot.id, status, iteration);
  }

  private disposeSlot(slot: Slot): void {
    for (const s of slot.steps) s.resolve(null);
    slot.steps = [];
    slot.want = 'idle';
    try {
      slot.trainer.dispose();
    } catch {
      // A lost device can make dispose throw; the tensors are gone either way.
    }
    if (this.slots.get(slot.id) === slot) this.slots.delete(slot.id);
  }

  private async checkpoint(slot: Slot): Promise<void> {
    const iteration = slot.trainer.iteration;
    if (iteration === 0) return;
    const wallMs = slot.wallMs;
    await slot.trainer.saveCheckpoint({
      save: async (artifacts) => {
        // With the records not saved yet, in one transaction: the checkpoint is never ahead of the metrics.
        const records = this.pendingMetrics.get(slot.id) ?? [];
        this.pendingMetrics.delete(slot.id);
        await this.journal.checkpoint(slot.id, records, { runId: slot.id, iteration, wallMs, savedAt: Date.now(), artifacts });
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      },
    });
    slot.lastCheckpointIter = iteration;
    slot.lastCheckpointAt = performance.now();
  }

  // ---------------------------------------------------------------------------------------
  // Failures: a run's own error ends that run; a backend failure moves every run to the
  // next backend, resumed from its last checkpoint (the run is not lost).

  /** A lost device or a failing GPU backend (cpu cannot fail that way): every run moves on to the next backend. */
  private isBackendFailure(e: unknown): boolean {
    return this.backend.name !== 'cpu' && (this.lostMessage !== null || BACKEND_FAILURE.test(message(e)));
  }

  private async onStepError(slot: Slot, e: unknown): Promise<void> {
    const msg = message(e);
    if (e instanceof DivergedError) {
      // Nothing is checkpointed from here on (the trainer refuses too): the last good
      // checkpoint stays what a resume loads.
      const kept = slot.lastCheckpointIter > 0 ? `its checkpoint at iteration ${slot.lastCheckpointIter}` : 'no checkpoint (a resume starts from the initial weights)';
      this.emit({ type: 'note', runId: slot.id, note: `The diverged weights were not saved; the run keeps ${kept}. Resume it with a lower optim.lr.` });
    } else if (this.isBackendFailure(e)) {
      await this.recover(this.lostMessage ?? msg);
      return;
    }
    this.flush();
    // The run's iteration is that of its last saved record: a diverged iteration saved none.
    const iteration = e instanceof DivergedError ? e.iteration - 1 : slot.trainer.iteration;
    this.disposeSlot(slot);
    this.emitStatus(slot.id, 'error', iteration, msg);
  }

  private async recover(why: string): Promise<void> {
    this.deviceWatch++; // the failed device's 'lost' may still settle, during the fallback or after it: ignored
    this.lostMessage = null;
    this.attn.dispose();
    const failed = this.backend.name;
    this.backend = await fallBackFrom(failed, why);
    this.emit({ type: 'backend', info: this.backend, message: this.backend.reason });
    this.watchDevice();
    this.flush();
    for (const slot of [...this.slots.values()]) {
      const wasRunning = slot.want === 'run';
      try {
        slot.trainer.dispose();
      } catch {
        // Its tensors lived on the failed backend.
      }
      try {
        const built = await this.build(slot.id, slot.config, true);
        Object.assign(slot, { trainer: built.trainer, wallMs: built.wallMs, lastCheckpointIter: built.iteration, lastInspected: built.iteration });
        this.emitStatus(slot.id, wasRunning ? 'running' : 'paused', built.iteration);
        slot.status = wasRunning ? 'running' : 'paused';
      } catch (e) {
        this.slots.delete(slot.id);
        this.emitStatus(slot.id, 'error', 0, `Could not continue after ${failed} failed: ${message(e)}`);
      }
    }
  }

  /**
   * Watch the current device. A device lost mid-iteration usually fails the step first, and
   * its `lost` promise settles only after the recovery moved on: that stale loss is ignored
   * (else it would fall back a second time, from the healthy backend, and blame it).
   */
  private watchDevice(): void {
    const watched = ++this.deviceWatch;
    void deviceLost()?.then((msg) => {
      if (this.deviceWatch === watched) this.lostMessage = msg;
    });
  }

  // ---------------------------------------------------------------------------------------
  // Plumbing

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private need(runId: string): Slot {
    const slot = this.slots.get(runId);
    if (!slot) throw new Error(`No live run ${runId} in the worker (create it first).`);
    return slot;
  }

  /** Every event goes out in the journal's order: none overtakes a status or metrics still being stored. */
  private emit(e: WorkerEvent): void {
    this.journal.send(e);
  }

  private setStatus(slot: Slot, status: RunStatus): void {
    slot.status = status;
    this.emitStatus(slot.id, status, slot.trainer.iteration);
  }

  private emitStatus(runId: string, status: RunStatus, iteration: number, error?: string): void {
    this.flush(); // metrics first: a status is never stored or sent before the iterations that led to it
    this.journal.status(runId, status, iteration, error);
  }

  private queueMetrics(runId: string, record: MetricsRecord): void {
    const list = this.pendingMetrics.get(runId) ?? [];
    list.push(record);
    this.pendingMetrics.set(runId, list);
  }

  /** Metrics are batched: at most one message per METRICS_FLUSH_MS however fast the steps. */
  private flushSoon(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), METRICS_FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [runId, records] of this.pendingMetrics) this.journal.metrics(runId, records);
    this.pendingMetrics = new Map();
  }
}
