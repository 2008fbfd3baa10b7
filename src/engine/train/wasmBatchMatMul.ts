/**
 * A speed patch for tfjs's wasm backend, sibling of ./wasmMatMul.ts: two kinds of matmul run in
 * the engine's own SIMD WebAssembly kernels (./kernels/batchMatMul.wat) instead of tfjs's.
 *   - Batched matmuls (a batch dimension > 1: attention's q·kᵀ and a·v and their gradients,
 *     [256, 31, 47] x [256, 47, 16] on the default model), which tfjs-backend-wasm 4.22 runs
 *     in a scalar C++ loop. Same bits as that loop (see the .wat).
 *   - Dense matmuls (one matrix each, float32, m and n multiples of 4: every dense layer
 *     of the default model, forward and backward), which tfjs runs in XNNPACK after an
 *     explicit Transpose of a transposed operand (./wasmMatMul.ts), packing B on every call
 *     whose B is a new tensor (every gradient). Same bits as XNNPACK (the same per-element
 *     order: see the .wat); faster on every shape of the default model, 1.1-2.7x one call at
 *     a time (the weight gradients' [1984, 64]ᵀ x [1984, 256] most of all inside an
 *     iteration, where XNNPACK streamed its packed copy of dy from memory 16 times).
 *
 * The kernels import the backend's own WebAssembly.Memory (../model/wasmModule.ts), so they
 * read the inputs and write the output where tfjs keeps them: no copies. Where no memory is
 * found (another build, another tfjs), the patch falls back to tfjs's kernel for good.
 *
 * Falls through to the previous kernel (tfjs's, under ./wasmMatMul.ts's transposing patch) for
 * other dense shapes (XNNPACK's), non-float32 inputs, empty tensors, and broadcasts other than
 * one whole operand shared by every batch. _FusedMatMul is
 * not patched: the model never calls it (layers.ts's Dense uses a plain matMul + add), and its
 * batch-1 use is XNNPACK's anyway.
 *
 * Idempotent; a no-op where the backend has no BatchMatMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_MATMUL_WASM_PLAIN, BATCH_MATMUL_WASM_SHARED } from './kernels/batchMatMul.bytes';
import { TRANSPOSE_PATCH_MARK, patchTransposedMatMul } from './wasmMatMul';
import { patchKernel, unpatchKernel } from '../model/kernelPatch';
import { type EmscriptenModule, type WasmBackend, type WasmMemory, instantiateOver, perBackend } from '../model/wasmModule';

const MARK = '__rftSimdBatchMatMul';

type MatMulAttrs = { transposeA?: boolean; transposeB?: boolean };

/** The kernel's export (./kernels/batchMatMul.wat): counts in floats, addresses in bytes. */
export type BatchMatMulKernel = (
  a: number, b: number, out: number, scratch: number,
  batch: number, m: number, n: number, k: number,
  aBatch: number, bBatch: number, transA: number, transB: number,
) => void;

/**
 * The dense export: out [m, n] = A·B (+ bias [n] on every row, when `bias` is an address, not 0),
 * A stored [m, k] ([k, m] with transA), B [k, n] ([n, k] with transB, and `scratch` then has
 * room for n·k floats); m % 4 = n % 4 = 0.
 */
export type MatMulDenseKernel = (
  a: number, b: number, out: number, scratch: number, m: number, n: number, k: number, transA: number, transB: number, bias: number,
) => void;

/** The module's exports this backend uses; matMulDense is null where XNNPACK computes on several threads (see kernelFor). */
export interface MatMulKernels {
  batchMatMul: BatchMatMulKernel;
  matMulDense: MatMulDenseKernel | null;
}

/** Both exports over `memory` (../model/wasmModule.ts). */
export function instantiateMatMulKernels(memory: WasmMemory): MatMulKernels {
  const exports = instantiateOver(memory, { plain: BATCH_MATMUL_WASM_PLAIN, shared: BATCH_MATMUL_WASM_SHARED });
  return { batchMatMul: exports.batchMatMul as BatchMatMulKernel, matMulDense: exports.matMulDense as MatMulDenseKernel };
}

/**
 * The threads tfjs's own kernels compute on: 1 in Node and on a page that is not cross-origin
 * isolated; on an isolated page what the worker asked for. Our kernels use one thread.
 */
