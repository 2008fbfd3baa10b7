/**
 * The CI smoke test: a short, seeded RL run on the easiest `count` level raises mean reward.
 *
 * It starts from a committed tiny warm start (test/fixtures/smoke-count, made once by
 * test/fixtures/make-smoke-checkpoint.ts: SFT on level-1 gold traces until greedy answers are
 * mostly well formed, so sampled answers still leave headroom), then runs 20 GRPO iterations
 * on the cpu backend. We assert the direction only: the mean reward of the last 5 iterations
 * beats that of the first 5. It fails if the update does not learn (a flipped advantage sign
 * makes the reward fall; checked when this test was written).
 */
import { describe, expect, it } from 'vitest';
import { applyPreset } from '../src/engine/presets';
import { createTrainer } from '../src/engine/train/trainer';
import { fileHandler } from '../src/cli/fileHandler';
import { SMOKE_CHECKPOINT, SMOKE_MODEL, SMOKE_SEED } from './fixtures/smoke';

const ITERATIONS = 20;

describe('smoke: RL raises mean reward on count level 1', () => {
  it(`${ITERATIONS} GRPO iterations from the committed tiny warm start`, { timeout: 240_000 }, async () => {
    // GRPO from the fixture: accuracy + format reward, 8 prompts x 8 samples.
    const config = applyPreset('grpo', {
      model: SMOKE_MODEL,
      task: { task: 'count', difficulty: 1, imageSize: SMOKE_MODEL.imageSize },
      sampling: { promptsPerIter: 8, groupSize: 8, maxNewTokens: 12 },
      // The tiny model tolerates (and in 20 iterations needs) a larger step than the default.
      optim: { lr: 1e-3 },
      rewards: { weights: { accuracy: 1, format: 1 } },
      run: { init: 'sft', seed: SMOKE_SEED, iterations: ITERATIONS, evalEvery: 0, keepBatches: 0 },
    });
    // The trainer refuses a warm start whose model config differs: re-make the fixture then.
    const trainer = await createTrainer(config, { loadWarmStart: () => fileHandler(SMOKE_CHECKPOINT) });
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
    expect(last, `reward by iteration: ${rewards.map((r) => r.toFixed(2)).join(' ')}`).toBeGreaterThan(first);
  });
});
