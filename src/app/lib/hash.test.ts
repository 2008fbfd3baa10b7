import { describe, expect, it } from 'vitest';
import { lessonById, lessonConfigHash } from '../lessons';
import { decodeHash, encodeHash, hashFor, linkNotice } from './hash';
import { presetConfig } from './presets';

describe('the URL hash', () => {
  it('writes only what differs from the preset, and reads it back', () => {
    const hash = hashFor('dapo', { seed: 7, 'sampling.groupSize': 4, 'run.init': 'scratch', 'tricks.curriculum': true });
    expect(hash).toBe('#preset=dapo&seed=7&sampling.groupSize=4&tricks.curriculum=true&run.init=scratch');
    const state = decodeHash(hash);
    expect(state.notices).toEqual([]);
    expect(state.preset).toBe('dapo');
    expect(state.config.run.seed).toBe(7);
    expect(state.config.sampling.groupSize).toBe(4);
    expect(state.config.tricks.curriculum).toBe(true);
    expect(state.config.objective.epsHigh).toBe(0.28);
    expect(encodeHash(state.preset, state.config)).toBe(hash);
  });

  it('an empty hash is the default preset', () => {
    const state = decodeHash('');
    expect(state.preset).toBe('grpo');
    expect(state.config).toEqual(presetConfig('grpo'));
  });

  it('drops bad parts with a notice and keeps the rest', () => {
    const state = decodeHash('#preset=ppo&seed=3&sampling.groupSize=999&sampling.temperature=hot&bogus=1&model.nHeads=3&sampling.topK=5');
    expect(state.preset).toBe('ppo');
    expect(state.config.run.seed).toBe(3);
    expect(state.config.sampling.topK).toBe(5);
    expect(state.config.sampling.groupSize).toBe(presetConfig('ppo').sampling.groupSize);
    expect(state.config.sampling.temperature).toBe(1);
    expect(state.config.model.nHeads).toBe(4);
    expect(state.notices).toHaveLength(4);
    expect(state.notices.join(' ')).toMatch(/groupSize.*temperature.*bogus.*nHeads|bogus/s);
  });

  it('an unknown preset falls back to GRPO', () => {
    const state = decodeHash('#preset=sarsa&seed=2');
    expect(state.preset).toBe('grpo');
    expect(state.config.run.seed).toBe(2);
    expect(state.notices[0]).toContain('sarsa');
  });

  it('fields that constrain each other are applied together', () => {
    const state = decodeHash('#model.dModel=30&model.nHeads=5');
    expect(state.notices).toEqual([]);
    expect(state.config.model).toMatchObject({ dModel: 30, nHeads: 5 });
  });
});

describe('the URL hash: regressions found by the property tests', () => {
  it('keeps good settings after dropping two bad ones in turn', () => {
    const state = decodeHash('#model.imageSize=16&name=kept&run.init=nope');
    expect(state.config.name).toBe('kept');
    expect(state.notices).toHaveLength(2);
  });

  it('names a setting blamed on another field (dModel=25 fails on nHeads) and keeps the rest', () => {
    const state = decodeHash('#model.dModel=25&seed=9');
    expect(state.config.run.seed).toBe(9);
    expect(state.config.model.dModel).toBe(presetConfig('grpo').model.dModel);
    expect(state.notices.join(' ')).toContain('model.dModel');
  });

  it('writes a value that differs from the preset by a tiny amount', () => {
    const config = structuredClone(presetConfig('reinforce'));
    config.objective.earlyStopKl = 5e-324;
    expect(decodeHash(encodeHash('reinforce', config)).config.objective.earlyStopKl).toBe(5e-324);
  });
});

describe('the URL hash: a link with nothing usable', () => {
  it('is marked unusable (the page keeps its config), while a partly good link is usable', () => {
    expect(decodeHash('').usable).toBe(true);
    expect(decodeHash('#preset=grpo&seed=3').usable).toBe(true);
    expect(decodeHash('#bogus=1&sampling.temperature=hot').usable).toBe(false);
    expect(decodeHash('#preset=sarsa').usable).toBe(false);
    expect(decodeHash(`#${'x'.repeat(9000)}`).usable).toBe(false);
    // One good setting among bad ones, or a valid preset, is worth applying.
    expect(decodeHash('#bogus=1&seed=4').usable).toBe(true);
    expect(decodeHash('#preset=ppo&bogus=1').usable).toBe(true);
  });
});

