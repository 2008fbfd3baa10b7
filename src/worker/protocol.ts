import { z } from 'zod';
import { MetricsRecordSchema, type MetricsRecord } from '../engine/train/metrics';
import { MAX_RUN_NAME_LENGTH, RunConfigSchema, type RunConfig } from '../engine/config';
import type { EvalResult } from '../engine/train/evaluate';
import type { InspectBatch, InspectSample } from '../engine/train/types';
import type { RunFields, StoredRun } from './dbSchema';
import { RUN_STATUSES, type RunStatus } from './lifecycle';
import type { ImportProgress, ImportRequest, ImportResult } from './importProtocol';
import type { CrossTaskRequest, CrossTaskResult, EvaluateRunRequest, EvaluateRunResult, ForkRequest, ForkResult, OwnRequest, OwnResult } from './toolsProtocol';

/**
 * The one typed bridge between the page and the trainer worker (comlink). Calls go
 * page -> worker through `TrainerApi`; everything the worker has to say comes back as a
 * `WorkerEvent` through the callback given to `init`. Events are parsed with zod on the
 * page side: they cross a boundary.
 */

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const BackendRequestSchema = z.enum(['auto', ...BACKENDS]);
export type BackendRequest = z.infer<typeof BackendRequestSchema>;

export const BackendInfoSchema = z.object({
  name: z.enum(BACKENDS),
  /** What runs it: the GPU adapter or WebGL renderer, "WebAssembly (SIMD)", "JavaScript". */
  adapter: z.string(),
  /** A software adapter (SwiftShader, llvmpipe): correct but slow. */
  software: z.boolean(),
  /** Forced by ?backend=... rather than chosen. */
  forced: z.boolean(),
  /** One sentence: why this backend. */
  reason: z.string(),
  /** wasm only: the threads it computes on (more than 1 only on a cross-origin-isolated page). */
  threads: z.number().int().min(1).optional(),
});
/** What the page may ask of the backend besides its name: `?threads=N` (wasm; 1 to 8, tfjs's pool). */
export const BackendOptionsSchema = z.object({ threads: z.number().int().min(1).max(8).optional() }).strict();
export type BackendOptions = z.infer<typeof BackendOptionsSchema>;
export type BackendInfo = z.infer<typeof BackendInfoSchema>;

export { RUN_STATUSES, LIVE_STATUSES, isLive, type RunStatus } from './lifecycle';

/**
 * Per-token rows of an Inspect sample the page does arithmetic on across tokens (Inspect's token
 * credit sums the rewards and runs GAE over them): each, when present, is one number per token.
 */
const INSPECT_CHECKED_ROWS = ['tokenRewards', 'gaeRewards'] as const satisfies readonly (keyof InspectSample)[];

function isInspectSample(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  if (!Array.isArray(s.tokens)) return false;
  const n = s.tokens.length;
  return INSPECT_CHECKED_ROWS.every((k) => {
    const row = s[k];
    return row === undefined || (Array.isArray(row) && row.length === n && row.every((x) => typeof x === 'number'));
  });
}

/** The Inspect batch carries typed arrays; it is checked for its outline, and its samples' token rows above. */
const InspectBatchSchema = z.custom<InspectBatch>((v) => {
  if (typeof v !== 'object' || v === null || typeof (v as { iteration?: unknown }).iteration !== 'number') return false;
  const samples = (v as { samples?: unknown }).samples;
  return Array.isArray(samples) && samples.every(isInspectSample);
}, 'not an inspect batch: an iteration, and samples whose token rows (tokenRewards, gaeRewards) have one number per token');

export const WorkerEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('metrics'), runId: z.string(), records: z.array(MetricsRecordSchema) }),
  z.object({
    type: z.literal('status'),
    runId: z.string(),
    status: z.enum(RUN_STATUSES),
    iteration: z.number().int().min(0),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('inspect'), runId: z.string(), batch: InspectBatchSchema }),
  z.object({ type: z.literal('note'), runId: z.string(), note: z.string() }),
  z.object({ type: z.literal('checkpoint'), runId: z.string(), iteration: z.number().int().min(0) }),
  /** A write to storage failed (`full`: for quota); `what` was not saved. */
  z.object({ type: z.literal('storage'), full: z.boolean(), what: z.string(), message: z.string() }),
  /** The backend changed after a failure (WebGPU device lost...): `message` says what happened. */
  z.object({ type: z.literal('backend'), info: BackendInfoSchema, message: z.string() }),
]);
export type WorkerEvent = z.infer<typeof WorkerEventSchema>;

