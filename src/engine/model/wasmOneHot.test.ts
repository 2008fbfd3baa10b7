import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneHotFloat } from './layers';
import { WASM_ONE_HOT_FLOAT, registerWasmOneHot, unregisterWasmOneHot } from './wasmOneHot';

/** oneHotFloat's [shape, values, dtype] and the kernels it ran, by whatever is registered now. */
async function run(ids: tf.Tensor, depth: number) {
  const info = await tf.profile(() => oneHotFloat(ids, depth));
  const y = info.result as tf.Tensor;
  const out = { shape: y.shape, values: Array.from(y.dataSync()), dtype: y.dtype, kernels: info.kernelNames };
  y.dispose();
  return out;
}

describe('the wasm float one-hot kernel', () => {
  let registeredHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    registeredHere = registerWasmOneHot();
  });
  afterAll(async () => {
    if (registeredHere) unregisterWasmOneHot();
    await tf.setBackend('cpu');
  });

  it('gives OneHot-then-Cast\'s values: a decoding step\'s 64 ids over 68 words, a [N, L] batch, ids out of range (a row of zeros), one kernel', async () => {
    const cases: [tf.Tensor, number][] = [
      [tf.tensor1d(Array.from({ length: 64 }, (_, i) => (i * 7) % 68), 'int32'), 68],
      [tf.tensor2d([[0, 3, 2], [1, 1, 0]], [2, 3], 'int32'), 4],
      [tf.tensor1d([-1, 5, 2, 4], 'int32'), 4],
    ];
    for (const [ids, depth] of cases) {
      const ours = await run(ids, depth);
      expect(unregisterWasmOneHot()).toBe(true);
      let ref: Awaited<ReturnType<typeof run>>;
      try {
        ref = await run(ids, depth);
      } finally {
        registerWasmOneHot();
      }
      expect([ours.shape, ours.values, ours.dtype]).toEqual([ref.shape, ref.values, ref.dtype]);
      expect(ours.kernels).toEqual([WASM_ONE_HOT_FLOAT]);
      expect(ref.kernels).toEqual(['OneHot', 'Cast']);
      ids.dispose();
    }
  });

  it('feeds an embedding lookup under a gradient tape (its ids are never differentiated) with the reference gradient, and leaves nothing behind', () => {
    const table = tf.variable(tf.randomNormal([6, 4], 0, 1, 'float32', 3));
    const ids = tf.tensor1d([5, 0, 2, 2], 'int32');
    const grad = () => tf.tidy(() => Array.from(tf.variableGrads(() => tf.sum<tf.Scalar>(tf.square(tf.matMul(oneHotFloat(ids, 6), table))), [table]).grads[table.name]!.dataSync()));
    const tensors = tf.memory().numTensors;
    const ours = grad();
    expect(tf.memory().numTensors).toBe(tensors);
    unregisterWasmOneHot();
    try {
      expect(ours).toEqual(grad());
    } finally {
      registerWasmOneHot();
    }
    tf.dispose([table, ids]);
  });
});
