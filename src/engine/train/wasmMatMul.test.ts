import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchTransposedMatMul } from './wasmMatMul';

/** Every transpose combination of matMul and fused matMul (bias + relu), ranks 2-4, and a gradient. */
function products(): number[][] {
  return tf.tidy(() => {
    const out: tf.Tensor[] = [];
    const shapes: [number[], number[]][] = [
      [[5, 3], [3, 4]],
      [[2, 5, 3], [2, 3, 4]],
      [[2, 2, 5, 3], [2, 2, 3, 4]],
    ];
    shapes.forEach(([sa, sb], i) => {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 10 + i);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 20 + i);
      const swap = (x: tf.Tensor) => {
        const r = x.rank;
        const perm = Array.from({ length: r }, (_, k) => k);
        [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
        return tf.transpose(x, perm);
      };
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const A = ta ? swap(a) : a;
          const B = tb ? swap(b) : b;
          out.push(tf.matMul(A, B, ta, tb));
          if (sa.length === 2) out.push(tf.fused.matMul({ a: A, b: B, transposeA: ta, transposeB: tb, bias: tf.ones([4]), activation: 'relu' }));
        }
      }
      const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([a, b]);
      out.push(...grads);
    });
    return out.map((t) => Array.from(t.dataSync()));
  });
}

describe('patchTransposedMatMul (wasm)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the same numbers as the original kernels, leaks nothing, and patches once', () => {
    const before = products();
    expect(patchTransposedMatMul()).toBe(true);
    const n = tf.memory().numTensors;
    const after = products();
    expect(tf.memory().numTensors).toBe(n);
    expect(after).toHaveLength(before.length);
    after.forEach((xs, i) => xs.forEach((x, j) => expect(x).toBeCloseTo(before[i]![j]!, 4)));
    expect(patchTransposedMatMul()).toBe(false); // already patched
    expect(patchTransposedMatMul('no-such-backend')).toBe(false);
  });
});
