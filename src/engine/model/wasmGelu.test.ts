import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GELU_CUBIC, GELU_LINEAR, gelu } from './layers';
import { WASM_GELU, WASM_GELU_GRAD, registerWasmGelu, unregisterWasmGelu, wasmGelu, withoutWasmGelu } from './wasmGelu';
import { backendMemory } from './wasmModule';
import { growHeap } from './wasmTesting';

/** x spanning GELU's regions: deep negative (sigmoid ~0), around 0 (±0 included), deep positive (sigmoid 1). */
function inputs(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.randomNormal(shape, 0, 3, 'float32', seed);
    const n = x.size;
    const edge = [0, -0, 12, -12, 40, -40, 1e-20, -1e-20].slice(0, n);
    const flat = x.dataSync().slice();
    flat.set(edge);
    return tf.tensor(flat, shape);
  });
}

/** gelu(x), and the gradient of Σ gelu(x)·w, as arrays; and the kernels the gradient ran. */
async function run(x: tf.Tensor, w: tf.Tensor) {
  const y = tf.tidy(() => Array.from(gelu(x).dataSync()));
  const info = await tf.profile(() => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), w)))(x)));
  const g = info.result as tf.Tensor;
  const dx = Array.from(g.dataSync());
  g.dispose();
  return { y, dx, kernels: info.kernelNames };
}

describe('the wasm GELU kernels', () => {
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    registeredHere = registerWasmGelu();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmGelu();
    await tf.setBackend('cpu');
  });

  it('give the reference ops\' values and gradients bit for bit: sizes off multiples of 4, the MLP\'s [rows, 256] (16 rows, not 64), saturated and signed-zero inputs', async () => {
    let compared = 0;
    for (const [i, shape] of [[1], [3], [4], [7], [3, 5, 7], [16, 31, 256]].entries()) {
      const x = inputs(shape, 10 + i);
      const w = tf.randomNormal(shape, 0, 1, 'float32', 20 + i);
      const ours = await run(x, w);
      const ref = await withoutWasmGelu(() => run(x, w));
      expect(ours.y, `forward ${JSON.stringify(shape)}`).toEqual(ref.y); // toEqual tells +0 from -0
      expect(ours.dx, `gradient ${JSON.stringify(shape)}`).toEqual(ref.dx);
      expect(ours.kernels).toContain(WASM_GELU_GRAD);
      expect(ref.kernels).not.toContain(WASM_GELU_GRAD);
      compared += ours.y.length;
      tf.dispose([x, w]);
    }
    expect(compared).toBe(1 + 3 + 4 + 7 + 105 + 16 * 31 * 256);
  });

  it('run as one kernel forward and one for the gradient, leaving no tensor behind', async () => {
    const x = inputs([8, 64], 30);
    const fwd = await tf.profile(() => tf.tidy(() => gelu(x)));
    (fwd.result as tf.Tensor).dispose();
    expect(fwd.kernelNames).toEqual([WASM_GELU]);
    const bwd = await tf.profile(() => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x)));
    (bwd.result as tf.Tensor).dispose();
    // The rest is tf.grad's seed and Sum's gradient (a broadcast Multiply); none of GELU's own chain.
    expect(bwd.kernelNames.filter((k) => k === WASM_GELU || k === WASM_GELU_GRAD)).toEqual([WASM_GELU, WASM_GELU_GRAD]);
    for (const k of ['Sigmoid', 'Square', 'Sub', 'Add', 'Cast']) expect(bwd.kernelNames).not.toContain(k);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.tidy(() => {
      tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x);
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('still read and write the right bytes after the heap grows between calls', () => {
    const memory = backendMemory((tf.backend() as unknown as { wasm: never }).wasm)!;
    const x = inputs([33, 7], 40);
    const first = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x).dataSync()));
    const bytesBefore = memory.buffer.byteLength;
    const big = growHeap(memory);
    const second = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x).dataSync()));
    expect(memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
    tf.dispose(big);
    expect(second).toEqual(first);
    x.dispose();
  });

  it('step aside where they do not apply: not registered, not float32, another backend', async () => {
    const x = tf.ones([4]);
    expect(unregisterWasmGelu()).toBe(true);
    expect(wasmGelu(x, GELU_CUBIC, GELU_LINEAR)).toBeNull();
    expect(registerWasmGelu()).toBe(true);
    expect(registerWasmGelu()).toBe(false);
    const ints = tf.ones([4], 'int32');
    expect(wasmGelu(ints, GELU_CUBIC, GELU_LINEAR)).toBeNull();
    tf.dispose([x, ints]);
    await tf.setBackend('cpu');
    try {
      const c = tf.ones([4]);
      expect(wasmGelu(c, GELU_CUBIC, GELU_LINEAR)).toBeNull();
      c.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
