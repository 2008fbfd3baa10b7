import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gae } from '../rl';
import { REWARD_NAMES } from '../rewards';
import { METRIC_KEYS, type MetricKey } from '../train/metrics';
import { SCRATCH_DEPS, tinyConfig } from '../train/testing';
import { createTrainer } from '../train/trainer';
import { ALGORITHM_REGISTRY } from '.';
import { gaeOnDevice } from './ppo';
import { PRESET_IDS, type PresetId } from '../presets';

/** Keys of METRIC_KEYS that do not apply to a preset's algorithm (absent, not 0). */
function notApplicable(id: PresetId, hasReference: boolean, evalIteration: boolean): Set<MetricKey> {
  const config = tinyConfig(id);
  const algo = config.objective.algorithm;
  const out = new Set<MetricKey>();
  if (!evalIteration) out.add('acc/eval_id').add('acc/eval_ood');
  if (!ALGORITHM_REGISTRY[algo].critic) out.add('loss/value').add('value/explained_var');
  if (algo === 'ppo-penalty' || algo === 'trpo') out.add('clip/low').add('clip/high').add('clip/region');
  if (!hasReference) out.add('kl/ref');
  if (!hasReference && algo !== 'ppo-penalty') out.add('kl/beta');
  if (algo === 'trpo') out.add('lr');
  return out;
}

describe('one iteration of every preset on a tiny model', () => {
  it.each(PRESET_IDS)('%s produces every applicable metric key, all finite', async (id) => {
    const config = tinyConfig(id, { run: { iterations: 2, evalEvery: 2 } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    try {
      const hasReference = ALGORITHM_REGISTRY[config.objective.algorithm].usesReference && config.objective.beta > 0;
      for (const it of [1, 2]) {
        const m = await trainer.step();
        expect(m.iteration).toBe(it);
        const skip = notApplicable(id, hasReference, it === 2);
        for (const key of METRIC_KEYS) {
          if (skip.has(key)) expect(m.values, key).not.toHaveProperty(key);
          else expect(Number.isFinite(m.values[key]), `${key} = ${m.values[key]}`).toBe(true);
        }
        for (const fn of REWARD_NAMES) expect(Number.isFinite(m.values[`reward/${fn}/mean`])).toBe(true);
        for (const [key, v] of Object.entries(m.values)) expect(Number.isFinite(v), `${key} = ${v}`).toBe(true);
        expect(m.klEstimator).toBe(config.objective.klEstimator);
      }
      const batch = trainer.inspectBatches().at(-1)!;
      expect(batch.samples).toHaveLength(batch.prompts.length * config.sampling.groupSize);
      for (const s of batch.samples) {
        const n = s.tokens.length;
        for (const arr of [s.logp, s.oldLogp, s.ratio, s.clipped, s.kl, s.entropy]) expect(arr).toHaveLength(n);
        expect(s.refLogp !== undefined).toBe(hasReference);
        expect(s.values !== undefined).toBe(ALGORITHM_REGISTRY[config.objective.algorithm].critic);
      }
    } finally {
      trainer.dispose();
    }
  });
});

describe('one update per rollout', () => {
  it('has ratio exactly 1 and nothing clipped (TRL detaches π_old)', async () => {
    const trainer = await createTrainer(tinyConfig('grpo', { objective: { epsLow: 0.001, epsHigh: 0.001 } }), SCRATCH_DEPS);
    try {
      const m = await trainer.step();
      expect(m.values['clip/region']).toBe(0);
      expect(m.values['policy/approx_kl']).toBe(0);
      for (const s of trainer.inspectBatches()[0]!.samples) for (const r of s.ratio) expect(r).toBe(1);
    } finally {
      trainer.dispose();
    }
  });

  it('with 2 minibatches the second one sees a moved policy: ratios leave 1 and a tight clip bites', async () => {
    const trainer = await createTrainer(tinyConfig('grpo', { optim: { minibatches: 2, lr: 0.01 }, objective: { epsLow: 1e-4, epsHigh: 1e-4 } }), SCRATCH_DEPS);
    try {
      const m = await trainer.step();
      expect(m.values['clip/region']).toBeGreaterThan(0);
      expect(m.values['policy/approx_kl']).toBeGreaterThan(0);
    } finally {
      trainer.dispose();
    }
  });
});

describe('GAE on the device', () => {
  it('equals rl/gae on prefix masks, including an empty and a full row', () => {
    const rewards = tf.tensor2d([[0, 0, 1, 0], [0, 0, 0, 0.5], [0.3, 0, 0, 0], [1, 2, 3, 4]]);
    const values = tf.tensor2d([[0.1, 0.2, 0.3, 9], [0.5, -0.2, 0.1, 0.4], [7, 7, 7, 7], [0.1, 0.1, 0.1, 0.1]]);
    const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 0, 0]]);
    for (const [gamma, lambda] of [[1, 0.95], [0.9, 0.5], [1, 1], [0.99, 0]] as const) {
      const want = gae(rewards, values, mask, gamma, lambda);
      const got = gaeOnDevice(rewards, values, mask, gamma, lambda);
      const close = (xs: ArrayLike<number>): unknown[] => Array.from(xs).map((x): unknown => expect.closeTo(x, 5));
      expect(Array.from(got.advantages.dataSync())).toEqual(close(want.advantages.dataSync()));
      expect(Array.from(got.returns.dataSync())).toEqual(close(want.returns.dataSync()));
      tf.dispose([want.advantages, want.returns, got.advantages, got.returns]);
    }
    tf.dispose([rewards, values, mask]);
  });

  it('hand case: reward 1 on the last of 3 tokens, V = 0, γ = 1, λ = 0.5 gives Â = [0.25, 0.5, 1]', () => {
    const r = tf.tensor2d([[0, 0, 1]]);
    const v = tf.zeros<tf.Rank.R2>([1, 3]);
    const m = tf.ones<tf.Rank.R2>([1, 3]);
    const { advantages, returns } = gaeOnDevice(r, v, m, 1, 0.5);
    expect(Array.from(advantages.dataSync())).toEqual([0.25, 0.5, 1]);
    expect(Array.from(returns.dataSync())).toEqual([0.25, 0.5, 1]);
    tf.dispose([r, v, m, advantages, returns]);
  });
});

describe('PPO-Penalty', () => {
  it.each([
    ['up', 1e-7],
    ['down', 5],
  ] as const)('moves β %s toward the target KL', async (direction, targetKl) => {
    const config = tinyConfig('ppo-penalty', { optim: { lr: 0.01 }, objective: { targetKl, klHorizon: 2, beta: 1 } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    try {
      const first = await trainer.step();
      const second = await trainer.step();
      expect(first.values['kl/beta']).toBe(1);
      expect(first.values['policy/kl_after_update']).toBeGreaterThan(0);
      if (direction === 'up') expect(second.values['kl/beta']).toBeGreaterThan(1);
      else expect(second.values['kl/beta']).toBeLessThan(1);
      expect(first.values).not.toHaveProperty('kl/ref'); // its β is about π_old: no reference model
    } finally {
      trainer.dispose();
    }
  });
});
