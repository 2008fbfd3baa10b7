import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../config';
import { issueSentence } from '../issues';
import type { Policy } from '../model';
import { TASKS } from '../tasks';
import type { TaskInstance } from '../tasks/types';
import { PAD, formatResponse } from '../tokenizer';
import { bucketShares, candidatePool, promptSeed, selectPrompts, selectionMetrics, triesBucket, triesToSolve } from './select';
import { trainSeed } from './seeds';

describe('ThinkLite selection: tries to solve', () => {
  it('counts tries to the first right answer, K + 1 when none is right', () => {
    expect(triesToSolve([0, 0, 1, 1])).toBe(3);
    expect(triesToSolve([1, 0])).toBe(1);
    expect(triesToSolve([0, 0, 0])).toBe(4);
  });

  it('buckets tries as 1, 2-4, 5+, unsolved and shares them out', () => {
    // K = 8: tries 1, 3, 5, 9 (never) -> one prompt in each bucket, a quarter each.
    expect([1, 2, 4, 5, 8, 9].map((t) => triesBucket(t, 8))).toEqual(['1', '2-4', '2-4', '5+', '5+', 'unsolved']);
    expect(bucketShares([1, 3, 5, 9], 8)).toEqual({ '1': 0.25, '2-4': 0.25, '5+': 0.25, unsolved: 0.25 });
  });

  it('draws a round\'s prompts from the selected seeds: seed = selected[trainSeed mod n]', () => {
    const selection = { seeds: [10, 20, 30], tries: new Map([[10, 2], [20, 3], [30, 9]]), poolTries: [1, 2, 3, 9], k: 8 };
    expect(promptSeed(selection, 1, 4, 2)).toBe([10, 20, 30][trainSeed(1, 4, 2) % 3]);
    expect(promptSeed(null, 1, 4, 2)).toBe(trainSeed(1, 4, 2));
    // A batch of prompts with seeds 10, 20, 30, 30: tries 2, 3, 9, 9 -> 2-4: 1/2, unsolved: 1/2.
    const batch = [10, 20, 30, 30].map((seed) => ({ seed }) as TaskInstance);
    expect(selectionMetrics(selection, batch)).toEqual({ 'select/tries_1': 0, 'select/tries_2-4': 0.5, 'select/tries_5+': 0, 'select/tries_unsolved': 0.5, 'select/kept': 3 });
  });
});

describe('ThinkLite selection over a pool', () => {
  const config = RunConfigSchema.parse({ task: { task: 'count' }, tricks: { selectByDifficulty: true, selectPool: 8, selectTries: 4, selectMinTries: 2 } });
  const pool = candidatePool(TASKS.count, config);
  const T = config.sampling.maxNewTokens;

  /** A stand-in policy whose K answers to prompt p are right from try `rightFrom(p)` on (1-based; 5 = never). */
  const scripted = (rightFrom: (p: number) => number, calls: number[]) =>
    ({
      config: { promptLen: 16 },
      sample: (images: tf.Tensor4D, _prompts: tf.Tensor2D, opts: { groupSize: number }) => {
        const b = images.shape[0];
        const start = calls.reduce((a, n) => a + n, 0);
        calls.push(b);
        const ids = new Int32Array(b * opts.groupSize * T).fill(PAD);
        for (let p = 0; p < b; p++) {
          const inst = pool[start + p]!;
          for (let j = 0; j < opts.groupSize; j++) {
            const answer = j + 1 >= rightFrom(start + p) ? inst.answer : inst.answer === '1' ? '2' : '1';
            ids.set(formatResponse(inst.goldTrace, answer).slice(0, T), (p * opts.groupSize + j) * T);
          }
        }
        const z = () => tf.zeros([b * opts.groupSize, T]);
        return Promise.resolve({ tokens: z(), logp: z(), mask: z(), tokenIds: ids });
      },
    }) as unknown as Policy;

  it('keeps the prompts that needed at least selectMinTries tries, and the never solved', async () => {
    // Prompts 0..7 right from try 1, 2, 3, 4, 5 (never), 1, 1, 2 -> tries 1, 2, 3, 4, 5, 1, 1, 2: keep 1, 2, 3, 4, 7.
    const before = tf.memory().numTensors;
    const s = await selectPrompts(scripted((p) => [1, 2, 3, 4, 5, 1, 1, 2][p]!, []), TASKS.count, config);
    expect(s.poolTries).toEqual([1, 2, 3, 4, 5, 1, 1, 2]);
    expect(s.seeds).toEqual([1, 2, 3, 4, 7].map((p) => pool[p]!.seed));
    expect(s.tries.get(pool[4]!.seed)).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses, naming the knob, when every prompt is solved sooner than selectMinTries', async () => {
    await expect(selectPrompts(scripted(() => 1, []), TASKS.count, config)).rejects.toThrow(/^tricks\.selectMinTries: No candidate prompt needed 2 or more tries/);
  });

  it('refuses impossible or conflicting settings at the field', () => {
    const issue = (tricks: Record<string, unknown>) => {
      const r = RunConfigSchema.safeParse({ tricks: { selectByDifficulty: true, ...tricks } });
      return r.success ? null : r.error.issues.map((i) => issueSentence(i)).join(' ');
    };
    expect(issue({ selectTries: 4, selectMinTries: 6 })).toMatch(/tricks\.selectMinTries: Must be at most selectTries \+ 1 \(5/);
    expect(issue({ selectTries: 4, selectMinTries: 5 })).toBeNull();
    expect(issue({ curriculum: true })).toMatch(/tricks\.selectByDifficulty: ThinkLite selection measures/);
  });
});
