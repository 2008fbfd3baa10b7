import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Adam } from '../algorithms';
import { WEIGHT_RMS_KEY, WEIGHT_RMS_LIMIT, divergenceMessage, findDivergence, weightRms } from './divergence';
import { SCRATCH_DEPS, memoryHandler, tinyConfig } from './testing';
import { createTrainer } from './trainer';

afterEach(() => {
  vi.restoreAllMocks();
});

const HEALTHY = { 'loss/policy': -0.01, 'grad/norm': 2.5, 'kl/ref': 0.01, entropy: 3.8, 'reward/mean': 0.25, [WEIGHT_RMS_KEY]: 0.167 };

describe('findDivergence', () => {
  it('passes a healthy iteration', () => {
    expect(findDivergence(HEALTHY)).toBeNull();
    expect(findDivergence({ ...HEALTHY, [WEIGHT_RMS_KEY]: WEIGHT_RMS_LIMIT })).toBeNull(); // the limit itself is allowed
    expect(findDivergence({})).toBeNull();
  });

  it('names a NaN or Infinity in any metric, the loss and the gradient first', () => {
    expect(findDivergence({ ...HEALTHY, 'reward/std': NaN })).toEqual({ key: 'reward/std', value: NaN, kind: 'non-finite' });
    expect(findDivergence({ ...HEALTHY, 'value/explained_var': -Infinity })?.key).toBe('value/explained_var');
    // Everything after a NaN gradient is NaN too: the message names the cause.
    expect(findDivergence({ ...HEALTHY, entropy: NaN, 'kl/ref': NaN, 'grad/norm': Infinity })).toMatchObject({ key: 'grad/norm', value: Infinity });
    expect(findDivergence({ ...HEALTHY, 'grad/norm': NaN, 'loss/policy': NaN })?.key).toBe('loss/policy');
    expect(findDivergence({ ...HEALTHY, [WEIGHT_RMS_KEY]: NaN })).toMatchObject({ key: WEIGHT_RMS_KEY, kind: 'non-finite' });
  });

  it('flags weights whose RMS is above the limit, with the value in the message', () => {
    const d = findDivergence({ ...HEALTHY, [WEIGHT_RMS_KEY]: 976.31 });
    expect(d).toEqual({ key: WEIGHT_RMS_KEY, value: 976.31, kind: 'weights' });
    expect(divergenceMessage(3, d!)).toMatch(/^diverged at iteration 3: weights\/rms is 976\.3 \(limit 100; /);
    expect(divergenceMessage(2, { key: 'loss/policy', value: NaN, kind: 'non-finite' })).toBe('diverged at iteration 2: loss/policy is NaN');
  });
});

describe('weightRms', () => {
  it('is sqrt(mean(w^2)) over every weight, and leaks nothing', () => {
    const a = tf.variable(tf.tensor1d([3, 4]));
    const b = tf.variable(tf.tensor2d([[0]]));
    const before = tf.memory().numTensors;
    const rms = weightRms([a, b]);
    expect(rms.dataSync()[0]).toBeCloseTo(Math.sqrt(25 / 3), 5);
    rms.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});

describe('the trainer stops a diverging run', () => {
  it('lr 1e3: no NaN anywhere, but the weights blow up in the first update (and the failed step leaks nothing)', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const trainer = await createTrainer(tinyConfig('grpo', { optim: { lr: 1e3 } }), SCRATCH_DEPS);
    await expect(trainer.step()).rejects.toThrow(/^diverged at iteration 1: weights\/rms is \d{3,}(\.\d+)? \(limit 100; /);
    expect(trainer.iteration).toBe(1);
    // The garbage weights can neither train on nor be saved over the last good checkpoint.
    await expect(trainer.step()).rejects.toThrow(/^diverged at iteration 1/);
    const handler = memoryHandler();
    await expect(trainer.saveCheckpoint(handler)).rejects.toThrow(/not saved: the run diverged at iteration 1/);
    expect(handler.saved()).toBe(false);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('a healthy lr records the weights RMS near its init and keeps going', async () => {
    const trainer = await createTrainer(tinyConfig('ppo', { optim: { lr: 1e-4 }, run: { iterations: 2 } }), SCRATCH_DEPS);
    for (let i = 0; i < 2; i++) {
      const m = await trainer.step();
      expect(m.values[WEIGHT_RMS_KEY]).toBeGreaterThan(0.1);
      expect(m.values[WEIGHT_RMS_KEY]).toBeLessThan(1);
    }
    trainer.dispose();
  });

  it('NaN weights after the update stop the run even when the loss and gradient were finite', async () => {
    const trainer = await createTrainer(tinyConfig('grpo'), SCRATCH_DEPS);
    const step = Object.getOwnPropertyDescriptor(Adam.prototype, 'step')!.value as Adam['step'];
    vi.spyOn(Adam.prototype, 'step').mockImplementation(function (this: Adam, grads, lr) {
      step.call(this, grads, lr);
      const w = this.variables[0]!;
      w.assign(tf.tidy(() => tf.mul(w, NaN)));
    });
    await expect(trainer.step()).rejects.toThrow('diverged at iteration 1: weights/rms is NaN');
    trainer.dispose();
  });
});
