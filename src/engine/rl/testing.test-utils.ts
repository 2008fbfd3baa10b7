// Helpers shared by the engine tests (not part of the engine: only *.test.ts files import this).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Assert a tensor's values against hand-computed numbers. */
export const close = (t: tf.Tensor, expected: Parameters<typeof tf.test_util.expectArraysClose>[1], eps = 1e-5): void =>
  tf.test_util.expectArraysClose(t.arraySync(), expected, eps);

/** The function allocates exactly `outputs` tensors, and none at all inside a tidy. */
export function expectNoLeak(fn: () => tf.TensorContainer, outputs: number): void {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors - before).toBe(outputs);
  tf.dispose(out);
  tf.tidy(() => {
    fn();
  });
  expect(tf.memory().numTensors).toBe(before);
}

/**
 * Sizes (in floats) of the host -> device writes made outside kernels while `fn` runs: tensors
 * made from JS data, scalars from number operands (kernels write their own outputs, on cpu
 * through the same backend method, so writes inside a kernel are not counted). For tests that
 * hold a gradient or an optimizer to making nothing on the host.
 */
export function hostWritesDuring(fn: () => void): number[] {
  const backend = tf.backend() as unknown as { write: (...a: unknown[]) => unknown };
  const engine = tf.engine() as unknown as { runKernelFunc: (...a: unknown[]) => unknown };
  const [write, run] = [backend.write, engine.runKernelFunc];
  const sizes: number[] = [];
  let depth = 0;
  engine.runKernelFunc = function (this: unknown, ...a: unknown[]) {
    depth++;
    try {
      return run.apply(this, a);
    } finally {
      depth--;
    }
  };
  backend.write = function (this: unknown, ...a: unknown[]) {
    if (depth === 0) sizes.push(ArrayBuffer.isView(a[0]) ? a[0].byteLength / 4 : 0);
    return write.apply(this, a);
  };
  try {
    fn();
  } finally {
    backend.write = write;
    engine.runKernelFunc = run;
  }
  return sizes;
}
