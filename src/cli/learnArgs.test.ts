import { describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { learnSetSettings, parseLearnArgs } from './learnArgs';

const refused = (argv: string[]): string => {
  try {
    learnSetSettings(parseLearnArgs(argv));
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('src/cli/learn.ts flags', () => {
  it('defaults: the GRPO preset, seed 1, up to 300 iterations (the bench\'s time to learn)', () => {
    const a = parseLearnArgs([]);
    expect(a).toMatchObject({ preset: 'grpo', seeds: [1], max: 300, set: [] });
    expect(learnSetSettings(a)).toEqual({});
  });

  it('seeds, a cap and knobs over the preset, typed as the config expects', () => {
    const a = parseLearnArgs(['--seeds', '1,2,3', '--max', '120', '--set', 'optim.lr=3e-4', '--set', 'sampling.temperature=0.7', '--set', 'objective.klEstimator=k1', '--set', 'tricks.dynamicSampling=true']);
    expect(a.seeds).toEqual([1, 2, 3]);
    expect(a.max).toBe(120);
    expect(learnSetSettings(a)).toEqual({ 'optim.lr': 3e-4, 'sampling.temperature': 0.7, 'objective.klEstimator': 'k1', 'tricks.dynamicSampling': true });
  });

  it('refuses bad flags with a sentence naming the flag', () => {
    expect(refused(['--seeds', '1;2'])).toMatch(/^--seeds: .*commas/);
    expect(refused(['--max', '5'])).toMatch(/^--max:/);
    expect(refused(['--preset', 'sarsa'])).toMatch(/^--preset: expected one of/);
    expect(refused(['--set', 'optim.learningRate=1'])).toMatch(/^--set: unknown config field "optim.learningRate"/);
    expect(refused(['--set', 'optim.lr=[1]'])).toMatch(/^--set: optim.lr takes a number/);
    expect(refused(['--bogus'])).toMatch(/bogus/);
  });
});
