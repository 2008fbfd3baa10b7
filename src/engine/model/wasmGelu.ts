/**
 * layers.ts's GELU on tfjs's wasm backend in fewer kernels: the engine's own SIMD kernels
 * (./kernels/gelu.wat) for its element-wise chains, tfjs's Sigmoid and Multiply between them.
 *
 *   forward:  2u = geluTwoU(x) (square, mul, add, mul in one pass), s = sigmoid(2u), y = x·s
 *   backward: s again, then dx = geluGrad(x, s, dy) (one pass where tfjs's autodiff ran 15 kernels)
 *
 * each as one tfjs kernel (RftWasmGelu, RftWasmGeluGrad) with a registered gradient.
 *
 * Same bits as the reference ops, forward and gradient: the kernels do each float32 operation
 * the reference kernels do, in their order (see the .wat), and the sigmoid is tfjs's own.
 * ./wasmGelu.test.ts checks every bit, and the browser's worker checks it on the threaded
 * build's shared memory (src/worker/wasmKernelCheck.ts).
 *
 * Why: GELU's chains ran over [64, 31, 256] floats per MLP per pass, each kernel a pass over
 * 2 MB: a forward and backward of one GELU took ~6.5 ms of kernels on this machine, one at a
 * time (the update runs three MLPs forward and backward).
 */
import * as tf from '@tensorflow/tfjs-core';
import { GELU_WASM_PLAIN, GELU_WASM_SHARED } from './kernels/gelu.bytes';
import { type WasmBackend, instantiateOver, perBackend } from './wasmModule';

/** The kernels' exports (./kernels/gelu.wat): addresses in bytes, n in floats. */
interface GeluKernels {
  geluTwoU(x: number, out: number, n: number, cubic: number, linear: number): void;
  geluGrad(x: number, s: number, g: number, out: number, n: number, cubic: number, linear: number): void;
}

const kernels = perBackend((memory): GeluKernels => {
  const e = instantiateOver(memory, { plain: GELU_WASM_PLAIN, shared: GELU_WASM_SHARED });
  return { geluTwoU: e.geluTwoU as GeluKernels['geluTwoU'], geluGrad: e.geluGrad as GeluKernels['geluGrad'] };
});

/** The tfjs kernel names: GELU (x -> y) and its gradient (x, dy -> dx). */
export const WASM_GELU = 'RftWasmGelu';
export const WASM_GELU_GRAD = 'RftWasmGeluGrad';

type GeluAttrs = { cubic: number; linear: number };
type Backend = WasmBackend & { disposeData(dataId: object): boolean };

/** s = sigmoid(2u) for x, by our kernel then tfjs's own Sigmoid (so the sigmoid is its bits); the caller disposes s. */
function sigmoidOfTwoU(x: tf.TensorInfo, be: Backend, k: GeluKernels, { cubic, linear }: GeluAttrs, backendName: string): tf.TensorInfo {
  const twoU = be.makeOutput([...x.shape], 'float32');
  k.geluTwoU(be.getMemoryOffset(x.dataId), be.getMemoryOffset(twoU.dataId), tf.util.sizeFromShape(x.shape), cubic, linear);
  try {
    return tf.getKernel('Sigmoid', backendName).kernelFunc({ inputs: { x: twoU }, backend: be, attrs: {} }) as tf.TensorInfo;
  } finally {
    be.disposeData(twoU.dataId);
  }
}

/**
 * Register both kernels for `backendName` (idempotent), and GELU's gradient (once, for every
 * backend: only this one has the kernel). Returns true if the kernels were registered now.
 * Each is one tfjs kernel that runs its passes inside (ours, tfjs's Sigmoid and Multiply), so
 * the tape sees one node: it saves x, and the gradient computes s again (two passes) rather
 * than keep it (a kernel's extra output would come back as a zero-filled gradient upload).
 */
export function registerWasmGelu(backendName = 'wasm'): boolean {
  if (!tf.getGradient(WASM_GELU)) {
    tf.registerGradient({
      kernelName: WASM_GELU,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => ({ x: () => tf.engine().runKernel<tf.Tensor>(WASM_GELU_GRAD, { x: saved[0]!, dy: dy as tf.Tensor }, attrs) }),
    });
  }
  if (tf.getKernel(WASM_GELU, backendName)) return false;
  tf.registerKernel({
    kernelName: WASM_GELU,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const be = backend as unknown as Backend;
      const s = sigmoidOfTwoU(x, be, kernels.get(be)!, attrs as unknown as GeluAttrs, backendName);
      try {
        return tf.getKernel('Multiply', backendName).kernelFunc({ inputs: { a: x, b: s }, backend, attrs: {} }); // y = x·s
      } finally {
        be.disposeData(s.dataId);
      }
    },
  });
  tf.registerKernel({
    kernelName: WASM_GELU_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const be = backend as unknown as Backend;
      const k = kernels.get(be)!;
      const { cubic, linear } = attrs as unknown as GeluAttrs;
      const s = sigmoidOfTwoU(x, be, k, { cubic, linear }, backendName);
      try {
        const out = be.makeOutput([...x.shape], 'float32');
        k.geluGrad(
          be.getMemoryOffset(x.dataId), be.getMemoryOffset(s.dataId), be.getMemoryOffset(dy.dataId), be.getMemoryOffset(out.dataId),
          tf.util.sizeFromShape(x.shape), cubic, linear,
        );
        return out;
      } finally {
        be.disposeData(s.dataId);
      }
    },
  });
  return true;
}

/** Undo registerWasmGelu's kernels (tests compare against the reference ops). Returns true if registered. */
export function unregisterWasmGelu(backendName = 'wasm'): boolean {
  if (!tf.getKernel(WASM_GELU, backendName)) return false;
  tf.unregisterKernel(WASM_GELU, backendName);
  tf.unregisterKernel(WASM_GELU_GRAD, backendName);
  return true;
}

/** f run on the reference ops (the kernels lifted for the call, registered again after, however f ends). */
export async function withoutWasmGelu<T>(f: () => Promise<T>, backendName = 'wasm'): Promise<T> {
  unregisterWasmGelu(backendName);
  try {
    return await f();
  } finally {
    registerWasmGelu(backendName);
  }
}

/**
 * GELU of x through the wasm kernels, or null where they do not apply (another backend, not
 * registered, not float32, no memory or no SIMD): the caller runs the reference ops. `cubic`
 * and `linear` are the constants (layers.ts's GELU_CUBIC, GELU_LINEAR), rounded to float32 as
 * the reference ops' scalars are.
 */
export function wasmGelu(x: tf.Tensor, cubic: number, linear: number): tf.Tensor | null {
  if (x.dtype !== 'float32' || tf.getBackend() !== 'wasm' || !tf.getKernel(WASM_GELU, 'wasm')) return null;
  if (!kernels.get(tf.backend() as unknown as WasmBackend)) return null;
  return tf.engine().runKernel<tf.Tensor>(WASM_GELU, { x }, { cubic: Math.fround(cubic), linear: Math.fround(linear) });
}
