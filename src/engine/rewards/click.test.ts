import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../config';
import { TASKS } from '../tasks';
import type { TaskInstance } from '../tasks/types';
import { encode, formatResponse } from '../tokenizer';
import { REWARD_TASKS, scoreSample } from './index';
import { action, distance } from './click';

/** Target box columns 4..7, rows 9..11; gold click (its centre unit) 5 10. */
const HAND: TaskInstance = { ...TASKS.click.generate({ seed: 0, split: 'id', difficulty: 1, imageSize: 32, jitter: 0 }), answer: 'click 5 10', goldTrace: 'red square width 4 to 7 height 9 to 11'.split(' ') };
const sample = (answer: string) => ({ tokens: formatResponse(HAND.goldTrace, answer), maxNewTokens: 24 });
const raw = (text: string) => ({ tokens: encode(text), maxNewTokens: 24 });

describe('click rewards', () => {
  it('accuracy: 1 anywhere in the box, 0 outside it (UI-R1 R_action x R_coord)', () => {
    const acc = (a: string) => scoreSample(sample(a), HAND, { accuracy: 1 }).total;
    expect([acc('click 5 10'), acc('click 7 9'), acc('click 4 11'), acc('click 8 10'), acc('click 5 8')]).toEqual([1, 1, 1, 0, 0]);
  });

  it('action: 1 when the first answer word is "click", whatever the point; 0 otherwise or without an answer', () => {
    expect(action(sample('click 0 0'), HAND)).toBe(1);
    expect(action(sample('click 15 15'), HAND)).toBe(1);
    expect(action(sample('5 click 10'), HAND)).toBe(0);
    expect(action(raw('<think> </think> <answer> </answer> <eos>'), HAND)).toBe(0);
    expect(action(raw('click 5 10 <eos>'), HAND)).toBe(0); // no answer tags
  });

  it('distance: max(0, 1 - d/16) from the gold click 5 10, by hand', () => {
    // d = 0 -> 1; (8, 14): dx 3, dy 4, d 5 -> 11/16 = 0.6875; (5, 0): d 10 -> 0.375;
    // (15, 0): dx 10, dy 10, d = 14.142... -> 1 - 14.142/16 = 0.1161; the screen's middle (8, 8): d = sqrt(9 + 4) = 3.606 -> 0.7747.
    expect(distance(sample('click 5 10'), HAND)).toBe(1);
    expect(distance(sample('click 8 14'), HAND)).toBe(0.6875);
    expect(distance(sample('click 5 0'), HAND)).toBe(0.375);
    expect(distance(sample('click 15 0'), HAND)).toBeCloseTo(0.11612, 5);
    expect(distance(sample('click 8 8'), HAND)).toBeCloseTo(0.77465, 4);
    // A miss near the centre (8 8, outside columns 4..7) earns more than a hit in the box's far corner (4 9 is inside: d = sqrt(2)).
    expect(distance(sample('click 8 8'), HAND)).toBeGreaterThan(0.7);
    // Off the screen, no number, another action: 0.
    for (const a of ['click 16 10', 'click red 10', 'red 5 10']) expect(distance(sample(a), HAND)).toBe(0);
  });

  it('is hackable by always clicking the screen\'s middle: 0.38 or more on every screen, with accuracy near chance', () => {
    let [minD, hits, n] = [1, 0, 0];
    for (let seed = 0; seed < 300; seed++) {
      for (const split of ['id', 'ood'] as const) {
        const inst = TASKS.click.generate({ seed, split, difficulty: 1 + (seed % 3), imageSize: 32, jitter: 0.5 });
        const s = scoreSample({ tokens: formatResponse(inst.goldTrace, 'click 8 8'), maxNewTokens: 24 }, inst, { accuracy: 1 });
        minD = Math.min(minD, s.byFn.distance);
        hits += s.byFn.accuracy;
        n++;
      }
    }
    expect(minD).toBeGreaterThanOrEqual(0.38); // the farthest gold click, 1 1, is sqrt(98) = 9.9 units away
    expect(hits / n).toBeLessThan(0.2);
  });

  it('applies to the click task only: the config refuses a weight elsewhere, naming the field', () => {
    expect(REWARD_TASKS).toEqual({ action: ['click'], distance: ['click'] });
    const bad = RunConfigSchema.safeParse({ task: { task: 'count' }, rewards: { weights: { distance: 0.5 } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['rewards', 'weights', 'distance']);
    expect(bad.error?.issues[0]?.message).toMatch(/distance reward .* click task only.*count: set it to 0/);
    expect(RunConfigSchema.safeParse({ task: { task: 'count' }, rewards: { weights: { action: 1 } } }).error?.issues[0]?.path).toEqual(['rewards', 'weights', 'action']);
    expect(RunConfigSchema.safeParse({ task: { task: 'click' }, rewards: { weights: { distance: 0.5, action: 0.2 } } }).success).toBe(true);
    // Off the click task the value itself is 0 (charts of an unweighted function stay flat).
    const count = TASKS.count.generate({ seed: 1, split: 'id', difficulty: 1, imageSize: 32, jitter: 0 });
    expect(distance({ tokens: formatResponse(count.goldTrace, count.answer), maxNewTokens: 24 }, count)).toBe(0);
  });
});