/** The Inspect view's attention map: one response of a stored batch, and the token to explain. */
export const AttentionRequestSchema = z.object({
  /** [H, W, 3] row-major RGB in [0, 1]: the image the rollout saw. */
  image: z.custom<Float32Array>((v) => v instanceof Float32Array, 'image must be a Float32Array'),
  imageSize: z.number().int().min(1),
  /** Prompt ids as the batch stored them (unpadded, starting with <bos>). */
  promptTokens: z.array(z.number().int().min(0)),
  /** Response ids up to and including <eos>. */
  tokens: z.array(z.number().int().min(0)).min(1),
  /** The response position whose choice is explained (the query that predicts token `position`). */
  position: z.number().int().min(0),
});
export type AttentionRequest = z.infer<typeof AttentionRequestSchema>;

export interface AttentionResult {
  /** Iteration of the weights used (the run's latest checkpoint). */
  iteration: number;
  /** Decoder layer whose attention this is (the last). */
  layer: number;
  /** Patches per side: the image is grid x grid patches, in raster order. */
  grid: number;
  /** [heads][P] attention of the query over each visual token. */
  heads: number[][];
  /** [P] the mean over heads. */
  mean: number[];
}

/** What a write the page asked for came to: done, or refused with what was not saved and why. */
export const WriteResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), full: z.boolean(), what: z.string(), message: z.string() }),
]);
export type WriteResult = z.infer<typeof WriteResultSchema>;

/** The fields of a run a person edits (TrainerApi.updateRun). */
export const RunFieldsSchema = z
  .object({ name: z.string().min(1).max(MAX_RUN_NAME_LENGTH), config: RunConfigSchema, color: z.string(), visible: z.boolean(), group: z.string() })
  .partial()
  .strict() satisfies z.ZodType<RunFields>;

export const CreateOptionsSchema = z.object({ resume: z.boolean().optional() }).strict();
/** Held-out prompts per evaluation a caller may ask for (as the config's evalN). */
export const EvaluateNSchema = z.number().int().min(1).max(4096).optional();

export interface CreateOptions {
  /** Continue from the run's last saved checkpoint (if it has none, start over at iteration 0). */
  resume?: boolean;
}

/**
 * The fused WebGPU kernels against the reference ops (worker/kernelCheck.ts), for the e2e suite:
 * max |difference| per case and the GPU programs each way launched (0 off a GPU backend).
 */
export interface FusedKernelCheck {
  backend: string;
  /** LayerNorm alone, per input shape [..., C]. */
  layerNorm: { shape: number[]; maxAbsDiff: number; programs: { fused: number; reference: number } }[];
  /** A Dense layer's bias add + GELU (layers.ts denseGelu), per input shape [..., C], output width and bias or not. */
  gelu: { shape: number[]; out: number; bias: boolean; maxAbsDiff: number; programs: { fused: number; reference: number } }[];
  /** A decoding step's attention (SelfAttention.apply with a cache, one query per row): its shape, the output's max |difference| and programs. */
  attention: { batch: number; heads: number; headDim: number; keys: number; maxAbsDiff: number; programs: { fused: number; reference: number } }[];
  /** Sampling 4 steps on the default model: every step's logits, the tokens, one decoding step's programs and its host-to-device uploads. */
  decode: { logitsMaxAbsDiff: number; tokensEqual: boolean; programsPerDecodingStep: { fused: number; reference: number }; uploadsPerDecodingStep: number };
  /** Tensors the check left behind (0). */
  tensorsLeft: number;
}

/**
 * The engine's own wasm kernels against tfjs's (worker/wasmKernelCheck.ts), for the e2e suite:
 * per case the largest |ours − tfjs's| / (1 + |tfjs's|) and whether every value is the same bits.
 */
