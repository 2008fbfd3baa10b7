import { describe, expect, it } from 'vitest';
import { REWARD_NAMES, type RewardName } from '../rewards';
import { rolloutMetrics, type HostSample } from './rollout';

function sample(length: number, truncated: boolean, accuracy: number, format: number): HostSample {
  const byFn = Object.fromEntries(REWARD_NAMES.map((n) => [n, 0])) as Record<RewardName, number>;
  byFn.accuracy = accuracy;
  byFn.format = format;
  return { tokens: new Int32Array(8), length, truncated, perturbed: false, scored: { total: accuracy + 0.2 * format, byFn, credits: [] } };
}

describe('rolloutMetrics: the host metrics TRL logs', () => {
  it('per-function std, the shortest response and the mean length of the finished ones, by hand', () => {
    // Four samples: lengths 3, 5, 8 (truncated at T = 8), 8 (truncated).
    //   accuracy 1, 0, 0, 1: mean 0.5, population std 0.5;  format 1, 1, 1, 0: mean 0.75, std sqrt(0.1875) = 0.4330127
    //   len/min 3, len/max 8, len/mean 6, len/truncated_frac 0.5, len/terminated_mean (3 + 5) / 2 = 4
    const m = rolloutMetrics([sample(3, false, 1, 1), sample(5, false, 0, 1), sample(8, true, 0, 1), sample(8, true, 1, 0)]);
    expect(m['reward/accuracy/mean']).toBe(0.5);
    expect(m['reward/accuracy/std']).toBeCloseTo(0.5, 12);
    expect(m['reward/format/mean']).toBe(0.75);
    expect(m['reward/format/std']).toBeCloseTo(Math.sqrt(0.1875), 12);
    expect(m['reward/step/std']).toBe(0);
    expect(m['len/min']).toBe(3);
    expect(m['len/max']).toBe(8);
    expect(m['len/mean']).toBe(6);
    expect(m['len/truncated_frac']).toBe(0.5);
    expect(m['len/terminated_mean']).toBe(4);
  });

  it('leaves len/terminated_mean out when every response was truncated (absent, not 0)', () => {
    const m = rolloutMetrics([sample(8, true, 0, 0), sample(8, true, 1, 0)]);
    expect(m).not.toHaveProperty('len/terminated_mean');
    expect(m['len/min']).toBe(8);
  });
});
