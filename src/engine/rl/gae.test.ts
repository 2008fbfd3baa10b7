import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gae, rewardsAtLastToken } from './gae';
import { close, expectNoLeak } from './testing.test-utils';

/**
 * The oracle: GAE's backward recursion written out, per row, on host arrays (CleanRL
 * `ppo.py`, TRL `PPOTrainer`). A masked position is terminal: nothing flows back through it.
 * `gae` (one matmul on the device) must agree with it wherever valid tokens are a prefix.
 */
function gaeRecursion(rewards: number[][], values: number[][], mask: number[][], gamma: number, lambda: number): { advantages: number[][]; returns: number[][] } {
  const advantages = rewards.map((row) => row.map(() => 0));
  const returns = rewards.map((row) => row.map(() => 0));
  rewards.forEach((row, b) => {
    let nextValue = 0; // V_{t+1}
    let nextAdv = 0; // Â_{t+1}
    for (let t = row.length - 1; t >= 0; t--) {
      if (!(mask[b]![t]! > 0)) {
        nextValue = 0;
        nextAdv = 0;
        continue;
      }
      const delta = row[t]! + gamma * nextValue - values[b]![t]!;
      nextAdv = delta + gamma * lambda * nextAdv;
      advantages[b]![t] = nextAdv;
      returns[b]![t] = nextAdv + values[b]![t]!;
      nextValue = values[b]![t]!;
    }
  });
  return { advantages, returns };
}

describe('gae', () => {
  const gamma = 0.9;
  const lambda = 0.8; // γλ = 0.72
  // Row 0: three valid steps, the score on the last one.
  // Row 1: two valid steps; the third position is padding holding junk (reward 5, value 9).
  // Row 2: fully masked (junk everywhere).
  const rewards = tf.tensor2d([
    [0, 0, 1],
    [0, 2, 5],
    [7, 7, 7],
  ]);
  const values = tf.tensor2d([
    [0.5, 0.4, 0.3],
    [1, 0.5, 9],
    [3, 3, 3],
  ]);
  const mask = tf.tensor2d([
    [1, 1, 1],
    [1, 1, 0],
    [0, 0, 0],
  ]);

  it('matches the hand-computed recursion, with padding treated as terminal', () => {
    const { advantages, returns } = gae(rewards, values, mask, gamma, lambda);
    // Row 0, backwards:
    //   t=2: δ = 1 + 0.9·0 - 0.3 = 0.7;            Â = 0.7;                      R = 0.7 + 0.3 = 1.0
    //   t=1: δ = 0 + 0.9·0.3 - 0.4 = -0.13;        Â = -0.13 + 0.72·0.7 = 0.374;  R = 0.774
    //   t=0: δ = 0 + 0.9·0.4 - 0.5 = -0.14;        Â = -0.14 + 0.72·0.374 = 0.12928; R = 0.62928
    // Row 1 (t=2 is padding: V_3 = 0, Â_3 = 0, output 0):
    //   t=1: δ = 2 + 0.9·0 - 0.5 = 1.5;            Â = 1.5;                      R = 2.0
    //   t=0: δ = 0 + 0.9·0.5 - 1 = -0.55;          Â = -0.55 + 0.72·1.5 = 0.53;   R = 1.53
    // Row 2: nothing valid -> zeros.
    close(advantages, [
      [0.12928, 0.374, 0.7],
      [0.53, 1.5, 0],
      [0, 0, 0],
    ]);
    close(returns, [
      [0.62928, 0.774, 1.0],
      [1.53, 2.0, 0],
      [0, 0, 0],
    ]);
    expect(advantages.shape).toEqual([3, 3]);
    expect(Array.from(advantages.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('γ = λ = 1 gives Monte-Carlo returns: Â_t = Σ_{k>=t} r_k - V_t', () => {
    // Row 0: returns-to-go [1, 1, 1]; minus values [0.5, 0.4, 0.3].
    const { advantages, returns } = gae(rewards, values, mask, 1, 1);
    close(advantages, [
      [0.5, 0.6, 0.7],
      [1, 1.5, 0],
      [0, 0, 0],
    ]);
    close(returns, [
      [1, 1, 1],
      [2, 2, 0],
      [0, 0, 0],
    ]);
  });

  it('λ = 0 gives one-step TD errors δ_t', () => {
    // Row 0: δ = [-0.14, -0.13, 0.7] (from the first test).
    close(tf.slice(gae(rewards, values, mask, gamma, 0).advantages, [0, 0], [1, 3]), [[-0.14, -0.13, 0.7]]);
  });

  it('a single-token response', () => {
    // δ_0 = 2 - 0.5 = 1.5.
    close(gae(tf.tensor2d([[2, 0]]), tf.tensor2d([[0.5, 0.1]]), tf.tensor2d([[1, 0]]), gamma, lambda).advantages, [[1.5, 0]]);
  });

  it('rejects mismatched shapes and out-of-range γ', () => {
    expect(() => gae(rewards, tf.zeros([3, 2]), mask, gamma, lambda)).toThrow(/rewards and values must have the same shape/);
    expect(() => gae(rewards, values, mask, 1.5, lambda)).toThrow(/gamma/);
  });

  it('reward 1 on the last of 3 tokens, V = 0, γ = 1, λ = 0.5: Â = [0.25, 0.5, 1] exactly', () => {
    const { advantages, returns } = gae(tf.tensor2d([[0, 0, 1]]), tf.zeros([1, 3]), tf.ones([1, 3]), 1, 0.5);
    expect(Array.from(advantages.dataSync())).toEqual([0.25, 0.5, 1]);
    expect(Array.from(returns.dataSync())).toEqual([0.25, 0.5, 1]);
  });

  it('equals the backward recursion on prefix masks (an empty row, a full row, junk in the padding)', () => {
    const r = [[0, 0, 1, 0], [0, 0, 0, 0.5], [0.3, 0, 0, 0], [1, 2, 3, 4]];
    const v = [[0.1, 0.2, 0.3, 9], [0.5, -0.2, 0.1, 0.4], [7, 7, 7, 7], [0.1, 0.1, 0.1, 0.1]];
    const m = [[1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 0, 0]];
    for (const [g, l] of [[1, 0.95], [0.9, 0.5], [1, 1], [0.99, 0], [0, 0.7]] as const) {
      const want = gaeRecursion(r, v, m, g, l);
      const got = gae(tf.tensor2d(r), tf.tensor2d(v), tf.tensor2d(m), g, l);
      close(got.advantages, want.advantages);
      close(got.returns, want.returns);
    }
  });

  it('padding holding NaN or Infinity does not reach the results', () => {
    const { advantages } = gae(tf.tensor2d([[1, NaN]]), tf.tensor2d([[0.5, Infinity]]), tf.tensor2d([[1, 0]]), gamma, lambda);
    close(advantages, [[0.5, 0]]);
  });

  it('does not leak', () => expectNoLeak(() => gae(rewards, values, mask, gamma, lambda), 2));
});

describe('rewardsAtLastToken', () => {
  it('puts each score on its last valid token; an empty row gets nothing', () => {
    const mask = tf.tensor2d([
      [1, 1, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    const scores = tf.tensor1d([0.5, -1, 3]);
    close(rewardsAtLastToken(scores, mask), [
      [0, 0, 0.5],
      [-1, 0, 0],
      [0, 0, 0],
    ]);
    expectNoLeak(() => rewardsAtLastToken(scores, mask), 1);
  });
});
