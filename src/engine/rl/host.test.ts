// The host maths (the page's and the trainer's host side) checked by hand and against the
// tensor versions the trainer runs.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { groupStd, reinforceBaselineAdvantages, groupAdvantages as tfGroup, rlooAdvantages as tfRloo, whiten as tfWhiten } from './advantages';
import { gae as tfGae } from './gae';
import { klPenalty } from './kl';
import { aggregate as tfAggregate, policyLoss, policyLossTerms, regularisedLoss, tokenLossWeights } from './losses';
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
  tokenObjective,
  tokenWeights,
  whiten,
  placeTokenRewards,
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

describe("one token's objective (Inspect's token panel)", () => {
  const base = { epsLow: 0.2, epsHigh: 0.28, beta: 0, kl: 0, entropyCoef: 0, entropy: 0, weight: 1 };

  it('takes the min branch PPO-Clip takes, with DAPO\'s asymmetric bounds, by hand', () => {
    // ρ = 1.5, A = 2: ρA = 3 > clip(ρ)A = 1.28 · 2 = 2.56, the clipped branch (upper clip, 1 + 0.28).
    expect(tokenObjective({ ...base, ratio: 1.5, advantage: 2 })).toMatchObject({ unclipped: 3, clipped: 2.56, branch: 'clipped', policy: -2.56 });
    // ρ = 0.5, A = -1: ρA = -0.5, clip(ρ)A = 0.8 · -1 = -0.8: the lower clip's branch.
    expect(tokenObjective({ ...base, ratio: 0.5, advantage: -1 })).toMatchObject({ unclipped: -0.5, clipped: -0.8, branch: 'clipped' });
    // ρ = 1.5, A = -1: ρA = -1.5 < clip(ρ)A = -1.28: the unclipped branch (the clip never rescues a bad move).
    expect(tokenObjective({ ...base, ratio: 1.5, advantage: -1 })).toMatchObject({ unclipped: -1.5, branch: 'unclipped', policy: 1.5 });
    // One update per rollout: ρ = 1, both branches agree.
    expect(tokenObjective({ ...base, ratio: 1, advantage: 0.7 })).toMatchObject({ branch: 'equal', policy: -0.7 });
    // No clip (PPO-Penalty): ρA whatever ρ, plus its β·KL(π_old ‖ π_θ) term.
    expect(tokenObjective({ ...base, epsLow: Infinity, epsHigh: Infinity, ratio: 3, advantage: 1, oldPolicyPenalty: 0.1 })).toMatchObject({ branch: 'equal', policy: -3, total: -2.9 });
  });

  it('adds β·KL and -c_H·H and weighs the sum: -2.56 + 0.04·0.5 - 0.01·2 = -2.56, × 1/6', () => {
    const x = tokenObjective({ ...base, ratio: 1.5, advantage: 2, beta: 0.04, kl: 0.5, entropyCoef: 0.01, entropy: 2, weight: 1 / 6 });
    expect(x.klTerm).toBeCloseTo(0.02, 12);
    expect(x.entropyTerm).toBeCloseTo(-0.02, 12);
    expect(x.total).toBeCloseTo(-2.56, 12);
    expect(x.contribution).toBeCloseTo(-2.56 / 6, 12);
  });

  it('tokenLossWeights (the trainer\'s) equals tokenWeights (the page\'s); an empty row weighs nothing', () => {
    const lengths = [2, 0, 4];
    const T = 5;
    const mask = tf.tensor2d(lengths.map((l) => Array.from({ length: T }, (_, t) => (t < l ? 1 : 0))));
    for (const agg of ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
      const w = arr(tokenLossWeights(mask, agg, 8));
      const host = tokenWeights(lengths, agg, 8);
      lengths.forEach((l, i) => {
        for (let t = 0; t < T; t++) expect(w[i * T + t], `${agg} row ${i} t ${t}`).toBeCloseTo(t < l ? host[i]! : 0, 7);
      });
    }
    mask.dispose();
  });

  it('Σ weight × term over a hand batch is the loss the tensor maths gives (1e-6), for every aggregation', () => {
    // Two responses (lengths 3 and 1), T = 4; ratios away from 1 so both clips act; KL and entropy in the loss.
    const logp = [[-1, -0.5, -2, 0], [-0.3, 0, 0, 0]];
    const oldLogp = [[-1.4, -0.5, -1.5, 0], [-0.2, 0, 0, 0]];
    const refLogp = [[-1.2, -0.4, -2.2, 0], [-0.5, 0, 0, 0]];
    const entropy = [[1.5, 0.8, 2, 0], [0.3, 0, 0, 0]];
    const advantages = [1.2, -0.7];
    const lengths = [3, 1];
    const mask = logp.map((row, i) => row.map((_, t) => (t < lengths[i]! ? 1 : 0)));
    const [epsLow, epsHigh, beta, entropyCoef, maxLen] = [0.2, 0.28, 0.04, 0.01, 4];
    for (const aggregation of ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
      const weights = tokenWeights(lengths, aggregation, maxLen);
      let sum = 0;
      logp.forEach((row, i) => {
        for (let t = 0; t < lengths[i]!; t++) {
          const ratio = Math.exp(row[t]! - oldLogp[i]![t]!);
          const kl = klEstimate(row[t]! - refLogp[i]![t]!, 'k3');
          sum += tokenObjective({ ratio, advantage: advantages[i]!, epsLow, epsHigh, beta, kl, entropyCoef, entropy: entropy[i]![t]!, weight: weights[i]! }).contribution;
        }
      });
      const loss = tf.tidy(() => {
        const [lp, m, ent] = [tf.tensor2d(logp), tf.tensor2d(mask), tf.tensor2d(entropy)];
        const input = { logp: lp, oldLogp: tf.tensor2d(oldLogp), advantages: tf.tensor1d(advantages), mask: m, epsLow, epsHigh, level: 'token' as const, aggregation, maxLen };
        const kl = klPenalty(lp, tf.tensor2d(refLogp), 'k3') as tf.Tensor2D;
        return regularisedLoss(policyLoss(input).loss, { mask: m, aggregation, maxLen, kl, beta, entropy: ent, entropyCoef });
      });
      expect(sum, aggregation).toBeCloseTo(arr(loss)[0]!, 6);
    }
  });
});

