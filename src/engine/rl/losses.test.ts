import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import type { LossAggregation } from './host';
import { NO_CLIP, aggregate, oldPolicyKl, policyLoss, policyLossFromTerms, policyLossTerms, regularisedLoss, valueLoss, type PolicyLossInput } from './losses';
import { close, expectNoLeak } from './testing.test-utils';

const num = (t: tf.Tensor): number => t.dataSync()[0]!;

/** d loss / d logp, with everything else in `input` held fixed. */
function gradLogp(input: PolicyLossInput): tf.Tensor {
  return tf.grad((lp: tf.Tensor) => policyLoss({ ...input, logp: lp as tf.Tensor2D }).loss)(input.logp);
}

const AGGREGATIONS: LossAggregation[] = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'];
const E5 = Math.exp(5); // 148.41316
const EM5 = Math.exp(-5); // 0.0067379

describe('aggregate', () => {
  // Row 0 has 3 valid tokens, row 1 has 1; the padding holds junk that must not count.
  const perToken = tf.tensor2d([
    [1, 2, 3],
    [4, NaN, -Infinity],
  ]);
  const mask = tf.tensor2d([
    [1, 1, 1],
    [1, 0, 0],
  ]);

  it("'token-mean': all valid tokens weigh the same (DAPO)", () => {
    // (1 + 2 + 3 + 4) / 4 = 2.5
    close(aggregate(perToken, mask, 'token-mean'), 2.5);
  });

  it("'seq-mean-token-mean': all sequences weigh the same (GRPO)", () => {
    // row means: (1 + 2 + 3) / 3 = 2 and 4 / 1 = 4;  (2 + 4) / 2 = 3
    close(aggregate(perToken, mask, 'seq-mean-token-mean'), 3);
  });

  it("'seq-mean-token-sum-norm': token sums over a constant (Dr. GRPO)", () => {
    // maxLen defaults to T = 3: (6/3 + 4/3) / 2 = 5/3;  maxLen = 4: (6/4 + 4/4) / 2 = 1.25
    close(aggregate(perToken, mask, 'seq-mean-token-sum-norm'), 5 / 3);
    close(aggregate(perToken, mask, 'seq-mean-token-sum-norm', 4), 1.25);
  });

  it('a fully masked row neither counts nor produces NaN', () => {
    const withEmpty = tf.concat<tf.Tensor2D>([perToken, tf.tensor2d([[NaN, 7, Infinity]])]);
    const maskWithEmpty = tf.concat<tf.Tensor2D>([mask, tf.zeros([1, 3])]);
    close(aggregate(withEmpty, maskWithEmpty, 'token-mean'), 2.5);
    close(aggregate(withEmpty, maskWithEmpty, 'seq-mean-token-mean'), 3);
    close(aggregate(withEmpty, maskWithEmpty, 'seq-mean-token-sum-norm'), 5 / 3);
  });

  it('an all-masked batch gives 0 with a zero gradient', () => {
    for (const agg of AGGREGATIONS) {
      const x = tf.tensor2d([[1, 2]]);
      const m = tf.zeros<tf.Rank.R2>([1, 2]);
      close(aggregate(x, m, agg), 0);
      close(tf.grad((v: tf.Tensor) => aggregate(v as tf.Tensor2D, m, agg))(x), [[0, 0]]);
    }
  });

  it('rejects mismatched shapes and unknown modes', () => {
    expect(() => aggregate(perToken, tf.ones([2, 2]), 'token-mean')).toThrow(/perToken and mask must have the same shape/);
    expect(() => aggregate(perToken, mask, 'sum' as LossAggregation)).toThrow(/unknown aggregation "sum"/);
  });

  it('does not leak', () => {
    for (const agg of AGGREGATIONS) expectNoLeak(() => aggregate(perToken, mask, agg), 1);
  });
});

