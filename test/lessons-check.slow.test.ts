/**
 * The smoke version of `npm run lessons -- --check`: one lesson's promise checked end to end
 * (both arms trained, the claim measured per seed, the reference curves thinned) on the tiny
 * committed warm start (test/fixtures/smoke-count), in seconds. The real check trains the
 * default model for minutes per lesson and is never part of npm test.
 *
 * Checked to fail: with the G = 2 arm's group size set back to 8 (both arms alike) the claim's
 * difference is 0 and `held` is false.
 */
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- lessons' promises are app data Node reads (no React, DOM or worker)
import { lessonById } from '../src/app/lessons';
import { fileHandler } from '../src/cli/fileHandler';
import { REFERENCE_POINTS, checkLesson } from '../src/cli/lessonCheck';
import { SMOKE_CHECKPOINT, SMOKE_MODEL } from './fixtures/smoke';

const TINY = {
  model: SMOKE_MODEL,
  'task.task': 'count',
  'task.difficulty': 1,
  'task.imageSize': SMOKE_MODEL.imageSize,
  'sampling.maxNewTokens': 12,
  'sampling.promptsPerIter': 4,
  'run.iterations': 3,
  'run.evalEvery': 3, // one held-out evaluation, as the lessons have
  'run.evalN': 4,
  'run.keepBatches': 0,
};

describe('lessons --check, smoke', () => {
  it('grpo-no-critic: G = 2 ties more often than G = 8, on a tiny model', { timeout: 120_000 }, async () => {
    const lesson = lessonById('grpo-no-critic')!;
    const seen: string[] = [];
    const ref = await checkLesson(lesson, {
      seeds: [1],
      backend: 'cpu',
      deps: { loadWarmStart: () => fileHandler(SMOKE_CHECKPOINT) },
      overrides: TINY,
      onIteration: (arm, seed, r) => seen.push(`${arm}/${seed}/${r.iteration}`),
    });
    expect(seen).toEqual(['g8/1/1', 'g8/1/2', 'g8/1/3', 'g2/1/1', 'g2/1/2', 'g2/1/3']);
    const claim = ref.claims['g2-ties']!;
    expect(claim.seeds).toEqual([1]);
    expect(claim.diff.mean).toBeCloseTo(claim.value.mean - claim.base.mean, 12);
    expect(claim.held, `G = 2 ties ${claim.value.mean}, G = 8 ties ${claim.base.mean}`).toBe(true);
    // Reference curves: one per arm, the claim's metric and each chart's first series, thinned.
    expect(Object.keys(ref.arms)).toEqual(['g8', 'g2']);
    const curve = ref.arms.g2!.series['groups/zero_std_frac']!;
    expect(curve.map(([it]) => it)).toEqual([1, 2, 3]);
    expect(curve.length).toBeLessThanOrEqual(REFERENCE_POINTS);
    expect(ref.arms.g8!.series['acc/train']).toHaveLength(3);
    expect(ref.arms.g8!.series['reward/mean']).toHaveLength(3);
  });

  it('sft-vs-rl: the three presets of its Compare button train headless from one warm start, every claim measured', { timeout: 480_000 }, async () => {
    const lesson = lessonById('sft-vs-rl')!;
    const presets: Record<string, string> = {};
    const ref = await checkLesson(lesson, {
      seeds: [1],
      backend: 'cpu',
      deps: { loadWarmStart: () => fileHandler(SMOKE_CHECKPOINT) },
      // Its own 30 iterations (the claims read iteration 30), evaluated at 15 and 30 on 4 prompts.
      overrides: { ...TINY, 'run.iterations': 30, 'run.evalEvery': 15, 'optim.epochs': 1, 'optim.minibatches': 1 },
      onIteration: (arm, _seed, r) => {
        presets[arm] = r.values['rft/accepted_frac'] !== undefined ? 'rft' : r.values['reward/mean'] !== undefined ? 'grpo' : 'sft';
      },
    });
    // Each arm ran its own algorithm: SFT samples nothing (no reward), RFT logs its accepted share.
    expect(presets).toEqual({ grpo: 'grpo', sft: 'sft', rft: 'rft' });
    expect(Object.keys(ref.arms)).toEqual(['grpo', 'sft', 'rft']);
    for (const claim of lesson.promise!.claims) {
      const r = ref.claims[claim.id]!;
      // Measured on every seed (held or not: the tiny model is no test of the promise itself).
      expect(Number.isFinite(r.value.mean) && Number.isFinite(r.base.mean), claim.id).toBe(true);
    }
    expect(ref.arms.sft!.series['acc/eval_shift']!.map(([it]) => it)).toEqual([15, 30]);
  });
});

