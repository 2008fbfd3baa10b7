/**
 * Adam's element-wise chain (./optim.ts Adam.step) as one tfjs kernel on the wasm backend: the
 * engine's own SIMD pass (./kernels/adam.wat) where the reference ops run ~15 kernels over the
 * flat parameter vector (1 MB each, with tfjs's per-kernel cost). Same bits: every float32
 * operation of the chain in its order, and its scalars rounded to float32 here as tfjs rounds
 * a number operand (./wasmAdam.test.ts compares a clipped and an unclipped step bit for bit).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_WASM_PLAIN, ADAM_WASM_SHARED } from './kernels/adam.bytes';
import { type WasmBackend, instantiateOver, perBackend } from '../model/wasmModule';

export const WASM_ADAM = 'RftWasmAdam';

type AdamKernel = (raw: number, m: number, v: number, w: number, mOut: number, vOut: number, wOut: number, n: number,
  scale: number, hasScale: number, b1: number, ob1: number, b2: number, ob2: number, c1: number, c2: number, eps: number, lr: number) => void;

const kernels = perBackend((memory) => instantiateOver(memory, { plain: ADAM_WASM_PLAIN, shared: ADAM_WASM_SHARED }).adam as AdamKernel);

/** The step's numbers, as the reference chain's scalar operands (float32 roundings applied in `wasmAdamStep`). */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  /** 1 − β1^t and 1 − β2^t. */
  c1: number;
  c2: number;
  epsilon: number;
  lr: number;
}

type Backend = WasmBackend & { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };

/** Register the kernel for `backendName` (idempotent). Returns true if registered now. */
export function registerWasmAdam(backendName = 'wasm'): boolean {
  if (tf.getKernel(WASM_ADAM, backendName)) return false;
  tf.registerKernel({
    kernelName: WASM_ADAM,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { g, m, v, w, scale } = inputs as { g: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; w: tf.TensorInfo; scale?: tf.TensorInfo };
      const be = backend as unknown as Backend;
      const a = attrs as unknown as AdamScalars;
      const outs = [m, v, w].map((t) => be.makeOutput([...t.shape], 'float32'));
      const [mOut, vOut, wOut] = outs.map((t) => be.getMemoryOffset(t.dataId)) as [number, number, number];
      const f = Math.fround;
      const s = scale ? be.typedArrayFromHeap(scale)[0]! : 0; // a float32 already: the clip factor's tensor
      kernels.get(be)!(
        be.getMemoryOffset(g.dataId), be.getMemoryOffset(m.dataId), be.getMemoryOffset(v.dataId), be.getMemoryOffset(w.dataId),
        mOut, vOut, wOut, tf.util.sizeFromShape(g.shape), s, scale ? 1 : 0,
        f(a.beta1), f(1 - a.beta1), f(a.beta2), f(1 - a.beta2), f(a.c1), f(a.c2), f(a.epsilon), f(a.lr),
      );
      return outs;
    },
  });
  return true;
}

/** Undo registerWasmAdam (tests compare against the reference chain). Returns true if it was registered. */
export function unregisterWasmAdam(backendName = 'wasm'): boolean {
  if (!tf.getKernel(WASM_ADAM, backendName)) return false;
  tf.unregisterKernel(WASM_ADAM, backendName);
  return true;
}

/**
 * The new m, v and weights (flat) from the flat gradient, or null where the kernel does not
 * apply (another backend, not registered, the module does not run): the caller runs the chain.
 * `weights` makes the flat weights only where the kernel runs (elsewhere the chain makes its own:
 * a Concat of every variable is a dispatch or more on a GPU).
 */
export function wasmAdamStep(g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, weights: () => tf.Tensor, scale: tf.Scalar | undefined, scalars: AdamScalars): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (tf.getBackend() !== 'wasm' || !tf.getKernel(WASM_ADAM, 'wasm') || !kernels.get(tf.backend() as unknown as WasmBackend)) return null;
  if ([g, m, v, ...(scale ? [scale] : [])].some((t) => t.dtype !== 'float32')) return null;
  const w = weights();
  const inputs: tf.NamedTensorMap = scale ? { g, m, v, w, scale } : { g, m, v, w };
  return tf.engine().runKernel<[tf.Tensor, tf.Tensor, tf.Tensor]>(WASM_ADAM, inputs, scalars as unknown as tf.NamedAttrMap);
}
