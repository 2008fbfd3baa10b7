// The host maths (the page's and the trainer's host side) checked by hand and against the
// tensor versions the trainer runs.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { groupStd, reinforceBaselineAdvantages, groupAdvantages as tfGroup, rlooAdvantages as tfRloo, whiten as tfWhiten } from './advantages';
import { gae as tfGae } from './gae';
import { klPenalty } from './kl';
import { aggregate as tfAggregate, policyLossTerms } from './losses';
import {
  aggregate,
  besselStd,
  clipState,
  clippedSurrogate,
  gae,
  groupAdvantages,
  klEstimate,
  mean,
  populationStd,
  reinforceAdvantages,
  rlooAdvantages,
  splitGroups,
  tokenWeights,
  whiten,
} from './host';

const REWARDS = [1, 0, 0.2, 1, 0, 0, 0, 0, 1.2, -1, 0.5, 0.3];

function arr(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

function close(a: readonly number[], b: readonly number[], digits = 4): void {
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => expect(x, `index ${i}`).toBeCloseTo(b[i]!, digits));
}

describe('advantages agree with engine/rl', () => {
  for (const scale of ['group', 'batch', 'none'] as const) {
    for (const g of [2, 3, 4]) {
      it(`groupAdvantages scale=${scale} G=${g}`, () => {
        close(groupAdvantages(REWARDS, g, scale), arr(tfGroup(tf.tensor1d(REWARDS), g, scale)));
      });
    }
  }
  it('rlooAdvantages', () => {
    for (const g of [2, 4]) close(rlooAdvantages(REWARDS, g), arr(tfRloo(tf.tensor1d(REWARDS), g)));
  });
  it('besselStd of each group is groupStd (the std the group filters and zero_std_frac read)', () => {
    for (const g of [2, 3, 4]) close(splitGroups(REWARDS, g).map(besselStd), arr(groupStd(tf.tensor1d(REWARDS), g)));
    expect(splitGroups([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]]);
    expect(() => splitGroups([1, 2, 3], 0)).toThrow(/groups of 0/);
  });
  it('whiten: by hand, and as the tensor whiten with every value valid', () => {
    // [0, 2, 4]: mean 2, Bessel variance (4 + 0 + 4) / 2 = 4, std 2 (+ 1e-8 inside the root).
    close(whiten([0, 2, 4]), [-1, 0, 1]);
    close(whiten(REWARDS), arr(tfWhiten(tf.tensor1d(REWARDS), tf.ones([REWARDS.length]))));
    expect(whiten([3])).toEqual([0]);
  });
  it('reinforceAdvantages', () => close(reinforceAdvantages(REWARDS), arr(reinforceBaselineAdvantages(tf.tensor1d(REWARDS)))));
  it('hand-computed: group [1, 0, 0, 1] -> +-0.866, an all-equal group -> 0', () => {
    // mean 0.5, Bessel std sqrt(1/3) = 0.57735; 0.5 / (0.57735 + 1e-4) = 0.86588
    close(groupAdvantages([1, 0, 0, 1], 4, 'group'), [0.86588, -0.86588, -0.86588, 0.86588]);
    expect(groupAdvantages([0.3, 0.3, 0.3], 3, 'group')).toEqual([0, 0, 0]);
    expect(groupAdvantages([1, 0, 0, 1], 4, 'none')).toEqual([0.5, -0.5, -0.5, 0.5]);
    close(rlooAdvantages([1, 0, 0, 1], 4), [2 / 3, -2 / 3, -2 / 3, 2 / 3]);
    close(reinforceAdvantages([1, 0, 0, 1]), [0.5, -0.5, -0.5, 0.5]);
    expect(mean([1, 2, 3])).toBe(2);
    expect(besselStd([1, 2, 3])).toBe(1);
    expect(populationStd([1, 3])).toBe(1);
    expect(() => groupAdvantages([1, 2, 3], 2, 'group')).toThrow(/groups of 2/);
  });
});

