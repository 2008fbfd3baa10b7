import { describe, expect, it } from 'vitest';
import { ignoresKnob } from '../../engine/algorithms/spec';
import { CHARTS } from '../charts/specs';
import { FIELD_BY_PATH, valueAt } from '../lib/fields';
import { decodeHash } from '../lib/hash';
import { hasPreset } from '../lib/presets';
import { LEARN_TOPICS, LESSONS, lessonById, lessonConfigHash, lessonParam, withLesson } from './index';

const CHART_IDS = new Set(CHARTS.map((c) => c.id));
const TOPICS = new Set<string>(LEARN_TOPICS.map((t) => t.id));

describe('lessons', () => {
  it('five to seven, with unique ids', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(5);
    expect(LESSONS.length).toBeLessThanOrEqual(7);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
  });

  for (const lesson of LESSONS) {
    it(`${lesson.id}: preset, settings, controls, charts and steps all exist`, () => {
      expect(hasPreset(lesson.preset)).toBe(true);
      expect(lesson.controls.length).toBeGreaterThan(0);
      for (const path of lesson.controls) expect(FIELD_BY_PATH.has(path), path).toBe(true);
      for (const path of Object.keys(lesson.settings)) expect(FIELD_BY_PATH.has(path), path).toBe(true);
      for (const id of lesson.charts) expect(CHART_IDS.has(id), id).toBe(true);
      expect(lesson.steps.length).toBeGreaterThanOrEqual(3);
      for (const step of lesson.steps) {
        expect(step.text.length).toBeGreaterThan(20);
        for (const id of step.highlight ?? []) expect(lesson.charts, `${id} is highlighted but not shown`).toContain(id);
        const a = step.action;
        if (a?.kind === 'set') expect(FIELD_BY_PATH.has(a.path), a.path).toBe(true);
        if (a?.kind === 'preset') expect(hasPreset(a.preset)).toBe(true);
        if (a?.kind === 'compare') {
          expect(a.presets.length).toBeGreaterThanOrEqual(2);
          expect(a.presets.length).toBeLessThanOrEqual(4);
          for (const p of a.presets) expect(hasPreset(p), p).toBe(true);
        }
        if (a?.kind === 'explainer') expect(TOPICS.has(a.topic)).toBe(true);
      }
    });

    it(`${lesson.id}: its URL loads its preset and settings without a notice`, () => {
      const hash = `#lesson=${lesson.id}`;
      expect(lessonParam(hash)).toBe(lesson.id);
      expect(lessonById(lessonParam(hash))).toBe(lesson);
      const state = decodeHash(lessonConfigHash(lesson, hash));
      expect(state.notices).toEqual([]);
      expect(state.preset).toBe(lesson.preset);
      for (const [path, value] of Object.entries(lesson.settings)) expect(valueAt(state.config, path)).toBe(value);
      // A lesson shows only controls that act: none its algorithm ignores (the panel would mark it).
      for (const path of lesson.controls) expect(ignoresKnob(state.config.objective.algorithm, path), `${path} is ignored by ${state.config.objective.algorithm}`).toBe(false);
    });
  }

  it('a lesson link keeps what else it says, and the page writes the lesson back', () => {
    const lesson = lessonById('kl-anchor')!;
    const state = decodeHash(lessonConfigHash(lesson, '#lesson=kl-anchor&preset=grpo&seed=9&objective.beta=0.2&optim.lr=0.01'));
    expect(state.config.run.seed).toBe(9);
    expect(state.config.objective.beta).toBe(0.2);
    expect(state.config.optim.lr).toBe(0.01); // the link's edit beats the lesson's 0.003
    expect(state.config.run.iterations).toBe(60);
    expect(withLesson('#preset=grpo&seed=1', 'kl-anchor')).toBe('#lesson=kl-anchor&preset=grpo&seed=1');
    expect(withLesson('#preset=grpo', null)).toBe('#preset=grpo');
    expect(lessonParam('#preset=grpo')).toBeNull();
    expect(lessonById('nope')).toBeUndefined();
  });
});
