import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { sftLoss } from './sft';
import { expectNoLeak } from './testing.test-utils';

const num = (t: tf.Tensor): number => t.dataSync()[0]!;

describe('sftLoss', () => {
  // Row 0: 2 valid tokens with log-probs -1, -2; row 1: 1 valid token, -3, then padding holding junk.
  const logp = () => tf.tensor2d([[-1, -2, NaN], [-3, -Infinity, 5]]);
  const mask = () => tf.tensor2d([[1, 1, 0], [1, 0, 0]]);

  it('is the mean negative log-prob over every valid token (gold traces: all rows weigh 1)', () => {
    // -(-1 - 2 - 3) / 3 = 2: a token mean, so row 0's two tokens count twice as much as row 1's one.
    expect(num(sftLoss(logp(), mask()))).toBeCloseTo(2, 6);
  });

  it('keeps only the accepted rows (rejection sampling), averaging over their tokens', () => {
    // Row 0 only: -(-1 - 2) / 2 = 1.5.  Row 1 only: -(-3) / 1 = 3.
    expect(num(sftLoss(logp(), mask(), tf.tensor1d([1, 0])))).toBeCloseTo(1.5, 6);
    expect(num(sftLoss(logp(), mask(), tf.tensor1d([0, 1])))).toBeCloseTo(3, 6);
  });

  it('is 0, not NaN, when every row is rejected, and its gradient is 0 too', () => {
    const w = tf.tensor1d([0, 0]);
    expect(num(sftLoss(logp(), mask(), w))).toBeCloseTo(0, 12); // -0, not NaN
    const g = tf.grad((lp: tf.Tensor) => sftLoss(lp as tf.Tensor2D, mask(), w))(logp());
    expect(Array.from(g.dataSync()).map(Math.abs)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('has gradient -w_i·m_it / Σ w·m with respect to each log-prob (junk in the padding gets none)', () => {
    // All rows: 3 tokens, so d/dlogp = -1/3 on each valid token, 0 on padding.
    const g = tf.grad((lp: tf.Tensor) => sftLoss(lp as tf.Tensor2D, mask()))(logp());
    const got = Array.from(g.dataSync());
    [-1 / 3, -1 / 3, 0, -1 / 3, 0, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  it('refuses mismatched shapes, and leaks nothing', () => {
    expect(() => sftLoss(logp(), tf.ones<tf.Rank.R2>([2, 2]))).toThrow(/same shape/);
    expect(() => sftLoss(logp(), mask(), tf.ones<tf.Rank.R1>([3]))).toThrow(/rowWeights must be \[N\]/);
    const [lp, m, w] = [logp(), mask(), tf.tensor1d([1, 0])];
    expectNoLeak(() => sftLoss(lp, m, w), 1);
  });
});