describe('policyLoss (token level)', () => {
  // Two sequences; row 1 has one valid token. oldLogp = 0, so r = exp(logp).
  //   (0,0): r = e^0.1  = 1.1051709, A = +1: inside [0.8, 1.2]      -> L = -1.1051709
  //   (0,1): r = e^0.5  = 1.6487213, A = +1: above 1.2, clipped high -> L = -1.2, no gradient
  //   (1,0): r = e^-0.1 = 0.9048374, A = -1: inside                 -> L = +0.9048374
  //   (1,1): padding (junk -Infinity log-prob)
  const base: PolicyLossInput = {
    logp: tf.tensor2d([
      [0.1, 0.5],
      [-0.1, -Infinity],
    ]),
    oldLogp: tf.zeros([2, 2]),
    advantages: tf.tensor1d([1, -1]),
    mask: tf.tensor2d([
      [1, 1],
      [1, 0],
    ]),
    epsLow: 0.2,
    epsHigh: 0.2,
    level: 'token',
    aggregation: 'token-mean',
  };

  it('loss, clip fractions and approxKl by hand', () => {
    const out = policyLoss(base);
    // token-mean: (-1.1051709 - 1.2 + 0.9048374) / 3 = -0.4667778
    close(out.loss, (-1.1051709 - 1.2 + 0.9048374) / 3);
    close(out.clipFracHigh, 1 / 3);
    close(out.clipFracLow, 0);
    close(out.clipFrac, 1 / 3);
    // approxKl = mean of (r - 1) - log r: (0.0051709 + 0.1487213 + 0.0048374) / 3 = 0.0529099
    close(out.approxKl, (0.0051709 + 0.1487213 + 0.0048374) / 3);
  });

  it('gradient: -A·r/count on unclipped tokens, 0 on clipped and padding', () => {
    // count = 3 valid tokens (token-mean); d(-r·A)/dlogp = -A·r.
    close(gradLogp(base), [
      [-1.1051709 / 3, 0],
      [0.9048374 / 3, 0],
    ]);
  });

  it('gradient through tf.variableGrads, with diagnostics kept alongside', () => {
    const logp = tf.variable(base.logp);
    let clipFrac: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = policyLoss({ ...base, logp });
      clipFrac = tf.keep(out.clipFrac);
      return out.loss;
    });
    close(value, (-1.1051709 - 1.2 + 0.9048374) / 3);
    close(clipFrac!, 1 / 3);
    close(grads[logp.name]!, [
      [-1.1051709 / 3, 0],
      [0.9048374 / 3, 0],
    ]);
    tf.dispose([value, clipFrac!, logp, ...Object.values(grads)]);
  });

  it('extreme ratios e^±5 with both signs of A, single-token responses, epsLow != epsHigh', () => {
    // Four one-token sequences, epsLow = 0.2 (floor 0.8), epsHigh = 0.28 (ceiling 1.28):
    //   r = e^5,  A = +1: -min(148.41, 1.28)      = -1.28        clipped high (gradient cut)
    //   r = e^5,  A = -1: -min(-148.41, -1.28)    = +148.41316   NOT clipped: the pessimistic bound keeps it
    //   r = e^-5, A = +1: -min(0.0067, 0.8)       = -0.0067379   NOT clipped
    //   r = e^-5, A = -1: -min(-0.0067, -0.8)     = +0.8         clipped low (gradient cut)
    const input: PolicyLossInput = {
      ...base,
      logp: tf.tensor2d([[5], [5], [-5], [-5]]),
      oldLogp: tf.zeros([4, 1]),
      advantages: tf.tensor1d([1, -1, 1, -1]),
      mask: tf.ones([4, 1]),
      epsLow: 0.2,
      epsHigh: 0.28,
    };
    const out = policyLoss(input);
    close(out.loss, (-1.28 + E5 - EM5 + 0.8) / 4, 1e-3); // 36.98160
    close(out.clipFracHigh, 0.25);
    close(out.clipFracLow, 0.25);
    close(out.clipFrac, 0.5);
    // approxKl: (e^5 - 6) twice and (e^-5 + 4) twice, over 4: 73.20995
    close(out.approxKl, (2 * (E5 - 6) + 2 * (EM5 + 4)) / 4, 1e-3);
    // Gradient -A·r/4 where unclipped, 0 where clipped.
    close(gradLogp(input), [[0], [E5 / 4], [-EM5 / 4], [0]], 1e-3);

    const terms = policyLossTerms(input);
    close(terms.clippedHigh, [[1], [0], [0], [0]]);
    close(terms.clippedLow, [[0], [0], [0], [1]]);
    close(terms.perToken, [[-1.28], [E5], [-EM5], [0.8]], 1e-3);
  });

  it('dual clip (arXiv:1912.09729, veRL clip_ratio_c): a negative advantage loses at most c·|A|', () => {
    // c = 3, epsLow = 0.2, epsHigh = 0.28, five one-token sequences, token-mean over 5:
    //   r = e^5,  A = +1:   -min(148.41, 1.28)       = -1.28     A > 0: the dual clip never acts
    //   r = e^5,  A = -1:   -min(-148.41, -1.28)      = 148.41 -> min(148.41, 3·1)   = 3      dual-clipped
    //   r = e^-5, A = +1:   -min(0.0067, 0.8)         = -0.0067379
    //   r = e^-5, A = -1:   -min(-0.0067, -0.8)       = 0.8 < 3·1: kept (clipped low)
    //   r = 2,    A = -2:   -min(-4, -2.56)           = 4   < 3·2 = 6: kept, ratio 2 < c
    //   loss = (-1.28 + 3 - 0.0067379 + 0.8 + 4) / 5 = 1.3026524
    // Gradient -A·r/5 where the unclipped branch is taken; 0 where any clip (low, high or dual) took it:
    //   [0, 0, -e^-5/5, 0, 2·2/5 = 0.8]
    const input = (clipRatioC?: number): PolicyLossInput => ({
      ...base,
      logp: tf.tensor2d([[5], [5], [-5], [-5], [Math.log(2)]]),
      oldLogp: tf.zeros([5, 1]),
      advantages: tf.tensor1d([1, -1, 1, -1, -2]),
      mask: tf.ones([5, 1]),
      epsLow: 0.2,
      epsHigh: 0.28,
      aggregation: 'token-mean',
      clipRatioC,
    });
    const out = policyLoss(input(3));
    close(out.loss, (-1.28 + 3 - EM5 + 0.8 + 4) / 5, 1e-4);
    close(out.clipFracDual, 0.2);
    close(out.clipFracLow, 0.2);
    close(out.clipFracHigh, 0.2);
    close(out.clipFrac, 0.4); // the region stays low + high
    close(gradLogp(input(3)), [[0], [0], [-EM5 / 5], [0], [0.8]], 1e-4);
    const terms = policyLossTerms(input(3));
    close(terms.clippedDual, [[0], [1], [0], [0], [0]]);
    close(terms.perToken, [[-1.28], [3], [-EM5], [0.8], [4]], 1e-4);
    // Off (undefined or 0): the plain clipped surrogate, the second token back at e^5.
    for (const c of [undefined, 0]) {
      const off = policyLoss(input(c));
      close(off.loss, (-1.28 + E5 - EM5 + 0.8 + 4) / 5, 1e-3);
      close(off.clipFracDual, 0);
    }
    // c <= 1 would cap losses the ordinary clip already bounds: refused.
    expect(() => policyLoss(input(1))).toThrow(/clipRatioC must be > 1/);
  });

  it('epsHigh above epsLow (DAPO clip-higher) moves only the upper bound', () => {
    // r = 1.25, A = +1: clipped at 1.2 when epsHigh = 0.2 (L = -1.2), free when epsHigh = 0.28 (L = -1.25).
    // r = 0.75, A = -1: below 1 - epsLow = 0.8 in both cases: L = -min(-0.75, -0.8) = 0.8, clipped low.
    const input = (epsHigh: number): PolicyLossInput => ({
      ...base,
      logp: tf.tensor2d([[Math.log(1.25)], [Math.log(0.75)]]),
      oldLogp: tf.zeros([2, 1]),
      advantages: tf.tensor1d([1, -1]),
      mask: tf.ones([2, 1]),
      epsLow: 0.2,
      epsHigh,
    });
    const symmetric = policyLoss(input(0.2));
    close(symmetric.loss, (-1.2 + 0.8) / 2);
    close(symmetric.clipFracHigh, 0.5);
    close(symmetric.clipFracLow, 0.5);
    const higher = policyLoss(input(0.28));
    close(higher.loss, (-1.25 + 0.8) / 2);
    close(higher.clipFracHigh, 0);
    close(higher.clipFracLow, 0.5);
  });

  it('infinite eps disables clipping (plain importance-weighted policy gradient)', () => {
    const out = policyLoss({
      ...base,
      logp: tf.tensor2d([[5], [-5]]),
      oldLogp: tf.zeros([2, 1]),
      advantages: tf.tensor1d([1, -1]),
      mask: tf.ones([2, 1]),
      epsLow: Infinity,
      epsHigh: Infinity,
    });
    close(out.loss, (-E5 + EM5) / 2, 1e-3);
    close(out.clipFrac, 0);
  });

  it('per-token advantages [N, T] (GAE) with each aggregation', () => {
    // ratio = 1 everywhere, so L = -A per valid token:
    //   token-mean:              -(1 + 2 + 3 + 4) / 4              = -2.5
    //   seq-mean-token-mean:     -((1 + 2 + 3) / 3 + 4 / 1) / 2     = -3
    //   seq-mean-token-sum-norm: -((1 + 2 + 3) / 3 + 4 / 3) / 2     = -5/3   (maxLen = 3)
    const input = (aggregation: LossAggregation): PolicyLossInput => ({
      ...base,
      logp: tf.fill<tf.Rank.R2>([2, 3], -0.7),
      oldLogp: tf.fill<tf.Rank.R2>([2, 3], -0.7),
      advantages: tf.tensor2d([
        [1, 2, 3],
        [4, NaN, Infinity], // junk in the padding
      ]),
      mask: tf.tensor2d([
        [1, 1, 1],
        [1, 0, 0],
      ]),
      aggregation,
      maxLen: 3,
    });
    close(policyLoss(input('token-mean')).loss, -2.5);
    close(policyLoss(input('seq-mean-token-mean')).loss, -3);
    close(policyLoss(input('seq-mean-token-sum-norm')).loss, -5 / 3);
    // With ratio 1 nothing is clipped and the KL estimate is 0 (the "one update per rollout" case).
    close(policyLoss(input('token-mean')).clipFrac, 0);
    close(policyLoss(input('token-mean')).approxKl, 0);
    // Gradient -A/4 on valid tokens (ratio 1), 0 on padding despite the junk advantages.
    close(gradLogp(input('token-mean')), [
      [-1 / 4, -2 / 4, -3 / 4],
      [-4 / 4, 0, 0],
    ]);
  });

  it('a fully masked row: no NaN in loss or gradient, and it does not count', () => {
    for (const aggregation of AGGREGATIONS) {
      const without = policyLoss({ ...base, aggregation });
      const withEmpty: PolicyLossInput = {
        ...base,
        aggregation,
        logp: tf.concat([base.logp, tf.tensor2d([[-Infinity, NaN]])]),
        oldLogp: tf.concat([base.oldLogp, tf.tensor2d([[-Infinity, 3]])]),
        advantages: tf.tensor1d([1, -1, 5]),
        mask: tf.concat([base.mask, tf.zeros([1, 2])]),
      };
      const out = policyLoss(withEmpty);
      close(out.loss, num(without.loss));
      close(out.clipFrac, num(without.clipFrac));
      close(out.approxKl, num(without.approxKl));
      const g = gradLogp(withEmpty).dataSync();
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
      expect(Array.from(g.slice(4))).toEqual([0, 0]);
    }
  });

  it('rejects mismatched shapes and negative clip ranges', () => {
    expect(() => policyLoss({ ...base, advantages: tf.tensor1d([1, 2, 3]) })).toThrow(/advantages \[N\] must have N = 2/);
    expect(() => policyLoss({ ...base, mask: tf.ones([2, 3]) })).toThrow(/logp and mask must have the same shape/);
    expect(() => policyLoss({ ...base, advantages: tf.ones<tf.Rank.R2>([2, 3]) })).toThrow(/advantages \[N, T\]/);
    expect(() => policyLoss({ ...base, epsLow: -0.1 })).toThrow(/clip ranges must be >= 0/);
  });

  it('does not leak', () => {
    expectNoLeak(() => policyLoss(base), 6);
    expectNoLeak(() => policyLossTerms(base), 6);
  });
});

