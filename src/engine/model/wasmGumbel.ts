/**
 * Sampling's Gumbel noise as a tensor. On tfjs's wasm backend the engine's own kernel
 * (./kernels/gumbel.wat) writes it straight into the backend's memory (`RftWasmGumbel`);
 * elsewhere ./sampling.ts's `gumbelNoise` makes it in JavaScript and it is uploaded. Same
 * bits either way: the kernel is the same generator and V8's Math.log, transcribed (see the
 * .wat); `npm run exp-check -- --kernel gumbel` compares the two on all 2^32 draws.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rngState } from '../random';
import { GUMBEL_WASM_PLAIN, GUMBEL_WASM_SHARED } from './kernels/gumbel.bytes';
import { type WasmBackend, instantiateOver, perBackend } from './wasmModule';

/** The kernel's export: `n` floats of noise at byte address `out`, from the generator's state before its first draw. */
export type GumbelKernel = (state: number, out: number, n: number) => void;

export const gumbelKernels = perBackend((memory) => instantiateOver(memory, { plain: GUMBEL_WASM_PLAIN, shared: GUMBEL_WASM_SHARED }).gumbel as GumbelKernel);

/** The tfjs kernel name: no inputs; attrs the seed's generator state and the output shape. */
export const WASM_GUMBEL = 'RftWasmGumbel';

/** Register the kernel for `backendName` (default 'wasm'). Returns true if registered now. */
export function registerWasmGumbel(backendName = 'wasm'): boolean {
  if (tf.getKernel(WASM_GUMBEL, backendName)) return false;
  tf.registerKernel({
    kernelName: WASM_GUMBEL,
    backendName,
    kernelFunc: ({ backend, attrs }) => {
      const { state, shape } = attrs as unknown as { state: number; shape: number[] };
      const be = backend as unknown as WasmBackend;
      const out = be.makeOutput([...shape], 'float32');
      gumbelKernels.get(be)!(state, be.getMemoryOffset(out.dataId), tf.util.sizeFromShape(shape));
      return out;
    },
  });
  return true;
}

/** Undo registerWasmGumbel (tests compare against the JavaScript). Returns true if it was registered. */
export function unregisterWasmGumbel(backendName = 'wasm'): boolean {
  if (!tf.getKernel(WASM_GUMBEL, backendName)) return false;
  tf.unregisterKernel(WASM_GUMBEL, backendName);
  return true;
}

/** Standard Gumbel noise of `shape` for `seed` through the kernel, or null where it does not run (the caller makes it in JavaScript). */
export function wasmGumbelNoise(seed: number, shape: number[]): tf.Tensor | null {
  if (tf.getBackend() !== 'wasm' || !tf.getKernel(WASM_GUMBEL, 'wasm') || !gumbelKernels.get(tf.backend() as unknown as WasmBackend)) return null;
  return tf.engine().runKernel<tf.Tensor>(WASM_GUMBEL, {}, { state: rngState(seed), shape });
}
