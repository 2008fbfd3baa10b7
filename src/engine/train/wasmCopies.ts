/**
 * Speed patches for tfjs's wasm backend, siblings of ./wasmMatMul.ts: copies it makes slower
 * than they need to be, or need not make at all. `patchWasmCopies()` applies the four below.
 *
 * 1. Slices. Its Slice kernel (and
 * SplitV, which calls it once per piece) copies a non-contiguous slice in JavaScript, one
 * `TypedArray.set` per run along the last axis, and never merges axes the slice takes whole. So
 * splitting attention's fused projection [B, 3H, S, Dh] into Q, K and V along axis 1 copies
 * runs of Dh = 16 floats: 3 x 7,936 calls, ~26 ms for the default update's [64, 12, 31, 16]
 * (bench --profile: SplitV was ~9% of an iteration's kernel time, in every phase).
 *
 * `patchContiguousSlice()` re-registers Slice and SplitV with a wrapper that first merges every
 * axis the slice takes whole into the axis before it (a view: same buffer, shape rewritten), so
 * the longest runs the layout allows are copied: Q, K and V above become 64 copies of
 * H·S·Dh = 1,984 floats each. The copy itself is ours (`sliceFromHeap`), between views of the
 * wasm heap: tfjs's kernel first read its whole input back out of the heap (a copy) on every
 * call, so a SplitV copied its input once per piece. A slice copies values; the numbers are
 * the same bits.
 *
 * 2. Identity. tfjs clones every tensor a gradient needs (inputs and outputs saved for the
 * backward pass: ~610 per default update) and every tf.clone through the Identity kernel. The
 * cpu and webgl backends return a second reference to the same buffer; wasm's copies it.
 * `patchSharedIdentity()` makes wasm's do what its own Reshape already does: count one more
 * reference (tensors are immutable; a Variable's assign swaps its buffer, never writes into it).
 * (The tape's saves no longer come through here on wasm: ./wasmTapeSaves.ts makes that second
 * reference without a kernel. tf.clone still does.)
 *
 * 3. Concat. Its kernel copies each input's run per outer index through a fresh subarray view
 * (`out.set(in.subarray(...))`): two views per row and input, for the KV cache's append at every
 * decoding step (~100 Concats per default iteration, [64, 4, S, 16] + [64, 4, 1, 16]).
 * `patchHeapConcat()` copies the same runs in the engine's own wasm kernel (./kernels/copies.wat:
 * one call per input, 16 bytes at a time) for 4-byte dtypes, and with `copyWithin` on one view
 * of the whole heap otherwise (bool, or where the module cannot run): no view per run, and no
 * JavaScript call per run where the kernel runs (a copyWithin per run cost ~13 ms of a profiled
 * iteration). A concat copies values; the numbers are the same bits.
 *
 * Each patch is idempotent, and a no-op where the backend has no such kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { COPIES_WASM_PLAIN, COPIES_WASM_SHARED } from './kernels/copies.bytes';
import { type WasmBackend, instantiateOver, perBackend } from '../model/wasmModule';

const MARK = '__rftContiguousSlice';

/**
 * The same slice over fewer axes: every axis j > 0 that the slice takes whole (begin 0, size the
 * full extent) is folded into axis j − 1. Returns the merged shape, begin and size.
 */
export function mergeWholeAxes(shape: readonly number[], begin: readonly number[], size: readonly number[]): { shape: number[]; begin: number[]; size: number[] } {
  const s = [...shape];
  const b = [...begin];
  const z = [...size];
  for (let j = s.length - 1; j > 0; j--) {
    if (b[j] !== 0 || z[j] !== s[j]) continue;
    const n = s[j]!;
    s[j - 1]! *= n;
    b[j - 1]! *= n;
    z[j - 1]! *= n;
    s.splice(j, 1);
    b.splice(j, 1);
    z.splice(j, 1);
  }
  return { shape: s, begin: b, size: z };
}

type SliceAttrs = { begin: number | number[]; size?: number | number[] };

/** The parts of tfjs-backend-wasm's BackendWasm that sliceFromHeap uses. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  getMemoryOffset(dataId: object): number;
}

/**
 * The slice `merged` (mergeWholeAxes's) of x, copied run by run within the wasm heap.
 * tfjs's own Slice first reads the WHOLE input back through `readSync`, which on wasm copies it
 * out of the heap, once per call: a SplitV into p pieces copied its input p times over (Adam's
 * split of its flat 250k-float vector into the ~50 variables: 23-31 ms per update, bench
 * --profile). For 4-byte dtypes the runs of each plane (the last two axes) go to the copy
 * kernel in one call (./kernels/copies.wat: a `TypedArray.set` per run cost ~2 ms an
 * iteration, mostly attention's Q/K/V split at every decoding step); otherwise, or where the
 * kernel does not run, one `set` per run between views. The output is made first: making it
 * may grow the heap, which would detach views taken before.
 */
