/**
 * The wasm kernel of ../model/wasmDense.ts's op, y = x·w + b (`RftWasmDense`): the engine's dense
 * matmul (./kernels/batchMatMul.wat's matMulDense) with the bias added to each sum as it leaves
 * its registers, in one kernel where Dense ran Reshape, MatMul, Add, Reshape. Same bits as those
 * (see the .wat and ./wasmDense.test.ts).
 *
 * Where the dense matmul does not take the shape (rows or nOut not a multiple of 4) or
 * does not run (XNNPACK on several threads: ./wasmBatchMatMul.ts's kernelFor), the kernel runs
 * the backend's own MatMul and Add kernels, as the reference ops would: still one tfjs kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WASM_DENSE, registerWasmDenseGradient } from '../model/wasmDense';
import type { WasmBackend } from '../model/wasmModule';
import { denseMatMulPlan, kernelFor } from './wasmBatchMatMul';

type Backend = WasmBackend & { disposeData(dataId: object): boolean };

/** y [rows, nOut] = x2 [rows, nOut]·w + b by the backend's registered BatchMatMul and Add: the reference kernels, for shapes ours does not take. */
function referenceKernels(x2: tf.TensorInfo, w: tf.TensorInfo, b: tf.TensorInfo, be: Backend, backendName: string): tf.TensorInfo {
  const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => tf.getKernel(name, backendName).kernelFunc({ inputs, backend: be, attrs }) as tf.TensorInfo;
  const product = run('BatchMatMul', { a: x2, b: w }, { transposeA: false, transposeB: false });
  try {
    return run('Add', { a: product, b }, {});
  } finally {
    be.disposeData(product.dataId);
  }
}

/** Register the kernel for `backendName` (default 'wasm') and the op's gradient. Returns true if registered now. */
export function registerWasmDense(backendName = 'wasm'): boolean {
  registerWasmDenseGradient();
  if (tf.getKernel(WASM_DENSE, backendName) || !tf.getKernel('BatchMatMul', backendName)) return false;
  tf.registerKernel({
    kernelName: WASM_DENSE,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { x, w, b } = inputs as { x: tf.TensorInfo; w: tf.TensorInfo; b: tf.TensorInfo };
      const be = backend as unknown as Backend;
      const [nIn, nOut] = w.shape as [number, number];
      const rows = tf.util.sizeFromShape(x.shape) / nIn;
      tf.util.assert(x.shape[x.shape.length - 1] === nIn && b.shape.length === 1 && b.shape[0] === nOut, () => `${WASM_DENSE}: x ${JSON.stringify(x.shape)}, w ${JSON.stringify(w.shape)}, b ${JSON.stringify(b.shape)} do not fit x·w + b`);
      const outShape = [...x.shape.slice(0, -1), nOut];
      const floats = x.dtype === 'float32' && w.dtype === 'float32' && b.dtype === 'float32';
      const plan = floats ? denseMatMulPlan([rows, nIn], w.shape, false, false) : null;
      const kernel = plan && kernelFor(be)?.matMulDense;
      if (plan && kernel) {
        const out = be.makeOutput(outShape, 'float32'); // first: it may grow the heap (offsets, not views, cross it)
        kernel(be.getMemoryOffset(x.dataId), be.getMemoryOffset(w.dataId), be.getMemoryOffset(out.dataId), 0, rows, nOut, nIn, 0, 0, be.getMemoryOffset(b.dataId));
        return out;
      }
      // The reference kernels on x as [rows, nIn] (a view: same data, its own shape), shaped back.
      const reshape = tf.getKernel('Reshape', backendName).kernelFunc;
      const x2 = reshape({ inputs: { x }, backend, attrs: { shape: [rows, nIn] } }) as tf.TensorInfo;
      try {
        const y2 = referenceKernels(x2, w, b, be, backendName);
        try {
          return reshape({ inputs: { x: y2 }, backend, attrs: { shape: outShape } });
        } finally {
          be.disposeData(y2.dataId);
        }
      } finally {
        be.disposeData(x2.dataId);
      }
    },
  });
  return true;
}

/** Undo registerWasmDense's kernel (tests compare against the reference ops). Returns true if it was registered. */
export function unregisterWasmDense(backendName = 'wasm'): boolean {
  if (!tf.getKernel(WASM_DENSE, backendName)) return false;
  tf.unregisterKernel(WASM_DENSE, backendName);
  return true;
}
