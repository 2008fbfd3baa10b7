// The fork check on the wasm backend (its own process: this file switches the backend).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkAndRun } from './forkCheck';
import { tinyConfig } from './testing';

describe('forking a run at a checkpoint (wasm, one thread in Node)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('A and B are identical while the knob is inert, and the same fork twice gives the same numbers', async () => {
    const base = tinyConfig('grpo', { run: { iterations: 5 } });
    const b = { ...base, objective: { ...base.objective, epsHigh: 0.28 } };
    const first = await forkAndRun(base, b, 2, 3);
    expect(first.b).toEqual(first.a);
    const again = await forkAndRun(base, b, 2, 3);
    expect(again.a).toEqual(first.a);
  });
});
