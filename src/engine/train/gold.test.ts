import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { goldResponse } from './batch';
import { disposeGoldBatch, goldBatch } from './gold';
import { disposeRound, roundInstances, sampleRound } from './rollout';
import { disposeRun, planIteration, startRun } from './run';
import { SCRATCH_DEPS, tinyConfig } from './testing';

describe('SFT\'s batch (train/gold.ts)', () => {
  it('holds the very prompts a GRPO run with the same seed samples at that iteration, with their gold traces as responses', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const run = await startRun(tinyConfig('sft', { run: { seed: 7 } }), SCRATCH_DEPS);
    const grpo = tinyConfig('grpo', { run: { seed: 7 } });
    try {
      run.iteration = 2; // the third iteration
      const plan = planIteration(run);
      const batch = goldBatch(run, plan);
      const round = await sampleRound(run.policy, run.task, grpo, { iteration: plan.number, round: 0, difficulty: plan.difficulty });
      try {
        expect(batch.n).toBe(grpo.sampling.promptsPerIter);
        expect(Array.from(batch.images.dataSync())).toEqual(Array.from(round.images.dataSync()));
        expect(Array.from(batch.prompts.dataSync())).toEqual(Array.from(round.prompts.dataSync()));
        // Row k's response is prompt k's gold trace, up to and including <eos>.
        const gold = roundInstances(run.task, run.config, { iteration: plan.number, round: 0, difficulty: plan.difficulty }).map(goldResponse);
        const tokens = batch.tokens.arraySync();
        const mask = batch.mask.arraySync();
        gold.forEach((g, k) => {
          const len = Math.min(g.length, batch.T);
          expect(tokens[k]!.slice(0, len)).toEqual(g.slice(0, len));
          expect(mask[k]!.reduce((a, b) => a + b, 0)).toBe(len);
        });
        // A different iteration draws different prompts.
        const next = goldBatch(run, { ...plan, number: plan.number + 1 });
        expect(Array.from(next.images.dataSync())).not.toEqual(Array.from(batch.images.dataSync()));
        disposeGoldBatch(next);
      } finally {
        disposeGoldBatch(batch);
        disposeRound(round);
      }
    } finally {
      disposeRun(run);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore); // nothing left behind
  });
});
