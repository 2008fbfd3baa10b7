import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, RunConfigSchema } from '../config';
import { Policy } from '../model';
import { ModelConfigSchema } from '../model/config';
import { countParams, estimateMemory, formatBytes, memoryBudgetBytes, memoryRefusal } from './memory';
import { SCRATCH_DEPS, TINY_MODEL, tinyConfig } from './testing';
import { createTrainer } from './trainer';

const GIB = 2 ** 30;

describe('countParams', () => {
  it.each([
    ['default', {}],
    ['tiny', TINY_MODEL],
    ['no encoder, wide MLP', { ...TINY_MODEL, encoderLayers: 0, ffnMult: 8, nLayers: 3 }],
    ['two encoder blocks', { dModel: 32, nHeads: 4, encoderLayers: 2, imageSize: 48, patchSize: 12 }],
  ])('%s: exactly the sizes of the policy\'s variables', (_, input) => {
    const config = ModelConfigSchema.parse(input);
    const policy = Policy.create(config, 1);
    expect(countParams(config)).toBe(policy.trainableVariables.reduce((n, v) => n + v.size, 0));
    policy.dispose();
  });
});

describe('estimateMemory', () => {
  it('is within 0.7-1.5x of the peak tfjs measures for one iteration (cpu backend)', async () => {
    for (const config of [tinyConfig('grpo'), tinyConfig('ppo', { sampling: { promptsPerIter: 4, groupSize: 4 } })]) {
      // tf.profile's peak counts every live tensor; this file shares its process with others
      // (the fast tier's isolate: false), so what was alive before the trainer is not its.
      const before = tf.memory().numBytes;
      const trainer = await createTrainer(config, SCRATCH_DEPS);
      await trainer.step(); // warm-up: kernels' one-off allocations
      const { peakBytes } = await tf.profile(() => trainer.step());
      trainer.dispose();
      const ratio = estimateMemory(config).totalBytes / (peakBytes - before);
      expect(ratio, `estimate / measured for ${config.preset}`).toBeGreaterThan(0.7);
      expect(ratio, `estimate / measured for ${config.preset}`).toBeLessThan(1.5);
    }
  });

  it('grows with the batch and shrinks with minibatches; the reference model costs one copy of the weights', () => {
    const base = tinyConfig('grpo');
    const big = tinyConfig('grpo', { sampling: { promptsPerIter: 8 } });
    const split = tinyConfig('grpo', { sampling: { promptsPerIter: 8 }, optim: { minibatches: 4 } });
    expect(estimateMemory(big).activationBytes).toBeGreaterThan(3.5 * estimateMemory(base).activationBytes);
    expect(estimateMemory(split).activationBytes).toBeLessThan(estimateMemory(big).activationBytes / 3);
    const noRef = tinyConfig('grpo', { objective: { beta: 0 } });
    const params = countParams(base.model);
    expect(estimateMemory(base).stateBytes - estimateMemory(noRef).stateBytes).toBe(params * 4);
  });
});

describe('memoryRefusal', () => {
  it('lets the default run through and refuses the largest batch the schema allows, with numbers and a fix', () => {
    expect(memoryRefusal(DEFAULT_RUN_CONFIG, memoryBudgetBytes())).toBeNull();
    expect(estimateMemory(DEFAULT_RUN_CONFIG).totalBytes).toBeLessThan(1e9);
    const huge = RunConfigSchema.parse({ sampling: { promptsPerIter: 256, groupSize: 64, maxNewTokens: 32 } });
    const why = memoryRefusal(huge, memoryBudgetBytes());
    expect(why).toMatch(/^Refused: this run would need about [\d.]+ (GB|TB) of tensor memory, more than the 4\.3 GB this device allows/);
    expect(why).toContain('16384 responses (B=256 x G=64) x 32 tokens');
    expect(why).toContain('raise optim.minibatches');
    // Enough minibatches bring the update back under a big enough budget.
    const split = RunConfigSchema.parse({ ...huge, optim: { ...huge.optim, minibatches: 64 } });
    expect(estimateMemory(split).totalBytes).toBeLessThan(estimateMemory(huge).totalBytes / 10);
  });

  it('budgets 4 GiB, or half the device memory when that is less', () => {
    expect(memoryBudgetBytes()).toBe(4 * GIB);
    expect(memoryBudgetBytes(8)).toBe(4 * GIB);
    expect(memoryBudgetBytes(2)).toBe(1 * GIB);
    expect(memoryBudgetBytes(0.5)).toBe(GIB / 4);
    expect(memoryBudgetBytes(Number.NaN)).toBe(4 * GIB);
  });

  it('formats bytes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3_500_000)).toBe('3.5 MB');
    expect(formatBytes(4 * GIB)).toBe('4.3 GB');
    expect(formatBytes(240_000_000)).toBe('240 MB');
  });
});
