import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../engine/config';
import { FORK_KNOBS, forkConfig, forkDeterminism, knobDraft } from './fork';

describe('forkConfig', () => {
  it('changes one knob, validated by the schema', () => {
    const r = forkConfig(DEFAULT_RUN_CONFIG, 'objective.epsHigh', '0.28');
    if ('error' in r) throw new Error(r.error);
    expect(r.config.objective.epsHigh).toBe(0.28);
    expect({ ...r.config, objective: DEFAULT_RUN_CONFIG.objective }).toEqual(DEFAULT_RUN_CONFIG);
    expect(r.change).toBe(`objective.epsHigh: ${DEFAULT_RUN_CONFIG.objective.epsHigh} → 0.28`);
  });
  it('answers a bad value with a sentence naming the knob', () => {
    const bad = forkConfig(DEFAULT_RUN_CONFIG, 'sampling.groupSize', '0');
    expect('error' in bad && bad.error).toMatch(/^sampling\.groupSize = 0 is refused by the config/);
    const nan = forkConfig(DEFAULT_RUN_CONFIG, 'optim.lr', 'abc');
    expect('error' in nan && nan.error).toMatch(/optim\.lr: "abc" is not a number/);
  });
  it('refuses an unchanged value and the knobs the weights fix', () => {
    expect(forkConfig(DEFAULT_RUN_CONFIG, 'run.seed', String(DEFAULT_RUN_CONFIG.run.seed))).toHaveProperty('error');
    expect(forkConfig(DEFAULT_RUN_CONFIG, 'model.dModel', '64')).toHaveProperty('error');
    expect(FORK_KNOBS.some((k) => k.path.startsWith('model.') || k.path === 'task.task' || k.path === 'run.iterations')).toBe(false);
    expect(FORK_KNOBS.every((k) => k.help.length > 0)).toBe(true);
  });
  it('reads a knob as its input holds it', () => {
    expect(knobDraft(DEFAULT_RUN_CONFIG, 'optim.lr')).toBe(String(DEFAULT_RUN_CONFIG.optim.lr));
  });
  it('says which backends fork identically', () => {
    expect(forkDeterminism('cpu').identical).toBe(true);
    expect(forkDeterminism('wasm').identical).toBe(true);
    expect(forkDeterminism('webgl').identical).toBe(false);
    expect(forkDeterminism('webgpu').text).toMatch(/drift/);
  });
});
