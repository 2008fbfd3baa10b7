/**
 * The one long flat-memory check (slow tier): 200 GRPO iterations of a tiny model on the cpu
 * backend, from scratch, with the periodic work a short run skips over: a held-out evaluation
 * every 25 iterations, kept inspector batches rolling over, two minibatches per update. The
 * live tensor count (tf.memory().numTensors, read outside the trainer, and the trainer's own
 * mem/tensors metric, which must agree) never rises above its value at iteration 50: a leak of
 * one tensor per iteration, or one per evaluation, would show. Disposing the trainer frees
 * everything it made. (It replaces the trainer test's shorter 30-iteration check.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SCRATCH_DEPS, tinyConfig } from '../src/engine/train/testing';
import { createTrainer } from '../src/engine/train/trainer';

const ITERATIONS = 200;
const SETTLE = 50;
const EVAL_EVERY = 25;

describe('soak', () => {
  it(`${ITERATIONS} GRPO iterations (evaluations, minibatches, kept batches) keep the tensor count flat`, { timeout: 300_000 }, async () => {
    const before = tf.memory().numTensors;
    const config = tinyConfig('grpo', {
      model: { dModel: 16, nHeads: 2, nLayers: 1, encoderLayers: 0, ffnMult: 1, maxResponseLen: 8 },
      sampling: { promptsPerIter: 2, groupSize: 2, maxNewTokens: 6 },
      optim: { minibatches: 2 },
      run: { iterations: ITERATIONS, evalEvery: EVAL_EVERY, evalN: 2, keepBatches: 2 },
    });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const counts: number[] = [];
    let evaluations = 0;
    const t0 = performance.now();
    try {
      while (!trainer.done) {
        const m = await trainer.step();
        counts.push(tf.memory().numTensors);
        expect(m.values['mem/tensors']).toBe(counts.at(-1));
        if (m.values['acc/eval_id'] !== undefined) evaluations++;
      }
    } finally {
      trainer.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`soak: ${ITERATIONS} iterations in ${seconds.toFixed(1)} s; tensors ${counts[SETTLE - 1]} at ${SETTLE}, ${counts.at(-1)} at ${ITERATIONS}`);
    expect(counts).toHaveLength(ITERATIONS);
    expect(evaluations).toBe(ITERATIONS / EVAL_EVERY);
    expect(counts[ITERATIONS - 1], `tensor count at iteration ${ITERATIONS} vs ${SETTLE}`).toBe(counts[SETTLE - 1]);
    expect(Math.max(...counts.slice(SETTLE - 1)), `highest tensor count after iteration ${SETTLE}`).toBe(counts[SETTLE - 1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
