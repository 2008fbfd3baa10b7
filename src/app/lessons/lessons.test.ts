import { describe, expect, it } from 'vitest';
import { ignoresKnob } from '../../engine/algorithms/spec';
import { CHARTS } from '../charts/specs';
import { FIELD_BY_PATH, valueAt } from '../lib/fields';
import { decodeHash } from '../lib/hash';
import { hasPreset } from '../lib/presets';
import { METRIC_KEYS } from '../../engine/train/metrics';
import { lessonOwnsRun } from '../lib/lessonRuns';
import { armConfig, armOfRun } from './armConfig';
import { LEARN_TOPICS, LESSONS, lessonById, lessonConfigHash, lessonParam, withLesson } from './index';
import { claimArms, promiseLastIteration } from './promises';
import { QUIZZES } from './quiz';

const CHART_IDS = new Set(CHARTS.map((c) => c.id));
const TOPICS = new Set<string>(LEARN_TOPICS.map((t) => t.id));

describe('lessons', () => {
  it('five to ten (the issue-16 task families add one each), with unique ids', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(5);
    expect(LESSONS.length).toBeLessThanOrEqual(10);
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
        if (a?.kind === 'set') for (const p of [a.path, ...Object.keys(a.also ?? {})]) expect(FIELD_BY_PATH.has(p), p).toBe(true);
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

  for (const lesson of LESSONS) {
    it(`${lesson.id}: a promise (arms the learner can make, claims inside the run) or the reason it has none`, () => {
      expect(Boolean(lesson.promise) !== Boolean(lesson.noPromise), 'exactly one of promise and noPromise').toBe(true);
      const promise = lesson.promise;
      if (!promise) return;
      const armIds = promise.arms.map((a) => a.id);
      expect(new Set(armIds).size).toBe(armIds.length);
      expect(Object.keys(promise.arms[0]!.settings), 'the first arm is the lesson as it opens').toEqual([]);
      expect(promise.arms[0]!.preset).toBeUndefined();
      // The lesson's own arm trains exactly the config its URL loads.
      const own = decodeHash(lessonConfigHash(lesson, `#lesson=${lesson.id}`)).config;
      expect(armConfig(lesson, promise.arms[0]!, own.run.seed)).toEqual(own);
      for (const arm of promise.arms) {
        const config = armConfig(lesson, arm, 1);
        // Every arm is a run of this lesson (drawn on its charts), recognised as that arm, within the lesson's length.
        expect(lessonOwnsRun(lesson, config), `${arm.id} is a run of the lesson`).toBe(true);
        expect(armOfRun(lesson, config)?.id).toBe(arm.id);
        expect(config.run.iterations).toBe(own.run.iterations);
        // The learner can make it: each knob the arm changes is a control or a step's button.
        const free = new Set([...lesson.controls, ...lesson.steps.flatMap((st) => (st.action?.kind === 'set' ? [st.action.path, ...Object.keys(st.action.also ?? {})] : []))]);
        for (const path of Object.keys(arm.settings)) expect(free.has(path), `${arm.id}: ${path}`).toBe(true);
        if (arm.preset) expect(lesson.steps.some((st) => st.action?.kind === 'preset' && st.action.preset === arm.preset)).toBe(true);
      }
      const known = new Set<string>([...METRIC_KEYS, 'sampling/rounds', 'groups/kept']);
      for (const claim of promise.claims) {
        for (const a of claimArms(claim)) expect(armIds, claim.id).toContain(a);
        expect(claim.at[0]).toBeGreaterThanOrEqual(1);
        expect(claim.at[0]).toBeLessThanOrEqual(claim.at[1]);
        expect(known.has(claim.metric) || /^reward\/.+\/mean$/.test(claim.metric), claim.metric).toBe(true);
        expect(claim.text.length).toBeGreaterThan(20);
      }
      // As short as the claims allow: no iteration run that no claim reads.
      expect(promiseLastIteration(promise)).toBe(own.run.iterations);
      expect(promise.meaning.length).toBeGreaterThan(20);
    });
  }

  it('every lesson and explainer ends with 2-3 questions, each with one right choice and feedback on every choice', () => {
    const topics = [...LESSONS.map((l) => l.id), ...LEARN_TOPICS.map((t) => t.id).filter((t) => t !== 'lessons' && t !== 'trl')];
    const ids = new Set<string>();
    for (const topic of topics) {
      const qs = QUIZZES[topic] ?? [];
      expect(qs.length, topic).toBeGreaterThanOrEqual(2);
      expect(qs.length, topic).toBeLessThanOrEqual(3);
      for (const q of qs) {
        expect(ids.has(q.id), q.id).toBe(false);
        ids.add(q.id);
        expect(q.choices.length).toBeGreaterThanOrEqual(2);
        expect(q.answer).toBeGreaterThanOrEqual(0);
        expect(q.answer).toBeLessThan(q.choices.length);
        for (const c of q.choices) expect(c.feedback.length, `${q.id}: ${c.text}`).toBeGreaterThan(10);
        expect(q.choices[q.answer]!.feedback.startsWith('Right'), q.id).toBe(true);
        for (const [i, c] of q.choices.entries()) if (i !== q.answer) expect(c.feedback.startsWith('Right'), q.id).toBe(false);
      }
    }
    expect(Object.keys(QUIZZES).sort()).toEqual([...topics].sort());
  });

  it('a lesson link keeps what else it says, and the page writes the lesson back', () => {
    const lesson = lessonById('kl-anchor')!;
    const state = decodeHash(lessonConfigHash(lesson, '#lesson=kl-anchor&preset=grpo&seed=9&objective.beta=0.2&optim.lr=0.01'));
    expect(state.config.run.seed).toBe(9);
    expect(state.config.objective.beta).toBe(0.2);
    expect(state.config.optim.lr).toBe(0.01); // the link's edit beats the lesson's value
    expect(state.config.run.iterations).toBe(20);
    expect(withLesson('#preset=grpo&seed=1', 'kl-anchor')).toBe('#lesson=kl-anchor&preset=grpo&seed=1');
    expect(withLesson('#preset=grpo', null)).toBe('#preset=grpo');
    expect(lessonParam('#preset=grpo')).toBeNull();
    expect(lessonById('nope')).toBeUndefined();
  });
});
