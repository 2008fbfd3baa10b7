import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { entropyFromLogProbs, entropyFromLogits, explainedVariance, maskedStats } from './diagnostics';
import { close, expectNoLeak } from './testing.test-utils';

describe('entropyFromLogits', () => {
  // [N=1, T=3, V=2]:
  //   [0, 0]      uniform over 2:  H = ln 2 = 0.6931472
  //   [0, ln 3]   p = [1/4, 3/4]:  H = ¼ ln 4 + ¾ ln(4/3) = 0.3465736 + 0.2157616 = 0.5623351
  //   [100, 0]    saturated:       H ≈ 0 (101 · e^-100), and not NaN
  const logits = tf.tensor3d([[[0, 0], [0, Math.log(3)], [100, 0]]]);

  it('by hand, including a saturated softmax', () => {
    const h = entropyFromLogits(logits);
    expect(h.shape).toEqual([1, 3]);
    close(h, [[Math.LN2, 0.25 * Math.log(4) + 0.75 * Math.log(4 / 3), 0]]);
  });

  it('is differentiable: dH/dz at the uniform point is 0', () => {
    const g = tf.grad((z: tf.Tensor) => tf.sum(entropyFromLogits(z as tf.Tensor3D)))(tf.zeros([1, 1, 4]));
    close(g, [[[0, 0, 0, 0]]]);
  });

  it('does not leak', () => expectNoLeak(() => entropyFromLogits(logits), 1));

  it('is entropyFromLogProbs (what the policy calls) of logSoftmax', () => {
    // log p = [ln ½, ln ½]: H = ln 2;  [ln ¼, ln ¾]: 0.5623351;  [0, -100] (saturated): 100 · e^-100 ≈ 0.
    const lp = tf.tensor3d([[[Math.log(0.5), Math.log(0.5)], [Math.log(0.25), Math.log(0.75)], [0, -100]]]);
    close(entropyFromLogProbs(lp), [[Math.LN2, 0.25 * Math.log(4) + 0.75 * Math.log(4 / 3), 0]]);
    close(entropyFromLogProbs(tf.logSoftmax<tf.Tensor3D>(logits)), entropyFromLogits(logits).arraySync());
    expectNoLeak(() => entropyFromLogProbs(lp), 1);
  });
});

describe('explainedVariance', () => {
  const returns = tf.tensor1d([1, 2, 3, 4, 1000]);
  const mask = tf.tensor1d([1, 1, 1, 1, 0]); // the last position is padding

  it('a perfect critic explains everything, a constant one nothing', () => {
    close(explainedVariance(tf.tensor1d([1, 2, 3, 4, -7]), returns, mask), 1);
    close(explainedVariance(tf.tensor1d([0, 0, 0, 0, 0]), returns, mask), 0);
  });

  it('by hand: 1 - Var[R - V] / Var[R]', () => {
    // R = [1, 2, 3, 4]: mean 2.5, Var = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
    // V = [1, 2, 3, 5]: R - V = [0, 0, 0, -1], mean -0.25, Var = (3 · 0.0625 + 0.5625) / 4 = 0.1875
    // EV = 1 - 0.1875 / 1.25 = 0.85
    close(explainedVariance(tf.tensor1d([1, 2, 3, 5, 0]), returns, mask), 0.85);
  });

  it('Var[R] = 0 or nothing valid gives 0, not NaN', () => {
    close(explainedVariance(tf.tensor1d([1, 2]), tf.tensor1d([3, 3]), tf.tensor1d([1, 1])), 0);
    close(explainedVariance(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]), tf.tensor1d([0, 0])), 0);
  });

  it('does not leak', () => {
    const values = tf.tensor1d([1, 2, 3, 5, 0]);
    expectNoLeak(() => explainedVariance(values, returns, mask), 1);
  });
});

describe('maskedStats', () => {
  it('mean, population std, min, max, count over valid positions', () => {
    // Valid [2, 4, 6, 8]: mean 5, Var = (9 + 1 + 1 + 9) / 4 = 5, std = sqrt 5.
    const s = maskedStats(
      tf.tensor2d([
        [2, 4, -100],
        [6, 8, NaN],
      ]),
      tf.tensor2d([
        [1, 1, 0],
        [1, 1, 0],
      ]),
    );
    close(s.mean, 5);
    close(s.std, Math.sqrt(5));
    close(s.min, 2);
    close(s.max, 8);
    close(s.count, 4);
  });

  it('all zeros when nothing is valid', () => {
    const s = maskedStats(tf.tensor1d([3, 4]), tf.tensor1d([0, 0]));
    for (const v of [s.mean, s.std, s.min, s.max, s.count]) close(v, 0);
  });

  it('does not leak', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const m = tf.tensor1d([1, 0, 1]);
    expectNoLeak(() => maskedStats(x, m), 5);
  });
});
