/**
 * Soak: 500 RL iterations of a tiny model on the cpu backend, from scratch. The live tensor
 * count (tf.memory().numTensors, checked outside the trainer as well as its own mem/tensors
 * metric) must be the same at iteration 50 and at iteration 500: a leak of one tensor per
 * iteration would show as 450. Every iteration's metrics stay finite (or the trainer throws
 * "diverged"), and disposing the trainer frees everything it made.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SCRATCH_DEPS, tinyConfig } from '../src/engine/train/testing';
import { createTrainer } from '../src/engine/train/trainer';

const ITERATIONS = 500;
const SETTLE = 50;

describe('soak', () => {
  it(`${ITERATIONS} GRPO iterations keep the tensor count flat`, { timeout: 300_000 }, async () => {
    const before = tf.memory().numTensors;
    const config = tinyConfig('grpo', {
      model: { dModel: 16, nHeads: 2, nLayers: 1, encoderLayers: 0, ffnMult: 1, maxResponseLen: 8 },
      sampling: { promptsPerIter: 2, groupSize: 2, maxNewTokens: 6 },
      run: { iterations: ITERATIONS, evalEvery: 0, keepBatches: 1 },
    });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const counts: number[] = [];
    const t0 = performance.now();
    try {
      while (!trainer.done) {
        const m = await trainer.step();
        counts.push(tf.memory().numTensors);
        expect(m.values['mem/tensors']).toBe(counts.at(-1));
      }
    } finally {
      trainer.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`soak: ${ITERATIONS} iterations in ${seconds.toFixed(1)} s; tensors ${counts[SETTLE - 1]} at ${SETTLE}, ${counts.at(-1)} at ${ITERATIONS}`);
    expect(counts).toHaveLength(ITERATIONS);
    expect(counts[ITERATIONS - 1], 'tensor count at iteration 500 vs 50').toBe(counts[SETTLE - 1]);
    expect(Math.max(...counts.slice(SETTLE - 1))).toBe(counts[SETTLE - 1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
