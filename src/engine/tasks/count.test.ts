import { describe, expect, it } from 'vitest';
import { decode } from '../tokenizer';
import type { Color } from '../tokenizer';
import { TASKS } from './index';
import { PALETTE } from './raster';
import type { Split, TaskInstance } from './types';

const count = TASKS.count;
const gen = (seed: number, split: Split, difficulty: number, jitter = 1): TaskInstance => count.generate({ seed, split, difficulty, imageSize: 32, jitter });

/** 4-connected blobs of pixels within 0.25 of a palette colour (colour jitter moves a channel by 0.1 at most). */
function blobs(inst: TaskInstance, color: Color): number {
  const s = inst.imageSize;
  const hit = (p: number): boolean => {
    const c = PALETTE[color];
    return Math.hypot(inst.image[p * 3]! - c[0], inst.image[p * 3 + 1]! - c[1], inst.image[p * 3 + 2]! - c[2]) < 0.25;
  };
  const seen = new Uint8Array(s * s);
  let n = 0;
  for (let p = 0; p < s * s; p++) {
    if (seen[p] || !hit(p)) continue;
    n++;
    const stack = [p];
    seen[p] = 1;
    while (stack.length > 0) {
      const q = stack.pop()!;
      const [x, y] = [q % s, Math.floor(q / s)];
      for (const [nx, ny] of [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]] as const) {
        const r = ny * s + nx;
        if (nx >= 0 && ny >= 0 && nx < s && ny < s && !seen[r] && hit(r)) {
          seen[r] = 1;
          stack.push(r);
        }
      }
    }
  }
  return n;
}

const colorOf = (inst: TaskInstance): Color => decode(inst.promptTokens).split(' ')[3] as Color;

describe('count', () => {
  it('asks "how many <colour> <shape> ?"', () => {
    expect(decode(gen(3, 'id', 1).promptTokens)).toMatch(/^<bos> how many (red|green|blue|yellow) (circle|square|triangle) \?$/);
  });

  it('asks for 1-5 objects at level 1, 0-5 with distractors in ID, and 6-9 in OOD', () => {
    const answers = (split: 'id' | 'ood', level: number): Set<number> => new Set(Array.from({ length: 300 }, (_, s) => Number(gen(s, split, level).answer)));
    expect([...answers('id', 1)].sort()).toEqual([1, 2, 3, 4, 5]);
    expect([...answers('id', 3)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...answers('ood', 1)].sort()).toEqual([6, 7, 8, 9]);
    expect([...answers('ood', 3)].sort()).toEqual([6, 7, 8, 9]);
  });

  it('enumerates the count in its trace', () => {
    const inst = [...Array(100).keys()].map((s) => gen(s, 'id', 2)).find((i) => i.answer === '3')!;
    expect(inst.goldTrace).toEqual(['1', '2', '3']);
    const zero = [...Array(100).keys()].map((s) => gen(s, 'id', 2)).find((i) => i.answer === '0')!;
    expect(zero.goldTrace).toEqual(['0']);
  });

  it('draws exactly the answer many blobs of the target colour at levels 1-2 (no object touches another)', () => {
    for (let seed = 0; seed < 60; seed++) {
      for (const split of ['id', 'ood', 'shift'] as const) {
        for (const level of [1, 2]) {
          const inst = gen(seed, split, level);
          expect(blobs(inst, colorOf(inst)), `seed ${seed} ${split} ${level}`).toBe(Number(inst.answer));
        }
      }
    }
  });

  it('adds distractors, some of the target colour at level 3', () => {
    let sameColour = 0;
    for (let seed = 0; seed < 60; seed++) {
      const inst = gen(seed, 'id', 3);
      const all = (['red', 'green', 'blue', 'yellow'] as const).reduce((n, c) => n + blobs(inst, c), 0);
      expect(all).toBeGreaterThanOrEqual(Number(inst.answer) + 2);
      if (blobs(inst, colorOf(inst)) > Number(inst.answer)) sameColour++;
    }
    expect(sameColour).toBeGreaterThan(0);
  });

  it('scores steps: counts 1..n in order, and stops at n', () => {
    const inst = { ...gen(0, 'id', 1), answer: '3', goldTrace: ['1', '2', '3'] };
    expect(count.scoreSteps(inst, ['1', '2', '3'])).toBe(1);
    expect(count.scoreSteps(inst, ['1', '2', '3', '4'])).toBe(0.5); // overcounted: in order, wrong stop
    expect(count.scoreSteps(inst, ['1', '3'])).toBe(0.5); // skipped: right stop
    expect(count.scoreSteps(inst, ['1', '2'])).toBe(0);
    expect(count.scoreSteps(inst, ['3'])).toBe(0.5);
    expect(count.scoreSteps(inst, [])).toBe(0);
    const zero = { ...inst, answer: '0', goldTrace: ['0'] };
    expect(count.scoreSteps(zero, ['0'])).toBe(1);
    expect(count.scoreSteps(zero, ['1'])).toBe(0);
  });
});
