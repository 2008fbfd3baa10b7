import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, ObjectiveSchema, OptimSchema, TricksSchema } from '../config';
import { noiseStdAt, perturbImages } from './augment';
import { CURRICULUM_MIN_ITERS, Curriculum } from './curriculum';
import { groupFilter, groupStats, keptGroups, passesOnlineFilter } from './filter';
import { BetaSchedule, learningRateAt } from './schedule';

describe('group filters', () => {
  // 3 groups of G = 4: all right (acc 1), mixed (acc 0.5), all wrong (acc 0).
  const acc = [1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0];
  const totals = acc.map((a, i) => a + (i === 11 ? 0.2 : 0)); // the last group has a little format spread
  const stats = groupStats(totals, acc, 4);

  it('computes group mean, Bessel std and accuracy', () => {
    expect(stats.map((s) => s.accuracy)).toEqual([1, 0.5, 0]);
    expect(stats[0]!.std).toBe(0);
    expect(stats[1]!.std).toBeCloseTo(Math.sqrt(1 / 3), 10); // (0.25 * 4) / 3
    expect(stats[2]!.mean).toBeCloseTo(0.05, 10);
  });

  it('MM-EUREKA online filter keeps only accuracy strictly inside (0.01, 0.99)', () => {
    const keep = groupFilter(TricksSchema.parse({ onlineFilter: true }));
    expect(keptGroups(stats, keep)).toEqual([1]);
    expect(passesOnlineFilter({ mean: 0, std: 0, accuracy: 0.99 }, { filterLow: 0.01, filterHigh: 0.99 })).toBe(false);
    expect(passesOnlineFilter({ mean: 0, std: 0, accuracy: 0.011 }, { filterLow: 0.01, filterHigh: 0.99 })).toBe(true);
  });

  it('DAPO dynamic sampling keeps groups with any reward spread, up to a limit', () => {
    const keep = groupFilter(TricksSchema.parse({ dynamicSampling: true }));
    expect(keptGroups(stats, keep)).toEqual([1, 2]);
    expect(keptGroups(stats, keep, 1)).toEqual([1]);
    const both = groupFilter(TricksSchema.parse({ dynamicSampling: true, onlineFilter: true }));
    expect(keptGroups(stats, both)).toEqual([1]);
    expect(keptGroups(stats, groupFilter(TricksSchema.parse({})))).toEqual([0, 1, 2]);
  });
});

describe('curriculum', () => {
  it('moves up after enough iterations with the accuracy EMA at the threshold, never past the last level', () => {
    const c = new Curriculum(1, 2, 0.8, true);
    const ups = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9].map((a) => c.observe(a));
    expect(ups.indexOf(true)).toBe(CURRICULUM_MIN_ITERS - 1);
    expect(c.difficulty).toBe(2);
    expect(ups.filter(Boolean)).toHaveLength(1);
  });

  it('stays while accuracy is low, and does nothing when disabled', () => {
    const c = new Curriculum(1, 3, 0.8, true);
    for (let i = 0; i < 10; i++) c.observe(0.5);
    expect(c.difficulty).toBe(1);
    const off = new Curriculum(1, 3, 0, false);
    off.observe(1);
    off.observe(1);
    off.observe(1);
    expect(off.difficulty).toBe(1);
  });
});

