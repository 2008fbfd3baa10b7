/**
 * A speed patch for tfjs's wasm backend, sibling of ./wasmMatMul.ts: batched matmuls (a batch
 * dimension > 1: attention's q·kᵀ and a·v and their gradients, [256, 31, 47] x [256, 47, 16]
 * on the default model) run in the engine's own SIMD WebAssembly kernel
 * (./kernels/batchMatMul.wat) instead of tfjs-backend-wasm 4.22's scalar C++ loop.
 *
 * The kernel imports the backend's own WebAssembly.Memory, so it reads the inputs and writes
 * the output where tfjs keeps them: no copies. The plain build's memory is `Module.asm.memory`;
 * the threaded build imports a shared memory it keeps as `Module.wasmMemory`. Where neither is
 * found (another build, another tfjs), the patch falls back to tfjs's kernel for good.
 *
 * Same numbers, bit for bit: the kernel keeps tfjs's per-element summation order (see the .wat).
 * Falls through to the previous kernel (tfjs's, under ./wasmMatMul.ts's transposing patch) for
 * batch 1 (XNNPACK's fast dense matmuls), non-float32 inputs, empty tensors, and broadcasts
 * other than one whole operand shared by every batch. _FusedMatMul is not patched: the model
 * never calls it (layers.ts's Dense uses a plain matMul + add), and its batch-1 use is
 * XNNPACK's anyway.
 *
 * Idempotent; a no-op where the backend has no BatchMatMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_MATMUL_WASM_PLAIN, BATCH_MATMUL_WASM_SHARED } from './kernels/batchMatMul.bytes';
import { TRANSPOSE_PATCH_MARK, patchTransposedMatMul } from './wasmMatMul';

const MARK = '__rftSimdBatchMatMul';

type MatMulAttrs = { transposeA?: boolean; transposeB?: boolean };

/** The parts of tfjs-backend-wasm's emscripten Module this patch reads. */
interface EmscriptenModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm this patch reads. */
interface WasmBackend {
  wasm: EmscriptenModule;
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** The kernel's export (./kernels/batchMatMul.wat): counts in floats, addresses in bytes. */
export type BatchMatMulKernel = (
  a: number, b: number, out: number, scratch: number,
  batch: number, m: number, n: number, k: number,
  aBatch: number, bBatch: number, transA: number, transB: number,
) => void;

/** The few pieces of the WebAssembly JS API used here (the engine compiles without DOM or Node types). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Memory: new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const host = globalThis as unknown as { WebAssembly?: WasmApi; atob(base64: string): string };

/** The backend's WebAssembly.Memory: the threaded build's shared one, or the plain build's own; null if neither. */
export function backendMemory(wasm: EmscriptenModule | undefined): WasmMemory | null {
  const api = host.WebAssembly;
  if (!api) return null;
  for (const m of [wasm?.wasmMemory, wasm?.asm?.memory]) if (m instanceof api.Memory) return m;
  return null;
}

function decode(base64: string): Uint8Array {
  return Uint8Array.from(host.atob(base64), (c) => c.charCodeAt(0));
}

/**
 * Our kernel over `memory`, the build that matches its sharedness. Synchronous compilation is
 * fine for a module this small (~1.2 KB), in Node and in a worker.
 */
export function instantiateBatchMatMul(memory: WasmMemory): BatchMatMulKernel {
  const api = host.WebAssembly!;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new api.Module(decode(shared ? BATCH_MATMUL_WASM_SHARED : BATCH_MATMUL_WASM_PLAIN));
  const instance = new api.Instance(module, { env: { memory } });
  return instance.exports.batchMatMul as BatchMatMulKernel;
}

/** One kernel per backend instance (a backend re-created after setBackend gets its own); null: no memory found, or no SIMD. */
const kernels = new WeakMap<object, BatchMatMulKernel | null>();

function kernelFor(backend: WasmBackend): BatchMatMulKernel | null {
  let k = kernels.get(backend);
  if (k === undefined) {
    const memory = backendMemory(backend.wasm);
    try {
      k = memory ? instantiateBatchMatMul(memory) : null;
    } catch {
      k = null; // no SIMD here (tfjs then runs its plain, non-SIMD build too): tfjs's kernel it is
    }
    kernels.set(backend, k);
  }
  return k;
}

/** Whether the current backend runs batched matmuls in our kernel (false before its first one, or where it fell back). */
export function wasmBatchMatMulActive(): boolean {
  return !!kernels.get(tf.backend());
}

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** The geometry of a.b for our kernel, or null when tfjs's kernel should run instead. */
export function batchMatMulPlan(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean) {
  const ar = aShape.length;
  const br = bShape.length;
  if (ar < 2 || br < 2) return null;
  const m = transposeA ? aShape[ar - 1]! : aShape[ar - 2]!;
  const k = transposeA ? aShape[ar - 2]! : aShape[ar - 1]!;
  const kB = transposeB ? bShape[br - 1]! : bShape[br - 2]!;
  const n = transposeB ? bShape[br - 2]! : bShape[br - 1]!;
  if (k !== kB || m * n * k === 0) return null; // tfjs's kernel says what is wrong, or makes the empty/zero output
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  } catch {
    return null;
  }
  const batch = size(outer);
  const batchA = size(aShape.slice(0, -2));
  const batchB = size(bShape.slice(0, -2));
  // Each operand is either one matrix per output batch (same linear order) or one for all.
  if (batch <= 1 || (batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  return { outShape: [...outer, m, n], batch, m, n, k, aBatch: batchA === 1 ? 0 : m * k, bBatch: batchB === 1 ? 0 : k * n };
}

/**
 * Patch BatchMatMul of `backendName` (default 'wasm'). Applies ./wasmMatMul.ts's transposing
 * patch first and wraps it (our kernel reads transposed operands directly, so it must see the
 * transpose flags before that patch turns them into Transpose kernels); the wrapper carries
 * that patch's mark too, so applying the two in either order gives the same stack.
 * Returns true if anything was patched.
 */
export function patchWasmBatchMatMul(backendName = 'wasm'): boolean {
  patchTransposedMatMul(backendName);
  const previous = tf.getKernel('BatchMatMul', backendName);
  if (!previous || (previous.kernelFunc as unknown as Record<string, unknown>)[MARK]) return false;
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as MatMulAttrs;
    const plan = a.dtype === 'float32' && b.dtype === 'float32' ? batchMatMulPlan(a.shape, b.shape, !!attrs.transposeA, !!attrs.transposeB) : null;
    const backend = args.backend as unknown as WasmBackend;
    const kernel = plan && kernelFor(backend);
    if (!plan || !kernel) return previous.kernelFunc(args);
    const out = backend.makeOutput(plan.outShape, 'float32');
    // A transposed B is transposed into scratch per batch (see the .wat), with 4 floats of room
    // after it for the last strip's reads; malloc may grow the memory, which the kernel sees
    // through its import: no view is held across these calls.
    const scratch = attrs.transposeB ? backend.wasm._malloc((plan.n * plan.k + 4) * 4) : 0;
    try {
      kernel(
        backend.getMemoryOffset(a.dataId), backend.getMemoryOffset(b.dataId), backend.getMemoryOffset(out.dataId), scratch,
        plan.batch, plan.m, plan.n, plan.k, plan.aBatch, plan.bBatch, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0,
      );
    } finally {
      if (scratch) backend.wasm._free(scratch);
    }
    return out;
  };
  const marks = kernelFunc as unknown as Record<string, unknown>;
  marks[MARK] = previous; // what unpatchWasmBatchMatMul restores
  marks[TRANSPOSE_PATCH_MARK] = true;
  tf.unregisterKernel('BatchMatMul', backendName);
  tf.registerKernel({ ...previous, kernelFunc });
  return true;
}

/** Undo patchWasmBatchMatMul (tests compare against the kernel below it). Returns true if it was patched. */
export function unpatchWasmBatchMatMul(backendName = 'wasm'): boolean {
  const current = tf.getKernel('BatchMatMul', backendName);
  const previous = current && ((current.kernelFunc as unknown as Record<string, unknown>)[MARK] as tf.KernelConfig | undefined);
  if (!previous) return false;
  tf.unregisterKernel('BatchMatMul', backendName);
  tf.registerKernel(previous);
  return true;
}