describe('policyLoss (sequence level, GSPO)', () => {
  // Row 0: log-ratios [0.1, 0.2, 0.3] -> mean 0.2, s_0 = e^0.2 = 1.2214028 > 1.2, A = +1: clipped high.
  // Row 1: log-ratios [0, -0.2] (+ padding) -> mean -0.1, s_1 = e^-0.1 = 0.9048374 in [0.8, 1.2], A = -2: free.
  const gspo: PolicyLossInput = {
    logp: tf.tensor2d([
      [0.1, 0.2, 0.3],
      [0, -0.2, -Infinity],
    ]),
    oldLogp: tf.zeros([2, 3]),
    advantages: tf.tensor1d([1, -2]),
    mask: tf.tensor2d([
      [1, 1, 1],
      [1, 1, 0],
    ]),
    epsLow: 0.2,
    epsHigh: 0.2,
    level: 'sequence',
    aggregation: 'seq-mean-token-mean',
  };
  const s1 = Math.exp(-0.1);

  it('clips the whole sequence on its length-normalised ratio', () => {
    const out = policyLoss(gspo);
    // Per-token losses: row 0 -1.2 on each token; row 1 -(-2 · 0.9048374) = 1.8096748 on each.
    // seq-mean-token-mean: (-1.2 + 1.8096748) / 2 = 0.3048374
    close(out.loss, (-1.2 + 2 * s1) / 2);
    // Every token of row 0 counts as clipped: 3 of 5 valid tokens.
    close(out.clipFracHigh, 3 / 5);
    close(out.clipFracLow, 0);
    // approxKl stays per token: Σ (e^x - 1 - x) over x = 0.1, 0.2, 0.3, 0, -0.2, / 5
    const k3 = [0.1, 0.2, 0.3, 0, -0.2].map((x) => Math.exp(x) - 1 - x);
    close(out.approxKl, k3.reduce((a, b) => a + b) / 5);
    const terms = policyLossTerms(gspo);
    close(terms.ratio, [
      [Math.exp(0.2), Math.exp(0.2), Math.exp(0.2)],
      [s1, s1, 0],
    ]);
  });

  it('gradient: each token of an unclipped sequence gets -A·s_i/(|y_i|·#seqs), clipped sequences 0', () => {
    // Row 1: -(-2) · 0.9048374 / (2 tokens · 2 sequences) = 0.4524187 on each valid token.
    close(gradLogp(gspo), [
      [0, 0, 0],
      [s1 / 2, s1 / 2, 0],
    ]);
  });

  it('equals the gradient of the sequence-level objective written directly', () => {
    // J = (1/N) Σ_i -min(s_i A_i, clip(s_i) A_i), s_i = exp(Σ_t m·(logp - oldLogp) / |y_i|)
    const direct = (lp: tf.Tensor): tf.Scalar => {
      const m = gspo.mask;
      const logRatio = tf.where(tf.greater(m, 0), tf.sub(lp, gspo.oldLogp), tf.zerosLike(m));
      const s = tf.exp(tf.div(tf.sum(logRatio, 1), tf.sum(m, 1)));
      const a = gspo.advantages;
      return tf.mean(tf.maximum(tf.neg(tf.mul(s, a)), tf.neg(tf.mul(tf.clipByValue(s, 0.8, 1.2), a))));
    };
    const expected = tf.grad(direct)(gspo.logp).arraySync() as number[][];
    close(gradLogp(gspo), expected);
    close(policyLoss(gspo).loss, num(direct(gspo.logp)));
  });

  it('differs from the token level on the same data', () => {
    // Token level: row 0 ratios e^0.1 (free), e^0.2 and e^0.3 (clipped); row 1 e^0 and e^-0.2 = 0.8187 (both free).
    close(policyLoss({ ...gspo, level: 'token' }).clipFracHigh, 2 / 5);
  });

  it('does not leak', () => expectNoLeak(() => policyLoss(gspo), 6));
});