function sliceFromHeap(backend: HeapBackend, x: tf.TensorInfo, merged: { shape: number[]; begin: number[]; size: number[] }, outShape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(outShape, x.dtype);
  const total = merged.size.reduce((p, d) => p * d, 1);
  if (total === 0) return out;
  const rank = merged.shape.length;
  const strides = tf.util.computeStrides(merged.shape);
  const run = merged.size[rank - 1]!;
  const kernel = HEAP_BYTES[x.dtype] === 4 ? copyKernels.get(backend as unknown as WasmBackend) : null;
  if (kernel) {
    // Planes of `rows` runs: the outer axes (all but the last two) walked here, each plane one kernel call.
    const rows = rank >= 2 ? merged.size[rank - 2]! : 1;
    const rowStride = rank >= 2 ? strides[rank - 2]! : 0;
    const outer = rank >= 2 ? rank - 2 : 0;
    const xBase = backend.getMemoryOffset(x.dataId);
    let dst = backend.getMemoryOffset(out.dataId);
    const index = new Array<number>(outer).fill(0);
    for (let o = 0; o < total; o += rows * run) {
      let from = merged.begin[rank - 1]! + (rank >= 2 ? merged.begin[rank - 2]! * rowStride : 0);
      for (let d = 0; d < outer; d++) from += (merged.begin[d]! + index[d]!) * strides[d]!;
      kernel.copyRuns(xBase + from * 4, rowStride * 4, dst, run * 4, run * 4, rows);
      dst += rows * run * 4;
      for (let d = outer - 1; d >= 0 && ++index[d]! === merged.size[d]; d--) index[d] = 0;
    }
    return out;
  }
  const xs = backend.typedArrayFromHeap({ ...x, shape: merged.shape });
  const os = backend.typedArrayFromHeap(out);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0); // position along every axis but the last
  for (let o = 0; o < total; o += run) {
    let from = merged.begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) from += (merged.begin[d]! + index[d]!) * strides[d]!;
    os.set(xs.subarray(from, from + run), o);
    for (let d = rank - 2; d >= 0 && ++index[d]! === merged.size[d]; d--) index[d] = 0;
  }
  return out;
}
type SplitAttrs = { numOrSizeSplits: number | number[]; axis: number };

/** Patch Slice and SplitV of `backendName` (default 'wasm'). Returns true if anything was patched. */
export function patchContiguousSlice(backendName = 'wasm'): boolean {
  const slice = tf.getKernel('Slice', backendName);
  const split = tf.getKernel('SplitV', backendName);
  if (!slice || !split || (slice.kernelFunc as unknown as Record<string, unknown>)[MARK]) return false;
  const original = slice.kernelFunc;
  const sliceFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x!;
    const attrs = args.attrs as SliceAttrs;
    const [begin = [], size = []] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size);
    const merged = mergeWholeAxes(x.shape, begin, size);
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      if (merged.shape.length === x.shape.length) return original(args);
      const out = original({ ...args, inputs: { x: { ...x, shape: merged.shape } }, attrs: { begin: merged.begin, size: merged.size } }) as tf.TensorInfo;
      return { ...out, shape: size }; // the merged copy has the slice's own layout: only its shape differs
    }
    return sliceFromHeap(args.backend as unknown as HeapBackend, x, merged, size);
  };
  const splitFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x!;
    const attrs = args.attrs as SplitAttrs;
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = sliceFunc({ ...args, attrs: { begin: [...begin], size } }) as tf.TensorInfo;
      begin[axis]! += s;
      return out;
    });
  };
  for (const [config, kernelFunc] of [
    [slice, sliceFunc],
    [split, splitFunc],
  ] as const) {
    (kernelFunc as unknown as Record<string, unknown>)[MARK] = true;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...config, kernelFunc });
  }
  return true;
}

type RefCounting = { incRef(dataId: object): void };

/** Patch Identity of `backendName` (default 'wasm') to share its input's buffer. Returns true if patched. */
export function patchSharedIdentity(backendName = 'wasm'): boolean {
  return patchSharedBuffer('Identity', backendName, () => true);
}

/** Cast to the input's own dtype shares its buffer too (4. above). */
export function patchSharedCast(backendName = 'wasm'): boolean {
  return patchSharedBuffer('Cast', backendName, (x, attrs) => x.dtype === (attrs as { dtype?: tf.DataType }).dtype);
}

