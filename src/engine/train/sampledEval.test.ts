import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Policy } from '../model';
import { TINY_CONFIG } from '../model/testing';
import { TASKS } from '../tasks';
import { encode, formatResponse, BOS } from '../tokenizer';
import { heldOutInstances } from './evaluate';
import { sampledEvaluation, sampleResponses, scoreOwn } from './sampledEval';

describe('sampledEvaluation (tiny policy, cpu)', () => {
  const policy = Policy.create({ ...TINY_CONFIG, promptLen: 8 }, 5);
  afterAll(() => policy.dispose());
  const opts = { split: 'id' as const, prompts: 3, n: 4, k: 2, difficulty: 1, imageSize: 16, jitter: 0.5, temperature: 1, maxNewTokens: 6, seed: 7 };

  it('samples n responses per prompt, the same ones for the same seed, and leaks no tensors', async () => {
    const instances = heldOutInstances(TASKS.count, { split: 'id', n: 3, difficulty: 1, imageSize: 16, jitter: 0.5 });
    const before = tf.memory().numTensors;
    const a = await sampleResponses(policy, instances, { n: 4, temperature: 1, topK: 0, maxNewTokens: 6, seed: 7, batchSize: 8 });
    const b = await sampleResponses(policy, instances, { n: 4, temperature: 1, topK: 0, maxNewTokens: 6, seed: 7, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.map((p) => p.length)).toEqual([4, 4, 4]);
    expect(a[0]![0]).toHaveLength(6);
    expect(b).toEqual(a);
  });

  it('reports greedy and the estimators, ordered as they must be, with progress to the end', async () => {
    const seen: [number, number][] = [];
    const r = await sampledEvaluation(policy, TASKS.count, { ...opts, onProgress: (d, t) => seen.push([d, t]) });
    expect(r.prompts).toBe(3);
    expect(r.n).toBe(4);
    expect(r.greedy.n).toBe(3);
    expect(seen.at(-1)).toEqual([6, 6]);
    // best@N >= pass@k >= pass@1 on the same samples.
    expect(r.bestOfN.value).toBeGreaterThanOrEqual(r.passAtK.value - 1e-12);
    expect(r.passAtK.value).toBeGreaterThanOrEqual(r.sampleAccuracy.value - 1e-12);
    await expect(sampledEvaluation(policy, TASKS.count, { ...opts, k: 5 })).rejects.toThrow(/k must be between 1 and n/);
  });
});

describe('scoreOwn', () => {
  const inst = { ...TASKS.count.generate({ seed: 1, split: 'id', difficulty: 1, imageSize: 16, jitter: 0 }), promptTokens: [BOS, ...encode('how many red circle ?')] };
  it('scores accuracy and format against the given answer with the run\'s weights', () => {
    const right = scoreOwn(formatResponse([], '3'), { ...inst, answer: '3' }, { accuracy: 1, format: 0.5 }, 12);
    expect(right.answer).toBe('3');
    expect(right.reward).toEqual({ accuracy: 1, format: 1, total: 1.5 });
    const wrong = scoreOwn(formatResponse([], '4'), { ...inst, answer: '3' }, { accuracy: 1, format: 0.5 }, 12);
    expect(wrong.reward?.total).toBe(0.5);
  });
  it('gives no reward without a gold answer', () => {
    expect(scoreOwn(formatResponse([], '3'), { ...inst, answer: '' }, { accuracy: 1 }, 12).reward).toBeUndefined();
  });
});
