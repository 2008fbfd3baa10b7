// One zero-variance rule (host.ts isZeroVariance) for the metric, dynamic sampling, the
// advantages and Inspect (src/app/lib/inspect.test.ts): weighted sums of rule rewards are equal up to rounding, not exactly,
// and continuous rewards that genuinely differ are never called equal.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { REWARD_NAMES, type RewardName } from '../src/engine/rewards';
import { DEFAULT_RUN_CONFIG } from '../src/engine/config';
import { rolloutPhaseMetrics, type Rollouts } from '../src/engine/train/collect';
import { groupFilter, groupStats, hasSignal, keptGroups } from '../src/engine/train/filter';
import type { RunState } from '../src/engine/train/run';
import { getTask } from '../src/engine/tasks';
import { groupAdvantages as tfGroup, groupStd } from '../src/engine/rl/advantages';
import { besselStd, groupAdvantages, groupIsZeroVariance, isZeroVariance, mean } from '../src/engine/rl/host';

/** The total as rewards/index.ts scoreSample sums it: over REWARD_NAMES in order, weight × value when the weight is non-zero. */
function weighted(values: Partial<Record<RewardName, number>>, weights: Partial<Record<RewardName, number>>): number {
  let total = 0;
  for (const name of REWARD_NAMES) {
    const w = weights[name] ?? 0;
    if (w !== 0) total += w * (values[name] ?? 0);
  }
  return total;
}

const W = { accuracy: 1, format: 0.2 };
const G = 8;
/** All 0.2 (wrong answer, right format) and all 1.2 (both right): Bessel std 3e-17, not 0. */
const ALL_02 = Array.from({ length: G }, () => weighted({ accuracy: 0, format: 1 }, W));
const ALL_12 = Array.from({ length: G }, () => weighted({ accuracy: 1, format: 1 }, W));
/** 0.1 + 0.2 and 0.3: the same reward reached by two sums. */
const SUMS_03 = [weighted({ accuracy: 1, format: 1 }, { accuracy: 0.1, format: 0.2 }), 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
/** Continuous rewards that genuinely differ by small amounts. */
const CONTINUOUS = [
  [0.5, 0.50001, 0.49999, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.123, 0.1231, 0.123, 0.123, 0.123, 0.123, 0.123, 0.123],
  [1000, 1000.01, 1000, 1000, 1000, 1000, 1000, 1000],
];
const EQUAL = [ALL_02, ALL_12, SUMS_03];

describe('zero-variance groups with weighted and continuous rewards', () => {
  it('rounding makes the std of equal weighted rewards non-zero (why a tolerance is needed)', () => {
    expect(ALL_02.every((r) => r === 0.2)).toBe(true);
    expect(besselStd(ALL_02)).toBeGreaterThan(0);
    expect(besselStd(SUMS_03)).toBeGreaterThan(0);
  });

  it('host: equal weighted rewards are zero-variance, genuinely different continuous ones are not', () => {
    for (const g of EQUAL) expect(groupIsZeroVariance(g), String(g)).toBe(true);
    for (const g of CONTINUOUS) expect(groupIsZeroVariance(g), String(g)).toBe(false);
    expect(isZeroVariance(0, 0)).toBe(true);
    expect(isZeroVariance(1e-5, 0.5)).toBe(false);
  });

  it('metric and dynamic sampling: the groups are dead, zero_std_frac counts them, the filter drops them', () => {
    const groups = [...EQUAL, ...CONTINUOUS];
    const totals = groups.flat();
    const stats = groupStats(totals, totals.map(() => 0.5), G);
    expect(stats.map(hasSignal)).toEqual([false, false, false, true, true, true]);
    const tricks = { dynamicSampling: true, onlineFilter: false, filterLow: 0, filterHigh: 1, maxExtraRounds: 2 };
    const keep = groupFilter(tricks as unknown as Parameters<typeof groupFilter>[0]);
    expect(keptGroups(stats, keep)).toEqual([3, 4, 5]);
  });

  it('the metric: groups/zero_std_frac counts the equal weighted groups (rolloutPhaseMetrics)', () => {
    const groups = [...EQUAL, ...CONTINUOUS];
    const totals = groups.flat();
    const firstStats = groupStats(totals, totals.map(() => 0.5), G);
    const run = { config: DEFAULT_RUN_CONFIG, task: getTask(DEFAULT_RUN_CONFIG.task.task) } as unknown as RunState;
    const values = rolloutPhaseMetrics(run, 1, { rounds: [{ samples: [], instances: [] }], kept: [], firstStats, ms: 0 } as unknown as Rollouts);
    expect(values['groups/zero_std_frac']).toBe(3 / 6);
  });

  it('advantages: exactly 0 for an equal group (host and tensor), non-zero for continuous spread', () => {
    const rewards = [...EQUAL, ...CONTINUOUS].flat();
    for (const scale of ['group', 'batch', 'none'] as const) {
      const host = groupAdvantages(rewards, G, scale);
      const t = tfGroup(tf.tensor1d(rewards), G, scale);
      const tensor = Array.from(t.dataSync());
      t.dispose();
      for (const adv of [host, tensor]) {
        expect(adv.slice(0, 3 * G).every((a) => a === 0), `${scale}: ${adv.slice(0, 3 * G).join(',')}`).toBe(true);
        for (let p = 3; p < 6; p++) expect(adv.slice(p * G, (p + 1) * G).some((a) => a !== 0), `${scale} group ${p}`).toBe(true);
      }
    }
    const std = groupStd(tf.tensor1d(rewards), G);
    const stds = Array.from(std.dataSync());
    std.dispose();
    expect(stds.map((s, p) => isZeroVariance(s, mean(rewards.slice(p * G, (p + 1) * G))))).toEqual([true, true, true, false, false, false]);
  });
});
