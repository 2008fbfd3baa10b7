/**
 * Inspect's token objective against what trained: the per-token shares (weight × term) the
 * trainer records sum to the loss/policy it logged, for every aggregation and for GRPO, DAPO,
 * Dr. GRPO, GSPO and PPO; rl/host's tokenObjective recomputes each share from the snapshot's
 * own numbers; and the Δ log-prob pass after the update is there without changing what trains.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfig, RunConfigInput } from '../config';
import type { PresetId } from '../presets';
import { LOSS_AGGREGATIONS, klEstimate, tokenObjective, whiten } from '../rl/host';
import { SCRATCH_DEPS, tinyConfig } from './testing';
import { createTrainer } from './trainer';
import type { InspectBatch } from './types';

const PRESETS = ['grpo', 'dapo', 'dr-grpo', 'gspo', 'ppo'] as const satisfies readonly PresetId[];

async function oneStep(preset: PresetId, overrides: RunConfigInput) {
  const config = tinyConfig(preset, overrides);
  const trainer = await createTrainer(config, SCRATCH_DEPS);
  const record = await trainer.step();
  const batch = trainer.inspectBatches().at(-1);
  trainer.dispose();
  if (!batch) throw new Error(`${preset}: no batch kept`);
  return { config, values: record.values, batch };
}

/** Σ over every token of the snapshot of the recorded shares, in float64. */
const contributionSum = (b: InspectBatch): number => b.samples.reduce((a, s) => a + (s.contribution ?? []).reduce((x, y) => x + y, 0), 0);

/** rl/host's tokenObjective from the snapshot's own numbers gives each recorded share (PPO: A_t is GAE's, whitened as the loss saw it). */
function expectHostTwin(config: RunConfig, values: Record<string, number>, batch: InspectBatch): void {
  const o = config.objective;
  const samples = batch.samples;
  const raw = samples.flatMap((s) => s.tokens.map((_, t) => s.tokenAdvantages?.[t] ?? s.advantage));
  const adv = samples.some((s) => s.tokenAdvantages) && o.whitenAdvantages ? whiten(raw) : raw;
  const beta = o.klMode === 'loss' ? (values['kl/beta'] ?? 0) : 0;
  let k = 0;
  for (const s of samples) {
    s.tokens.forEach((_, t) => {
      const share = tokenObjective({ ratio: s.ratio[t]!, advantage: adv[k++]!, epsLow: o.epsLow, epsHigh: o.epsHigh, beta, kl: s.kl[t]!, entropyCoef: o.entropyCoef, entropy: s.entropy[t]!, weight: s.lossWeight![t]! });
      expect(share.contribution).toBeCloseTo(s.contribution![t]!, 5);
    });
  }
}

