/**
 * A speed patch for tfjs's wasm backend, sibling of ./wasmBatchMatMul.ts: a Sum over every axis
 * but the last (a bias's gradient: dy [rows, nOut] -> [nOut], from tfjs-core's Add gradient)
 * runs in the engine's own SIMD kernel (./kernels/columnSum.wat), one pass over dy, instead of
 * tfjs's transpose-then-sum (a full copy of dy first). Same bits: each output is summed from 0
 * over the rows in order, as tfjs's kernel sums (see the .wat). Every other Sum, and every
 * non-float32 one, goes to the previous kernel. Idempotent; a no-op where there is no Sum.
 */
import * as tf from '@tensorflow/tfjs-core';
import { patchKernel, unpatchKernel } from '../model/kernelPatch';
import { COLUMN_SUM_WASM_PLAIN, COLUMN_SUM_WASM_SHARED } from './kernels/columnSum.bytes';
import { type WasmBackend, instantiateOver, perBackend } from '../model/wasmModule';

const MARK = '__rftColumnSum';

type ColumnSumKernel = (x: number, out: number, rows: number, cols: number) => void;

const kernels = perBackend((memory) => instantiateOver(memory, { plain: COLUMN_SUM_WASM_PLAIN, shared: COLUMN_SUM_WASM_SHARED }).columnSum as ColumnSumKernel);

/**
 * The geometry of a Sum our kernel takes, or null: rank >= 2, the axes exactly every axis but
 * the last (in any order, negative allowed), nothing empty. Returns rows, cols and the output
 * shape (keepDims: ones in place of the reduced axes).
 */
export function columnSumPlan(shape: readonly number[], axis: number | number[] | undefined, keepDims: boolean) {
  const rank = shape.length;
  if (rank < 2 || axis === undefined) return null;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return null;
  const cols = shape[rank - 1]!;
  const rows = shape.slice(0, -1).reduce((p, d) => p * d, 1);
  if (rows === 0 || cols === 0) return null;
  return { rows, cols, outShape: keepDims ? [...Array.from({ length: rank - 1 }, () => 1), cols] : [cols] };
}

/** Patch Sum of `backendName` (default 'wasm'). Returns true if it was patched now. */
export function patchWasmColumnSum(backendName = 'wasm'): boolean {
  return patchKernel('Sum', backendName, MARK, (previous) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis?: number | number[]; keepDims?: boolean };
    const plan = x.dtype === 'float32' ? columnSumPlan(x.shape, axis, !!keepDims) : null;
    const be = args.backend as unknown as WasmBackend;
    const kernel = plan && kernels.get(be);
    if (!plan || !kernel) return previous.kernelFunc(args);
    const out = be.makeOutput(plan.outShape, 'float32'); // first: it may grow the heap (offsets, not views, cross it)
    kernel(be.getMemoryOffset(x.dataId), be.getMemoryOffset(out.dataId), plan.rows, plan.cols);
    return out;
  });
}

/** Undo patchWasmColumnSum (tests compare against the kernel below it). Returns true if it was patched. */
export function unpatchWasmColumnSum(backendName = 'wasm'): boolean {
  return unpatchKernel('Sum', backendName, MARK);
}