describe('placeTokenRewards (dense step rewards)', () => {
  it('puts each credit on its token and the rest of the total on the last valid token', () => {
    // total 1.2, credits 0.05 at 2 and 0.05 at 6, 9 valid of 10: the last valid token (8) gets 1.2 - 0.1 = 1.1.
    const row = placeTokenRewards(1.2, [{ at: 2, value: 0.05 }, { at: 6, value: 0.05 }], 9, 10);
    expect(row.map((x) => Math.round(x * 1e12) / 1e12)).toEqual([0, 0, 0.05, 0, 0, 0, 0.05, 0, 1.1, 0]);
    // Two credits on one token add: 0.25 + 0.25 at 1; the rest 1 - 0.5 = 0.5 at 3.
    expect(placeTokenRewards(1, [{ at: 1, value: 0.25 }, { at: 1, value: 0.25 }], 4, 5)).toEqual([0, 0.5, 0, 0.5, 0]);
  });
  it('sums to the total, and without credits is rewardsAtLastToken', () => {
    expect(placeTokenRewards(0.7, [], 3, 5)).toEqual([0, 0, 0.7, 0, 0]);
    const dense = placeTokenRewards(2, [{ at: 0, value: 0.3 }], 3, 4);
    expect(dense.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 12);
    // A credit past the valid tokens (or on the last one) is paid with the rest; an empty row gets nothing.
    expect(placeTokenRewards(1, [{ at: 7, value: 0.5 }], 3, 8)).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
    expect(placeTokenRewards(1, [{ at: 0, value: 0.5 }], 0, 3)).toEqual([0, 0, 0]);
  });
});
