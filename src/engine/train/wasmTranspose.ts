/**
 * A speed patch for tfjs's wasm backend, sibling of ./wasmCopies.ts: a Transpose that keeps the
 * last axis last (attention's heads, [B, S, 3H, Dh] <-> [B, 3H, S, Dh], forward and gradient)
 * copies whole runs of that axis in the engine's own wasm kernel (./kernels/copies.wat)
 * instead of tfjs's element-by-element walk. A copy: the same bits. A Transpose that moves only
 * axes of size 1 (a decoding step's heads) copies nothing: its output shares the input's buffer,
 * like a Reshape. Every other Transpose
 * (the last axis moved, more than three outer axes, runs under 4 elements, other dtypes) goes
 * to the previous kernel. Idempotent; a no-op where there is no Transpose.
 */
import * as tf from '@tensorflow/tfjs-core';
import { patchKernel, unpatchKernel } from '../model/kernelPatch';
import type { WasmBackend } from '../model/wasmModule';
import { copyKernels } from './wasmCopies';

const MARK = '__rftTransposeRuns';

/**
 * The geometry for transposeRuns, or null: rank 2 to 4, the last axis kept last with at least 4
 * elements, nothing empty. Sizes and input strides (bytes, 4-byte elements) of the output's
 * outer axes, padded in front to three.
 */
export function transposeRunsPlan(shape: readonly number[], perm: readonly number[]) {
  const rank = shape.length;
  if (rank < 2 || rank > 4 || perm.length !== rank || perm[rank - 1] !== rank - 1) return null;
  if (shape.some((d) => d === 0) || shape[rank - 1]! < 4) return null;
  const strides = shape.map((_, j) => shape.slice(j + 1).reduce((p, d) => p * d, 1) * 4);
  const outer = perm.slice(0, -1).map((p) => ({ n: shape[p]!, s: strides[p]! }));
  while (outer.length < 3) outer.unshift({ n: 1, s: 0 });
  return { outShape: perm.map((p) => shape[p]!), run: shape[rank - 1]! * 4, outer };
}

/**
 * Whether transposing `shape` by `perm` leaves every element where it was in memory: the axes
 * longer than 1 keep their order (only size-1 axes move). A decoding step's heads, [B, 1, 3H, Dh]
 * -> [B, 3H, 1, Dh] and back, are such: the output is the input's data under a new shape.
 */
export function keepsLayout(shape: readonly number[], perm: readonly number[]): boolean {
  const moved = perm.filter((p) => shape[p]! > 1);
  return moved.every((p, i) => i === 0 || moved[i - 1]! < p);
}

/** Patch Transpose of `backendName` (default 'wasm'). Returns true if it was patched now. */
export function patchWasmTranspose(backendName = 'wasm'): boolean {
  return patchKernel('Transpose', backendName, MARK, (previous) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as { perm: number[] };
    if (perm.length === x.shape.length && keepsLayout(x.shape, perm)) {
      // Nothing moves: share the buffer, as tfjs's Reshape does (the backend counts the reference).
      (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: perm.map((p) => x.shape[p]!), dtype: x.dtype };
    }
    const plan = x.dtype === 'float32' || x.dtype === 'int32' ? transposeRunsPlan(x.shape, perm) : null;
    const be = args.backend as unknown as WasmBackend;
    const kernel = plan && copyKernels.get(be)?.transposeRuns;
    if (!plan || !kernel) return previous.kernelFunc(args);
    const out = be.makeOutput(plan.outShape, x.dtype as 'float32'); // first: it may grow the heap (offsets, not views, cross it)
    const [a, b, c] = plan.outer as [{ n: number; s: number }, { n: number; s: number }, { n: number; s: number }];
    kernel(be.getMemoryOffset(x.dataId), be.getMemoryOffset(out.dataId), plan.run, a.n, a.s, b.n, b.s, c.n, c.s);
    return out;
  });
}

/** Undo patchWasmTranspose (tests compare against the kernel below it). Returns true if it was patched. */
export function unpatchWasmTranspose(backendName = 'wasm'): boolean {
  return unpatchKernel('Transpose', backendName, MARK);
}
