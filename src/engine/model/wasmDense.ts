/**
 * A dense layer's forward, y = x·w + b, as one tfjs kernel on the wasm backend: `RftWasmDense`.
 * This file says what the op is (its name, its gradient, when layers.ts's Dense uses it); the
 * kernel that computes it is the engine's dense matmul with the bias added as each sum leaves
 * its registers (../train/wasmDense.ts, registered by the train patches), so this layer needs
 * nothing from the one above it.
 *
 * Why: Dense ran Reshape, MatMul, Add, Reshape: four kernels a layer, and the Add a second pass
 * over the output ([1984, 256] floats, 2 MB, for the MLP of a teacher-forced pass). A decoding
 * step has ten dense layers, and an iteration ~1,000 of them: each kernel costs tfjs a few
 * microseconds of bookkeeping besides its work.
 *
 * Same bits as the reference ops, forward and gradient: the forward adds the same float32 bias to
 * the same float32 sum; the gradient is the reference's own ops on the same values (what tfjs's
 * BatchMatMul and Add gradients run: dx = dy·wᵀ, dw = xᵀ·dy, db = dy summed over the rows).
 * ../train/wasmDense.test.ts checks every bit, and the browser's worker on the threaded build
 * (src/worker/wasmKernelCheck.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The tfjs kernel name: inputs x [..., nIn], w [nIn, nOut], b [nOut]; output [..., nOut]. */
export const WASM_DENSE = 'RftWasmDense';

/**
 * Register the op's gradient (once, for every backend; only wasm has the kernel). The rows are
 * x's leading axes flattened, as Dense's reshape made them: [rows, nIn] and [rows, nOut].
 */
export function registerWasmDenseGradient(): void {
  if (tf.getGradient(WASM_DENSE)) return;
  tf.registerGradient({
    kernelName: WASM_DENSE,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, saved) => {
      const [x, w] = saved as [tf.Tensor, tf.Tensor2D];
      const [nIn, nOut] = w.shape;
      const dyRows = tf.reshape<tf.Rank.R2>(dy as tf.Tensor, [-1, nOut]); // [rows, nOut]: a view, freed with the backward pass
      return {
        x: () => tf.reshape(tf.matMul(dyRows, w, false, true), x.shape), // [rows, nIn] -> x's shape
        w: () => tf.matMul(tf.reshape(x, [-1, nIn]), dyRows, true, false), // [nIn, nOut]
        b: () => tf.sum(dyRows, 0), // [nOut]
      };
    },
  });
}

/**
 * x·w + b through the kernel, or null where it is not registered (another backend, or the
 * patches not applied) or x is not float32: the caller runs the reference ops.
 */
export function wasmDense(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor | null {
  if (x.dtype !== 'float32' || tf.getBackend() !== 'wasm' || !tf.getKernel(WASM_DENSE, 'wasm')) return null;
  return tf.engine().runKernel<tf.Tensor>(WASM_DENSE, { x, w, b }, {});
}
