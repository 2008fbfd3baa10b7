import { describe, expect, it } from 'vitest';
import { REWARD_NAMES } from '../rewards';
import { METRIC_KEYS, type MetricKey } from '../train/metrics';
import { SCRATCH_DEPS, tinyConfig } from '../train/testing';
import { createTrainer } from '../train/trainer';
import { ALGORITHM_REGISTRY } from '.';
import { PRESET_IDS, type PresetId } from '../presets';

/** Keys of METRIC_KEYS that do not apply to a preset's algorithm (absent, not 0). */
function notApplicable(id: PresetId, hasReference: boolean, evalIteration: boolean): Set<MetricKey> {
  const config = tinyConfig(id);
  const algo = config.objective.algorithm;
  const out = new Set<MetricKey>();
  if (!evalIteration) out.add('acc/eval_id').add('acc/eval_ood').add('acc/eval_shift');
  if (!ALGORITHM_REGISTRY[algo].critic) out.add('loss/value').add('value/explained_var');
  const spec = ALGORITHM_REGISTRY[algo];
  if (!spec.clips) out.add('clip/low').add('clip/high').add('clip/region').add('clip/low_min').add('clip/high_max');
  if (!spec.clips || config.objective.dualClipC === 0) out.add('clip/dual');
  if (!hasReference) out.add('kl/ref');
  if (!hasReference && spec.betaMeaning !== 'old-policy-kl') out.add('kl/beta');
  if (!spec.usesLearningRate) out.add('lr');
  for (const key of spec.unlogged) out.add(key as MetricKey);
  return out;
}

describe('one iteration of every preset on a tiny model', () => {
  it.each(PRESET_IDS)('%s produces every applicable metric key, all finite', async (id) => {
    const config = tinyConfig(id, { run: { iterations: 2, evalEvery: 2 } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    try {
      const o = config.objective;
      const scheduled = o.klSchedule === 'linear' || o.klSchedule === 'cosine';
      const hasReference = ALGORITHM_REGISTRY[o.algorithm].usesReference && (o.beta > 0 || (scheduled && o.betaFinal > 0));
      for (const it of [1, 2]) {
        const m = await trainer.step();
        expect(m.iteration).toBe(it);
        const skip = notApplicable(id, hasReference, it === 2);
        // The mean length of the finished responses is absent when none finished (a scratch model rarely says <eos>).
        if (m.values['len/truncated_frac'] === 1) skip.add('len/terminated_mean');
        // RFT takes no step when no sample was right (the tiny model from scratch never is): no loss, no gradient.
        if (m.values['rft/accepted_frac'] === 0) skip.add('loss/policy').add('grad/norm');
        for (const key of METRIC_KEYS) {
          if (skip.has(key)) expect(m.values, key).not.toHaveProperty(key);
          else expect(Number.isFinite(m.values[key]), `${key} = ${m.values[key]}`).toBe(true);
        }
        const samples = ALGORITHM_REGISTRY[config.objective.algorithm].trainsOn !== 'gold-traces';
        for (const fn of REWARD_NAMES) for (const stat of ['mean', 'std']) expect(Number.isFinite(m.values[`reward/${fn}/${stat}`]), `reward/${fn}/${stat}`).toBe(samples);
        for (const [key, v] of Object.entries(m.values)) expect(Number.isFinite(v), `${key} = ${v}`).toBe(true);
        expect(m.klEstimator).toBe(config.objective.klEstimator);
      }
      // SFT samples nothing: its batch is the prompts' gold traces, one row each (train/gold.ts).
      const gold = ALGORITHM_REGISTRY[config.objective.algorithm].trainsOn === 'gold-traces';
      const batch = trainer.inspectBatches().at(-1)!;
      expect(batch.source).toBe(gold ? 'gold-traces' : undefined);
      expect(batch.samples).toHaveLength(batch.prompts.length * (gold ? 1 : config.sampling.groupSize));
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