function backendThreads(wasm: EmscriptenModule): number {
  return wasm.tfjs?.getThreadsCount?.() ?? 1;
}

/**
 * The kernels for a backend. The dense one only where tfjs computes on one thread: XNNPACK
 * splits a dense matmul's output over its thread pool (same bits: each element's sum is the
 * same), which on a laptop's 4 threads beats one thread of ours; a batched matmul is tfjs's
 * scalar loop on one thread whatever the pool, so ours always wins there.
 */
const kernels = perBackend((memory, backend): MatMulKernels => {
  const all = instantiateMatMulKernels(memory);
  return { ...all, matMulDense: backendThreads(backend.wasm) === 1 ? all.matMulDense : null };
});
/** This backend's kernels, made on first use; null where they cannot run (no memory found, no SIMD). */
export const kernelFor = (backend: WasmBackend): MatMulKernels | null => kernels.get(backend);

/** Whether the current backend runs batched matmuls in our kernel (false before its first matmul, or where it fell back). */
export function wasmBatchMatMulActive(): boolean {
  return !!kernels.peek(tf.backend());
}

/** Whether the current backend runs dense matmuls in our kernel (false before its first matmul, where it fell back, or on several threads). */
export function wasmDenseMatMulActive(): boolean {
  return !!kernels.peek(tf.backend())?.matMulDense;
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
 * The geometry of a dense a·b for matMulDense, or null for tfjs's path: one matrix each (any
 * batch dimensions are 1), m and n multiples of 4 (the kernel's 4 x 8 blocks, and 4 x 4 for the
 * last four columns where n mod 8 = 4: the LM head's 68 words).
 */
export function denseMatMulPlan(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean) {
  const ar = aShape.length;
  const br = bShape.length;
  if (ar < 2 || br < 2 || size(aShape.slice(0, -2)) !== 1 || size(bShape.slice(0, -2)) !== 1) return null;
  const m = transposeA ? aShape[ar - 1]! : aShape[ar - 2]!;
  const k = transposeA ? aShape[ar - 2]! : aShape[ar - 1]!;
  const kB = transposeB ? bShape[br - 1]! : bShape[br - 2]!;
  const n = transposeB ? bShape[br - 2]! : bShape[br - 1]!;
  if (k !== kB || m * n * k === 0 || m % 4 !== 0 || n % 4 !== 0) return null; // tfjs's kernel says what is wrong, or makes the empty/zero output
  const outer = Array.from({ length: Math.max(ar, br) - 2 }, () => 1);
  return { outShape: [...outer, m, n], m, n, k };
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
  return patchKernel('BatchMatMul', backendName, MARK, (previous) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as MatMulAttrs;
    const floats = a.dtype === 'float32' && b.dtype === 'float32';
    const backend = args.backend as unknown as WasmBackend;
    const dense = floats ? denseMatMulPlan(a.shape, b.shape, !!attrs.transposeA, !!attrs.transposeB) : null;
    const denseKernel = dense && kernelFor(backend)?.matMulDense;
    if (dense && denseKernel) {
      const out = backend.makeOutput(dense.outShape, 'float32');
      // A transposed B goes to scratch first (see the .wat); no view is held across these calls.
      const scratch = attrs.transposeB ? backend.wasm._malloc(dense.n * dense.k * 4) : 0;
      try {
        denseKernel(
          backend.getMemoryOffset(a.dataId), backend.getMemoryOffset(b.dataId), backend.getMemoryOffset(out.dataId), scratch,
          dense.m, dense.n, dense.k, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0, 0,
        );
      } finally {
        if (scratch) backend.wasm._free(scratch);
      }
      return out;
    }
    const plan = floats ? batchMatMulPlan(a.shape, b.shape, !!attrs.transposeA, !!attrs.transposeB) : null;
    const kernel = plan && kernelFor(backend)?.batchMatMul;
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
  }, [TRANSPOSE_PATCH_MARK]); // the transposing patch's mark too: applied again, it must not wrap ours
}

/** Undo patchWasmBatchMatMul (tests compare against the kernel below it). Returns true if it was patched. */
export function unpatchWasmBatchMatMul(backendName = 'wasm'): boolean {
  return unpatchKernel('BatchMatMul', backendName, MARK);
}
