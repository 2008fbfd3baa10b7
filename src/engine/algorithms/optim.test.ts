import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from './optim';

/** Host -> device writes made outside kernels while `fn` runs (scalars from numbers, tensors from JS data). */
function uploadsDuring(fn: () => void): number {
  const backend = tf.backend() as unknown as { write: (...a: unknown[]) => unknown };
  const engine = tf.engine() as unknown as { runKernelFunc: (...a: unknown[]) => unknown };
  const [write, run] = [backend.write, engine.runKernelFunc];
  let depth = 0;
  let uploads = 0;
  engine.runKernelFunc = function (this: unknown, ...a: unknown[]) {
    depth++;
    try {
      return run.apply(this, a);
    } finally {
      depth--;
    }
  };
  backend.write = function (this: unknown, ...a: unknown[]) {
    if (depth === 0) uploads++;
    return write.apply(this, a);
  };
  try {
    fn();
  } finally {
    backend.write = write;
    engine.runKernelFunc = run;
  }
  return uploads;
}

describe('Adam', () => {
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
      const n = uploadsDuring(() => opt.step(grads, 0.01));
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
