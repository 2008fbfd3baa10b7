import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../engine/config';
import { applyPreset } from '../../engine/presets';
import { FIELDS, FIELD_BY_PATH, GROUPS, boundsHint, configToDraft, draftAlgorithm, ignoredKnob, parseDraft } from './fields';

describe('config fields from the zod schema', () => {
  it('has a field for every leaf, in the issue\'s groups, each with help text', () => {
    expect(GROUPS.map((g) => g.title)).toEqual(['Task', 'Model', 'Sampling', 'Optimisation', 'Objective', 'Rewards', 'Tricks', 'Run']);
    for (const g of GROUPS) expect(FIELDS.some((f) => f.group === g.id)).toBe(true);
    for (const f of FIELDS) expect(f.help.length, f.path).toBeGreaterThan(3);
    expect(FIELD_BY_PATH.get('sampling.groupSize')).toMatchObject({ kind: 'int', min: 1, max: 64, group: 'sampling' });
    expect(FIELD_BY_PATH.get('rewards.weights.accuracy')).toMatchObject({ kind: 'number', group: 'rewards' });
    expect(FIELD_BY_PATH.get('objective.klEstimator')?.options).toEqual(['k1', 'k2', 'k3', 'exact']);
    expect(FIELD_BY_PATH.get('tricks.dynamicSampling')?.kind).toBe('boolean');
    expect(FIELD_BY_PATH.get('optim.lr')).toMatchObject({ minExclusive: true });
    expect(boundsHint(FIELD_BY_PATH.get('sampling.groupSize')!)).toBe('1 – 64, whole');
  });

  it('round-trips the defaults through a draft', () => {
    const { config, errors } = parseDraft(configToDraft(DEFAULT_RUN_CONFIG), 'grpo');
    expect(errors).toEqual({});
    expect(config).toEqual(DEFAULT_RUN_CONFIG);
  });

  it('puts every problem on its field and refuses the config', () => {
    const draft = { ...configToDraft(DEFAULT_RUN_CONFIG), 'sampling.groupSize': '0', 'optim.lr': 'fast', 'model.nHeads': '3', 'sampling.promptsPerIter': '2.5' };
    const { config, errors } = parseDraft(draft, 'grpo');
    expect(config).toBeNull();
    expect(errors['sampling.groupSize']).toBe('Must be at least 1.');
    expect(errors['optim.lr']).toBe('"fast" is not a number.');
    expect(errors['model.nHeads']).toContain('multiple of nHeads');
    expect(errors['sampling.promptsPerIter']).toBe('Must be a whole number.');
  });

  it('catches the rules between fields that the trainer would reject', () => {
    const draft = { ...configToDraft(DEFAULT_RUN_CONFIG), 'sampling.maxNewTokens': '40', 'task.imageSize': '16', 'task.difficulty': '5' };
    const { errors } = parseDraft(draft, 'grpo');
    expect(errors['sampling.maxNewTokens']).toContain('maxResponseLen');
    expect(errors['model.imageSize']).toContain("task's image size (16)");
    expect(errors['task.difficulty']).toContain('has 3 levels');
  });

  it('marks the knobs the chosen algorithm ignores, from its spec', () => {
    const marked = (preset: string) => FIELDS.filter((f) => ignoredKnob(draftAlgorithm(configToDraft(applyPreset(preset))), f.path)).map((f) => f.path);
    const grpo = marked('grpo');
    expect(grpo).toEqual(expect.arrayContaining(['objective.gamma', 'objective.lambda', 'objective.valueCoef', 'optim.valueLr', 'objective.trpoMaxKl']));
    expect(grpo).not.toContain('objective.epsHigh');
    expect(grpo).not.toContain('optim.lr');
    const trpo = marked('trpo');
    expect(trpo).toEqual(expect.arrayContaining(['optim.lr', 'objective.epsLow', 'objective.epsHigh', 'objective.advantageScale']));
    expect(trpo).not.toContain('objective.trpoMaxKl');
    expect(trpo).not.toContain('optim.epochs'); // its value head still trains over epochs x minibatches
    expect(marked('ppo')).not.toContain('objective.gamma');
    // Only objective and optim knobs: sampling, rewards, tricks, task, model and run act for every
    // algorithm, except dense step rewards, which need per-token credit (a critic's GAE).
    for (const preset of ['grpo', 'trpo', 'ppo-penalty', 'reinforce']) {
      for (const path of marked(preset)) expect(path, `${preset} ${path}`).toMatch(/^(objective\.|optim\.|rewards\.dense$)/);
    }
    expect(grpo).toContain('rewards.dense');
    expect(trpo).not.toContain('rewards.dense');
    expect(grpo).not.toContain('objective.algorithm');
  });

  it('says what it marks, naming the algorithm; nothing while no known algorithm is chosen', () => {
    const draft = configToDraft(DEFAULT_RUN_CONFIG);
    const gamma = ignoredKnob(draftAlgorithm(draft), 'objective.gamma');
    expect(gamma?.mark).toBe('ignored by GRPO');
    expect(gamma?.why).toMatch(/^GRPO does not read this knob/);
    expect(ignoredKnob(draftAlgorithm({ ...draft, 'objective.algorithm': 'trpo' }), 'optim.lr')?.mark).toBe('ignored by TRPO');
    expect(ignoredKnob(draftAlgorithm({ ...draft, 'objective.algorithm': 'ppo' }), 'objective.gamma')).toBeNull();
    expect(draftAlgorithm({ ...draft, 'objective.algorithm': 'sarsa' })).toBeNull();
    expect(draftAlgorithm({ ...draft, 'objective.algorithm': 'constructor' })).toBeNull();
    expect(ignoredKnob(null, 'objective.gamma')).toBeNull();
  });
});
