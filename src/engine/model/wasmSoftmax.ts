/**
 * Attention's softmax under a gradient tape on tfjs's wasm backend, with its gradient as one
 * pass of the engine's own kernel (./kernels/softmax.wat) where tfjs-core's gradient runs four
 * kernels (Multiply, Sum, Multiply, Sub) over the probabilities [B, H, S, S_kv].
 *
 *   forward:  RftWasmSoftmax (y = tfjs's own Softmax kernel, so the same bits)
 *   backward: RftWasmSoftmaxGrad (dy, y -> dy·y − sum(dy·y)·y, one pass; same bits as the four)
 *
 * The forward is its own tfjs kernel only so that the tape records this gradient for it: tfjs
 * registers gradients per kernel name for every backend. ./wasmSoftmax.test.ts checks every
 * bit, and the browser's worker on the threaded build (src/worker/wasmKernelCheck.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_WASM_PLAIN, SOFTMAX_WASM_SHARED } from './kernels/softmax.bytes';
import { type WasmBackend, instantiateOver, perBackend } from './wasmModule';

type SoftmaxGradKernel = (y: number, dy: number, out: number, rows: number, cols: number) => void;

const kernels = perBackend((memory) => instantiateOver(memory, { plain: SOFTMAX_WASM_PLAIN, shared: SOFTMAX_WASM_SHARED }).softmaxGrad as SoftmaxGradKernel);

/** The tfjs kernel names: softmax over the last axis (logits -> y) and its gradient (y, dy -> dx). */
export const WASM_SOFTMAX = 'RftWasmSoftmax';
export const WASM_SOFTMAX_GRAD = 'RftWasmSoftmaxGrad';

/** Register both kernels for `backendName` (idempotent) and the forward's gradient (once, for every backend). Returns true if registered now. */
export function registerWasmSoftmax(backendName = 'wasm'): boolean {
  if (!tf.getGradient(WASM_SOFTMAX)) {
    tf.registerGradient({
      kernelName: WASM_SOFTMAX,
      outputsToSave: [true],
      gradFunc: (dy, saved) => ({ logits: () => tf.engine().runKernel<tf.Tensor>(WASM_SOFTMAX_GRAD, { y: saved[0]!, dy: dy as tf.Tensor }) }),
    });
  }
  if (tf.getKernel(WASM_SOFTMAX, backendName) || !tf.getKernel('Softmax', backendName)) return false;
  tf.registerKernel({
    kernelName: WASM_SOFTMAX,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { logits } = inputs as { logits: tf.TensorInfo };
      return tf.getKernel('Softmax', backendName).kernelFunc({ inputs: { logits }, backend, attrs: { dim: logits.shape.length - 1 } }); // as tf.softmax asks: the last axis by number
    },
  });
  tf.registerKernel({
    kernelName: WASM_SOFTMAX_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { y, dy } = inputs as { y: tf.TensorInfo; dy: tf.TensorInfo };
      const be = backend as unknown as WasmBackend;
      const cols = y.shape[y.shape.length - 1]!;
      const out = be.makeOutput([...y.shape], 'float32'); // first: it may grow the heap (offsets, not views, cross it)
      kernels.get(be)!(be.getMemoryOffset(y.dataId), be.getMemoryOffset(dy.dataId), be.getMemoryOffset(out.dataId), tf.util.sizeFromShape(y.shape) / cols, cols);
      return out;
    },
  });
  return true;
}

/** Undo registerWasmSoftmax's kernels (tests compare against the reference ops). Returns true if they were registered. */
export function unregisterWasmSoftmax(backendName = 'wasm'): boolean {
  if (!tf.getKernel(WASM_SOFTMAX, backendName)) return false;
  tf.unregisterKernel(WASM_SOFTMAX, backendName);
  tf.unregisterKernel(WASM_SOFTMAX_GRAD, backendName);
  return true;
}

/**
 * softmax(x) over the last axis through the kernels, or null where they do not apply (another
 * backend, not registered, not float32, an empty row, no memory or no SIMD): the caller runs tf.softmax.
 */
export function wasmTapedSoftmax(x: tf.Tensor): tf.Tensor | null {
  if (x.dtype !== 'float32' || x.size === 0 || tf.getBackend() !== 'wasm' || !tf.getKernel(WASM_SOFTMAX, 'wasm')) return null;
  if (!kernels.get(tf.backend() as unknown as WasmBackend)) return null;
  return tf.engine().runKernel<tf.Tensor>(WASM_SOFTMAX, { logits: x }, {});
}
