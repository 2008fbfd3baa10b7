/**
 * Speed patches for tfjs's wasm backend, siblings of ./wasmCopies.ts: two more copies made
 * slower than they need to be. A copy moves values; the numbers are the same bits.
 *
 * 1. Pack (tf.stack). tfjs's Pack kernel expands each input's dims and calls its own concat
 * function directly, not the registered Concat kernel, so ./wasmCopies.ts's heap Concat never
 * sees it: stacking sampling's 24 per-step [64] rows into [64, 24] (tokens, log-probs, masks)
 * made 64 x 24 `TypedArray.set` calls of one float each, ~230 µs a stack. The patch reshapes
 * each input (a view) and calls the registered Concat: one run-copying call per input.
 *
 * 2. GatherV2 along axis 0. tfjs's kernel computes every output element's source index one
 * element at a time: gathering 8 of the rollout's images [8, 32, 32, 3] took ~650 µs. The patch
 * copies one whole row (all the axes after the first) per index, in the engine's copy kernel.
 * Other gathers (another axis, batch dimensions, other dtypes, an index out of range, which
 * tfjs's kernel reports) go to the previous kernel.
 *
 * Idempotent; a no-op where the backend has no such kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { patchKernel, unpatchKernel } from '../model/kernelPatch';
import type { WasmBackend } from '../model/wasmModule';
import { copyKernels } from './wasmCopies';

const PACK_MARK = '__rftPackViaConcat';
const GATHER_MARK = '__rftGatherRows';

type Backend = WasmBackend & { disposeData(dataId: object): boolean; wasm: { HEAPU8: Uint8Array } };

/** Patch Pack of `backendName` (default 'wasm') to go through the registered Concat. Returns true if patched now. */
export function patchWasmPack(backendName = 'wasm'): boolean {
  return patchKernel('Pack', backendName, PACK_MARK, (previous) => (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const { axis } = args.attrs as { axis: number };
    if (inputs.length < 2 || inputs.some((t) => t.dtype === 'string' || t.dtype === 'complex64')) return previous.kernelFunc(args);
    const rank = inputs[0]!.shape.length;
    const at = axis < 0 ? axis + rank + 1 : axis;
    const be = args.backend as unknown as Backend;
    const reshape = tf.getKernel('Reshape', backendName).kernelFunc;
    const expanded = inputs.map((t) => reshape({ inputs: { x: t }, backend: args.backend, attrs: { shape: [...t.shape.slice(0, at), 1, ...t.shape.slice(at)] } }) as tf.TensorInfo);
    try {
      return tf.getKernel('Concat', backendName).kernelFunc({ inputs: expanded as unknown as tf.NamedTensorInfoMap, backend: args.backend, attrs: { axis: at } });
    } finally {
      for (const t of expanded) be.disposeData(t.dataId);
    }
  });
}

/** Patch GatherV2 of `backendName` (default 'wasm') to copy whole rows along axis 0. Returns true if patched now. */
export function patchWasmGather(backendName = 'wasm'): boolean {
  return patchKernel('GatherV2', backendName, GATHER_MARK, (previous) => (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
    const be = args.backend as unknown as Backend;
    const kernel = copyKernels.get(be);
    const fourBytes = x.dtype === 'float32' || x.dtype === 'int32';
    const n = x.shape[0] ?? 0;
    const count = tf.util.sizeFromShape(indices.shape);
    const rowBytes = tf.util.sizeFromShape(x.shape.slice(1)) * 4;
    if (!kernel || !fourBytes || indices.dtype !== 'int32' || (axis !== 0 && axis !== -x.shape.length) || (batchDims ?? 0) !== 0 || x.shape.length < 1 || count === 0 || rowBytes === 0) return previous.kernelFunc(args);
    const ids = Array.from(new Int32Array(be.wasm.HEAPU8.buffer, be.getMemoryOffset(indices.dataId), count)); // read before an allocation can move the heap
    if (ids.some((i) => i < 0 || i >= n)) return previous.kernelFunc(args); // its error message
    const out = be.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype as 'float32'); // float32 or int32: 4 bytes each
    const src = be.getMemoryOffset(x.dataId);
    const dst = be.getMemoryOffset(out.dataId);
    ids.forEach((i, k) => kernel.copyRuns(src + i * rowBytes, 0, dst + k * rowBytes, 0, rowBytes, 1));
    return out;
  });
}

/** Undo both patches (tests compare against the kernels below them). Returns true if either was patched. */
export function unpatchWasmPackGather(backendName = 'wasm'): boolean {
  const pack = unpatchKernel('Pack', backendName, PACK_MARK);
  const gather = unpatchKernel('GatherV2', backendName, GATHER_MARK);
  return pack || gather;
}
