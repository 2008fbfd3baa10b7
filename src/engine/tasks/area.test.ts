import { describe, expect, it } from 'vitest';
import { COLORS, decode, type Color } from '../tokenizer';
import { TASKS } from './index';
import { PALETTE } from './raster';
import type { Split, TaskInstance } from './types';

const task = TASKS.area;
const gen = (seed: number, split: Split, difficulty: number, jitter = 1): TaskInstance => task.generate({ seed, split, difficulty, imageSize: 32, jitter });
const sides = (inst: TaskInstance): [number, number] => [Number(inst.goldTrace[1]), Number(inst.goldTrace[3])];

/** Pixels of a palette colour inside grid cells (at 32x32: a 3x3 block per cell between 1-pixel lines). */
function cellPixels(inst: TaskInstance, color: Color): [number, number][] {
  const c = PALETTE[color];
  const s = inst.imageSize;
  const out: [number, number][] = [];
  for (let p = 0; p < s * s; p++) {
    const [x, y] = [p % s, Math.floor(p / s)];
    if (x % 4 === 0 || y % 4 === 0) continue;
    if (Math.hypot(inst.image[p * 3]! - c[0], inst.image[p * 3 + 1]! - c[1], inst.image[p * 3 + 2]! - c[2]) < 0.2) out.push([x, y]);
  }
  return out;
}

const targetColor = (inst: TaskInstance): Color => decode(inst.promptTokens).split(' ')[3] as Color;

/** Cells of the target colour across and down, counted from the image. */
function cellsAcrossAndDown(inst: TaskInstance): [number, number] {
  const px = cellPixels(inst, targetColor(inst));
  return [new Set(px.map(([x]) => Math.floor(x / 4))).size, new Set(px.map(([, y]) => Math.floor(y / 4))).size];
}

describe('area', () => {
  it('asks for the area of a coloured rectangle and traces width, height and product', () => {
    const inst = gen(11, 'id', 1);
    expect(decode(inst.promptTokens)).toMatch(/^<bos> area of (red|green|blue|yellow) \?$/);
    const [w, h] = sides(inst);
    expect(inst.goldTrace).toEqual(['width', String(w), 'height', String(h), String(w), 'x', String(h), '=', String(w * h)]);
    expect(inst.answer).toBe(String(w * h));
  });

  it('has sides 1-4 in ID and a side of 5 or 6 in OOD', () => {
    const all = (split: Split): [number, number][] => Array.from({ length: 300 }, (_, s) => sides(gen(s, split, 1 + (s % 3))));
    const id = all('id');
    expect(new Set(id.flat())).toEqual(new Set([1, 2, 3, 4]));
    const ood = all('ood');
    expect(ood.every(([w, h]) => Math.max(w, h) >= 5 && Math.max(w, h) <= 6)).toBe(true);
    expect(new Set(ood.flat())).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it('draws the rectangle with as many cells across and down as the trace says, among distractors', () => {
    for (let seed = 0; seed < 100; seed++) {
      for (const split of ['id', 'ood'] as const) {
        for (const level of [1, 2, 3]) {
          const inst = gen(seed, split, level);
          expect(cellsAcrossAndDown(inst), `seed ${seed} ${split} ${level}`).toEqual(sides(inst));
        }
      }
    }
  });

  it('adds distractor rectangles of other colours at higher levels', () => {
    const others = (inst: TaskInstance): number => COLORS.filter((c) => c !== targetColor(inst)).reduce((n, c) => n + cellPixels(inst, c).length, 0);
    let withDistractors = 0;
    for (let seed = 0; seed < 50; seed++) {
      const one = gen(seed, 'id', 1);
      const [w, h] = sides(one);
      expect(cellPixels(one, targetColor(one))).toHaveLength(9 * w * h);
      expect(others(one)).toBe(0);
      if (others(gen(seed, 'id', 3)) > 0) withDistractors++;
    }
    expect(withDistractors).toBe(50);
  });

  it('scores steps: width, height, product', () => {
    const inst = { ...gen(0, 'id', 1), answer: '12', goldTrace: 'width 3 height 4 3 x 4 = 12'.split(' ') };
    expect(task.scoreSteps(inst, 'width 3 height 4 3 x 4 = 12'.split(' '))).toBe(1);
    expect(task.scoreSteps(inst, 'width 3 height 5 3 x 5 = 15'.split(' '))).toBeCloseTo(1 / 3);
    expect(task.scoreSteps(inst, 'width 4 height 3 4 x 3 = 12'.split(' '))).toBeCloseTo(1 / 3);
    expect(task.scoreSteps(inst, 'width 3 height 4'.split(' '))).toBeCloseTo(2 / 3);
    expect(task.scoreSteps(inst, ['width'])).toBe(0);
    expect(task.scoreSteps(inst, [])).toBe(0);
  });
});
