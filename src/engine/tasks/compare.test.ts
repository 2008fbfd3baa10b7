import { describe, expect, it } from 'vitest';
import { COLORS, decode, type Color } from '../tokenizer';
import { TASKS } from './index';
import { PALETTE } from './raster';
import type { Split, TaskInstance } from './types';

const task = TASKS.compare;
const gen = (seed: number, split: Split, difficulty: number, jitter = 1): TaskInstance => task.generate({ seed, split, difficulty, imageSize: 32, jitter });
const question = (inst: TaskInstance): string => decode(inst.promptTokens).split(' ')[3]!;
const pairOf = (inst: TaskInstance): string => `${inst.goldTrace[0]}-${inst.goldTrace[2]}`;
const numbers = (inst: TaskInstance): number[] => [Number(inst.goldTrace[1]), Number(inst.goldTrace[3])];

/** Bounding box [x0, x1, y0, y1] (inclusive) of the pixels of one palette colour. */
function box(inst: TaskInstance, color: Color): number[] {
  const s = inst.imageSize;
  const c = PALETTE[color];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let p = 0; p < s * s; p++) {
    if (Math.hypot(inst.image[p * 3]! - c[0], inst.image[p * 3 + 1]! - c[1], inst.image[p * 3 + 2]! - c[2]) < 0.25) {
      xs.push(p % s);
      ys.push(Math.floor(p / s));
    }
  }
  return [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
}

describe('compare', () => {
  it('asks which is larger or left, names both colours in vocabulary order, answers one of them', () => {
    const qs = new Set<string>();
    for (let seed = 0; seed < 100; seed++) {
      const inst = gen(seed, 'id', 1 + (seed % 3));
      qs.add(question(inst));
      const [c1, c2] = [inst.goldTrace[0] as Color, inst.goldTrace[2] as Color];
      expect(COLORS.indexOf(c1)).toBeLessThan(COLORS.indexOf(c2));
      const [n1, n2] = numbers(inst);
      const want = question(inst) === 'larger' ? (n1! > n2! ? c1 : c2) : n1! < n2! ? c1 : c2;
      expect(inst.answer).toBe(want);
    }
    expect([...qs].sort()).toEqual(['larger', 'left']);
  });

  it('uses four colour pairs in ID and only the two held-out pairs in OOD', () => {
    const pairs = (split: Split): string[] => [...new Set(Array.from({ length: 200 }, (_, s) => pairOf(gen(s, split, 2))))].sort();
    expect(pairs('id')).toEqual(['blue-yellow', 'green-yellow', 'red-blue', 'red-green']);
    expect(pairs('ood')).toEqual(['green-blue', 'red-yellow']);
  });

  it('shrinks the gap to judge as the level rises', () => {
    const gaps = (level: number, q: string): number[] =>
      Array.from({ length: 300 }, (_, s) => gen(s, 'id', level))
        .filter((i) => question(i) === q)
        .map((i) => Math.abs(numbers(i)[0]! - numbers(i)[1]!));
    expect(Math.min(...gaps(1, 'larger'))).toBe(5);
    expect(Math.max(...gaps(1, 'larger'))).toBe(8);
    expect([...new Set(gaps(2, 'larger'))].sort()).toEqual([3, 4]);
    expect([...new Set(gaps(3, 'larger'))].sort()).toEqual([1, 2]);
    expect(Math.min(...gaps(1, 'left'))).toBeGreaterThanOrEqual(8);
    expect([...new Set(gaps(2, 'left'))].sort()).toEqual([4, 5, 6, 7]);
    expect(Math.max(...gaps(3, 'left'))).toBeLessThanOrEqual(3);
  });

  it('draws each shape with the size and position the trace names', () => {
    for (let seed = 0; seed < 150; seed++) {
      const inst = gen(seed, seed % 2 ? 'ood' : 'id', 1 + (seed % 3), seed % 4 === 0 ? 0 : 1);
      const colours = [inst.goldTrace[0] as Color, inst.goldTrace[2] as Color];
      colours.forEach((c, k) => {
        const [x0, x1, y0, y1] = box(inst, c);
        const n = numbers(inst)[k]!;
        if (question(inst) === 'larger') expect(Math.max(x1! - x0! + 1, y1! - y0! + 1), `seed ${seed}`).toBeCloseTo(n, -0.5);
        else expect((x0! + x1! + 1) / 2, `seed ${seed}`).toBeCloseTo(n, -0.5);
      });
    }
  });

  it('scores steps: each (colour, number) pair', () => {
    const inst = { ...gen(0, 'id', 1), answer: 'blue', goldTrace: 'red 3 blue 5'.split(' ') };
    expect(task.scoreSteps(inst, 'red 3 blue 5'.split(' '))).toBe(1);
    expect(task.scoreSteps(inst, 'blue 5 red 3'.split(' '))).toBe(1);
    expect(task.scoreSteps(inst, 'red 3 blue 4'.split(' '))).toBe(0.5);
    expect(task.scoreSteps(inst, 'red 4 red 3 blue 6'.split(' '))).toBe(0); // only a colour's first mention counts
    expect(task.scoreSteps(inst, 'green 3 yellow 5'.split(' '))).toBe(0);
    expect(task.scoreSteps(inst, [])).toBe(0);
  });
});
