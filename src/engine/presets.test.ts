import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, RunConfigSchema } from './config';
import { PRESETS, PRESET_IDS, applyPreset, presetDiff } from './presets';

describe('presets', () => {
  it.each(PRESET_IDS)('%s builds a valid RunConfig whose algorithm and preset name match', (id) => {
    const config = applyPreset(id);
    expect(RunConfigSchema.safeParse(config).success).toBe(true);
    expect(config.preset).toBe(id);
    expect(config.objective.algorithm).toBe(PRESETS[id].overrides.objective?.algorithm);
    expect(PRESETS[id].summary).toMatch(/\d{4}/); // cites a paper (a year at least)
  });

  it('GRPO is the defaults: it differs from them in nothing', () => {
    expect(presetDiff('grpo')).toEqual([]);
    const { preset: _p, ...grpo } = applyPreset('grpo');
    const { preset: _d, ...defaults } = DEFAULT_RUN_CONFIG;
    expect(grpo).toEqual(defaults);
  });

  it('presetDiff shows exactly how DAPO differs from GRPO', () => {
    const diff = Object.fromEntries(presetDiff('dapo').map((d) => [d.path, [d.default, d.value]]));
    expect(diff).toEqual({
      'optim.minibatches': [1, 2],
      'objective.epsHigh': [0.2, 0.28],
      'objective.lossAggregation': ['seq-mean-token-mean', 'token-mean'],
      'objective.beta': [0.04, 0],
      'rewards.weights.length': [0, 1],
      'tricks.dynamicSampling': [false, true],
    });
  });

  it('Dr. GRPO and GSPO are GRPO with their defining knobs', () => {
    expect(presetDiff('dr-grpo').map((d) => d.path).sort()).toEqual(['objective.advantageScale', 'objective.lossAggregation']);
    expect(applyPreset('gspo').objective.ratioLevel).toBe('sequence');
  });

  it('applying a preset keeps the base run (task, seed, model) but resets every preset knob', () => {
    const dapo = applyPreset('dapo', { task: { task: 'count' }, run: { seed: 5 }, model: { dModel: 32 } });
    const back = applyPreset('grpo', dapo);
    expect(back.task.task).toBe('count');
    expect(back.run.seed).toBe(5);
    expect(back.model.dModel).toBe(32);
    expect(back.tricks.dynamicSampling).toBe(false);
    expect(back.objective.epsHigh).toBe(0.2);
    expect(back.rewards.weights.length).toBe(0);
  });

  it('refuses an unknown preset by name', () => {
    expect(() => applyPreset('ppo2')).toThrow(/Unknown preset "ppo2"/);
    expect(() => presetDiff('nope')).toThrow(/valid presets are/);
  });
});
