import { describe, expect, it } from 'vitest';
import { decode } from '../tokenizer';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphInk } from './font';
import { TASKS } from './index';
import { BACKGROUND } from './raster';
import type { Split, TaskInstance } from './types';

const task = TASKS['digit-sum'];
const gen = (seed: number, split: Split, difficulty: number, jitter = 1, imageSize = 32): TaskInstance => task.generate({ seed, split, difficulty, imageSize, jitter });
const digitsOf = (inst: TaskInstance): number[] => inst.goldTrace.filter((_, i) => i === 0 || i % 5 === 2).map(Number);

/**
 * Read the digits back out of the image the way a model would have to: ink columns in the
 * digit band (level-3 distractors live above and below it) split into glyphs, and each
 * glyph's box sampled on the 3x5 font grid and matched against the font.
 */
function readDigits(inst: TaskInstance): number[] {
  const s = inst.imageSize;
  const scale = Math.max(1, Math.floor(s / 16));
  const band = Math.floor((s - GLYPH_HEIGHT * scale) / 2) - 2 * scale - 1;
  const ink = (x: number, y: number): boolean => {
    const o = (y * s + x) * 3;
    return Math.hypot(inst.image[o]! - BACKGROUND[0], inst.image[o + 1]! - BACKGROUND[1], inst.image[o + 2]! - BACKGROUND[2]) > 0.3;
  };
  const rows = Array.from({ length: s - 2 * band - 2 }, (_, k) => k + band + 1);
  const cols = Array.from({ length: s }, (_, x) => rows.some((y) => ink(x, y)));
  const out: number[] = [];
  for (let x = 0; x < s; x++) {
    if (!cols[x] || cols[x - 1]) continue;
    const top = rows.find((y) => Array.from({ length: GLYPH_WIDTH * scale }, (_, dx) => dx).some((dx) => ink(x + dx, y)))!;
    const matches = Array.from({ length: 10 }, (_, d) => d).filter((d) => {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) if (ink(x + scale * col, top + scale * row) !== glyphInk(d, col, row)) return false;
      }
      return true;
    });
    expect(matches.length, `glyph at x=${x}`).toBe(1);
    out.push(matches[0]!);
  }
  return out;
}