describe('valueLoss', () => {
  // One row, two valid positions, junk in the padding. clipRange c = 0.2.
  //   t=0: V = 0.5, V_old = 0, R = 1: V_clip = 0 + clip(0.5, ±0.2) = 0.2;
  //        (V - R)² = 0.25, (V_clip - R)² = 0.64 -> max 0.64, the clipped term wins (counts in clipFrac)
  //   t=1: V = 2, V_old = 1, R = 1: V_clip = 1.2; (V - R)² = 1, (V_clip - R)² = 0.04 -> max 1
  //   loss = ½ · (0.64 + 1) / 2 = 0.41; clipFrac = 1/2
  const values = tf.tensor2d([[0.5, 2, 9]]);
  const oldValues = tf.tensor2d([[0, 1, -3]]);
  const returns = tf.tensor2d([[1, 1, NaN]]);
  const mask = tf.tensor2d([[1, 1, 0]]);

  it('clipped, by hand', () => {
    const out = valueLoss(values, oldValues, returns, mask, 0.2);
    close(out.loss, 0.41);
    close(out.clipFrac, 0.5);
  });

  it('gradient: 0 where the clipped term wins, (V - R)/count where the plain one does', () => {
    // t=1: d/dV ½ · (V - R)² / 2 = (V - R) / 2 = 0.5
    const g = tf.grad((v: tf.Tensor) => valueLoss(v, oldValues, returns, mask, 0.2).loss)(values);
    close(g, [[0, 0.5, 0]]);
  });

  it('without clipRange: ½ masked MSE', () => {
    // ½ · (0.25 + 1) / 2 = 0.3125
    const out = valueLoss(values, oldValues, returns, mask);
    close(out.loss, 0.3125);
    close(out.clipFrac, 0);
  });

  it('rejects mismatched shapes', () => {
    expect(() => valueLoss(values, oldValues, tf.ones([1, 2]), mask, 0.2)).toThrow(/values and returns/);
  });

  it('does not leak', () => {
    expectNoLeak(() => valueLoss(values, oldValues, returns, mask, 0.2), 2);
    expectNoLeak(() => valueLoss(values, oldValues, returns, mask), 2);
  });
});