describe('schedules', () => {
  it('warms the learning rate up linearly, then decays it', () => {
    const optim = OptimSchema.parse({ lr: 1, warmupIters: 3, lrSchedule: 'linear' });
    expect([0, 1, 2].map((t) => learningRateAt(optim, t, 13))).toEqual([0.25, 0.5, 0.75]);
    expect(learningRateAt(optim, 3, 13)).toBe(1);
    expect(learningRateAt(optim, 8, 13)).toBeCloseTo(0.5);
    const cosine = OptimSchema.parse({ lr: 1, lrSchedule: 'cosine' });
    expect(learningRateAt(cosine, 0, 11)).toBe(1);
    expect(learningRateAt(cosine, 5, 11)).toBeCloseTo(0.5712, 3); // ½(1 + cos(π · 5/11))
    expect(learningRateAt(OptimSchema.parse({ lr: 0.1 }), 99, 100)).toBe(0.1);
  });

  it('decays β from beta to betaFinal (dynamic KL), or adapts it toward the target', () => {
    const linear = new BetaSchedule(ObjectiveSchema.parse({ beta: 0.1, betaFinal: 0.02, klSchedule: 'linear' }), 5);
    expect([0, 1, 2, 3, 4].map((t) => linear.at(t))).toEqual([0.1, 0.08, 0.06, 0.04, 0.02].map((x): unknown => expect.closeTo(x, 10)));
    const adaptive = new BetaSchedule(ObjectiveSchema.parse({ beta: 0.1, klSchedule: 'adaptive', targetKl: 0.01, klHorizon: 10 }), 5);
    adaptive.observe(1); // far above the target: +20% / 10
    expect(adaptive.at(1)).toBeCloseTo(0.102, 10);
    adaptive.observe(NaN); // ignored
    expect(adaptive.at(2)).toBeCloseTo(0.102, 10);
    // klAdaptRule 'halve-double' (arXiv:1707.06347 sec. 4): KL 1 > 1.5 · 0.01 doubles β at once, 0.1 -> 0.2;
    // KL 0.001 < 0.01 / 1.5 halves it back, 0.2 -> 0.1.
    const halving = new BetaSchedule(ObjectiveSchema.parse({ beta: 0.1, klSchedule: 'adaptive', klAdaptRule: 'halve-double', targetKl: 0.01 }), 5);
    halving.observe(1);
    expect(halving.at(1)).toBeCloseTo(0.2, 12);
    halving.observe(0.001);
    expect(halving.at(2)).toBeCloseTo(0.1, 12);
    // OThink-MR1's direction (GRPO-D, arXiv:2503.16081): betaFinal above beta rises, 0 -> 0.08 over 5 iterations.
    const rising = new BetaSchedule(ObjectiveSchema.parse({ beta: 0, betaFinal: 0.08, klSchedule: 'linear' }), 5);
    expect([0, 1, 2, 3, 4].map((t) => rising.at(t))).toEqual([0, 0.02, 0.04, 0.06, 0.08].map((x): unknown => expect.closeTo(x, 10)));
    expect(new BetaSchedule(ObjectiveSchema.parse({ beta: 0 }), 5).everPositive).toBe(false);
    expect(new BetaSchedule(ObjectiveSchema.parse({ beta: 0, betaFinal: 0.1, klSchedule: 'linear' }), 5).everPositive).toBe(true);
  });
});

describe('rollout image perturbations', () => {
  const images = tf.tidy(() => tf.add<tf.Tensor4D>(tf.mul(tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3), 0.5), 0.25));

  it('anneals NoisyRollout noise linearly to 0', () => {
    const tricks = TricksSchema.parse({ noisyRollout: true, noiseStd: 0.2, noiseAnneal: 10 });
    expect([0, 5, 10, 20].map((t) => noiseStdAt(tricks, t))).toEqual([0.2, 0.1, 0, 0]);
    expect(noiseStdAt(DEFAULT_RUN_CONFIG.tricks, 0)).toBe(0);
  });

  it.each([
    ['noise', { noisyRollout: true, noiseStd: 0.2 }],
    ['crop', { augment: 'crop' }],
    ['affine', { augment: 'affine' }],
  ] as const)('%s: same seed, same images; stays in [0, 1]; differs from the input', (_name, t) => {
    const tricks = TricksSchema.parse(t);
    const a = perturbImages(images, tricks, 0, 5);
    const b = perturbImages(images, tricks, 0, 5);
    const c = perturbImages(images, tricks, 0, 6);
    expect(a.shape).toEqual(images.shape);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(images.dataSync()));
    expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([a, b, c]);
  });
});