describe('digit-sum', () => {
  it('asks "sum of digits ?" and traces the additions', () => {
    const two = gen(5, 'id', 2);
    expect(decode(two.promptTokens)).toBe('<bos> sum of digits ?');
    const [a, b] = digitsOf(two);
    expect(two.goldTrace).toEqual([String(a), '+', String(b), '=', String(a! + b!)]);
    expect(two.answer).toBe(String(a! + b!));
    const three = gen(5, 'ood', 2);
    const [x, y, z] = digitsOf(three);
    expect(three.goldTrace).toEqual([String(x), '+', String(y), '=', String(x! + y!), String(x! + y!), '+', String(z), '=', String(x! + y! + z!)]);
    expect(three.answer).toBe(String(x! + y! + z!));
  });

  it('shows two digits in ID and three in OOD; digits 0-4 at level 1, 0-9 above', () => {
    for (let seed = 0; seed < 200; seed++) {
      expect(digitsOf(gen(seed, 'id', 1 + (seed % 3)))).toHaveLength(2);
      expect(digitsOf(gen(seed, 'ood', 1 + (seed % 3)))).toHaveLength(3);
      expect(Math.max(...digitsOf(gen(seed, 'ood', 1)))).toBeLessThanOrEqual(4);
    }
    const seen = new Set(Array.from({ length: 200 }, (_, s) => digitsOf(gen(s, 'id', 2))).flat());
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const answers = (split: Split): number[] => Array.from({ length: 300 }, (_, s) => Number(gen(s, split, 2).answer));
    expect(Math.max(...answers('id'))).toBeLessThanOrEqual(18);
    expect(Math.max(...answers('ood'))).toBeGreaterThan(18);
  });

  it('draws digits that read back as the trace, at every level, split, jitter and size', () => {
    for (let seed = 0; seed < 80; seed++) {
      for (const split of ['id', 'ood'] as const) {
        for (const level of [1, 2, 3]) {
          const size = [32, 16, 48, 64][seed % 4]!;
          const inst = gen(seed, split, level, seed % 3 === 0 ? 0 : 1, size);
          expect(readDigits(inst), `seed ${seed} ${split} level ${level} size ${size}`).toEqual(digitsOf(inst));
        }
      }
    }
  });

  it('scores steps: each digit read and each partial sum', () => {
    const two = { ...gen(0, 'id', 1), answer: '7', goldTrace: '3 + 4 = 7'.split(' ') };
    expect(task.scoreSteps(two, '3 + 4 = 7'.split(' '))).toBe(1);
    expect(task.scoreSteps(two, '3 + 5 = 8'.split(' '))).toBeCloseTo(1 / 3); // a right; b, sum wrong
    expect(task.scoreSteps(two, '3 + 4 = 8'.split(' '))).toBeCloseTo(2 / 3);
    expect(task.scoreSteps(two, '3 4 7'.split(' '))).toBe(0); // no equation to read
    expect(task.scoreSteps(two, [])).toBe(0);
    const three = { ...two, answer: '12', goldTrace: '3 + 4 = 7 7 + 5 = 12'.split(' ') };
    expect(task.scoreSteps(three, '3 + 4 = 7 7 + 5 = 12'.split(' '))).toBe(1);
    expect(task.scoreSteps(three, '3 + 4 = 8 8 + 5 = 13'.split(' '))).toBeCloseTo(3 / 5); // a, b, c right
    expect(task.scoreSteps(three, '3 + 4 = 7'.split(' '))).toBeCloseTo(3 / 5); // stopped after one line
    expect(task.scoreSteps(three, 'because 3 + 4 = 7 7 + 5 = 12'.split(' '))).toBe(1);
  });

  it('verbose traces (task.verbose): the same picture and answer, 0-3 checks "= s" after each equation, lengths that vary', () => {
    const lengths = new Set<number>();
    for (let seed = 0; seed < 16; seed++) {
      for (const [split, difficulty] of [['id', 1], ['ood', 3]] as const) {
        const plain = gen(seed, split, difficulty);
        const verbose = task.generate({ seed, split, difficulty, imageSize: 32, jitter: 1, verbose: true });
        expect(verbose.image).toEqual(plain.image);
        expect(verbose.answer).toBe(plain.answer);
        // Dropping every check "= s" right after an equation (or after another check) gives the plain trace back.
        const kept: string[] = [];
        for (let i = 0; i < verbose.goldTrace.length; ) {
          if (kept.length >= 5 && verbose.goldTrace[i] === '=' && kept.at(-2) === '=' && verbose.goldTrace[i + 1] === kept.at(-1)) i += 2;
          else kept.push(verbose.goldTrace[i++]!);
        }
        expect(kept).toEqual(plain.goldTrace);
        // Every verbose gold trace is a right, valid, complete trace by all three step rewards.
        expect(task.scoreSteps(verbose, verbose.goldTrace)).toBe(1);
        expect(task.validReasoning!(verbose, verbose.goldTrace, [verbose.answer])).toBe(true);
        if (split === 'id') lengths.add(verbose.goldTrace.length + 6);
      }
    }
    // Two digits: 11 tokens plus 2 per check, 0-3 checks: 11, 13, 15, 17 all occur.
    expect([...lengths].sort((a, b) => a - b)).toEqual([11, 13, 15, 17]);
  });

  it('StepRVR accepts checks that restate the sum and refuses one that does not', () => {
    const two = { ...gen(0, 'id', 1), answer: '7', goldTrace: '3 + 4 = 7'.split(' ') };
    const valid = (t: string, a: string) => task.validReasoning!(two, t.split(' '), [a]);
    expect(valid('3 + 4 = 7 = 7 = 7', '7')).toBe(true);
    expect(valid('3 + 4 = 7 = 8', '8')).toBe(false); // "= 8" restates nothing
    expect(valid('3 + 4 = 7 = 7 7 + 2 = 9 = 9', '9')).toBe(true);
    expect(valid('3 + 4 = 7 = 7 6 + 2 = 8', '8')).toBe(false); // the next line must restate 7
    expect(task.scoreSteps(two, '3 + 4 = 7 = 7 = 7'.split(' '))).toBe(1); // the step reward reads past the checks
  });
});