describe('policyLossFromTerms (what the trainer calls)', () => {
  it('is policyLoss, number for number, on both levels and every aggregation', () => {
    const input: PolicyLossInput = {
      logp: tf.tensor2d([
        [-0.2, -1.3, -0.7],
        [-2.1, -0.4, -9],
      ]),
      oldLogp: tf.tensor2d([
        [-0.5, -1, -0.6],
        [-2, -0.9, 0],
      ]),
      advantages: tf.tensor1d([0.8, -1.1]),
      mask: tf.tensor2d([
        [1, 1, 1],
        [1, 1, 0],
      ]),
      epsLow: 0.2,
      epsHigh: 0.28,
      level: 'token',
      aggregation: 'token-mean',
    };
    for (const level of ['token', 'sequence'] as const) {
      for (const aggregation of AGGREGATIONS) {
        const want = policyLoss({ ...input, level, aggregation, maxLen: 4 });
        const got = tf.tidy(() => policyLossFromTerms(policyLossTerms({ ...input, level, aggregation, maxLen: 4 }), input.mask, aggregation, 4));
        for (const k of ['loss', 'clipFracLow', 'clipFracHigh', 'clipFrac', 'approxKl'] as const) expect(num(got[k]), `${level} ${aggregation} ${k}`).toBe(num(want[k]));
      }
    }
    const terms = policyLossTerms(input);
    expectNoLeak(() => policyLossFromTerms(terms, input.mask, 'token-mean'), 6);
  });
});

