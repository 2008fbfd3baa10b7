import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerNorm, ParamStore } from './layers';
import { FUSED_LAYER_NORM, WASM_LAYER_NORM_MAX_SIZE, setFusedKernels, setWasmLayerNormMaxSize } from './webgpu/fused';
import { layerNormRows, registerWasmLayerNorm, unregisterWasmLayerNorm, wasmLayerNormRegistered, withoutWasmLayerNorm } from './wasmLayerNorm';

describe('layerNormRows', () => {
  it('normalises each row by hand-computed numbers', () => {
    // Row [1, 2, 3, 4]: mean 2.5, biased variance 1.25, rsqrt(1.25 + 1e-5) = 0.894423...; then ·g + b.
    // Row [5, 5, 5, 5]: variance 0, so (x − mean)·rsqrt(eps) = 0 and y = b.
    const y = new Float32Array(8);
    layerNormRows(new Float32Array([1, 2, 3, 4, 5, 5, 5, 5]), new Float32Array([1, 2, 1, 1]), new Float32Array([0, 0, 0.5, 0]), 1e-5, y);
    const r = 1 / Math.sqrt(1.25 + 1e-5);
    const want = [-1.5 * r, -0.5 * r * 2, 0.5 * r + 0.5, 1.5 * r, 0, 0, 0.5, 0];
    want.forEach((w, i) => expect(y[i]).toBeCloseTo(w, 6));
  });
});

describe('the wasm LayerNorm kernel', () => {
  let store: ParamStore;
  let ln: LayerNorm;
  let ln7: LayerNorm; // rows of 7: the kernel's scalar tail
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    store = new ParamStore({ seed: 1 }, true);
    ln = new LayerNorm(store, 'ln', 64);
    ln7 = new LayerNorm(store, 'ln7', 7);
    tf.tidy(() => {
      ln.g.assign(tf.randomNormal([64], 1, 0.3, 'float32', 3));
      ln.b.assign(tf.randomNormal([64], 0, 0.3, 'float32', 4));
      ln7.g.assign(tf.randomNormal([7], 1, 0.3, 'float32', 5));
      ln7.b.assign(tf.randomNormal([7], 0, 0.3, 'float32', 6));
    });
    registeredHere = registerWasmLayerNorm();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmLayerNorm();
    store.dispose();
    await tf.setBackend('cpu');
  });

  /** ln (or ln7, for rows of 7) over x, as bits, and the kernels it ran. */
  async function run(x: tf.Tensor): Promise<{ bits: Uint32Array; kernels: string[] }> {
    let bits = new Uint32Array(0);
    const norm = x.shape[x.rank - 1] === 7 ? ln7 : ln;
    const info = await tf.profile(() => {
      const y = tf.tidy(() => norm.apply(x)); // tidy: the reference ops' intermediates
      bits = new Uint32Array(new Float32Array(y.dataSync()).buffer);
      return y;
    });
    tf.dispose(info.result);
    return { bits, kernels: info.kernels.map((k) => k.name) };
  }

  // A decoding step's rows, the encoder's patches, a teacher-forced pass's rows (16 prompts'
  // worth, not 64), the MLP-sized [1984, 64]; wide, tiny and constant values; rows of 7.
  const CASES: [number[], number, number][] = [
    [[64, 1, 64], 1, 0.5],
    [[8, 16, 64], 30, -2],
    [[WASM_LAYER_NORM_MAX_SIZE / 64, 64], 1e-3, 0],
    [[16, 31, 64], 1, 0],
    [[1984, 64], 2, 1],
    [[5, 64], 0, 7], // constant rows: variance 0
    [[9, 7], 3, 1],
  ];

  it('runs as one kernel and gives the reference ops\' bits', async () => {
    for (const [shape, scale, shift] of CASES) {
      const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 7), scale), shift));
      const before = tf.memory().numTensors;
      const fused = await run(x);
      expect(fused.kernels.filter((k) => k !== 'Reshape')).toEqual([FUSED_LAYER_NORM]);
      const reference = await withoutWasmLayerNorm(() => run(x));
      expect(wasmLayerNormRegistered()).toBe(true); // registered again after the reference run
      expect(tf.memory().numTensors).toBe(before); // neither path leaves a tensor behind
      expect(reference.kernels.length).toBeGreaterThanOrEqual(9); // the reference ops really ran
      expect(fused.bits, JSON.stringify(shape)).toEqual(reference.bits);
      x.dispose();
    }
  });

  it('does the JavaScript fallback\'s arithmetic (layerNormRows) bit for bit', async () => {
    for (const shape of [[33, 64], [9, 7]]) {
      const x = tf.randomNormal(shape, 0.5, 2, 'float32', 8);
      const norm = shape[1] === 7 ? ln7 : ln;
      const js = new Float32Array(x.size);
      layerNormRows(x.dataSync() as Float32Array, norm.g.dataSync() as Float32Array, norm.b.dataSync() as Float32Array, norm.eps, js);
      expect((await run(x)).bits, JSON.stringify(shape)).toEqual(new Uint32Array(js.buffer));
      x.dispose();
    }
  });

  it('is not used above the JavaScript fallback\'s size limit where only the fallback runs, under a gradient tape, nor when the fused kernels are turned off', async () => {
    const big = tf.randomNormal([WASM_LAYER_NORM_MAX_SIZE / 64 + 1, 64]);
    expect((await run(big)).kernels).toContain(FUSED_LAYER_NORM); // our wasm kernel: no limit
    setWasmLayerNormMaxSize(WASM_LAYER_NORM_MAX_SIZE); // what registering sets where the wasm module cannot run
    try {
      expect((await run(big)).kernels).not.toContain(FUSED_LAYER_NORM);
    } finally {
      registerWasmLayerNorm(); // sets the limit again from the backend: none
    }
    expect((await run(big)).kernels).toContain(FUSED_LAYER_NORM);
    big.dispose();
    expect(wasmLayerNormRegistered()).toBe(true);
    const x = tf.randomNormal([6, 64], 0, 1, 'float32', 9);
    const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(ln.apply(t))))(x));
    tf.dispose(info.result);
    expect(info.kernels.map((k) => k.name)).not.toContain(FUSED_LAYER_NORM);
    setFusedKernels(false);
    try {
      const off = await run(x);
      expect(off.kernels).not.toContain(FUSED_LAYER_NORM);
    } finally {
      setFusedKernels(true);
    }
    x.dispose();
  });
});
