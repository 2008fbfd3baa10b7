import { describe, expect, it } from 'vitest';
import { COLORS, SHAPES, decode } from '../tokenizer';
import { CLICK_GRID, CLICK_SHIFT, CLICK_THEME, boxCentre, parseClick, scoreClick, targetBox } from './click';
import { TASKS, isCorrectAnswer, scoreAnswer } from './index';
import { PALETTE } from './raster';
import type { Split, TaskInstance } from './types';
import { fnv } from './testing.test-utils';

const task = TASKS.click;
const gen = (seed: number, split: Split, difficulty: number, jitter = 0.5, imageSize = 32): TaskInstance => task.generate({ seed, split, difficulty, imageSize, jitter });

const rgbAt = (inst: TaskInstance, x: number, y: number): number[] => {
  const o = (y * inst.imageSize + x) * 3;
  return [inst.image[o]!, inst.image[o + 1]!, inst.image[o + 2]!];
};
const near = (a: readonly number[], b: readonly number[]): boolean => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!) < 0.2;

/** A hand-made instance: the target's box is columns 4..7, rows 9..11 (gold click 5 10). */
const HAND: TaskInstance = { ...gen(0, 'id', 1), answer: 'click 5 10', goldTrace: 'red square width 4 to 7 height 9 to 11'.split(' ') };
const words = (s: string): string[] => s.split(' ').filter((w) => w.length > 0);

