// What PPO's and TRPO's critic step keeps for Inspect: the reward as placed on each token
// (tokenRewards), the rewards GAE ran on when the KL is in the reward (gaeRewards), and GAE's
// advantages of them, checked against numbers worked by hand.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { tinyConfig } from '../train/testing';
import type { UpdateContext } from './common';
import { criticAdvantages, tokenRewards } from './ppo';
import { Recorder } from './recorder';

// One response of 3 valid tokens in a row of T = 4 (the 4th is padding), V = 0 everywhere.
const MASK = [[1, 1, 1, 0]];
const OLD_LOGP = [[-1, -1, -1, 0]];
const REF_LOGP = [[-1.5, -1, -0.5, 0]];

let made: tf.Tensor[] = [];
afterEach(() => {
  tf.dispose(made);
  made = [];
});

function context(opts: { dense: number[][] | null; beta: number; keepTokens?: boolean }): UpdateContext {
  const config = tinyConfig('ppo', { objective: { gamma: 1, lambda: 0.5, klEstimator: 'k1', whitenAdvantages: false } });
  const t = <R extends tf.Tensor>(x: R): R => (made.push(x), x);
  const batch = {
    mask: t(tf.tensor2d(MASK)),
    oldLogp: t(tf.tensor2d(OLD_LOGP)),
    refLogp: t(tf.tensor2d(REF_LOGP)),
    oldValues: t(tf.zeros<tf.Rank.R2>([1, 4])),
    scores: t(tf.tensor1d([1])),
    tokenScores: opts.dense ? t(tf.tensor2d(opts.dense)) : null,
  };
  return { config, batch, beta: opts.beta, rec: new Recorder(), keepTokens: opts.keepTokens ?? true } as unknown as UpdateContext;
}

function run(opts: { dense: number[][] | null; beta: number; keepTokens?: boolean }): Promise<Record<string, number[]>> {
  const ctx = context(opts);
  const { advantages, returns } = criticAdvantages(ctx);
  tf.dispose([advantages, returns]);
  return ctx.rec.read().then((r) => Object.fromEntries(Object.entries(r.inspector.tokens).map(([k, v]) => [k, Array.from(v).map((x) => Math.round(x * 1e6) / 1e6)])));
}

describe('criticAdvantages keeps the token rewards for Inspect', () => {
  it('dense, KL in the reward: placed [0.2, 0, 0.8], minus β·k1 = 0.1·[0.5, 0, -0.5], GAE(γ 1, λ 0.5) at V = 0', async () => {
    // gaeRewards = [0.2 - 0.05, 0, 0.8 + 0.05] = [0.15, 0, 0.85]
    // Â_2 = 0.85; Â_1 = 0 + 0.5·0.85 = 0.425; Â_0 = 0.15 + 0.5·0.425 = 0.3625
    const before = tf.memory().numTensors;
    const r = await run({ dense: [[0.2, 0, 0.8, 0]], beta: 0.1 });
    expect(r.tokenRewards).toEqual([0.2, 0, 0.8, 0]);
    expect(r.gaeRewards).toEqual([0.15, 0, 0.85, 0]);
    expect(r.tokenAdvantages).toEqual([0.3625, 0.425, 0.85, 0]);
    expect(tf.memory().numTensors - made.length).toBe(before); // the recorder's read disposed what it kept (the batch is the test's)
  });

  it('scalar, no KL (β = 0): the whole score on the last valid token, no gaeRewards, Â_t = λ^(2-t)', async () => {
    // placed [0, 0, 1]: Â_2 = 1, Â_1 = 0.5, Â_0 = 0.25
    const r = await run({ dense: null, beta: 0 });
    expect(r.tokenRewards).toEqual([0, 0, 1, 0]);
    expect(r).not.toHaveProperty('gaeRewards');
    expect(r.tokenAdvantages).toEqual([0.25, 0.5, 1, 0]);
  });

  it('records nothing per token when the run keeps no batches, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const r = await run({ dense: [[0.2, 0, 0.8, 0]], beta: 0.1, keepTokens: false });
    expect(r).toEqual({});
    expect(tf.memory().numTensors - made.length).toBe(before);
  });

  it('makes no copy of the placed rewards for GAE when the KL is not in the reward: one new tensor, two with it', () => {
    for (const dense of [null, [[0.2, 0, 0.8, 0]]]) {
      for (const beta of [0, 0.1]) {
        const ctx = context({ dense, beta });
        const before = tf.memory().numTensors;
        const { placed, gaeRewards } = tokenRewards(ctx);
        // placed (the caller's: Inspect keeps it) and, with the KL in the reward, placed − β·KL_t.
        expect(tf.memory().numTensors - before, `dense ${dense !== null}, β ${beta}`).toBe(beta > 0 ? 2 : 1);
        expect(gaeRewards === null).toBe(beta === 0);
        tf.dispose([placed, ...(gaeRewards ? [gaeRewards] : [])]);
      }
    }
  });

  it('leaves no tensor behind with or without the KL, dense or not, kept or not (placed disposed once)', async () => {
    for (const dense of [null, [[0.2, 0, 0.8, 0]]]) {
      for (const beta of [0, 0.1]) {
        for (const keepTokens of [true, false]) {
          const before = tf.memory().numTensors;
          const madeBefore = made.length;
          const r = await run({ dense, beta, keepTokens });
          expect(Object.keys(r).sort()).toEqual(keepTokens ? ['returns', 'tokenAdvantages', 'tokenRewards', 'values', ...(beta > 0 ? ['gaeRewards'] : [])].sort() : []);
          expect(tf.memory().numTensors - before).toBe(made.length - madeBefore); // only the test's own batch
        }
      }
    }
  });
});
