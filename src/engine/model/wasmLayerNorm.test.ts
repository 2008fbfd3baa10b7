import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerNorm, ParamStore } from './layers';
import { FUSED_LAYER_NORM, WASM_LAYER_NORM_MAX_SIZE, setFusedKernels, setWasmLayerNormMaxSize } from './webgpu/fused';
import { WASM_LAYER_NORM_TAPED, layerNormRows, registerWasmLayerNorm, registerWasmLayerNormTaped, unregisterWasmLayerNorm, unregisterWasmLayerNormTaped, wasmLayerNormRegistered, withoutWasmLayerNorm } from './wasmLayerNorm';

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
    [[6, 64], 1, -1], // rows in groups of four: a group, then two rows
    [[7, 64], 2, 0.5], // a group, then three rows
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

describe('LayerNorm under a gradient tape on wasm: one kernel each way, the reference ops\' bits', () => {
  let store: ParamStore;
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    store = new ParamStore({ seed: 2 }, true);
    registeredHere = registerWasmLayerNormTaped();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmLayerNormTaped();
    store.dispose();
    await tf.setBackend('cpu');
  });

  /**
   * A pre-LN residual block's shape of use: h = x + ln1(x)·w1, out = Σ (h + ln2(h))·w2, so x and h
   * each reach a LayerNorm and a residual add (their gradients are sums whose order matters).
   * Returns the loss, and the gradients of x and of both LayerNorms' gain and bias, as bits; and
   * the kernels the gradient ran.
   */
  async function block(x: tf.Tensor, ln1: LayerNorm, ln2: LayerNorm, w1: tf.Tensor, w2: tf.Tensor) {
    const vars = [ln1.g, ln1.b, ln2.g, ln2.b];
    const info = await tf.profile(() =>
      tf.tidy(() => {
        const xv = tf.variable(x.clone(), true);
        const { value, grads } = tf.variableGrads(() => {
          const h = tf.add(xv, tf.mul(ln1.apply(xv), w1));
          return tf.sum<tf.Scalar>(tf.mul(tf.add(h, ln2.apply(h)), w2));
        }, [xv, ...vars]);
        const out = [value, grads[xv.name]!, ...vars.map((v) => grads[v.name]!)].map((t) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer)));
        xv.dispose();
        return tf.tensor1d(out.flat().map((b) => b >>> 0), 'int32'); // returned so tf.profile sees a tensor
      }),
    );
    const bits = Array.from((info.result as tf.Tensor).dataSync());
    (info.result as tf.Tensor).dispose();
    return { bits, kernels: info.kernels.map((k) => k.name) };
  }

  it('gives the reference ops\' loss and gradients bit for bit: rows of 64 (a teacher-forced pass\'s, 4 prompts\' worth) and of 7; row counts past a group of four by 1-3', async () => {
    for (const [shape, seed] of [[[4, 31, 64], 10], [[3, 5, 7], 20], [[2, 64], 30], [[5, 64], 40], [[7, 64], 50]] as [number[], number][]) {
      const c = shape[shape.length - 1]!;
      const ln1 = new LayerNorm(store, `a${seed}`, c);
      const ln2 = new LayerNorm(store, `b${seed}`, c);
      tf.tidy(() => {
        for (const [i, v] of [ln1.g, ln2.g].entries()) v.assign(tf.randomNormal([c], 1, 0.3, 'float32', seed + i));
        for (const [i, v] of [ln1.b, ln2.b].entries()) v.assign(tf.randomNormal([c], 0, 0.3, 'float32', seed + 2 + i));
      });
      const x = tf.randomNormal(shape, 0.5, 2, 'float32', seed + 4);
      const w1 = tf.randomNormal(shape, 0, 1, 'float32', seed + 5);
      const w2 = tf.randomNormal(shape, 0, 1, 'float32', seed + 6);
      const ours = await block(x, ln1, ln2, w1, w2);
      expect(unregisterWasmLayerNormTaped()).toBe(true);
      let ref: Awaited<ReturnType<typeof block>>;
      try {
        ref = await block(x, ln1, ln2, w1, w2);
      } finally {
        registerWasmLayerNormTaped();
      }
      expect(ours.bits.length).toBe(1 + tf.util.sizeFromShape(shape) + 4 * c);
      expect(ours.bits, JSON.stringify(shape)).toEqual(ref.bits);
      expect(ours.kernels.filter((k) => k === WASM_LAYER_NORM_TAPED)).toHaveLength(2); // the two LayerNorms' forwards (their gradients are one kernel each too)
      expect(ref.kernels).not.toContain(WASM_LAYER_NORM_TAPED);
      expect(ref.kernels).toContain('Rsqrt');
      expect(ours.kernels).not.toContain('Rsqrt');
      tf.dispose([x, w1, w2]);
    }
  });

  it('leaves no tensor behind, forward or backward', () => {
    const ln = new LayerNorm(store, 'leak', 64);
    const x = tf.randomNormal([8, 64], 0, 1, 'float32', 40);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.variableGrads(() => tf.sum<tf.Scalar>(ln.apply(x))); // the gain's and bias's gradients: x's pruned
        tf.grads((t: tf.Tensor) => tf.sum(ln.apply(t)))([x]); // x's: the gain's and bias's pruned
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