describe('the URL hash: part by part (reliability issue)', () => {
  const lesson = lessonById('grpo-no-critic')!;

  it('a bad part does not knock out good parts that depend on each other', () => {
    // dModel=30 and nHeads=5 fit only together; imageSize=48 breaks the rule model.imageSize = task.imageSize.
    const state = decodeHash('#model.nHeads=5&model.dModel=30&task.imageSize=48&seed=6');
    expect(state.config.model).toMatchObject({ dModel: 30, nHeads: 5 });
    expect(state.config.run.seed).toBe(6);
    expect(state.config.task.imageSize).toBe(presetConfig('grpo').task.imageSize);
    expect(state.notices).toHaveLength(1);
    expect(state.notices[0]).toMatch(/task\.imageSize="48".*model\.imageSize.*task's image size \(48\)/);
  });

  it('one notice per bad part, naming the rule that part broke', () => {
    const state = decodeHash('#objective.algorithm=rloo&sampling.groupSize=0&sampling.temperature=hot&model.nHeads=3');
    expect(state.notices).toHaveLength(3);
    const [g, t, h] = state.notices;
    expect(g).toMatch(/^Ignored sampling\.groupSize="0": Must be at least 1\./);
    expect(t).toMatch(/^Ignored sampling\.temperature="hot"/);
    expect(h).toMatch(/^Ignored model\.nHeads="3": .*multiple of nHeads/);
    expect(state.config.objective.algorithm).toBe('rloo');
  });

  it("a lesson's own value stays when the link's override of it is bad", () => {
    const state = decodeHash(lessonConfigHash(lesson, '#run.iterations=lots&run.evalEvery=-3&seed=5'));
    expect(state.config.run.iterations).toBe(10); // grpo-no-critic runs 10 iterations
    expect(state.config.run.evalEvery).toBe(10);
    expect(state.config.run.seed).toBe(5);
    expect(state.notices).toHaveLength(2);
    expect(state.notices.join(' ')).toMatch(/run\.iterations="lots".*Kept 10/);
    expect(state.notices.join(' ')).toMatch(/run\.evalEvery="-3".*Kept 10/);
    // A good override still wins over the lesson's value.
    expect(decodeHash(lessonConfigHash(lesson, '#run.iterations=7')).config.run.iterations).toBe(7);
  });

  it('every notice is kept: many bad parts become one grouped notice', () => {
    const bad = Array.from({ length: 8 }, (_, i) => `bogus${i}=1`).join('&');
    const state = decodeHash(`#sampling.groupSize=0&${bad}`);
    expect(state.notices).toHaveLength(9);
    const one = linkNotice(state.notices)!;
    expect(one).toMatch(/^URL: 9 parts of the link were ignored: /);
    for (let i = 0; i < 8; i++) expect(one).toContain(`bogus${i}`);
    expect(one).toContain('sampling.groupSize');
    expect(linkNotice(['Ignored unknown setting "x".'])).toBe('URL: Ignored unknown setting "x".');
    expect(linkNotice([])).toBeNull();
  });
});

describe('the URL hash: keys that are not own fields', () => {
  const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
  it.each(KEYS)('"%s" at every depth is one notice and changes nothing', (key) => {
    for (const rawKey of [key, `${key}.polluted`, `sampling.${key}`, `sampling.${key}.polluted`, `rewards.weights.${key}`, `model.${key}.prototype`]) {
      const state = decodeHash(`#${encodeURIComponent(rawKey)}=1&seed=3`);
      expect(state.notices, rawKey).toEqual([`Ignored unknown setting "${rawKey}".`]);
      expect(state.config.run.seed).toBe(3);
      expect({ ...state.config, preset: 'grpo', run: { ...state.config.run, seed: 1 } }).toEqual(presetConfig('grpo'));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