describe('GAE, KL, the clipped surrogate and aggregation agree with engine/rl', () => {
  it('gae over a prefix-masked row', () => {
    const r = [0, 0.1, 0, -0.2, 1];
    const v = [0.3, 0.5, -0.1, 0.2, 0.4];
    for (const [gamma, lambda] of [[1, 0.95], [0.9, 0], [0.99, 1]] as const) {
      const mine = gae(r, v, gamma, lambda);
      const pad = (x: number[]) => [...x, 7, 7]; // two padded positions the mask removes
      const out = tfGae(tf.tensor2d([pad(r)]), tf.tensor2d([pad(v)]), tf.tensor2d([[1, 1, 1, 1, 1, 0, 0]]), gamma, lambda);
      close([...mine.advantages, 0, 0], arr(out.advantages));
      close([...mine.returns, 0, 0], arr(out.returns));
    }
    // lambda = 0: one-step TD errors; lambda = 1, gamma = 1: reward-to-go minus V.
    const td = gae(r, v, 1, 0);
    close(td.advantages, td.deltas);
    close(gae(r, v, 1, 1).advantages, [0.9 - 0.3, 0.9 - 0.5, 0.8 + 0.1, 0.8 - 0.2, 1 - 0.4]);
  });

  it('k1, k2, k3', () => {
    const xs = [-2, -0.5, 0, 0.3, 1.5];
    for (const kind of ['k1', 'k2', 'k3'] as const) {
      close(xs.map((x) => klEstimate(x, kind)), arr(klPenalty(tf.tensor1d(xs), tf.zeros([5]), kind)), 5);
    }
  });

  it('clippedSurrogate and clipState are policyLossTerms per token', () => {
    const ratios = [0.5, 0.79, 0.81, 1, 1.19, 1.21, 1.29, 2];
    for (const a of [1.5, -0.7]) {
      for (const [lo, hi] of [[0.2, 0.2], [0.2, 0.28], [0.05, 1]] as const) {
        const n = ratios.length;
        const logp = tf.tensor2d([ratios.map(Math.log)]);
        const terms = policyLossTerms({ logp, oldLogp: tf.zeros([1, n]), advantages: tf.tensor1d([a]), mask: tf.ones([1, n]), epsLow: lo, epsHigh: hi, level: 'token', aggregation: 'token-mean' });
        close(ratios.map((r) => -clippedSurrogate(r, a, lo, hi)), arr(terms.perToken), 5);
        const low = arr(terms.clippedLow);
        const high = arr(terms.clippedHigh);
        ratios.forEach((r, i) => expect(clipState(r, a, lo, hi), `r=${r} A=${a}`).toBe(high[i]! - low[i]!));
        tf.dispose([logp, terms.ratio, terms.logRatio]);
      }
    }
  });

  it('aggregate / tokenWeights for the three aggregations', () => {
    const rows = [[0.5, -1, 2], [1], [0.2, 0.2, 0.2, 0.2, -3]];
    const T = 6;
    const padded = rows.map((r) => [...r, ...new Array<number>(T - r.length).fill(0)]);
    const mask = rows.map((r) => Array.from({ length: T }, (_, t) => (t < r.length ? 1 : 0)));
    for (const agg of ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
      const expected = arr(tfAggregate(tf.tensor2d(padded), tf.tensor2d(mask), agg, 8));
      expect(aggregate(rows, agg, 8)).toBeCloseTo(expected[0]!, 5);
    }
    close(tokenWeights([2, 4], 'seq-mean-token-mean', 8), [1 / 4, 1 / 8]);
    close(tokenWeights([2, 4], 'token-mean', 8), [1 / 6, 1 / 6]);
    close(tokenWeights([2, 4], 'seq-mean-token-sum-norm', 8), [1 / 16, 1 / 16]);
  });
});
