import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { scoreSample } from '../rewards';
import { PAD } from '../tokenizer';
import { goldResponse } from './batch';
import { disposeGoldBatch, goldBatch } from './gold';
import { runIteration } from './iteration';
import { disposeRound, roundInstances, runScoreOptions, sampleRound } from './rollout';
import { disposeRun, planIteration, startRun } from './run';
import { SCRATCH_DEPS, TINY_MODEL, tinyConfig } from './testing';

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

describe('SFT in the Inspect view (train/gold.ts)', () => {
  it('keeps its gold-trace batch: the traces, log π_old before the step, ratio 1 on one step, weight 1, log π after; the update unchanged', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const one = { optim: { epochs: 1, minibatches: 1 } };
    const kept = await startRun(tinyConfig('sft', { ...one, run: { seed: 5, keepBatches: 2 } }), SCRATCH_DEPS);
    const none = await startRun(tinyConfig('sft', { ...one, run: { seed: 5, keepBatches: 0 } }), SCRATCH_DEPS);
    try {
      const record = await runIteration(kept);
      const plain = await runIteration(none);
      // The extra passes have no RNG and no gradient: the step and its loss are the same without them.
      expect(record.values['loss/policy']).toBe(plain.values['loss/policy']);
      expect(none.inspect).toEqual([]);
      expect(kept.inspect).toHaveLength(1);
      const batch = kept.inspect[0]!;
      expect(batch.source).toBe('gold-traces');
      expect(batch.groupSize).toBe(1);
      const T = kept.config.sampling.maxNewTokens;
      const gold = roundInstances(kept.task, kept.config, { iteration: 1, round: 0, difficulty: 1 }).map(goldResponse);
      expect(batch.samples.map((s) => s.tokens)).toEqual(gold.map((g) => g.slice(0, T)));
      let sum = 0;
      let n = 0;
      for (const s of batch.samples) {
        expect(s.advantage).toBe(1); // every gold row weighs 1
        // One Adam step: the update's forward pass runs on the weights before it, so π/π_old = 1.
        expect(s.ratio).toHaveLength(s.tokens.length);
        expect(s.logp).toHaveLength(s.tokens.length);
        s.ratio.forEach((r) => expect(r).toBeCloseTo(1, 5));
        s.logp.forEach((lp, t) => expect(lp).toBeCloseTo(s.oldLogp[t]!, 5));
        expect(s.logpAfter).toHaveLength(s.tokens.length);
        for (const lp of s.oldLogp) {
          sum += lp;
          n++;
        }
      }
      // Hand check of the loss: L = −Σ m·log π / Σ m with every weight 1: minus the mean
      // log-probability over all the gold tokens shown, the same numbers the heatmap draws.
      expect(record.values['loss/policy']).toBeCloseTo(-sum / n, 4);
    } finally {
      disposeRun(kept);
      disposeRun(none);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe('SFT scores its gold traces as the run scores its own responses (train/gold.ts)', () => {
  it('with the run\'s score options, rewards.box included: a locate run paying recall scores each gold trace by recall', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const config = tinyConfig('sft', {
      model: { ...TINY_MODEL, maxResponseLen: 20 },
      task: { task: 'locate' },
      sampling: { maxNewTokens: 20 }, // locate's gold response is 18 tokens: its answer fits
      rewards: { box: 'recall', weights: { accuracy: 1, format: 0.2, length: 1 } },
      optim: { epochs: 1, minibatches: 1 },
      run: { seed: 3, keepBatches: 1 },
    });
    // The options rollout.ts scores sampled responses with carry the box reward.
    expect(runScoreOptions(config)).toEqual({ lengthCache: config.rewards.overlongCache, box: 'recall', gated: config.rewards.gated, combine: config.rewards.combine });
    const run = await startRun(config, SCRATCH_DEPS);
    try {
      await runIteration(run);
      const batch = run.inspect[0]!;
      const instances = roundInstances(run.task, run.config, { iteration: 1, round: 0, difficulty: 1 });
      expect(batch.samples).toHaveLength(instances.length);
      batch.samples.forEach((s, k) => {
        const tokens = Array.from({ length: config.sampling.maxNewTokens }, (_, t) => s.tokens[t] ?? PAD);
        const scored = scoreSample({ tokens, maxNewTokens: config.sampling.maxNewTokens }, instances[k]!, config.rewards.weights, runScoreOptions(config));
        expect(s.rewardByFn).toEqual(scored.byFn);
        expect(s.reward).toBe(scored.total);
        // A gold box is its own box: recall 1, as IoU and IoU >= 0.5 would pay (so scores match the
        // run's before and after rewards.box reached gold.ts: the options are what is checked above).
        expect(scored.byFn.accuracy).toBe(1);
      });
    } finally {
      disposeRun(run);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
