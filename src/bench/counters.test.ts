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
    expect(dispatches).toBe(2); // no GPU programs here: dispatches are kernels
    x.dispose();
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
