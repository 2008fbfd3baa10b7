import { describe, expect, it } from 'vitest';
import { LESSONS } from '../app/lessons';
import { UsageError } from './args';
import { DEFAULT_REFERENCE, parseLessonsArgs } from './lessonsArgs';

const refused = (argv: string[]): string => {
  try {
    parseLessonsArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('npm run lessons flags', () => {
  it('defaults: print the committed table of every lesson, seeds 1-3, wasm', () => {
    const a = parseLessonsArgs([]);
    expect(a.check).toBe(false);
    expect(a.lesson).toEqual(LESSONS.map((l) => l.id));
    expect(a.seeds).toEqual([1, 2, 3]);
    expect(a.backend).toBe('wasm');
    expect(a.out).toBe(DEFAULT_REFERENCE);
  });

  it('a subset of lessons and seeds', () => {
    const a = parseLessonsArgs(['--check', '--lesson', 'kl-anchor, length-bias', '--seeds', '2,4,2', '--write']);
    expect(a.lesson).toEqual(['kl-anchor', 'length-bias']);
    expect(a.seeds).toEqual([2, 4]);
    expect(a.write).toBe(true);
  });

  it('refuses an unknown lesson, bad seeds and unknown flags, naming the flag', () => {
    expect(refused(['--lesson', 'nope'])).toMatch(/^--lesson: .*expected lesson ids among grpo-no-critic/);
    expect(refused(['--lesson', ','])).toMatch(/^--lesson: .*at least one lesson id/);
    expect(refused(['--seeds', '1,x'])).toMatch(/^--seeds: .*comma-separated whole numbers/);
    expect(refused(['--backend', 'webgpu'])).toMatch(/^--backend: /);
    expect(refused(['--frobnicate'])).toMatch(/frobnicate/);
  });
});
