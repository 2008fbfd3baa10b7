import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendMemory } from '../model/wasmModule';
import { growHeap } from '../model/wasmTesting';
import { patchWasmCopies } from './wasmCopies';
import { patchWasmGather, patchWasmPack, unpatchWasmPackGather } from './wasmPackGather';

/** [shape, values, dtype] of f(), as whatever kernels are registered now give them. */
function result(f: () => tf.Tensor): [number[], number[], string] {
  return tf.tidy(() => {
    const y = f();
    return [y.shape, Array.from(y.dataSync()), y.dtype];
  });
}

/** The same under tfjs's kernels (both patches lifted for the call). */
function reference<T>(f: () => T): T {
  expect(unpatchWasmPackGather()).toBe(true);
  try {
    return f();
  } finally {
    patchWasmPack();
    patchWasmGather();
  }
}

describe('patchWasmPack and patchWasmGather (wasm): stacks through the heap Concat, gathers by whole rows', () => {
  // The fast tier shares processes: put back exactly the kernels found.
  let found: tf.KernelConfig[] = [];
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    found = ['Pack', 'GatherV2', 'Concat', 'Slice', 'SplitV', 'Identity', 'Cast'].map((name) => tf.getKernel(name, 'wasm'));
    patchWasmCopies();
    expect(patchWasmPack()).toBe(true);
    expect(patchWasmGather()).toBe(true);
  });
  afterAll(async () => {
    for (const k of found) {
      tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel(k);
    }
    await tf.setBackend('cpu');
  });

  it('stacks as tfjs does: sampling\'s 24 rows of 64 on axis 1 and 0, int32 and bool too, rank 2 on every axis', () => {
    const rows = Array.from({ length: 24 }, (_, i) => tf.randomNormal([64], 0, 1, 'float32', i));
    const ints = Array.from({ length: 5 }, (_, i) => tf.tensor1d([i, -i, 7 * i], 'int32'));
    const bools = Array.from({ length: 3 }, (_, i) => tf.tensor1d([i % 2 === 0, true], 'bool'));
    const mats = Array.from({ length: 3 }, (_, i) => tf.randomNormal([2, 5], 0, 1, 'float32', 40 + i));
    const cases: [tf.Tensor[], number][] = [[rows, 1], [rows, 0], [rows, -1], [ints, 1], [bools, 1], [mats, 0], [mats, 1], [mats, 2], [mats, -2]];
    for (const [xs, axis] of cases) {
      const ours = result(() => tf.stack(xs, axis));
      expect(ours, `${xs.length} x [${xs[0]!.shape.join(', ')}] ${xs[0]!.dtype} on axis ${axis}`).toEqual(reference(() => result(() => tf.stack(xs, axis))));
    }
    tf.dispose([...rows, ...ints, ...bools, ...mats]);
  });

  it('gathers as tfjs does: the rollout\'s images, rows of a matrix (repeated, out of order), int32, a 2-D index, and leaves other axes and bad indices to tfjs', () => {
    const images = tf.randomNormal([8, 32, 32, 3], 0, 1, 'float32', 50);
    const m = tf.randomNormal([10, 7], 0, 1, 'float32', 51);
    const ints = tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32');
    const cases: [tf.Tensor, number[] | number[][], number][] = [
      [images, [3, 0, 7, 7, 1, 2, 5, 4], 0],
      [m, [9, 0, 0, 4], 0],
      [m, [[1, 2], [3, 9]], 0],
      [ints, [2, 0], 0],
      [m, [6, 1], 1], // another axis: tfjs's
      [m, [2], -2],
    ];
    for (const [x, idx, axis] of cases) {
      const ours = result(() => tf.gather(x, idx, axis));
      expect(ours, `[${x.shape.join(', ')}] by ${JSON.stringify(idx)} on axis ${axis}`).toEqual(reference(() => result(() => tf.gather(x, idx, axis))));
    }
    expect(() => tf.tidy(() => tf.gather(m, [10]))).toThrow(); // out of range: tfjs's kernel says so
    tf.dispose([images, m, ints]);
  });

  it('leaves nothing behind, is right after the heap grows, and patches once', () => {
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 60);
    const rows = [0, 1, 2].map((i) => tf.randomNormal([5], 0, 1, 'float32', 61 + i));
    const run = () => [result(() => tf.gather(x, [5, 0, 3])), result(() => tf.stack(rows, 1))];
    const first = run();
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    const big = growHeap(backendMemory((tf.backend() as unknown as { wasm: never }).wasm)!);
    const again = run();
    tf.dispose(big);
    expect([tf.memory().numTensors, tf.engine().backend.numDataIds()]).toEqual([tensors, buffers]);
    expect(again).toEqual(first);
    expect(patchWasmPack()).toBe(false);
    expect(patchWasmGather()).toBe(false);
    tf.dispose([x, ...rows]);
  });
});
