import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, clipScale } from './optim';
import { WASM_ADAM, registerWasmAdam, unregisterWasmAdam, wasmAdamStep } from './wasmAdam';

/** Variables of several shapes (sizes off multiples of 4: the kernel's tail), seeded. */
function makeVariables(): tf.Variable[] {
  return [[3, 5], [7], [2, 2, 2], [1], [64, 33]].map((shape, i) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 100 + i)))); // tidy: the initial values
}

/**
 * Four Adam steps at lr 1e-3 on fixed gradients, the first two clipped (maxNorm 1: a scale
 * applies), the last two not; the weights' bits after each step, and the kernels the steps ran.
 */
async function steps(): Promise<{ bits: number[][]; kernels: string[] }> {
  const vars = makeVariables();
  const opt = new Adam(vars);
  const bits: number[][] = [];
  const kernels: string[] = [];
  try {
    for (let t = 0; t < 4; t++) {
      const grads = vars.map((v, i) => tf.randomNormal(v.shape, 0, t < 2 ? 3 : 0.01, 'float32', 200 + 10 * t + i));
      const { norm, scale } = clipScale(grads, t < 2 ? 1 : 1e6);
      const info = await tf.profile(() => opt.step(grads, 1e-3, scale ?? undefined));
      kernels.push(...info.kernels.map((k) => k.name));
      bits.push(vars.flatMap((v) => Array.from(new Uint32Array(new Float32Array(v.dataSync()).buffer))));
      tf.dispose([...grads, norm, ...(scale ? [scale] : [])]);
    }
  } finally {
    opt.dispose();
    tf.dispose(vars);
  }
  return { bits, kernels };
}

describe('Adam on wasm: one kernel for the element-wise chain, the chain\'s bits', () => {
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    registeredHere = registerWasmAdam();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmAdam();
    await tf.setBackend('cpu');
  });

  it('gives the reference chain\'s weights bit for bit over clipped and unclipped steps, in one kernel per step', async () => {
    const ours = await steps();
    expect(unregisterWasmAdam()).toBe(true);
    let ref: Awaited<ReturnType<typeof steps>>;
    try {
      ref = await steps();
    } finally {
      registerWasmAdam();
    }
    expect(ours.bits.length).toBe(4);
    expect(ours.bits).toEqual(ref.bits);
    expect(ours.kernels.filter((k) => k === WASM_ADAM)).toHaveLength(4);
    expect(ref.kernels).not.toContain(WASM_ADAM);
    expect(ref.kernels).toContain('Sqrt');
    expect(ours.kernels).not.toContain('Sqrt');
  });

  it('leaves no tensor behind', () => {
    const vars = makeVariables();
    const opt = new Adam(vars);
    const grads = vars.map((v) => tf.onesLike(v));
    const before = tf.memory().numTensors;
    for (let t = 0; t < 3; t++) opt.step(grads, 1e-3);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    tf.dispose([...vars, ...grads]);
  });

  it('steps aside elsewhere without making the flat weights (a Concat of every variable: a dispatch or more on a GPU)', async () => {
    await tf.setBackend('cpu');
    try {
      const g = tf.ones([4]);
      let made = 0;
      const weights = () => {
        made++;
        return tf.zeros([4]);
      };
      const scalars = { beta1: 0.9, beta2: 0.999, c1: 0.1, c2: 0.001, epsilon: 1e-8, lr: 1e-3 };
      expect(wasmAdamStep(g, g, g, weights, undefined, scalars)).toBeNull();
      expect(made).toBe(0);
      g.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
