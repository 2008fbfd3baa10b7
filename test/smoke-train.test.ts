/**
 * The CI smoke test: a short, seeded RL run on the easiest `count` level raises mean reward.
 *
 * A tiny model gets a tiny supervised warm start on level-1 gold traces, stopped as soon as
 * its greedy answers are mostly well formed (so it knows the grammar, but its *sampled*
 * answers are still often malformed or wrong: headroom), then 20 GRPO iterations on the cpu
 * backend with the default learning rate. We assert the direction only: the mean reward of the
 * last 5 iterations beats that of the first 5. Stopping SFT on a measured format rate rather
 * than after a fixed step count keeps the test meaningful when the model or SFT changes.
 */
import { describe, expect, it } from 'vitest';
import { Adam } from '../src/engine/algorithms';
import { Policy, saveCheckpoint, type ModelConfig } from '../src/engine/model';
import { applyPreset } from '../src/engine/presets';
import { Rng } from '../src/engine/random';
import { TASKS } from '../src/engine/tasks';
import { evaluate } from '../src/engine/train/evaluate';
import { SftConfigSchema, sftStep } from '../src/engine/train/sft';
import { memoryHandler } from '../src/engine/train/testing';
import { createTrainer } from '../src/engine/train/trainer';

const MODEL = { imageSize: 16, patchSize: 4, dModel: 32, nHeads: 2, nLayers: 1, encoderLayers: 0, ffnMult: 2, promptLen: 8, maxResponseLen: 12 };
const SEED = 1;
const ITERATIONS = 20;
/** SFT stops once this share of greedy held-out answers is well formed. */
const SFT_FORMAT = 0.75;
const SFT_MAX_STEPS = 300;

/** Warm start: SFT in chunks of 10 steps until greedy format >= SFT_FORMAT. Returns the steps taken. */
async function tinyWarmStart(policy: Policy): Promise<number> {
  const task = TASKS.count;
  const optimizer = new Adam(policy.trainableVariables.filter((v) => !policy.valueHeadVariables.includes(v)));
  const sft = SftConfigSchema.parse({ batchSize: 16, seed: SEED, lr: 3e-3, difficulty: 1, imageSize: MODEL.imageSize, maxNewTokens: 12 });
  const rng = new Rng(SEED);
  let step = 0;
  try {
    while (step < SFT_MAX_STEPS) {
      for (let k = 0; k < 10; k++) sftStep(policy, optimizer, task, sft, ++step, rng);
      const ev = await evaluate(policy, task, { split: 'id', n: 16, difficulty: 1, imageSize: MODEL.imageSize, jitter: 0.5, maxNewTokens: 12, mode: { kind: 'greedy' } });
      if (ev.formatRate >= SFT_FORMAT) break;
    }
  } finally {
    optimizer.dispose();
  }
  return step;
}

describe('smoke: RL raises mean reward on count level 1', () => {
  it(`${ITERATIONS} GRPO iterations after a tiny warm start`, { timeout: 240_000 }, async () => {
    // 1. Tiny SFT on level-1 gold traces, until the grammar is learnt.
    const policy = Policy.create(MODEL as ModelConfig, SEED);
    const sftSteps = await tinyWarmStart(policy);
    expect(sftSteps).toBeLessThan(SFT_MAX_STEPS);
    const handler = memoryHandler();
    await saveCheckpoint(policy, handler, { task: 'count' });
    policy.dispose();

    // 2. GRPO from it: accuracy + format reward, 8 prompts x 8 samples.
    const config = applyPreset('grpo', {
      model: MODEL,
      task: { task: 'count', difficulty: 1, imageSize: MODEL.imageSize },
      sampling: { promptsPerIter: 8, groupSize: 8, maxNewTokens: 12 },
      // The tiny model tolerates (and in 20 iterations needs) a larger step than the default.
      optim: { lr: 1e-3 },
      rewards: { weights: { accuracy: 1, format: 1 } },
      run: { init: 'sft', seed: SEED, iterations: ITERATIONS, evalEvery: 0, keepBatches: 0 },
    });
    const trainer = await createTrainer(config, { loadWarmStart: () => handler });
    const rewards: number[] = [];
    try {
      while (!trainer.done) rewards.push((await trainer.step()).values['reward/mean']!);
    } finally {
      trainer.dispose();
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(rewards.slice(0, 5));
    const last = mean(rewards.slice(-5));
    expect(rewards).toHaveLength(ITERATIONS);
    expect(last, `after ${sftSteps} SFT steps, reward by iteration: ${rewards.map((r) => r.toFixed(2)).join(' ')}`).toBeGreaterThan(first);
  });
});
