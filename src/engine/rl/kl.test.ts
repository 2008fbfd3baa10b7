import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { exactKl, klPenalty, rewardsWithKlPenalty } from './kl';
import { exactKlOf, klEstimate } from './host';
import { close, expectNoLeak } from './testing.test-utils';

describe('klPenalty', () => {
  // x = logp - refLogp = [0, 0.5, -1].
  const logp = tf.tensor1d([-1, -0.5, -3]);
  const refLogp = tf.tensor1d([-1, -1, -2]);

  it('k1 = x', () => close(klPenalty(logp, refLogp, 'k1'), [0, 0.5, -1]));

  it('k2 = x² / 2', () => close(klPenalty(logp, refLogp, 'k2'), [0, 0.125, 0.5]));

  it('k3 = exp(-x) + x - 1', () => {
    // x = 0.5: e^-0.5 - 0.5 = 0.6065307 - 0.5 = 0.1065307;  x = -1: e + (-1) - 1 = 0.7182818.
    close(klPenalty(logp, refLogp, 'k3'), [0, 0.1065307, 0.7182818]);
  });

  it('keeps the shape of its inputs', () => {
    expect(klPenalty(tf.zeros([2, 3]), tf.zeros([2, 3]), 'k3').shape).toEqual([2, 3]);
  });

  it('clamp bounds each token', () => {
    // x = -5: k3 = e^5 - 6 = 142.41 -> 10.
    close(klPenalty(tf.tensor1d([-5, 0.5]), tf.tensor1d([0, 0]), 'k3', { clamp: 10 }), [10, 0.1065307]);
  });

  it('k3 gradient w.r.t. logp is 1 - exp(-x)', () => {
    // x = 0.5: 1 - 0.6065307 = 0.3934693;  x = -1: 1 - e = -1.7182818;  x = 0: 0.
    const g = tf.grad((lp: tf.Tensor) => tf.sum(klPenalty(lp, refLogp, 'k3')))(logp);
    close(g, [0, 0.3934693, -1.7182818]);
  });

  it('with a mask: padding gives 0 and a finite gradient even with -Infinity log-probs', () => {
    const lp = tf.tensor1d([0.5, -Infinity]);
    const ref = tf.tensor1d([0, -2]);
    const mask = tf.tensor1d([1, 0]);
    close(klPenalty(lp, ref, 'k3', { mask }), [0.1065307, 0]);
    const g = tf.grad((l: tf.Tensor) => tf.sum(klPenalty(l, ref, 'k3', { mask })))(lp);
    close(g, [0.3934693, 0]);
  });

  it('rejects mismatched shapes and unknown estimators', () => {
    expect(() => klPenalty(tf.zeros([2]), tf.zeros([3]), 'k1')).toThrow(/same shape/);
    expect(() => klPenalty(logp, refLogp, 'k4' as 'k1')).toThrow(/unknown estimator "k4"/);
  });

  it('does not leak', () => {
    for (const kind of ['k1', 'k2', 'k3'] as const) {
      const before = tf.memory().numTensors;
      const out = klPenalty(logp, refLogp, kind, { clamp: 10 });
      expect(tf.memory().numTensors - before).toBe(1);
      out.dispose();
      tf.tidy(() => {
        klPenalty(logp, refLogp, kind);
      });
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('rewardsWithKlPenalty (KL in the reward)', () => {
  // k1 per token: x = logp - refLogp = [[0.5, 1, junk], [-0.25, 0, 0]]; row 0's third token is padding.
  const logp = tf.tensor2d([
    [-0.5, 0, 7],
    [-1.25, -1, -1],
  ]);
  const refLogp = tf.tensor2d([
    [-1, -1, 0],
    [-1, -1, -1],
  ]);
  const mask = tf.tensor2d([
    [1, 1, 0],
    [1, 1, 1],
  ]);

  it('per response: r_i - β · Σ_t KL_t', () => {
    // β = 0.5: row 0: 1 - 0.5 · 1.5 = 0.25;  row 1: 2 - 0.5 · (-0.25) = 2.125
    close(rewardsWithKlPenalty(tf.tensor1d([1, 2]), logp, refLogp, mask, 0.5, 'k1'), [0.25, 2.125]);
  });

  it('per token: r_t - β · KL_t, padding untouched', () => {
    // k2 = x²/2: [[0.125, 0.5, -], [0.03125, 0, 0]]; β = 2.
    const r = tf.tensor2d([
      [0, 1, 0],
      [0, 0, 3],
    ]);
    close(rewardsWithKlPenalty(r, logp, refLogp, mask, 2, 'k2'), [
      [-0.25, 0, 0],
      [-0.0625, 0, 3],
    ]);
  });

  it('β = 0 gives the rewards back; does not leak', () => {
    const r = tf.tensor1d([1, 2]);
    close(rewardsWithKlPenalty(r, logp, refLogp, mask, 0, 'k3'), [1, 2]);
    expectNoLeak(() => rewardsWithKlPenalty(r, logp, refLogp, mask, 0.5, 'k3'), 1);
  });
});

describe('exactKl (the sum over the vocabulary)', () => {
  // One row, three positions, V = 3:
  //   t = 0: p = [1/2, 1/4, 1/4], q = [1/4, 1/2, 1/4]:
  //          KL = 1/2 ln(2) + 1/4 ln(1/2) + 1/4 ln(1) = (1/2 - 1/4) ln 2 = ln(2) / 4 = 0.1732868
  //   t = 1: p = q = [0.2, 0.3, 0.5]: KL = 0
  //   t = 2: padding, junk log-probs (-Infinity in both): 0 and no NaN in the gradient
  const L = Math.log;
  const logP = tf.tensor3d([[[L(0.5), L(0.25), L(0.25)], [L(0.2), L(0.3), L(0.5)], [-Infinity, -Infinity, 0]]]);
  const logQ = tf.tensor3d([[[L(0.25), L(0.5), L(0.25)], [L(0.2), L(0.3), L(0.5)], [-Infinity, 0, -Infinity]]]);
  const mask = tf.tensor2d([[1, 1, 0]]);

  it('sums p·(log p - log q) over the vocabulary at each position, 0 on padding', () => {
    close(exactKl(logP, logQ, mask), [[Math.LN2 / 4, 0, 0]], 1e-6);
  });

  it('is the mean of k3 over the sampled token (k3 is unbiased; exact is its expectation, with no variance)', () => {
    // y ~ p at t = 0: y = 0 (prob 1/2): x = ln p - ln q = ln 2,  k3 = e^-ln2 + ln2 - 1 = 0.1931472
    //                 y = 1 (prob 1/4): x = -ln 2,              k3 = 2 - ln2 - 1     = 0.3068528
    //                 y = 2 (prob 1/4): x = 0,                  k3 = 0
    //   E[k3] = 0.5 · 0.1931472 + 0.25 · 0.3068528 = 0.1732868 = ln(2) / 4
    const expectation = 0.5 * klEstimate(Math.LN2, 'k3') + 0.25 * klEstimate(-Math.LN2, 'k3');
    expect(expectation).toBeCloseTo(Math.LN2 / 4, 7);
    // The host twin (tfjs-free) agrees with the tensor version.
    expect(exactKlOf([L(0.5), L(0.25), L(0.25)], [L(0.25), L(0.5), L(0.25)])).toBeCloseTo(Math.LN2 / 4, 7);
  });

  it('has gradient -p with respect to log q (finite on padding), the cross-entropy\'s', () => {
    const g = tf.grad((q: tf.Tensor) => tf.sum(exactKl(logP, q as tf.Tensor3D, mask)))(logQ);
    close(g, [[[-0.5, -0.25, -0.25], [-0.2, -0.3, -0.5], [0, 0, 0]]], 1e-6);
    g.dispose();
  });

  it('does not leak', () => expectNoLeak(() => exactKl(logP, logQ, mask), 1));
});

