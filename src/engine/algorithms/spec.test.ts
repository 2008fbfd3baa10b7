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

  it.each(ALGORITHMS)('%s: its flags agree with the knobs it reads', (id) => {
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

  it('marks the knobs the issue names', () => {
    expect(ignoresKnob('grpo', 'objective.gamma')).toBe(true);
    expect(ignoresKnob('grpo', 'objective.lambda')).toBe(true);
    expect(ignoresKnob('trpo', 'optim.lr')).toBe(true);
    expect(ignoresKnob('trpo', 'objective.epsLow')).toBe(true);
    // TRPO still fits its value head with Adam over epochs x minibatches, and follows the β schedule.
    expect(ignoresKnob('trpo', 'optim.epochs')).toBe(false);
    expect(ignoresKnob('trpo', 'objective.klSchedule')).toBe(false);
    expect(ignoresKnob('ppo', 'objective.gamma')).toBe(false);
  });

  it('never marks knobs outside objective and optim, nor the algorithm itself', () => {
    for (const id of ALGORITHMS) {
      for (const path of ['objective.algorithm', 'sampling.groupSize', 'rewards.weights.accuracy', 'tricks.dynamicSampling', 'model.dModel', 'run.seed', 'name']) {
        expect(ignoresKnob(id, path), `${id} ${path}`).toBe(false);
      }
    }
  });
});