describe('the token objective sums to the logged loss', () => {
  for (const preset of PRESETS) {
    for (const aggregation of LOSS_AGGREGATIONS) {
      it(`${preset}, ${aggregation}: Σ weight × term = loss/policy (1e-6), and the host twin gives each share`, async () => {
        const entropyCoef = aggregation === 'token-mean' ? 0.01 : 0; // one pass with the entropy bonus in the loss
        const { config, values, batch } = await oneStep(preset, { optim: { epochs: 1, minibatches: 1 }, objective: { lossAggregation: aggregation, entropyCoef } });
        const samples = batch.samples;
        expect(samples.every((s) => s.contribution?.length === s.tokens.length && s.lossWeight?.length === s.tokens.length)).toBe(true);
        expect(contributionSum(batch)).toBeCloseTo(values['loss/policy']!, 6);

        expectHostTwin(config, values, batch);
        // Every token of a row has the row's weight pattern: the aggregation's denominators.
        const n = samples.filter((s) => s.tokens.length > 0).length;
        const total = samples.reduce((a, s) => a + s.tokens.length, 0);
        for (const s of samples) {
          const expected = aggregation === 'token-mean' ? 1 / total : aggregation === 'seq-mean-token-mean' ? 1 / (n * s.tokens.length) : 1 / (n * config.sampling.maxNewTokens);
          for (const w of s.lossWeight!) expect(w).toBeCloseTo(expected, 7);
        }
      });
    }
  }

  it('with minibatches, Σ shares ÷ steps is the logged mean over the steps (GSPO: ratios move after the first step)', async () => {
    const gspo = await oneStep('gspo', { optim: { epochs: 1, minibatches: 2 } });
    const { values, batch } = gspo;
    const { config } = gspo;
    expect(contributionSum(batch) / 2).toBeCloseTo(values['loss/policy']!, 6);
    expectHostTwin(config, values, batch);
    // The sequence ratio: one value per response.
    for (const s of batch.samples) expect(new Set(s.ratio.map((r) => r.toFixed(6))).size).toBeLessThanOrEqual(1);
  });

  it('PPO-Penalty: the shares include β · KL(π_old ‖ π_θ)', async () => {
    const { config, values, batch } = await oneStep('ppo-penalty', { optim: { epochs: 1, minibatches: 1 } });
    expect(contributionSum(batch)).toBeCloseTo(values['loss/policy']!, 6);
    // The host twin: no clip, -ρA + β · k3(log π_old - log π) per token, A_t whitened GAE.
    const beta = values['kl/beta']!;
    const raw = batch.samples.flatMap((s) => s.tokens.map((_, t) => s.tokenAdvantages![t]!));
    const adv = config.objective.whitenAdvantages ? whiten(raw) : raw;
    let k = 0;
    for (const s of batch.samples) {
      s.tokens.forEach((_, t) => {
        const penalty = beta * klEstimate(s.oldLogp[t]! - s.logp[t]!, 'k3');
        const x = tokenObjective({ ratio: s.ratio[t]!, advantage: adv[k++]!, epsLow: Infinity, epsHigh: Infinity, beta: 0, kl: 0, entropyCoef: 0, entropy: 0, oldPolicyPenalty: penalty, weight: s.lossWeight![t]! });
        expect(x.contribution).toBeCloseTo(s.contribution![t]!, 5);
      });
    }
  });
});

describe('what the update did', () => {
  it('records log π after the update for the kept batch: with a vanishing lr it is log π_old; with a step, Σ A · Δlog π over the loss weights rises', async () => {
    const still = await oneStep('grpo', { optim: { epochs: 1, minibatches: 1, lr: 1e-12 }, objective: { beta: 0 } });
    for (const s of still.batch.samples) s.tokens.forEach((_, t) => expect(s.logpAfter![t]!).toBeCloseTo(s.oldLogp[t]!, 4));

    // One Adam step along the policy gradient raises the surrogate Σ w·A·log π to first order
    // (per token the sign may go either way: the tokens share every parameter).
    const { batch } = await oneStep('grpo', { optim: { epochs: 1, minibatches: 1, lr: 1e-4 }, objective: { beta: 0 } });
    let gain = 0;
    for (const s of batch.samples) {
      expect(s.logpAfter).toHaveLength(s.tokens.length);
      s.tokens.forEach((_, t) => (gain += s.lossWeight![t]! * s.advantage * (s.logpAfter![t]! - s.oldLogp[t]!)));
    }
    expect(gain).toBeGreaterThan(0);
  });

  it('keeping batches (and the extra pass) changes no metric', async () => {
    const timeless = (v: Record<string, number>) => Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('time/') && !k.startsWith('throughput/') && !k.startsWith('mem/')));
    const kept = await oneStep('ppo', { run: { keepBatches: 2 } });
    const config = tinyConfig('ppo', { run: { keepBatches: 0 } });
    const trainer = await createTrainer(config, SCRATCH_DEPS);
    const bare = (await trainer.step()).values;
    trainer.dispose();
    expect(timeless(bare)).toEqual(timeless(kept.values));
  });
});
