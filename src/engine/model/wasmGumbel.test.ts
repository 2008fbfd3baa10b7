import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gumbelNoise } from './sampling';
import { WASM_GUMBEL, registerWasmGumbel, unregisterWasmGumbel, wasmGumbelNoise } from './wasmGumbel';
import { backendMemory, type WasmBackend } from './wasmModule';
import { growHeap } from './wasmTesting';

/** The kernel's noise for `seed` as float32 bit patterns. */
function kernelBits(seed: number, shape: number[]): number[] {
  return tf.tidy(() => Array.from(new Uint32Array((wasmGumbelNoise(seed, shape)!.dataSync() as Float32Array).slice().buffer)));
}

/** The JavaScript's noise for `seed` as float32 bit patterns. */
function javascriptBits(seed: number, size: number): number[] {
  return Array.from(new Uint32Array(gumbelNoise(seed, size).buffer));
}

describe('the wasm Gumbel noise kernel', () => {
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    registeredHere = registerWasmGumbel();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmGumbel();
    await tf.setBackend('cpu');
  });

  it('gives the JavaScript\'s bits: a decoding step\'s 64 x 68 for 200 seeds, sizes off a multiple of 4, a quarter million draws of one stream', () => {
    for (let seed = 0; seed < 200; seed++) expect(kernelBits(seed * 7919 + 1, [64, 68]), `seed ${seed * 7919 + 1}`).toEqual(javascriptBits(seed * 7919 + 1, 64 * 68));
    for (const size of [1, 2, 3, 5, 6, 7]) expect(kernelBits(42, [size])).toEqual(javascriptBits(42, size));
    // A quarter million draws of one stream: fdlibm's branches (log's small-f and hfsq forms) each
    // many times. Every draw, u = 2^-33 (the f = 0 branch) included: `npm run exp-check -- --kernel gumbel`.
    expect(kernelBits(99, [2 ** 18])).toEqual(javascriptBits(99, 2 ** 18));
  });

  it('runs as one kernel, leaves nothing behind, survives the heap growing, and steps aside where not registered', async () => {
    const info = await tf.profile(() => wasmGumbelNoise(5, [64, 68])!);
    (info.result as tf.Tensor).dispose();
    expect(info.kernelNames).toEqual([WASM_GUMBEL]);
    const first = kernelBits(5, [64, 68]);
    const tensors = tf.memory().numTensors;
    const chunks = growHeap(backendMemory((tf.backend() as unknown as WasmBackend).wasm)!);
    try {
      expect(kernelBits(5, [64, 68])).toEqual(first);
      expect(tf.memory().numTensors).toBe(tensors + chunks.length);
    } finally {
      tf.dispose(chunks);
    }
    expect(unregisterWasmGumbel()).toBe(true);
    try {
      expect(wasmGumbelNoise(5, [4])).toBeNull();
    } finally {
      registerWasmGumbel();
    }
  });
});
