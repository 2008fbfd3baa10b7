import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendMemory } from '../model/wasmModule';
import { growHeap } from '../model/wasmTesting';
import { keepsLayout, patchWasmTranspose, transposeRunsPlan, unpatchWasmTranspose } from './wasmTranspose';

/** tf.transpose(x, perm) as [shape, values], by whatever Transpose kernel is registered now. */
function transposed(x: tf.Tensor, perm: number[]): [number[], number[]] {
  return tf.tidy(() => {
    const y = tf.transpose(x, perm);
    return [y.shape, Array.from(y.dataSync())];
  });
}

/** The same under tfjs's kernel (our patch lifted for the call). */
function reference<T>(f: () => T): T {
  expect(unpatchWasmTranspose()).toBe(true);
  try {
    return f();
  } finally {
    patchWasmTranspose();
  }
}

/** Every permutation of [0, ..., n - 1]. */
function perms(n: number): number[][] {
  if (n === 1) return [[0]];
  return perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe('patchWasmTranspose (wasm): transposes that keep the last axis copy whole runs', () => {
  let patchedHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    patchedHere = patchWasmTranspose();
  });
  afterAll(async () => {
    if (patchedHere) unpatchWasmTranspose();
    await tf.setBackend('cpu');
  });

  it('plans only ranks 2-4 with the last axis kept and at least 4 elements in it', () => {
    expect(transposeRunsPlan([64, 31, 12, 16], [0, 2, 1, 3])).toEqual({
      outShape: [64, 12, 31, 16],
      run: 64,
      outer: [{ n: 64, s: 31 * 12 * 16 * 4 }, { n: 12, s: 16 * 4 }, { n: 31, s: 12 * 16 * 4 }],
    });
    expect(transposeRunsPlan([3, 4], [0, 1])).toMatchObject({ outer: [{ n: 1, s: 0 }, { n: 1, s: 0 }, { n: 3, s: 16 }] });
    expect(transposeRunsPlan([3, 4], [1, 0])).toBeNull(); // the last axis moves
    expect(transposeRunsPlan([3, 4, 3], [1, 0, 2])).toBeNull(); // runs of 3
    expect(transposeRunsPlan([2, 3, 4, 5, 6], [1, 0, 2, 3, 4])).toBeNull(); // rank 5
    expect(transposeRunsPlan([0, 3, 4], [1, 0, 2])).toBeNull();
  });

  it('equals tfjs\'s kernel: every permutation of rank 3 and 4 keeping the last axis, runs of 4, 5 and 16 floats, int32 too', () => {
    let compared = 0;
    let seed = 10;
    for (const last of [4, 5, 16]) {
      for (const [rank, shape] of [[3, [3, 5, last]], [4, [2, 3, 5, last]]] as const) {
        for (const head of perms(rank - 1)) {
          const perm = [...head, rank - 1];
          const x = tf.randomNormal([...shape], 0, 1, 'float32', seed++);
          expect(transposeRunsPlan(x.shape, perm), JSON.stringify(perm)).not.toBeNull();
          const ours = transposed(x, perm);
          expect(ours, `${JSON.stringify(shape)} ${JSON.stringify(perm)}`).toEqual(reference(() => transposed(x, perm)));
          compared += ours[1].length;
          x.dispose();
        }
      }
    }
    expect(compared).toBe((4 + 5 + 16) * (2 * 15 + 6 * 30));
    const ints = tf.tensor(Array.from({ length: 2 * 3 * 4 }, (_, i) => i - 7), [2, 3, 4], 'int32');
    expect(transposed(ints, [1, 0, 2])).toEqual(reference(() => transposed(ints, [1, 0, 2])));
    ints.dispose();
  });

  it('gives attention\'s head split its gradient as tfjs\'s kernel does (the transpose\'s gradient is a transpose)', () => {
    const grads = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([4, 7, 6, 16], 0, 1, 'float32', 40);
        const w = tf.randomNormal([4, 6, 7, 16], 0, 1, 'float32', 41);
        return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, [0, 2, 1, 3]), w)))(x).dataSync());
      });
    expect(grads()).toEqual(reference(grads));
  });

  it('shares the buffer where only axes of size 1 move (a decoding step\'s heads), with tfjs\'s values and gradient, and frees it once', () => {
    expect(keepsLayout([64, 1, 12, 16], [0, 2, 1, 3])).toBe(true);
    expect(keepsLayout([64, 4, 1, 16], [0, 2, 1, 3])).toBe(true);
    expect(keepsLayout([1, 5, 1], [2, 1, 0])).toBe(true);
    expect(keepsLayout([64, 2, 12, 16], [0, 2, 1, 3])).toBe(false);
    expect(keepsLayout([3, 1, 4], [2, 1, 0])).toBe(false);
    const cases: [number[], number[]][] = [[[8, 1, 12, 16], [0, 2, 1, 3]], [[8, 4, 1, 16], [0, 2, 1, 3]], [[1, 5, 1], [2, 1, 0]], [[6, 1], [1, 0]]];
    for (const [i, [shape, perm]] of cases.entries()) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 60 + i);
      const buffers = tf.engine().backend.numDataIds();
      const y = tf.transpose(x, perm);
      expect(tf.engine().backend.numDataIds()).toBe(buffers); // no copy
      expect([y.shape, Array.from(y.dataSync())]).toEqual(reference(() => transposed(x, perm)));
      x.dispose();
      expect(Array.from(y.dataSync()).length).toBe(x.size); // still readable after its input is gone
      y.dispose();
      expect(tf.engine().backend.numDataIds()).toBe(buffers - 1);
    }
    const grads = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([4, 1, 6, 16], 0, 1, 'float32', 70);
        const w = tf.randomNormal([4, 6, 1, 16], 0, 1, 'float32', 71);
        return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, [0, 2, 1, 3]), w)))(x).dataSync());
      });
    expect(grads()).toEqual(reference(grads));
  });

  it('leaves the others to tfjs\'s kernel, leaks nothing, is right after the heap grows, and patches once', () => {
    const x = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 50);
    for (const perm of [[2, 1, 0], [0, 2, 1], [1, 2, 0]]) expect(transposed(x, perm)).toEqual(reference(() => transposed(x, perm)));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.transpose(x, [1, 0, 2]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const memory = backendMemory((tf.backend() as unknown as { wasm: never }).wasm)!;
    const first = transposed(x, [1, 0, 2]);
    const bytesBefore = memory.buffer.byteLength;
    const big = growHeap(memory);
    const second = transposed(x, [1, 0, 2]);
    expect(memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
    tf.dispose(big);
    expect(second).toEqual(first);
    x.dispose();
    expect(patchWasmTranspose()).toBe(false);
  });
});
