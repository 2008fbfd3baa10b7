import * as Comlink from 'comlink';
import { WorkerEventSchema, type BackendInfo, type BackendOptions, type BackendRequest, type TrainerApi, type WorkerEvent } from './protocol';

/**
 * The page's handle on the trainer worker: spawn + comlink wrap, restart (a fresh worker,
 * e.g. after a crash) and abort (terminate now, whatever it is doing). Events from the
 * worker are parsed with zod before anyone sees them.
 *
 * A death is noticed three ways: the worker's 'error' event (an uncaught exception, a failed
 * load), a malformed event (the worker is not trustworthy any more), and its lifeline, a Web
 * Lock it holds while it lives, which the browser frees whatever killed it (terminate(), out
 * of memory) -- no heartbeat, so a worker busy for seconds inside one iteration is never
 * mistaken for a dead one.
 */

export interface ClientOptions {
  backend: BackendRequest;
  /** `?threads=N`: how many threads wasm may use (every core otherwise). */
  backendOptions?: BackendOptions;
  /** The page's base URL: warm-start checkpoints are fetched relative to it. */
  baseUrl: string;
  onEvent: (event: WorkerEvent) => void;
  /** The worker died (an uncaught error, killed, or abort()): every live run in it is gone. */
  onCrash: (message: string) => void;
}

export class TrainerClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<TrainerApi> | null = null;
  private generation = 0;

  constructor(private readonly opts: ClientOptions) {}

  /** Start the worker and pick its backend. */
  async connect(): Promise<BackendInfo> {
    const generation = ++this.generation;
    const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
    worker.addEventListener('error', (e) => {
      if (generation !== this.generation) return;
      e.preventDefault();
      this.died(`The trainer worker crashed: ${e.message || 'it failed to load or threw outside a call'}`);
    });
    this.worker = worker;
    this.remote = Comlink.wrap<TrainerApi>(worker);
    const onEvent = (raw: unknown) => {
      if (generation !== this.generation) return; // a restarted worker's late messages
      const parsed = WorkerEventSchema.safeParse(raw);
      if (parsed.success) this.opts.onEvent(parsed.data);
      else this.died(`The worker sent a malformed event: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    };
    const info = await this.remote.init(this.opts.backend, this.opts.baseUrl, Comlink.proxy(onEvent), this.opts.backendOptions ?? {});
    await this.watchLifeline(generation);
    return info;
  }

  /** Wait (in the background) for the worker's lifeline lock: the page gets it only once the worker is gone. */
  private async watchLifeline(generation: number): Promise<void> {
    const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
    if (!locks || !this.remote) return;
    const name = `rft-trainer-${crypto.randomUUID()}`;
    if (!(await this.remote.holdLifeline(name))) return;
    void locks.request(name, () => {
      if (generation === this.generation) this.died('The trainer worker stopped unexpectedly (it was killed, ran out of memory or crashed).');
    });
  }

  /** The typed API of the current worker. */
  get api(): Comlink.Remote<TrainerApi> {
    if (!this.remote) throw new Error('The trainer worker is not connected.');
    return this.remote;
  }

  get connected(): boolean {
    return this.remote !== null;
  }

  /** Terminate the worker at once (a stuck iteration, a runaway run). Live runs are lost; their checkpoints are not. */
  abort(reason = 'The trainer worker was stopped.'): void {
    this.terminate();
    this.opts.onCrash(reason);
  }

  /**
   * For tests (reached through ?debug's window.__rft): kill the worker behind the client's back,
   * as the browser does when it runs out of memory; the lifeline has to notice.
   */
  simulateCrash(): void {
    this.worker?.terminate();
  }

  /** A fresh worker with the same backend request. */
  async restart(): Promise<BackendInfo> {
    this.terminate();
    return this.connect();
  }

  private died(message: string): void {
    this.terminate();
    this.opts.onCrash(message);
  }

  private terminate(): void {
    this.generation++;
    if (this.remote) this.remote[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }
}

export type { AttentionRequest, AttentionResult, BackendInfo, BackendOptions, BackendRequest, WorkerEvent, RunStatus, WriteResult } from './protocol';
export { isLive, BACKENDS, RUN_STATUSES, WriteResultSchema } from './protocol';
export { can, refusal, settled, type Command } from './lifecycle';
// The page reads storage (readonly transactions) and asks the worker for every write.
export * as runsQuery from './queries';
export type { StoredRun } from './dbSchema';
export { compactedAfterTruncate, ExternalSourceSchema, type ExternalSource } from './dbSchema';
// Run files: the page writes them (app/lib/exportRun.ts); the worker reads them back (importFile).
export { MAX_RUN_FILE_BYTES, RUN_FILE_FORMAT, RunFileSchema, checkRunFileSize, parseRunFile, type RunFile } from './runFile';
export { IMPORT_PHASES, IMPORT_PHASE_LABELS, ImportProgressSchema, importDone, ImportResultSchema, type ImportPhase, type ImportProgress, type ImportResult } from './importProtocol';
