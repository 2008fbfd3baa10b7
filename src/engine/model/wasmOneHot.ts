/**
 * layers.ts's `oneHotFloat` on tfjs's wasm backend as one kernel (`RftWasmOneHotFloat`): tfjs's
 * OneHot writes int32 whatever dtype it is asked for (its C++ takes integer on/off values), so
 * the float one-hot was OneHot then Cast, and wasm's Cast from int32 walks the values in
 * JavaScript (~17 µs for a decoding step's [64, 68], at every step, and again for the token
 * embedding and the chosen tokens of every pass). The kernel writes the floats directly: 1 at
 * each row's index, 0 elsewhere, and a row of zeros for an index outside [0, depth), as tfjs's
 * OneHot does. The same values (0 and 1 are exact), so the same bits; ./wasmOneHot.test.ts.
 *
 * No gradient: its input is integer ids, never differentiated.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasmModule';

export const WASM_ONE_HOT_FLOAT = 'RftWasmOneHotFloat';

type Backend = WasmBackend & { wasm: { HEAPU8: Uint8Array } };

/** Register the kernel for `backendName` (default 'wasm'). Returns true if registered now. */
export function registerWasmOneHot(backendName = 'wasm'): boolean {
  if (tf.getKernel(WASM_ONE_HOT_FLOAT, backendName)) return false;
  tf.registerKernel({
    kernelName: WASM_ONE_HOT_FLOAT,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { indices } = inputs as { indices: tf.TensorInfo };
      const { depth } = attrs as unknown as { depth: number };
      const be = backend as unknown as Backend;
      const n = tf.util.sizeFromShape(indices.shape);
      const out = be.makeOutput([...indices.shape, depth], 'float32'); // first: it may grow the heap
      const heap = be.wasm.HEAPU8.buffer;
      const ids = new Int32Array(heap, be.getMemoryOffset(indices.dataId), n);
      const values = new Float32Array(heap, be.getMemoryOffset(out.dataId), n * depth);
      values.fill(0);
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        if (id >= 0 && id < depth) values[i * depth + id] = 1;
      }
      return out;
    },
  });
  return true;
}

/** Undo registerWasmOneHot (tests compare against OneHot then Cast). Returns true if it was registered. */
export function unregisterWasmOneHot(backendName = 'wasm'): boolean {
  if (!tf.getKernel(WASM_ONE_HOT_FLOAT, backendName)) return false;
  tf.unregisterKernel(WASM_ONE_HOT_FLOAT, backendName);
  return true;
}

/** The float one-hot [..., depth] of int32 `ids` through the kernel, or null where it does not apply (the caller runs OneHot then Cast). */
export function wasmOneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor | null {
  if (ids.dtype !== 'int32' || tf.getBackend() !== 'wasm' || !tf.getKernel(WASM_ONE_HOT_FLOAT, 'wasm')) return null;
  return tf.engine().runKernel<tf.Tensor>(WASM_ONE_HOT_FLOAT, { indices: ids }, { depth });
}
