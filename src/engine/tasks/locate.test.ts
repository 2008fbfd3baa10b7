import { describe, expect, it } from 'vitest';
import { decode, type Color } from '../tokenizer';
import { GRID, intersection, iou, parseBox, recall, scoreBox, type Box } from './box';
import { TASKS, isCorrectAnswer, scoreAnswer } from './index';
import { cellEdge, goldBox } from './locate';
import { PALETTE } from './raster';
import type { Split, TaskInstance } from './types';
import { fnv } from './testing.test-utils';

const task = TASKS.locate;
const gen = (seed: number, split: Split, difficulty: number, jitter = 0, imageSize = 32): TaskInstance => task.generate({ seed, split, difficulty, imageSize, jitter });
const box = (x: number, y: number, w: number, h: number): Box => ({ x, y, w, h });

/** The cell box around every pixel of exactly this colour (jitter 0 draws exact palette colours). */
function colourBox(inst: TaskInstance, color: Color): Box | null {
  const c = Array.from(new Float32Array(PALETTE[color]));
  const s = inst.imageSize;
  let [x0, y0, x1, y1] = [s, s, -1, -1];
  for (let p = 0; p < s * s; p++) {
    if ([0, 1, 2].every((k) => inst.image[p * 3 + k] === c[k])) {
      const [x, y] = [p % s, Math.floor(p / s)];
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (x1 < 0) return null;
  const cell = (px: number) => Math.floor((px * GRID) / s);
  return box(cell(x0), cell(y0), cell(x1) - cell(x0) + 1, cell(y1) - cell(y0) + 1);
}

describe('locate: instances', () => {
  it('asks "where is <colour> <shape> ?", answers a box x y w h, and traces the target and its box', () => {
    const inst = gen(11, 'id', 2);
    const [, , , color, shape] = decode(inst.promptTokens).split(' ');
    expect(decode(inst.promptTokens)).toMatch(/^<bos> where is (red|green|blue|yellow) (circle|square|triangle) \?$/);
    const { x, y, w, h } = goldBox(inst);
    expect(inst.goldTrace).toEqual([color, shape, 'at', String(x), String(y), 'width', String(w), 'height', String(h)]);
    expect(inst.answer).toBe(`${x} ${y} ${w} ${h}`);
  });

  it('has square boxes of side 1-3 in ID and shift, 4-5 in novel answers, all inside the grid', () => {
    const sides = (split: Split) => new Set(Array.from({ length: 300 }, (_, s) => gen(s, split, 1 + (s % 3))).map((i) => {
      const b = goldBox(i);
      expect(b.w).toBe(b.h);
      expect(b.x + b.w).toBeLessThanOrEqual(GRID);
      expect(b.y + b.h).toBeLessThanOrEqual(GRID);
      return b.w;
    }));
    expect(sides('id')).toEqual(new Set([1, 2, 3]));
    expect(sides('shift')).toEqual(new Set([1, 2, 3]));
    expect(sides('ood')).toEqual(new Set([4, 5]));
  });

  it('draws the target exactly over its gold box (level 1: the distractor has another colour)', () => {
    for (let seed = 0; seed < 100; seed++) {
      for (const split of ['id', 'ood', 'shift'] as const) {
        const inst = gen(seed, split, 1);
        const color = decode(inst.promptTokens).split(' ')[3] as Color;
        expect(colourBox(inst, color), `seed ${seed} ${split}`).toEqual(goldBox(inst));
      }
    }
  });

  it('scales the grid with the image: 2-pixel cells at 16 x 16, 8-pixel cells at 64 x 64', () => {
    for (const size of [16, 64]) {
      for (let seed = 0; seed < 20; seed++) {
        const inst = gen(seed, 'id', 1, 0, size);
        expect(colourBox(inst, decode(inst.promptTokens).split(' ')[3] as Color)).toEqual(goldBox(inst));
      }
    }
    expect([0, 1, 8].map((k) => cellEdge(k, 64))).toEqual([0, 8, 64]);
  });

  it('adds distractors that share the colour or the shape from level 2, so both words matter', () => {
    let shared = 0;
    for (let seed = 0; seed < 50; seed++) {
      const inst = gen(seed, 'id', 2);
      const color = decode(inst.promptTokens).split(' ')[3] as Color;
      // A same-colour distractor makes that colour's pixels reach beyond the gold box.
      const b = colourBox(inst, color)!;
      if (b.w * b.h > goldBox(inst).w * goldBox(inst).h) shared++;
    }
    expect(shared).toBeGreaterThan(40);
  });

  it('pins one seeded picture per level (ID, jitter 0.5)', () => {
    expect([1, 2, 3].map((level) => fnv(gen(5, 'id', level, 0.5).image))).toMatchInlineSnapshot(`
      [
        "4e906475",
        "4ca89e5d",
        "20f2cfdd",
      ]
    `);
  });
});

describe('locate: boxes and their scores', () => {
  it('computes IoU and recall by hand', () => {
    // 2x2 at (0,0) and 2x2 at (1,1): they share the cell (1,1): 1 / (4 + 4 - 1) = 1/7.
    expect(iou(box(0, 0, 2, 2), box(1, 1, 2, 2))).toBeCloseTo(1 / 7, 12);
    // 3x3 at (2,2) and 2x3 at (3,2): share 2x3 = 6 cells; union 9 + 6 - 6 = 9: 6/9 = 2/3.
    expect(iou(box(2, 2, 3, 3), box(3, 2, 2, 3))).toBeCloseTo(2 / 3, 12);
    // Touching edges share nothing.
    expect(intersection(box(0, 0, 2, 2), box(2, 0, 2, 2))).toBe(0);
    expect(iou(box(1, 1, 3, 3), box(1, 1, 3, 3))).toBe(1);
    // Recall: the whole image (64 cells) covers a 2x2 gold box: 4/4 = 1, while its IoU is 4/64.
    expect(recall(box(0, 0, 8, 8), box(5, 5, 2, 2))).toBe(1);
    expect(iou(box(0, 0, 8, 8), box(5, 5, 2, 2))).toBe(4 / 64);
    // Half the gold box: 1x2 of a 2x2 gold = 0.5.
    expect(recall(box(5, 5, 1, 2), box(5, 5, 2, 2))).toBe(0.5);
  });

  it('parses malformed boxes to a reason, never throwing', () => {
    const reason = (s: string) => {
      const p = parseBox(s.split(' ').filter(Boolean));
      return p.ok ? 'ok' : p.reason;
    };
    expect(reason('1 2 3 3')).toBe('ok');
    expect(reason('1 2 3')).toBe('a box is 4 numbers (x y w h), got 3 words');
    expect(reason('')).toBe('a box is 4 numbers (x y w h), got 0 words');
    expect(reason('1 red 3 3')).toBe('"red" (y) is not a number');
    expect(reason('1 2 0 3')).toBe('a box of width 0 and height 3 is empty');
    expect(reason('6 2 3 3')).toBe('the box 6 2 3 3 runs off the 8 x 8 grid');
    expect(reason('0 0 9 1')).toBe('the box 0 0 9 1 runs off the 8 x 8 grid');
    expect(reason('0 8 1 1')).toBe('the box 0 8 1 1 runs off the 8 x 8 grid');
  });

  it('scores an answer by IoU; right means IoU >= 0.5; malformed answers score 0', () => {
    const inst = { ...gen(0, 'id', 1), answer: '2 2 2 2', goldTrace: 'red square at 2 2 width 2 height 2'.split(' ') };
    expect(scoreAnswer(inst, '2 2 2 2')).toBe(1);
    // 2x2 gold at (2,2), answer 2x3 at (2,2): share 4, union 6: IoU 2/3, right.
    expect(scoreAnswer(inst, '2 2 2 3')).toBeCloseTo(2 / 3, 12);
    expect(isCorrectAnswer(inst, '2 2 2 3')).toBe(true);
    // Answer 2x2 at (3,2): share 2, union 6: 1/3, wrong.
    expect(scoreAnswer(inst, '3 2 2 2')).toBeCloseTo(1 / 3, 12);
    expect(isCorrectAnswer(inst, '3 2 2 2')).toBe(false);
    // Exactly 0.5: 2x2 gold inside a 2x4 answer at (2,1): 4 / 8. The line is inclusive.
    expect(scoreAnswer(inst, '2 1 2 4')).toBe(0.5);
    expect(isCorrectAnswer(inst, '2 1 2 4')).toBe(true);
    for (const bad of ['2 2 2', '2 2 0 2', '7 7 2 2', 'red 2 2 2', '2 2 2 2 2']) {
      expect(scoreAnswer(inst, bad)).toBe(0);
      expect(isCorrectAnswer(inst, bad)).toBe(false);
    }
    expect(scoreAnswer(inst, null)).toBe(0);
  });

  it('pays the three box rewards: IoU, IoU >= 0.5 as 0/1, and hackable recall (the whole image earns 1)', () => {
    const gold = box(2, 2, 2, 2);
    expect(scoreBox(['2', '2', '2', '3'], gold, 'iou')).toBeCloseTo(2 / 3, 12);
    expect(scoreBox(['2', '2', '2', '3'], gold, 'iou50')).toBe(1);
    expect(scoreBox(['3', '2', '2', '2'], gold, 'iou50')).toBe(0);
    expect(scoreBox(['0', '0', '8', '8'], gold, 'recall')).toBe(1);
    expect(scoreBox(['0', '0', '8', '8'], gold, 'iou')).toBe(4 / 64);
    expect(scoreBox(['3', '2', '2', '2'], gold, 'recall')).toBe(0.5);
    expect(scoreBox(['0', '0', '0', '8'], gold, 'recall')).toBe(0);
  });

  it('scores steps: x, y, width, height, a quarter each', () => {
    const inst = { ...gen(0, 'id', 1), answer: '2 3 2 2', goldTrace: 'red square at 2 3 width 2 height 2'.split(' ') };
    expect(task.scoreSteps(inst, 'red square at 2 3 width 2 height 2'.split(' '))).toBe(1);
    expect(task.scoreSteps(inst, 'red square at 2 4 width 2 height 2'.split(' '))).toBe(0.75);
    expect(task.scoreSteps(inst, 'red square at 3 2 width 1 height 2'.split(' '))).toBe(0.25);
    expect(task.scoreSteps(inst, 'at 2 3'.split(' '))).toBe(0.5);
    expect(task.scoreSteps(inst, ['at'])).toBe(0);
    expect(task.scoreSteps(inst, [])).toBe(0);
  });
});
