import { describe, expect, it } from 'vitest';
import { applyPreset } from '../../engine/presets';
import type { InspectBatch, InspectSample } from '../../engine/train/types';
import { withValue } from './fields';
import { heatColor, heatValue, tokenNumbers } from './inspect';
import { lossAdvantages, objectiveTerms, sumCheck, updateEffect, updateSentence } from './objective';

/** Two responses (3 and 1 tokens) of one prompt, hand numbers: the first trained up, the second down. */
function sample(advantage: number, n: number, over: Partial<InspectSample> = {}): InspectSample {
  const fill = (v: number) => new Array<number>(n).fill(v);
  return {
    promptIndex: 0,
    tokens: fill(5),
    reward: advantage,
    rewardByFn: { accuracy: 0, format: 0, step: 0, length: 0, hackable: 0, stepRAR: 0, stepRVR: 0, action: 0, distance: 0 },
    advantage,
    logp: fill(-1),
    oldLogp: fill(-1),
    refLogp: fill(-1.5),
    ratio: fill(1),
    clipped: fill(0),
    kl: fill(0.1),
    entropy: fill(2),
    ...over,
  };
}

// seq-mean-token-mean over N = 2 rows: weights 1/(2·3) and 1/(2·1).
const w0 = 1 / 6;
const w1 = 1 / 2;
const grpo = applyPreset('grpo'); // β 0.04, KL in the loss (k3), one update per rollout
const beta = grpo.objective.beta;
// ℓ = -A + β·KL: 1.2 → -1.2 + 0.004; -0.8 → 0.8 + 0.004.
const l0 = -1.2 + beta * 0.1;
const l1 = 0.8 + beta * 0.1;
const batch: InspectBatch = {
  iteration: 1,
  groupSize: 2,
  prompts: [],
  samples: [
    sample(1.2, 3, { lossWeight: [w0, w0, w0], contribution: [w0 * l0, w0 * l0, w0 * l0], logpAfter: [-0.9, -0.95, -1.1] }),
    sample(-0.8, 1, { lossWeight: [w1], contribution: [w1 * l1], logpAfter: [-1.2] }),
  ],
  groupStats: [{ mean: 0.2, std: 1 }],
};
const logged = 3 * w0 * l0 + w1 * l1;

describe('Inspect: the token objective', () => {
  it('fills the objective of a token with the run\'s numbers: r, A, the branch, β·KL (k3), the weight', () => {
    const o = objectiveTerms(batch, grpo, { 'kl/beta': beta, 'loss/policy': logged }, 0, 1)!;
    expect(o.result).toMatchObject({ unclipped: 1.2, branch: 'equal', policy: -1.2 });
    expect(o.kl).toEqual({ beta, value: 0.1, estimator: 'k3' });
    expect(o.entropy).toBeNull(); // entropyCoef 0: no bonus line
    expect(o.result.contribution).toBeCloseTo(o.recorded!, 12);
    expect(o.weightFormula).toMatch(/^1\/\(N·\|o_i\|\) = 1\/\(2·3\)/);
    // Without the KL in the loss (in the reward instead) there is no KL term.
    expect(objectiveTerms(batch, withValue(grpo, 'objective.klMode', 'reward'), undefined, 0, 1)!.kl).toBeNull();
    expect(objectiveTerms(batch, grpo, undefined, 0, 3)).toBeNull();
  });

  it('names DAPO\'s asymmetric clip, GSPO\'s sequence ratio, and takes the clipped branch where r left the range', () => {
    const dapo = applyPreset('dapo');
    const moved: InspectBatch = { ...batch, samples: [sample(1, 1, { ratio: [1.5] }), sample(-1, 1, { ratio: [1.5] })] };
    const up = objectiveTerms(moved, dapo, undefined, 0, 0)!;
    expect([up.epsLow, up.epsHigh, up.result.branch, up.result.clipped]).toEqual([0.2, 0.28, 'clipped', 1.28]);
    expect(objectiveTerms(moved, dapo, undefined, 1, 0)!.result.branch).toBe('unclipped');
    expect(objectiveTerms(batch, applyPreset('gspo'), undefined, 0, 0)!.sequenceLevel).toBe(true);
  });

  it('uses PPO\'s per-token GAE advantage, whitened over the batch when the run whitens', () => {
    const ppo = applyPreset('ppo');
    const withGae: InspectBatch = { ...batch, samples: [sample(0, 3, { tokenAdvantages: [1, 2, 3] }), sample(0, 1, { tokenAdvantages: [-2] })] };
    const adv = lossAdvantages(withGae, ppo).flat();
    const m = adv.reduce((a, b) => a + b, 0) / adv.length;
    expect(m).toBeCloseTo(0, 12);
    expect(lossAdvantages(withGae, withValue(ppo, 'objective.whitenAdvantages', false)).flat()).toEqual([1, 2, 3, -2]);
  });

  it('sums the recorded shares against loss/policy, and says when the log averages steps the snapshot lacks', () => {
    const one = sumCheck(batch, grpo, { 'loss/policy': logged, 'policy/epochs': 1 });
    expect(one).toMatchObject({ steps: 1, comparable: true, matches: true });
    expect(one.sum).toBeCloseTo(logged, 12);
    const twoSteps = sumCheck(batch, withValue(grpo, 'optim.minibatches', 2), { 'loss/policy': logged / 2, 'policy/epochs': 1 });
    expect(twoSteps).toMatchObject({ steps: 2, comparable: true, matches: true });
    const epochs = sumCheck(batch, withValue(withValue(grpo, 'optim.minibatches', 2), 'optim.epochs', 2), { 'loss/policy': 0.3, 'policy/epochs': 2 });
    expect(epochs).toMatchObject({ comparable: false, matches: false });
    expect(epochs.note).toMatch(/2 epochs × 2 optimizer steps; the snapshot holds the last epoch's 2 steps/);
    expect(sumCheck(batch, grpo, { 'loss/policy': logged + 0.1 }).matches).toBe(false);
    const trpo: InspectBatch = { ...batch, samples: batch.samples.map(({ contribution: _c, ...s }) => s) };
    expect(sumCheck(trpo, applyPreset('trpo'), undefined).sum).toBeNull();
  });

  it('says what the update did: tokens with A>0 up, A<0 down; the Δ heatmap and the token line show it', () => {
    const e = updateEffect(batch, grpo)!;
    expect(e).toEqual({ positive: 3, positiveUp: 2, negative: 1, negativeDown: 1 });
    expect(updateSentence(e)).toBe('After the update, of the 3 tokens with A>0, 67% became likelier; of the 1 with A<0, 100% became less likely.');
    expect(heatValue(batch.samples[0]!, 0, 'dlogp')).toBeCloseTo(0.1, 12);
    expect(heatValue(batch.samples[0]!, 0, 'contribution')).toBeCloseTo(w0 * l0, 12);
    expect(heatColor('contribution', -0.1, 0.2)).toMatch(/^rgba\(26, 152, 80/); // lowers the loss: green
    expect(tokenNumbers(batch.samples[1]!, 0).find((r) => r.label === 'log π after − log π before')?.value).toBe('-1.2 − -1 = -0.2');
    expect(updateEffect({ ...batch, samples: [sample(1, 1)] }, grpo)).toBeNull(); // not recorded
  });
});