/** Re-register `kernelName` to return its input's buffer, one more reference counted, where `shares` says so (never for strings). */
function patchSharedBuffer(kernelName: string, backendName: string, shares: (x: tf.TensorInfo, attrs: tf.NamedAttrMap) => boolean): boolean {
  const kernel = tf.getKernel(kernelName, backendName);
  if (!kernel || (kernel.kernelFunc as unknown as Record<string, unknown>)[MARK]) return false;
  const original = kernel.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || !shares(x, args.attrs ?? {})) return original(args);
    (args.backend as RefCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  (kernelFunc as unknown as Record<string, unknown>)[MARK] = true;
  tf.unregisterKernel(kernel.kernelName, backendName);
  tf.registerKernel({ ...kernel, kernelFunc });
  return true;
}

/** ./kernels/copies.wat's exports: byte addresses and strides. */
export interface CopyKernels {
  /** `count` runs of `run` bytes, the i-th from src + i·srcStride to dst + i·dstStride. */
  copyRuns: (src: number, srcStride: number, dst: number, dstStride: number, run: number, count: number) => void;
  /** A Transpose keeping the last axis: runs of `run` bytes, written in order, over three outer output axes (sizes n, input strides s). */
  transposeRuns: (src: number, dst: number, run: number, n0: number, s0: number, n1: number, s1: number, n2: number, s2: number) => void;
}

/** The copy kernels for a backend (../model/wasmModule.ts), shared with ./wasmTranspose.ts. */
export const copyKernels = perBackend((memory): CopyKernels => {
  const e = instantiateOver(memory, { plain: COPIES_WASM_PLAIN, shared: COPIES_WASM_SHARED });
  return { copyRuns: e.copyRuns as CopyKernels['copyRuns'], transposeRuns: e.transposeRuns as CopyKernels['transposeRuns'] };
});

/** The parts of tfjs-backend-wasm's BackendWasm that the Concat patch uses. */
interface ConcatBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
  wasm: { HEAPU8: Uint8Array };
}

/** dtypes whose elements are 4 bytes (float32, int32) or 1 byte (bool) on the wasm heap. */
const HEAP_BYTES: Partial<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 };

/** Patch Concat of `backendName` (default 'wasm') to copy runs within the heap. Returns true if patched. */
export function patchHeapConcat(backendName = 'wasm'): boolean {
  const concat = tf.getKernel('Concat', backendName);
  if (!concat || (concat.kernelFunc as unknown as Record<string, unknown>)[MARK]) return false;
  const original = concat.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const all = args.inputs as unknown as tf.TensorInfo[];
    const inputs = all.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    const bytes = HEAP_BYTES[all[0]!.dtype];
    // tfjs's kernel keeps the cases with nothing to copy or no heap layout (one input, strings).
    if (!bytes || inputs.length < 2 || inputs.some((t) => t.dtype !== all[0]!.dtype)) return original(args);
    const axis = tf.util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, all[0]!.shape)[0]!;
    const outShape = tf.backend_util.computeOutShape(all.map((t) => t.shape), axis);
    const backend = args.backend as unknown as ConcatBackend;
    const out = backend.makeOutput(outShape, all[0]!.dtype); // first: making it may grow the heap
    // [outer, inner_i] for each input -> [outer, Σ inner_i]: one run per (outer index, input).
    const outer = tf.util.sizeFromShape(outShape.slice(0, axis));
    const runs = inputs.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)) * bytes);
    const rowBytes = runs.reduce((a, b) => a + b, 0);
    const kernel = bytes === 4 ? copyKernels.get(backend as unknown as WasmBackend) : null;
    const heap = backend.wasm.HEAPU8;
    let column = backend.getMemoryOffset(out.dataId);
    inputs.forEach((t, i) => {
      const run = runs[i]!;
      const from = backend.getMemoryOffset(t.dataId);
      if (kernel) kernel.copyRuns(from, run, column, rowBytes, run, outer);
      else for (let o = 0; o < outer; o++) heap.copyWithin(column + o * rowBytes, from + o * run, from + (o + 1) * run);
      column += run;
    });
    return out;
  };
  (kernelFunc as unknown as Record<string, unknown>)[MARK] = true;
  tf.unregisterKernel(concat.kernelName, backendName);
  tf.registerKernel({ ...concat, kernelFunc });
  return true;
}

/** The three patches above on `backendName` (default 'wasm'). Returns true if anything was patched. */
export function patchWasmCopies(backendName = 'wasm'): boolean {
  const sliced = patchContiguousSlice(backendName);
  const shared = patchSharedIdentity(backendName);
  const concatenated = patchHeapConcat(backendName);
  const cast = patchSharedCast(backendName);
  return sliced || shared || concatenated || cast;
}
