import { describe, expect, it } from 'vitest';
import { LESSONS, lessonById } from '../lessons';
import { lessonOwnsRun, resumeOffered } from './lessonRuns';
import { setPath } from '../../engine/paths';
import { presetConfig } from './presets';

/** The config a lesson's link loads: its preset, then its settings. */
function lessonConfig(id: string) {
  const lesson = lessonById(id)!;
  const config = presetConfig(lesson.preset);
  for (const [p, v] of Object.entries(lesson.settings)) setPath(config, p, v);
  return { lesson, config };
}

describe('which runs a lesson shows', () => {
  it("keeps the lesson's own runs, whatever its controls and step buttons changed", () => {
    const { lesson, config } = lessonConfig('grpo-no-critic');
    expect(lessonOwnsRun(lesson, config)).toBe(true);
    setPath(config, 'optim.lr', 0.01); // a control
    setPath(config, 'sampling.groupSize', 2); // a step's "Set G = 2"
    expect(lessonOwnsRun(lesson, config)).toBe(true);
  });
  it('leaves out a default run and a run from another lesson', () => {
    const { lesson } = lessonConfig('grpo-no-critic');
    const outside = presetConfig(lesson.preset);
    setPath(outside, 'optim.lr', 1000); // a collapsed run, outside any lesson
    expect(lessonOwnsRun(lesson, outside)).toBe(false);
    const other = lessonConfig('what-clipping-does').config;
    expect(lessonOwnsRun(lesson, other)).toBe(false);
  });
  it("holds for every lesson's own config", () => {
    for (const l of LESSONS) expect(lessonOwnsRun(l, lessonConfig(l.id).config), l.id).toBe(true);
  });
});

describe('resume from checkpoint', () => {
  it("is offered for the panel's own run, not for an unrelated run under a lesson's config", () => {
    const { lesson, config } = lessonConfig('grpo-no-critic');
    const collapsed = presetConfig(lesson.preset);
    setPath(collapsed, 'optim.lr', 1000);
    expect(resumeOffered(collapsed, config, lesson)).toBe(false);
    expect(resumeOffered(config, config, lesson)).toBe(true);
    const lowerLr = presetConfig(lesson.preset);
    setPath(lowerLr, 'optim.lr', 1e-5);
    expect(resumeOffered(collapsed, lowerLr, undefined)).toBe(true); // outside a lesson: the panel edits the run
    expect(resumeOffered(presetConfig('ppo'), config, undefined)).toBe(false); // another preset is another run
  });
});
