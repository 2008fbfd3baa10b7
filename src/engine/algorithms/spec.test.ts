import { describe, expect, it } from 'vitest';
import { ALGORITHMS, DEFAULT_RUN_CONFIG } from '../config';
import { hasPath } from '../paths';
import { ALGORITHM_SPECS, ignoresKnob } from './spec';

// The spec is data the config panel, the TRL export and the Inspect view trust: these check it
// against the config it names and against itself (tfjs-free, so this file runs in milliseconds).
describe('algorithm specs', () => {
  it('has one spec per algorithm, under its own id', () => {
    expect(Object.keys(ALGORITHM_SPECS).sort()).toEqual([...ALGORITHMS].sort());
    for (const [id, spec] of Object.entries(ALGORITHM_SPECS)) expect(spec.id).toBe(id);
  });

  it.each(ALGORITHMS)('%s: every knob it reads is a field of RunConfig, named once', (id) => {
    const knobs = ALGORITHM_SPECS[id].knobs;
    for (const k of knobs) expect(hasPath(DEFAULT_RUN_CONFIG, k), k).toBe(true);
    expect(new Set(knobs).size).toBe(knobs.length);
  });

  const RL = ALGORITHMS.filter((id) => ALGORITHM_SPECS[id].trainsOn === 'rollouts');
  const SUPERVISED = ALGORITHMS.filter((id) => ALGORITHM_SPECS[id].trainsOn !== 'rollouts');

  it.each(RL)('%s: its flags agree with the knobs it reads', (id) => {
    const spec = ALGORITHM_SPECS[id];
    expect(ignoresKnob(id, 'optim.lr')).toBe(!spec.usesLearningRate);
    expect(ignoresKnob(id, 'objective.epsHigh')).toBe(!spec.clips);
    expect(ignoresKnob(id, 'objective.gamma')).toBe(!spec.critic);
    expect(ignoresKnob(id, 'optim.valueLr')).toBe(!spec.critic);
    expect(ignoresKnob(id, 'objective.trpoMaxKl')).toBe(spec.stepControl !== 'trust-region');
    expect(ignoresKnob(id, 'objective.advantageScale')).toBe(spec.baseline !== 'group');
    // Only what β weighs decides whether the reference-KL knobs are read.
    expect(ignoresKnob(id, 'objective.klEstimator')).toBe(spec.betaMeaning !== 'reference-kl');
    expect(spec.usesReference).toBe(spec.betaMeaning === 'reference-kl');
  });

  it.each(SUPERVISED)('%s (supervised): reads Adam\'s knobs and nothing of the RL objective, and says so in its flags', (id) => {
    const spec = ALGORITHM_SPECS[id];
    expect([spec.baseline, spec.stepControl, spec.clips, spec.critic, spec.usesReference]).toEqual(['none', 'none', false, false, false]);
    for (const path of ['optim.lr', 'optim.epochs', 'optim.minibatches', 'optim.gradClip']) expect(ignoresKnob(id, path), path).toBe(false);
    for (const path of ['objective.beta', 'objective.klEstimator', 'objective.epsHigh', 'objective.advantageScale', 'objective.entropyCoef', 'objective.gamma']) expect(ignoresKnob(id, path), path).toBe(true);
  });

  it('SFT samples nothing, so G, the temperature, the rewards and the tricks go unread; RFT samples and reads them', () => {
    for (const path of ['sampling.groupSize', 'sampling.temperature', 'rewards.weights.accuracy', 'tricks.dynamicSampling']) {
      expect(ignoresKnob('sft', path), path).toBe(true);
      expect(ignoresKnob('rft', path), path).toBe(false);
    }
    // B and L_max still matter to SFT: they are its batch and its traces' length.
    expect(ignoresKnob('sft', 'sampling.promptsPerIter')).toBe(false);
    expect(ignoresKnob('sft', 'sampling.maxNewTokens')).toBe(false);
    expect(ALGORITHM_SPECS.sft.trainsOn).toBe('gold-traces');
    expect(ALGORITHM_SPECS.rft).toMatchObject({ trainsOn: 'accepted-samples', minGroupSize: 2 });
  });

  it('marks the knobs the issue names', () => {
    expect(ignoresKnob('grpo', 'objective.gamma')).toBe(true);
    expect(ignoresKnob('grpo', 'objective.lambda')).toBe(true);
    expect(ignoresKnob('trpo', 'optim.lr')).toBe(true);
    expect(ignoresKnob('trpo', 'objective.epsLow')).toBe(true);
    // TRPO still fits its value head with Adam over epochs x minibatches, and follows the β schedule.
    expect(ignoresKnob('trpo', 'optim.epochs')).toBe(false);
    expect(ignoresKnob('trpo', 'objective.klSchedule')).toBe(false);
    expect(ignoresKnob('ppo', 'objective.gamma')).toBe(false);
    // Dense step rewards: read by the algorithms with per-token credit (a critic's GAE), ignored by the rest.
    expect(ignoresKnob('ppo', 'rewards.dense')).toBe(false);
    expect(ignoresKnob('trpo', 'rewards.dense')).toBe(false);
    expect(ignoresKnob('grpo', 'rewards.dense')).toBe(true);
  });

  it('never marks knobs outside objective and optim (unless its spec lists them in alsoIgnores), nor the algorithm itself', () => {
    for (const id of RL) {
      for (const path of ['objective.algorithm', 'sampling.groupSize', 'rewards.weights.accuracy', 'tricks.dynamicSampling', 'model.dModel', 'run.seed', 'name']) {
        expect(ignoresKnob(id, path), `${id} ${path}`).toBe(false);
      }
    }
  });
});