describe('click', () => {
  it('pins one seeded screen per level (image hashes) and its words', () => {
    const pinned = [1, 2, 3].map((level) => {
      const inst = gen(42, 'id', level);
      return `${fnv(inst.image)} ${decode(inst.promptTokens)} | ${inst.goldTrace.join(' ')} | ${inst.answer}`;
    });
    expect(pinned).toMatchInlineSnapshot(`
      [
        "a66501d8 <bos> click green triangle | green triangle width 2 to 5 height 8 to 11 | click 3 9",
        "e3128ba0 <bos> click green triangle | green triangle width 2 to 5 height 8 to 11 | click 3 9",
        "75e38021 <bos> click green triangle | green triangle width 2 to 5 height 8 to 11 | click 3 9",
      ]
    `);
  });

  it('asks to click a coloured shape, reads its box in the trace and answers its centre', () => {
    for (let seed = 0; seed < 100; seed++) {
      const inst = gen(seed, 'id', 1 + (seed % 3));
      const [, , color, shape] = decode(inst.promptTokens).split(' ');
      expect(decode(inst.promptTokens)).toMatch(/^<bos> click (red|green|blue|yellow) (circle|square|triangle)$/);
      expect(inst.goldTrace.slice(0, 2)).toEqual([color, shape]);
      const box = targetBox(inst);
      expect(box.x1 - box.x0 + 1).toBeGreaterThanOrEqual(4);
      expect(box.x1 - box.x0 + 1).toBeLessThanOrEqual(5);
      expect(box.y1 - box.y0 + 1).toBeGreaterThanOrEqual(4);
      expect(Math.max(box.x1, box.y1)).toBeLessThan(CLICK_GRID);
      expect(inst.answer).toBe(`click ${boxCentre(box).join(' ')}`);
    }
  });

  it('draws the target: the middle of its box (2 px a unit at 32) has its colour, its border the theme border', () => {
    for (let seed = 0; seed < 60; seed++) {
      const inst = gen(seed, 'id', 1 + (seed % 3), 0);
      const color = inst.goldTrace[0] as (typeof COLORS)[number];
      const b = targetBox(inst);
      // Box centre in pixels: edges at 2 * unit.
      const [cx, cy] = [Math.floor((2 * b.x0 + 2 * (b.x1 + 1)) / 2), Math.floor((2 * b.y0 + 2 * (b.y1 + 1)) / 2)];
      expect(near(rgbAt(inst, cx, cy), PALETTE[color]), `seed ${seed}`).toBe(true);
      expect(near(rgbAt(inst, 2 * b.x0, 2 * b.y0), CLICK_THEME.border)).toBe(true);
    }
  });

  it('puts 2, 3 and 4 buttons on the screen at levels 1, 2 and 3 (almost always: a crowded screen may hold fewer)', () => {
    const buttons = (inst: TaskInstance): number => {
      // Top-left border corners: a border pixel with background above and to the left.
      let n = 0;
      for (let y = 0; y < inst.imageSize; y++) {
        for (let x = 0; x < inst.imageSize; x++) {
          const bg = (xx: number, yy: number) => xx < 0 || yy < 0 || near(rgbAt(inst, xx, yy), CLICK_THEME.background);
          if (near(rgbAt(inst, x, y), CLICK_THEME.border) && bg(x - 1, y) && bg(x, y - 1) && !near(CLICK_THEME.border, CLICK_THEME.background)) n++;
        }
      }
      return n;
    };
    for (const level of [1, 2, 3]) {
      const counts = Array.from({ length: 40 }, (_, s) => buttons(gen(s, 'id', level, 0)));
      expect(counts.filter((c) => c === level + 1).length, `level ${level}: ${counts.join(',')}`).toBeGreaterThanOrEqual(36);
      expect(Math.max(...counts)).toBeLessThanOrEqual(level + 1);
    }
  });

  it('level 1 distractors differ in colour and shape; levels 2-3 may share one, never both', () => {
    let shared = 0;
    for (let seed = 0; seed < 30; seed++) {
      // The level-1 target is unique in colour: no other button carries its colour at all.
      const one = gen(seed, 'id', 1, 0);
      const color = one.goldTrace[0] as (typeof COLORS)[number];
      const b = targetBox(one);
      let elsewhere = 0;
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const inBox = x >= 2 * b.x0 && x < 2 * (b.x1 + 1) && y >= 2 * b.y0 && y < 2 * (b.y1 + 1);
          if (!inBox && near(rgbAt(one, x, y), PALETTE[color])) elsewhere++;
        }
      }
      expect(elsewhere).toBe(0);
      const three = gen(seed, 'id', 3, 0);
      const c3 = three.goldTrace[0] as (typeof COLORS)[number];
      const b3 = targetBox(three);
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const inBox = x >= 2 * b3.x0 && x < 2 * (b3.x1 + 1) && y >= 2 * b3.y0 && y < 2 * (b3.y1 + 1);
          if (!inBox && near(rgbAt(three, x, y), PALETTE[c3])) {
            shared++;
            y = 32;
            break;
          }
        }
      }
    }
    expect(shared).toBeGreaterThan(5);
    expect(SHAPES.length * COLORS.length).toBe(12);
  });

  it('splits: ID gold clicks never lie in the bottom-right quarter, novel-answer ones always do; shift is ID in a dark theme', () => {
    const ids = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const id = gen(seed, 'id', 1 + (seed % 3));
      const [, x, y] = id.answer.split(' ').map(Number);
      expect(x! >= 8 && y! >= 8, `id seed ${seed}: ${id.answer}`).toBe(false);
      ids.add(id.answer);
      const ood = gen(seed, 'ood', 1 + (seed % 3));
      const [, ox, oy] = ood.answer.split(' ').map(Number);
      expect(ox! >= 8 && oy! >= 8, `ood seed ${seed}: ${ood.answer}`).toBe(true);
    }
    for (let seed = 0; seed < 300; seed++) expect(ids.has(gen(seed, 'ood', 2).answer)).toBe(false);
    const shift = gen(3, 'shift', 2, 0);
    expect(rgbAt(shift, 0, 0)).toEqual(Array.from(new Float32Array(CLICK_SHIFT.background)));
    expect(rgbAt(gen(3, 'id', 2, 0), 0, 0)).toEqual(Array.from(new Float32Array(CLICK_THEME.background)));
  });

  it('honours imageSize: the box scales with the screen, the answer does not', () => {
    for (const size of [16, 48, 64]) {
      const inst = gen(5, 'id', 2, 0, size);
      expect(inst.answer).toBe(gen(5, 'id', 2, 0).answer);
      const b = targetBox(inst);
      const unit = size / CLICK_GRID;
      const [cx, cy] = [Math.floor(((b.x0 + b.x1 + 1) / 2) * unit), Math.floor(((b.y0 + b.y1 + 1) / 2) * unit)];
      expect(near(rgbAt(inst, cx, cy), PALETTE[inst.goldTrace[0] as (typeof COLORS)[number]]), `size ${size}`).toBe(true);
    }
  });

  it('scores any click inside the box 1 (box columns 4..7, rows 9..11 by hand: 4 x 3 = 12 right points)', () => {
    let right = 0;
    for (let x = 0; x < CLICK_GRID; x++) for (let y = 0; y < CLICK_GRID; y++) right += scoreClick(HAND, ['click', String(x), String(y)]);
    expect(right).toBe(12);
    expect(scoreAnswer(HAND, 'click 4 9')).toBe(1); // a corner
    expect(scoreAnswer(HAND, 'click 7 11')).toBe(1); // the other corner
    expect(scoreAnswer(HAND, 'click 8 10')).toBe(0); // one column right of the box
    expect(scoreAnswer(HAND, 'click 5 12')).toBe(0); // one row below
    expect(isCorrectAnswer(HAND, 'click 6 11')).toBe(true);
    expect(isCorrectAnswer(HAND, 'click 3 10')).toBe(false);
  });

  it('scores malformed answers 0 with a parse reason, never throwing', () => {
    const cases: [string, RegExp][] = [
      ['click 5', /3 words.*got 2/],
      ['click 5 10 2', /got 4/],
      ['5 10 click', /action is "5"/],
      ['red 5 10', /action is "red"/],
      ['click red 10', /not a number \("red"\)/],
      ['click 5 ?', /not a number \("\?"\)/],
      ['click 16 10', /off the screen/],
      ['click 5 36', /off the screen/],
    ];
    for (const [answer, reason] of cases) {
      const p = parseClick(words(answer));
      expect(p.ok, answer).toBe(false);
      if (!p.ok) expect(p.reason).toMatch(reason);
      expect(scoreAnswer(HAND, answer)).toBe(0);
    }
    expect(scoreAnswer(HAND, null)).toBe(0);
    expect(scoreClick(HAND, [])).toBe(0);
    expect(parseClick(words('click 5 10'))).toEqual({ ok: true, action: 'click', x: 5, y: 10 });
  });

  it('scores steps: target named, columns read, rows read', () => {
    const s = (t: string) => task.scoreSteps(HAND, words(t));
    expect(s('red square width 4 to 7 height 9 to 11')).toBe(1);
    expect(s('red circle width 4 to 7 height 9 to 11')).toBeCloseTo(2 / 3); // wrong shape
    expect(s('red square width 4 to 8 height 9 to 11')).toBeCloseTo(2 / 3); // one column off
    expect(s('red square width 4 to 7')).toBeCloseTo(2 / 3);
    expect(s('blue square width 1 to 4 height 2 to 5')).toBe(0);
    expect(s('red square width 4 7 height 9 11')).toBeCloseTo(1 / 3); // spans without "to"
    expect(s('')).toBe(0);
  });

  it('refuses a gold trace it cannot read the box from, naming the shape it expects', () => {
    expect(() => targetBox({ goldTrace: ['red', 'square'] })).toThrow(/colour shape width X0 to X1 height Y0 to Y1/);
  });
});