describe('NO_CLIP (PPO-Penalty, TRPO)', () => {
  it('gives the plain surrogate -ρ·A and never reports clipping', () => {
    // r = e^0.5 = 1.6487213 with A = +1, and e^-1 = 0.3678794 with A = -1: both far outside any clip range.
    // token-mean: (-1.6487213 + 0.3678794) / 2 = -0.6404210
    const out = policyLoss({
      logp: tf.tensor2d([[0.5, -1]]),
      oldLogp: tf.zeros([1, 2]),
      advantages: tf.tensor2d([[1, -1]]),
      mask: tf.ones([1, 2]),
      ...NO_CLIP,
      level: 'token',
      aggregation: 'token-mean',
    });
    close(out.loss, (-Math.exp(0.5) + Math.exp(-1)) / 2);
    close(out.clipFrac, 0);
  });
});

describe('oldPolicyKl', () => {
  it('ρ - 1 - log ρ per token, ρ = π_θ / π_old', () => {
    // log ρ = [0, 0.5, -1]: [0, e^0.5 - 1.5 = 0.1487213, e^-1 = 0.3678794]
    const kl = oldPolicyKl(tf.tensor2d([[-1, -0.5, -3]]), tf.tensor2d([[-1, -1, -2]]));
    close(kl, [[0, Math.exp(0.5) - 1.5, Math.exp(-1)]]);
    const [lp, old] = [tf.tensor2d([[-1, -0.5]]), tf.tensor2d([[-1, -1]])];
    expectNoLeak(() => oldPolicyKl(lp, old), 1);
  });
});

