import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../algorithms/optim';
import { Policy } from '../model';
import { ModelConfigSchema } from '../model/config';
import { TASKS } from '../tasks';
import { Rng } from '../random';
import { evaluate, heldOutInstances } from './evaluate';
import { SftConfigSchema, sftStep, warmStart } from './sft';
import { trainSeed, evalSeed } from './seeds';

const TINY = ModelConfigSchema.parse({ imageSize: 16, patchSize: 8, dModel: 32, nHeads: 2, nLayers: 1, encoderLayers: 0, maxResponseLen: 16 });
const cfg = SftConfigSchema.parse({ batchSize: 8, lr: 1e-2, imageSize: 16, maxNewTokens: 16, seed: 3 });

describe('supervised warm start', () => {
  it('lowers the cross-entropy of gold traces and leaks no tensors', () => {
    const policy = Policy.create(TINY, 1);
    const opt = new Adam(policy.trainableVariables.filter((v) => !policy.valueHeadVariables.includes(v)));
    const rng = new Rng(1);
    const first = sftStep(policy, opt, TASKS.count, cfg, 1, rng); // builds Adam's slots
    const before = tf.memory().numTensors;
    let last = first;
    for (let s = 2; s <= 30; s++) last = sftStep(policy, opt, TASKS.count, cfg, s, rng);
    expect(tf.memory().numTensors).toBe(before);
    // A random 67-way softmax starts near ln 67 = 4.2 nats per token; the grammar alone is
    // most of the trace, so 30 steps must at least halve it.
    expect(first).toBeGreaterThan(3);
    expect(last).toBeLessThan(first / 2);
    opt.dispose();
    policy.dispose();
  });

  it('warmStart stops at the first evaluation inside the band and reports it', async () => {
    const policy = Policy.create(TINY, 1);
    const report = await warmStart(policy, TASKS.count, { ...cfg, steps: 40, evalEvery: 20, evalN: 8, minFormat: 0, minAccuracy: 0, maxAccuracy: 1 });
    // A band every policy is in: the first evaluation (step 20) must end SFT.
    expect(report.inBand).toBe(true);
    expect(report.steps).toBe(20);
    expect(report.history.at(-1)?.step).toBe(report.steps);
    policy.dispose();
  });

  it('reports running out of steps when the band is never reached', async () => {
    const policy = Policy.create(TINY, 1);
    const report = await warmStart(policy, TASKS.count, { ...cfg, steps: 4, evalEvery: 2, evalN: 8, minFormat: 1, minAccuracy: 1, maxAccuracy: 1 });
    expect(report.inBand).toBe(false);
    expect(report.steps).toBe(4);
    expect(report.history.map((h) => h.step)).toEqual([2, 4]);
    policy.dispose();
  });
});

describe('held-out evaluation', () => {
  it('uses seeds no training batch can draw (odd vs even)', () => {
    for (let i = 0; i < 200; i++) {
      expect(evalSeed('id', i) % 2).toBe(1);
      expect(evalSeed('ood', i) % 2).toBe(1);
      expect(trainSeed(7, i, i % 13) % 2).toBe(0);
    }
  });

  it('cycles difficulty levels and returns the same prompts every time', () => {
    const a = heldOutInstances(TASKS['digit-sum'], { split: 'ood', n: 6, difficulty: 'mixed', imageSize: 16, jitter: 0.5 });
    const b = heldOutInstances(TASKS['digit-sum'], { split: 'ood', n: 6, difficulty: 'mixed', imageSize: 16, jitter: 0.5 });
    expect(a.map((x) => x.difficulty)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(a.map((x) => x.answer)).toEqual(b.map((x) => x.answer));
    expect(a.every((x) => x.split === 'ood')).toBe(true);
  });

  it('scores a random policy as malformed and pass@k >= accuracy, with no leaks', async () => {
    const policy = Policy.create(TINY, 2);
    const before = tf.memory().numTensors;
    const greedy = await evaluate(policy, TASKS.count, { split: 'id', n: 8, difficulty: 1, imageSize: 16, jitter: 0, maxNewTokens: 12, mode: { kind: 'greedy' } });
    const sampled = await evaluate(policy, TASKS.count, { split: 'id', n: 8, difficulty: 1, imageSize: 16, jitter: 0, maxNewTokens: 12, mode: { kind: 'sampled', k: 4, temperature: 1 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(greedy).toMatchObject({ task: 'count', split: 'id', n: 8, k: 1 });
    expect(greedy.formatRate).toBe(0); // an untrained policy does not write the grammar
    expect(greedy.passAtK).toBe(greedy.accuracy);
    expect(sampled.k).toBe(4);
    expect(sampled.passAtK).toBeGreaterThanOrEqual(sampled.accuracy);
    expect(greedy.meanLength).toBeGreaterThan(0);
    expect(greedy.meanLength).toBeLessThanOrEqual(12);
    policy.dispose();
  });
});