export interface WasmKernelCheck {
  backend: string;
  threads: number;
  /** The backend's memory is a SharedArrayBuffer (the threaded build): our kernel's shared build ran. */
  sharedMemory: boolean;
  /** Our kernel ran (false: it fell back to tfjs's, e.g. no memory found). */
  kernelActive: boolean;
  /** Our dense matmul ran (only on one thread: on several, XNNPACK's threaded one does). */
  denseActive: boolean;
  cases: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean; maxRelDiff: number; sameBits: boolean }[];
  /** LayerNorm's wasm kernel (engine/model/wasmLayerNorm.ts) against the reference ops, per input shape; `ran`: the kernel was used. */
  layerNorm: { shape: number[]; ran: boolean; maxRelDiff: number; sameBits: boolean }[];
  /** LayerNorm under a gradient tape (engine/model/wasmLayerNorm.ts's taped kernel and its gradient) in a residual block: loss and gradients against the reference ops; `ran`: the kernel was used. */
  layerNormTaped: { shape: number[]; ran: boolean; maxRelDiff: number; sameBits: boolean }[];
  /** GELU's wasm kernels (engine/model/wasmGelu.ts), forward and gradient side by side, against the reference ops; `ran`: both kernels were used. */
  gelu: { shape: number[]; ran: boolean; maxRelDiff: number; sameBits: boolean }[];
  /** A dense layer's x·w + b as one kernel (engine/train/wasmDense.ts), forward and the gradients of x, w and b, against the reference ops, per x shape and width; `ran`: the op's kernel was used. */
  dense: { shape: number[]; nOut: number; ran: boolean; maxRelDiff: number; sameBits: boolean }[];
  /** Attention's softmax under a tape with the gradient kernel (engine/model/wasmSoftmax.ts): value and gradient against tfjs's, per shape; `ran`: the kernel was used. */
  softmax: { shape: number[]; ran: boolean; maxRelDiff: number; sameBits: boolean }[];
  /** The column-sum kernel (engine/train/wasmColumnSum.ts: a Sum over every axis but the last) against tfjs's Sum, per input shape. */
  columnSum: { shape: number[]; maxRelDiff: number; sameBits: boolean }[];
  /** The run-copying Transpose (engine/train/wasmTranspose.ts) against tfjs's, per input shape and permutation. */
  transpose: { shape: number[]; perm: number[]; maxRelDiff: number; sameBits: boolean }[];
  /** The patched Concat (engine/train/wasmCopies.ts, its runs copied by the engine's wasm kernel) against the same join in JavaScript. */
  concat: { shapes: number[][]; axis: number; maxRelDiff: number; sameBits: boolean }[];
  /** The engine's Exp (engine/model/wasmExp.ts: musl's expf in SIMD) against tfjs's Exp, per input. */
  exp: { shape: number[]; maxRelDiff: number; sameBits: boolean }[];
  /** Two Adam steps through the engine's kernel (engine/algorithms/wasmAdam.ts) against the reference chain: the weights after each. */
  adam: { maxRelDiff: number; sameBits: boolean };
  /** Sampling's Gumbel noise from the engine's kernel (engine/model/wasmGumbel.ts) against the JavaScript's (this browser's Math.log), four seeds. */
  gumbel: { maxRelDiff: number; sameBits: boolean };
  /** Tensors the check left behind (0). */
  tensorsLeft: number;
}

export interface TrainerApi {
  /** Pick and initialise the tfjs backend; `baseUrl` is the page's base (checkpoints are relative to it). */
  init(request: BackendRequest, baseUrl: string, onEvent: (event: WorkerEvent) => void, options?: BackendOptions): Promise<BackendInfo>;
  /** Build a trainer for a run. Resolves with the iteration it starts from. */
  create(runId: string, config: RunConfig, opts?: CreateOptions): Promise<{ iteration: number }>;
  /** Run iterations until done, paused or stopped. Runs started together are stepped in turn. */
  start(runId: string): Promise<void>;
  /** Pause after the iteration in flight (status 'pausing' then 'paused'). */
  pause(runId: string): Promise<void>;
  /** Exactly one iteration of a run that is not running; resolves with its metrics. */
  step(runId: string): Promise<MetricsRecord | null>;
  /** End the run: save its final checkpoint and free its tensors. */
  stop(runId: string): Promise<void>;
  /** Throw the run's progress away (kept for `undo`) and rebuild it at iteration 0 (status 'ready'). */
  reset(runId: string): Promise<void>;
  /** Held-out ID and OOD accuracy of a live run now. */
  evaluate(runId: string, n?: number): Promise<{ id: EvalResult; ood: EvalResult; shift: EvalResult }>;

