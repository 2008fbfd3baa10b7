import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendMemory } from '../model/wasmModule';
import { growHeap } from '../model/wasmTesting';
import { columnSumPlan, patchWasmColumnSum, unpatchWasmColumnSum } from './wasmColumnSum';

/** tf.sum(x, axis, keepDims) as [shape, values], by whatever Sum kernel is registered now. */
function summed(x: tf.Tensor, axis: number | number[], keepDims = false): [number[], number[]] {
  return tf.tidy(() => {
    const y = tf.sum(x, axis, keepDims);
    return [y.shape, Array.from(y.dataSync())];
  });
}

/** The same under tfjs's kernel (our patch lifted for the call). */
function reference<T>(f: () => T): T {
  expect(unpatchWasmColumnSum()).toBe(true);
  try {
    return f();
  } finally {
    patchWasmColumnSum();
  }
}

describe('patchWasmColumnSum (wasm): a bias gradient\'s Sum over the rows in one pass', () => {
  let patchedHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    patchedHere = patchWasmColumnSum();
  });
  afterAll(async () => {
    if (patchedHere) unpatchWasmColumnSum();
    await tf.setBackend('cpu');
  });

  it('plans only Sums over every axis but the last', () => {
    expect(columnSumPlan([1984, 256], [0], false)).toEqual({ rows: 1984, cols: 256, outShape: [256] });
    expect(columnSumPlan([64, 31, 64], [1, -3], true)).toEqual({ rows: 64 * 31, cols: 64, outShape: [1, 1, 64] });
    expect(columnSumPlan([64, 31, 64], [0], false)).toBeNull(); // not every leading axis
    expect(columnSumPlan([64, 31], [1], false)).toBeNull(); // the innermost axis: tfjs's own loop
    expect(columnSumPlan([64], [0], false)).toBeNull();
    expect(columnSumPlan([0, 3], [0], false)).toBeNull();
    expect(columnSumPlan([4, 3], undefined, false)).toBeNull();
  });

  it('equals tfjs\'s kernel bit for bit: rows of 1 to 300, columns off multiples of 4, rank 3, keepDims, a bias gradient', () => {
    let compared = 0;
    let seed = 10;
    for (const shape of [[1, 5], [7, 1], [3, 4], [5, 7], [300, 256], [33, 192], [4, 31, 65]]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', seed++);
      const axes = shape.slice(0, -1).map((_, i) => i);
      for (const keepDims of [false, true]) {
        const ours = summed(x, axes, keepDims);
        expect(ours, JSON.stringify(shape)).toEqual(reference(() => summed(x, axes, keepDims)));
        compared += ours[1].length;
      }
      x.dispose();
    }
    expect(compared).toBe(2 * (5 + 1 + 4 + 7 + 256 + 192 + 65));
    // A Dense layer's bias gradient, as the trainer takes it.
    const grads = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([96, 64], 0, 1, 'float32', 40);
        const b = tf.randomNormal([24], 0, 1, 'float32', 41);
        const w = tf.randomNormal([64, 24], 0, 1, 'float32', 42);
        return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(x, w), t))))(b).dataSync());
      });
    expect(grads()).toEqual(reference(grads));
  });

  it('reads dy in place: one Sum kernel, no Transpose; no tensor left; right after the heap grows', async () => {
    const x = tf.randomNormal([40, 24], 0, 1, 'float32', 50);
    const info = await tf.profile(() => tf.sum(x, 0));
    (info.result as tf.Tensor).dispose();
    expect(info.kernelNames).toEqual(['Sum']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.sum(x, 0).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const memory = backendMemory((tf.backend() as unknown as { wasm: never }).wasm)!;
    const first = summed(x, 0);
    const bytesBefore = memory.buffer.byteLength;
    const big = growHeap(memory);
    const second = summed(x, 0);
    expect(memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
    tf.dispose(big);
    expect(second).toEqual(first);
    x.dispose();
  });

  it('leaves other Sums to tfjs\'s kernel, and patches once', () => {
    const x = tf.randomNormal([6, 5, 4], 0, 1, 'float32', 60);
    for (const axis of [[0], [2], [1, 2], [0, 1, 2]]) expect(summed(x, axis)).toEqual(reference(() => summed(x, axis)));
    const ints = tf.tensor([[1, 2], [3, 4]], undefined, 'int32');
    expect(summed(ints, 0)).toEqual([[2], [4, 6]]);
    tf.dispose([x, ints]);
    expect(patchWasmColumnSum()).toBe(false);
  });
});
