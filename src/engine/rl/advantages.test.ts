import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { groupAdvantages, groupStd, reinforceBaselineAdvantages, rlooAdvantages, whiten } from './advantages';
import { close, expectNoLeak } from './testing.test-utils';

describe('groupAdvantages', () => {
  // Two groups of G = 3: [1, 0, 2] and [3, 3, 3].
  const rewards = tf.tensor1d([1, 0, 2, 3, 3, 3]);

  it("'group': (r - group mean) / (Bessel std of the group + 1e-4)", () => {
    // Group 1: mean 1, centred [0, -1, 1], std = sqrt((0 + 1 + 1) / (3 - 1)) = 1 -> ±1 / 1.0001.
    // Group 2: all equal -> centred [0, 0, 0], std 0 -> 0 / 1e-4 = 0 exactly.
    const a = groupAdvantages(rewards, 3, 'group');
    close(a, [0, -1 / 1.0001, 1 / 1.0001, 0, 0, 0]);
    expect(Array.from(a.dataSync()).slice(3)).toEqual([0, 0, 0]); // exactly 0, not NaN
  });

  it("'batch': group mean, std of all N raw rewards (TRL scale_rewards='batch')", () => {
    // Batch mean 2, deviations [-1, -2, 0, 1, 1, 1], Σ squares = 8, std = sqrt(8 / 5) = 1.264911.
    const std = Math.sqrt(8 / 5);
    close(groupAdvantages(rewards, 3, 'batch'), [0, -1 / (std + 1e-4), 1 / (std + 1e-4), 0, 0, 0]);
  });

  it("'none' is Dr. GRPO: centred only", () => {
    close(groupAdvantages(rewards, 3, 'none'), [0, -1, 1, 0, 0, 0]);
  });

  it('G = 2: ±0.5 / (sqrt(0.5) + 1e-4)', () => {
    // [0, 1]: mean 0.5, centred [-0.5, 0.5], std = sqrt((0.25 + 0.25) / 1) = 0.707107.
    const a = 0.5 / (Math.SQRT1_2 + 1e-4); // 0.707007
    close(groupAdvantages(tf.tensor1d([0, 1, 5, 5]), 2, 'group'), [-a, a, 0, 0]);
  });

  it('an all-equal batch gives zeros and no NaN in every scale', () => {
    for (const scale of ['group', 'batch', 'none'] as const) {
      const a = groupAdvantages(tf.tensor1d([0.5, 0.5, 0.5, 0.5]), 2, scale);
      expect(Array.from(a.dataSync())).toEqual([0, 0, 0, 0]);
    }
  });

  it('G = 1 gives zeros (nothing to compare against), not NaN', () => {
    expect(Array.from(groupAdvantages(tf.tensor1d([1, 2]), 1, 'group').dataSync())).toEqual([0, 0]);
  });

  it('rejects a batch that does not split into groups, and a non-1D input', () => {
    expect(() => groupAdvantages(tf.tensor1d([1, 2, 3]), 2, 'group')).toThrow(/do not split into groups of 2/);
    expect(() => groupAdvantages(tf.tensor2d([[1, 2]]) as unknown as tf.Tensor1D, 2, 'group')).toThrow(/\[N\]/);
  });

  it('does not leak', () => {
    for (const scale of ['group', 'batch', 'none'] as const) expectNoLeak(() => groupAdvantages(rewards, 3, scale), 1);
  });
});

describe('groupStd', () => {
  it('Bessel std per group; zero marks a group with no signal', () => {
    // [1, 0, 2] -> 1;  [3, 3, 3] -> 0;  [0, 1] would be sqrt(0.5).
    const rewards = tf.tensor1d([1, 0, 2, 3, 3, 3]);
    close(groupStd(rewards, 3), [1, 0]);
    expectNoLeak(() => groupStd(rewards, 3), 1);
  });
});

describe('rlooAdvantages', () => {
  it('r_i minus the mean of the other G - 1', () => {
    // [1, 0, 2]: 1 - (0 + 2)/2 = 0;  0 - (1 + 2)/2 = -1.5;  2 - (1 + 0)/2 = 1.5.
    // [4, 4, 4]: 4 - 4 = 0.
    close(rlooAdvantages(tf.tensor1d([1, 0, 2, 4, 4, 4]), 3), [0, -1.5, 1.5, 0, 0, 0]);
  });

  it('G = 2: each is the difference with the other', () => {
    close(rlooAdvantages(tf.tensor1d([0, 1, 3, 1]), 2), [-1, 1, 2, -2]);
  });

  it('needs G >= 2', () => {
    expect(() => rlooAdvantages(tf.tensor1d([1, 2]), 1)).toThrow(/groupSize >= 2/);
  });

  it('does not leak', () => {
    const rewards = tf.tensor1d([1, 0, 2, 4]);
    expectNoLeak(() => rlooAdvantages(rewards, 2), 1);
  });
});

describe('reinforceBaselineAdvantages', () => {
  it('r - batch mean', () => {
    // mean of [1, 2, 3, 6] = 3.
    const rewards = tf.tensor1d([1, 2, 3, 6]);
    close(reinforceBaselineAdvantages(rewards), [-2, -1, 0, 3]);
    expectNoLeak(() => reinforceBaselineAdvantages(rewards), 1);
  });
});

describe('whiten', () => {
  // Valid [0, 2, 4]: mean 2, unbiased var = (4 + 0 + 4) / 2 = 4, std 2. The padding holds junk.
  const x = tf.tensor2d([
    [0, 2],
    [4, 100],
  ]);
  const mask = tf.tensor2d([
    [1, 1],
    [1, 0],
  ]);

  it('(x - mean) / sqrt(var + 1e-8) over valid positions; padding -> 0', () => {
    close(whiten(x, mask), [
      [-1, 0],
      [1, 0],
    ]);
  });

  it('shiftMean = false adds the mean back', () => {
    close(whiten(x, mask, false), [
      [1, 2],
      [3, 0],
    ]);
  });

  it('ignores -Infinity in padding, and an empty mask gives zeros', () => {
    close(whiten(tf.tensor1d([0, 2, 4, -Infinity]), tf.tensor1d([1, 1, 1, 0])), [-1, 0, 1, 0]);
    close(whiten(tf.tensor1d([3, 5]), tf.tensor1d([0, 0])), [0, 0]);
    close(whiten(tf.tensor1d([3, 5]), tf.tensor1d([1, 0])), [0, 0]); // one valid value: centred to 0
  });

  it('does not leak', () => expectNoLeak(() => whiten(x, mask), 1));
});