describe('regularisedLoss', () => {
  // Two rows, the second one token long. KL = [[0.2, 0.4], [1, junk]], H = [[2, 2], [1, junk]].
  const mask = tf.tensor2d([
    [1, 1],
    [1, 0],
  ]);
  const kl = tf.tensor2d([
    [0.2, 0.4],
    [1, 50],
  ]);
  const entropy = tf.tensor2d([
    [2, 2],
    [1, 50],
  ]);

  it('policy + β·agg(KL) - c_H·agg(H), each aggregated like the policy loss', () => {
    // seq-mean-token-mean: agg(KL) = (0.3 + 1) / 2 = 0.65; agg(H) = (2 + 1) / 2 = 1.5.
    // 0.5 + 0.1 · 0.65 - 0.01 · 1.5 = 0.5 + 0.065 - 0.015 = 0.55
    const loss = regularisedLoss(tf.scalar(0.5), { mask, aggregation: 'seq-mean-token-mean', kl, beta: 0.1, entropy, entropyCoef: 0.01 });
    close(loss, 0.55);
    // token-mean: agg(KL) = 1.6 / 3, agg(H) = 5 / 3: 0.5 + 0.16/3 - 0.05/3 = 0.5366667
    close(regularisedLoss(tf.scalar(0.5), { mask, aggregation: 'token-mean', kl, beta: 0.1, entropy, entropyCoef: 0.01 }), 0.5 + 0.11 / 3);
  });

  it('zero weights, or no KL, leave the policy loss as it is', () => {
    const policy = tf.scalar(0.5);
    expect(regularisedLoss(policy, { mask, aggregation: 'token-mean', kl, beta: 0, entropy, entropyCoef: 0 })).toBe(policy);
    expect(regularisedLoss(policy, { mask, aggregation: 'token-mean', kl: null, beta: 1, entropy, entropyCoef: 0 })).toBe(policy);
  });

  it('does not leak', () => {
    const policy = tf.scalar(0.5);
    expectNoLeak(() => regularisedLoss(policy, { mask, aggregation: 'token-mean', kl, beta: 0.1, entropy, entropyCoef: 0.01 }), 1);
  });
});
