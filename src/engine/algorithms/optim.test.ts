import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam, clipByGlobalNorm, clipScale } from './optim';
import { hostWritesDuring } from '../rl/testing.test-utils';

/** Adam as the paper writes it, per element in float64 (Kingma & Ba 2014, Algorithm 1). */
function referenceAdam(theta: number[], grads: number[][], lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const x = [...theta];
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  grads.forEach((g, step) => {
    const t = step + 1;
    for (let i = 0; i < x.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      x[i] = x[i]! - (lr * (m[i]! / (1 - b1 ** t))) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + eps);
    }
  });
  return x;
}

describe('Adam', () => {
  it('first step by hand: m̂ = g and v̂ = g², so every weight moves by lr · g/|g|', () => {
    // θ = [1, 2] (one variable) and [[3]] (another), g = [0.5, -2] and [[0.25]], lr = 0.1:
    // m = 0.1·g, v = 0.001·g²; m̂ = m / (1 − 0.9) = g, v̂ = v / (1 − 0.999) = g²;
    // θ − 0.1·g / (|g| + 1e-8) = [0.9, 2.1] and [[2.9]].
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor2d([[3]]));
    const opt = new Adam([a, b]);
    const g = [tf.tensor1d([0.5, -2]), tf.tensor2d([[0.25]])];
    opt.step(g, 0.1);
    tf.test_util.expectArraysClose(a.dataSync(), [0.9, 2.1], 1e-6);
    tf.test_util.expectArraysClose(b.dataSync(), [2.9], 1e-6);
    expect(b.shape).toEqual([1, 1]);
    opt.dispose();
    tf.dispose([a, b, ...g]);
  });

  it('three steps over several variables equal the per-element reference to 1e-5, in kernels that do not grow per variable', async () => {
    const shapes = [[3, 4], [4], [2, 2, 2], [1], [5]];
    const theta = shapes.map((s, k) => Array.from({ length: s.reduce((x, y) => x * y, 1) }, (_, i) => Math.sin(1 + i + 10 * k)));
    const vars = shapes.map((s, k) => tf.tidy(() => tf.variable(tf.tensor(theta[k]!, s))));
    const before = tf.memory().numTensors;
    const opt = new Adam(vars);
    const steps = [0, 1, 2].map((t) => theta.map((xs, k) => xs.map((_, i) => Math.cos(t + 3 * i + k))));
    for (const step of steps) {
      const g = step.map((xs, k) => tf.tensor(xs, shapes[k]));
      opt.step(g, 0.01);
      tf.dispose(g);
    }
    vars.forEach((v, k) => {
      const expected = referenceAdam(theta[k]!, steps.map((s) => s[k]!), 0.01);
      tf.test_util.expectArraysClose(v.dataSync(), expected, 1e-5);
      expect(v.shape).toEqual(shapes[k]);
    });
    // One flat update: ~15 kernels plus a reshape per variable and gradient. Per variable it was
    // ~14 kernels (70 here); 100 variables below would be ~1,400.
    const many = Array.from({ length: 100 }, () => tf.tidy(() => tf.variable(tf.zeros([3]))));
    const opt100 = new Adam(many);
    const g100 = many.map(() => tf.ones([3]));
    const profile = await tf.profile(() => opt100.step(g100, 0.01));
    expect(profile.kernels.length).toBeLessThan(4 * 100 + 30);
    tf.test_util.expectArraysClose(many[99]!.dataSync(), [-0.01, -0.01, -0.01], 1e-6);
    opt.dispose();
    opt100.dispose();
    tf.dispose([...g100, ...many]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(vars);
  });

  it('a clip scale passed to step gives the same weights as clipByGlobalNorm then step', () => {
    // g = [3, 4] and [12]: norm 13; maxNorm 1 scales by 1 / (13 + 1e-6).
    const make = () => [tf.variable(tf.tensor1d([1, 1])), tf.variable(tf.tensor1d([1]))];
    const [x1, x2] = [make(), make()];
    const g = [tf.tensor1d([3, 4]), tf.tensor1d([12])];
    const [o1, o2] = [new Adam(x1), new Adam(x2)];
    for (let t = 0; t < 2; t++) {
      const clipped = clipByGlobalNorm(g, 1);
      o1.step(clipped.grads, 0.1);
      const { norm, scale } = clipScale(g, 1);
      expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
      expect(clipped.norm.dataSync()[0]).toBe(norm.dataSync()[0]);
      o2.step(g, 0.1, scale!);
      tf.dispose([norm, scale!, clipped.norm, ...clipped.grads]);
    }
    x1.forEach((v, i) => expect(Array.from(x2[i]!.dataSync())).toEqual(Array.from(v.dataSync())));
    expect(clipScale(g, 0).scale).toBeNull();
    [o1, o2].forEach((o) => o.dispose());
    tf.dispose([...x1, ...x2, ...g]);
  });
});

describe('Adam, hand numbers and uploads', () => {
  it('two steps on a constant gradient move by lr each (hand numbers)', () => {
    // g = 2 twice, lr 0.1, β1 0.9, β2 0.999, ε 1e-8:
    // step 1: m = 0.2, v = 0.004, m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4, step = 2/(2 + 1e-8) ≈ 1 -> x = 1 - 0.1 = 0.9;
    // step 2: m = 0.38, v = 0.007996, m̂ = 0.38/0.19 = 2, v̂ = 0.007996/0.001999 = 4 -> x = 0.8.
    // g = -4 on the second variable: m̂ = -4, v̂ = 16 -> +0.1 per step.
    const a = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([0]));
    const opt = new Adam([a, b]);
    const g = [tf.tensor1d([2]), tf.tensor1d([-4])];
    opt.step(g, 0.1);
    tf.test_util.expectArraysClose(a.dataSync(), [0.9], 1e-6);
    opt.step(g, 0.1);
    tf.test_util.expectArraysClose(a.dataSync(), [0.8], 1e-6);
    tf.test_util.expectArraysClose(b.dataSync(), [0.2], 1e-6);
    opt.dispose();
    tf.dispose([a, b, ...g]);
  });

  it('uploads its constants once per step, not once per variable, and leaves no tensor behind', () => {
    const uploadsFor = (count: number) => {
      const vars = Array.from({ length: count }, (_, i) => tf.variable(tf.fill([3], i + 1)));
      const grads = vars.map(() => tf.ones([3]));
      const opt = new Adam(vars);
      const before = tf.memory().numTensors;
      const n = hostWritesDuring(() => opt.step(grads, 0.01)).length;
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      tf.dispose([...vars, ...grads]);
      return n;
    };
    // 8 scalars per step (β1, 1 − β1, β2, 1 − β2, both bias corrections, ε, lr) whatever the variable count; before, 8 per variable.
    expect(uploadsFor(1)).toBe(8);
    expect(uploadsFor(10)).toBe(8);
  });
});
