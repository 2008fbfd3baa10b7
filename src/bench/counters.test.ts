import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { countDuring, installCounters } from './counters';

describe('installCounters (cpu backend)', () => {
  it('counts kernels and readbacks, once per data() even though cpu read() calls readSync()', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const { counts, dispatches } = await countDuring(async () => {
      const y = tf.tidy(() => tf.mul(tf.add(x, 1), 2)); // two kernels: the scalars are uploads, not kernels
      await y.data();
      y.dataSync();
      y.dispose();
    });
    expect(counts.kernels).toBe(2);
    expect(counts.readbacks).toBe(2);
    expect(counts.programs).toBe(0);
    expect(counts.kernelReads).toBe(0);
    expect(counts.uploads).toBe(2); // the scalars 1 and 2; the kernels' own outputs are not uploads
    expect(counts.uploadBytes).toBe(8);
    expect(dispatches).toBe(2); // no GPU programs here: dispatches are kernels
    x.dispose();
  });

  it('counts uploads from JS data and their bytes, not the outputs kernels write', async () => {
    // float32 [4] = 16 bytes + int32 [2, 2] = 16 bytes; the add's output is made inside its kernel.
    const { counts } = await countDuring(async () => {
      const a = tf.tensor1d([1, 2, 3, 4]);
      const b = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
      const c = tf.add(a, a);
      await c.data();
      tf.dispose([a, b, c]);
    });
    expect(counts.uploads).toBe(2);
    expect(counts.uploadBytes).toBe(32);
  });

  it('counts the kernels of a backward pass and restores the backend afterwards', () => {
    const before = { run: (tf.engine() as unknown as Record<string, unknown>)['runKernelFunc'], read: (tf.backend() as unknown as Record<string, unknown>)['read'] };
    const v = tf.variable(tf.tensor1d([1, 2]));
    const handle = installCounters();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(v, v)), [v]);
    const c = handle.read();
    handle.uninstall();
    tf.dispose([value, ...Object.values(grads)]);
    v.dispose();
    expect(c.kernels).toBeGreaterThanOrEqual(4); // mul, sum forward; their gradients backward
    expect(c.readbacks).toBe(0);
    expect((tf.engine() as unknown as Record<string, unknown>)['runKernelFunc']).toBe(before.run);
    expect((tf.backend() as unknown as Record<string, unknown>)['read']).toBe(before.read);
  });
});

describe('dispatches by phase', () => {
  it('attributes each kernel to the phase named when it runs', async () => {
    let phase = 'a';
    const x = tf.tensor1d([1, 2]);
    const { byPhase } = await countDuring(async () => {
      tf.tidy(() => {
        tf.add(x, 1);
      });
      phase = 'b';
      tf.tidy(() => {
        tf.mul(tf.add(x, 1), 2);
      });
      return Promise.resolve();
    }, () => phase);
    expect(byPhase).toEqual({ a: 1, b: 2 });
    x.dispose();
  });
});
