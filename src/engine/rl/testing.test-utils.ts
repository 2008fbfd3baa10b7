// Helpers shared by the rl tests (not part of the engine: only *.test.ts files import this).
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