  // Storage: the worker is its only writer; the page asks here and reads through queries.ts.
  /** Store a new run's record (status 'loading'), before `create` builds it. */
  addRun(run: StoredRun): Promise<WriteResult>;
  /** Change the fields a person edits (name, config, colour, visibility, group). */
  updateRun(runId: string, fields: RunFields): Promise<WriteResult>;
  /** A run read from a file: its record and metrics land together or not at all. */
  importRun(run: StoredRun, metrics: MetricsRecord[]): Promise<WriteResult>;
  /**
   * "Import run": the file itself (a run file this app wrote, or a TRL / veRL / W&B log) is read,
   * parsed, checked, thinned and stored here, off the page's thread (worker/importFile.ts);
   * `onProgress` (a comlink proxy) hears each phase. A refusal or a cancel stores nothing.
   */
  importFile(request: ImportRequest, onProgress?: (progress: ImportProgress) => void): Promise<ImportResult>;
  /** Stop the import `id` before it stores anything (its result is then 'cancelled'). */
  cancelImport(id: string): Promise<void>;
  /** Free the run's trainer (if live) and delete its record, metrics and checkpoint; kept for `undo`. */
  deleteRun(runId: string): Promise<WriteResult>;
  /**
   * Put back what the run's last delete or reset removed, as it was stored then (a trainer
   * built since is freed; the run comes back not live).
   */
  undo(runId: string): Promise<WriteResult>;
  /** Drop thinned metrics records (worker/compaction.ts) and note how far thinning reached. */
  compact(runId: string, drop: number[], through: number): Promise<WriteResult>;
  /** Write whatever storage refused earlier (after room was made). */
  retrySaving(): Promise<WriteResult>;
  /** For tests (`?debug`): the next `n` writes fail as a full quota would (deletions never do). */
  failNextWrites(n: number): Promise<void>;
  /** Destroy the WebGPU device (as a driver reset would), to exercise the fallback path. */
  simulateBackendFailure(): Promise<void>;
  /** For tests (`?debug`): run the fused WebGPU kernels beside the reference ops on this worker's backend. */
  checkFusedKernels(): Promise<FusedKernelCheck>;
  /** For tests (`?debug`): run the engine's own wasm kernels beside tfjs's on this worker's (wasm) backend. */
  checkWasmKernels(): Promise<WasmKernelCheck>;
  /**
   * Take the Web Lock `name` and hold it for the worker's whole life; resolves once it is held
   * (false where the Locks API is missing). The browser frees it when the worker dies however
   * it dies (terminated, out of memory, crashed), which is how the page learns of a death that
   * fires no 'error' event, without polling a worker that may be busy for seconds.
   */
  holdLifeline(name: string): Promise<boolean>;
  /**
   * Which image patches a response token attended to (last decoder layer, per head), with the
   * run's latest saved weights (a live run not running is checkpointed first).
   */
  attention(runId: string, request: AttentionRequest): Promise<AttentionResult>;
  /** Live runs in the worker and their status. */
  list(): Promise<{ runId: string; status: RunStatus; iteration: number }[]>;
  /**
   * Greedy accuracy, then pass@k, best@N and majority@N (N = request.n samples per prompt) with
   * binomial standard errors, on a held-out split, with the run's newest saved weights.
   * `onProgress` (a comlink proxy) hears (done, total) prompts.
   */
  evaluateRun(runId: string, request: EvaluateRunRequest, onProgress?: (done: number, total: number) => void): Promise<EvaluateRunResult>;
  /**
   * Cross-task evaluation: greedy accuracy of the run's newest saved weights on every task's id,
   * visual-shift and novel-answer (ood) splits. `onProgress` hears (done, total) prompts.
   */
  evaluateAcrossTasks(runId: string, request: CrossTaskRequest, onProgress?: (done: number, total: number) => void): Promise<CrossTaskResult>;
  /** "Try your own": G samples of the run's newest weights on a person's image and question, scored when a gold answer is given. */
  sampleOwn(runId: string, request: OwnRequest): Promise<OwnResult>;
  /**
   * Two new runs from the source's newest checkpoint (A unchanged, B with one knob changed), in a
   * new comparison group, stored not live: the page resumes both.
   */
  forkRun(sourceId: string, request: ForkRequest): Promise<ForkResult>;
}

/** What the worker needs to know about a config to build it; re-exported for the client. */
export type { RunConfig, MetricsRecord, InspectBatch, EvalResult, RunFields, StoredRun };
