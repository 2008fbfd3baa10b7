import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendMemory } from './wasmModule';
import { growHeap } from './wasmTesting';
import { patchWasmExp, unpatchWasmExp } from './wasmExp';

/** tf.exp(x)'s bits, by whatever Exp kernel is registered now. */
function expBits(x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(new Uint32Array((tf.exp(x).dataSync() as Float32Array).slice().buffer)));
}

/** The same under tfjs's kernel (our patch lifted for the call). */
function reference<T>(f: () => T): T {
  expect(unpatchWasmExp()).toBe(true);
  try {
    return f();
  } finally {
    patchWasmExp();
  }
}

const isNaNBits = (w: number) => (w & 0x7f800000) === 0x7f800000 && (w & 0x7fffff) !== 0;
/** Indices where two bit arrays differ (two NaNs agree: a payload is not a value). */
const differences = (a: number[], b: number[]) => a.flatMap((u, i) => (u === b[i] || (isNaNBits(u) && isNaNBits(b[i]!)) ? [] : [i]));

describe('patchWasmExp (wasm): musl\'s expf in our SIMD kernel, tfjs\'s bits', () => {
  let patchedHere = false;
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    patchedHere = patchWasmExp();
  });
  afterAll(async () => {
    if (patchedHere) unpatchWasmExp();
    await tf.setBackend('cpu');
  });

  it('equals tfjs\'s Exp on 2^20 bit patterns spread over all 2^32, and the edges of every special case', () => {
    // npm run exp-check compares all 2^32 inputs (about a minute); this is its sample, every run.
    const edges = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x00000001, 0x807fffff];
    // 88.0 (where musl's special-case test starts), 88.72 (overflow), -103.97 (underflow), and -87.3 (results turn subnormal): each, and its neighbours.
    for (const c of [0x42b00000, 0x42b17217, 0xc2cff1b4, 0xc2aeac50]) edges.push(c - 1, c, c + 1);
    const n = 2 ** 20;
    const bits = new Uint32Array(n + edges.length);
    for (let i = 0; i < n; i++) bits[i] = (i * 4096 + ((i * 2654435761) >>> 20)) >>> 0; // one per 4096-pattern block, at a scattered offset
    bits.set(edges, n);
    const x = tf.tensor1d(new Float32Array(bits.buffer));
    const ours = expBits(x);
    const theirs = reference(() => expBits(x));
    x.dispose();
    expect(differences(ours, theirs).map((i) => `0x${bits[i]!.toString(16)}`)).toEqual([]);
    expect(ours.length).toBe(n + edges.length);
  });

  it('gives tfjs\'s values for the log-softmax it serves, sizes off multiples of 4, and int32 inputs (tfjs\'s own path)', () => {
    let seed = 10;
    for (const shape of [[1], [3], [7], [5, 13], [64, 24, 68]]) {
      const logits = tf.randomNormal(shape, 0, 4, 'float32', seed++);
      const shifted = tf.tidy(() => tf.sub(logits, tf.max(logits, -1, true)));
      expect(expBits(shifted), JSON.stringify(shape)).toEqual(reference(() => expBits(shifted)));
      tf.dispose([logits, shifted]);
    }
    const ints = tf.tensor1d([-3, 0, 2, 40], 'int32');
    expect(expBits(ints)).toEqual(reference(() => expBits(ints)));
    ints.dispose();
  });

  it('is one Exp kernel leaving no tensor, right after the heap grows, and patches once', async () => {
    const x = tf.randomNormal([33, 7], 0, 3, 'float32', 40);
    const info = await tf.profile(() => tf.exp(x));
    (info.result as tf.Tensor).dispose();
    expect(info.kernelNames).toEqual(['Exp']);
    const before = tf.memory().numTensors;
    const first = expBits(x);
    expect(tf.memory().numTensors).toBe(before);
    const memory = backendMemory((tf.backend() as unknown as { wasm: never }).wasm)!;
    const bytesBefore = memory.buffer.byteLength;
    const big = growHeap(memory);
    expect(memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
    expect(expBits(x)).toEqual(first);
    tf.dispose(big);
    expect(patchWasmExp()).toBe(false); // already patched
    x.dispose();
  });
});
