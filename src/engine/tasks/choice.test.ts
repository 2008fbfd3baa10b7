import { describe, expect, it } from 'vitest';
import { Rng, mixSeed } from '../random';
import { decode } from '../tokenizer';
import { NEAR_DISTANCE, numberCandidates } from './choice';
import { MAX_PROMPT_TOKENS, TASKS, TASK_IDS, type GenerateOptions, type QuestionFormat } from './index';

/** An rng whose shuffle leaves the list as it is and whose int returns the scripted values in turn. */
const scripted = (...ints: number[]) => ({ shuffle: <T>(xs: T[]) => xs, int: () => ints.shift()! });

const opts = (seed: number, format?: QuestionFormat, difficulty = 1): GenerateOptions => ({ seed, split: 'id', difficulty, imageSize: 32, jitter: 0.5, ...(format ? { format } : {}) });

describe('numberCandidates (Curr-ReFT closed questions, arXiv:2503.07065)', () => {
  it('draws near distractors and puts the gold where the rng says (hand-worked)', () => {
    // Gold 7 in 0..8, 3 candidates: the values within NEAR_DISTANCE = 3 of 7 but 7 are 4, 5, 6, 8
    // (ascending). shuffle keeps them, so the distractors are the first two, 4 and 5; int -> 1
    // puts the gold second: [4, 7, 5].
    expect(NEAR_DISTANCE).toBe(3);
    expect(numberCandidates(7, 0, 8, 3, scripted(1))).toEqual([4, 7, 5]);
    // Binary, gold 0 in 0..8: near values 1, 2, 3; the distractor is 1; int -> 0 puts the gold first: [0, 1].
    expect(numberCandidates(0, 0, 8, 2, scripted(0))).toEqual([0, 1]);
    // Gold last: int -> 2 of 3.
    expect(numberCandidates(8, 0, 8, 3, scripted(2))).toEqual([5, 6, 8]);
  });

  it('falls back to the nearest answers when too few are near, and refuses impossible asks', () => {
    // 0..2 around gold 1 has two others (0 and 2), both near: the two distractors.
    expect(numberCandidates(1, 0, 2, 3, scripted(0))).toEqual([1, 0, 2]);
    expect(() => numberCandidates(1, 0, 1, 3, scripted(0))).toThrow(/fewer than the 2 distractors/);
    expect(() => numberCandidates(9, 0, 8, 2, scripted(0))).toThrow(/outside 0\.\.8/);
    expect(() => numberCandidates(1, 0, 8, 1, scripted(0))).toThrow(/at least 2 candidates/);
  });
});

describe('digit-sum question formats', () => {
  const ds = TASKS['digit-sum'];

  it('asks the open question exactly as before when no format (or open) is given', () => {
    for (const seed of [1, 2, 3]) {
      const plain = ds.generate(opts(seed));
      expect(ds.generate(opts(seed, 'open'))).toEqual(plain);
      expect(plain).not.toHaveProperty('format');
      expect(plain).not.toHaveProperty('candidates');
      expect(decode(plain.promptTokens)).toBe('<bos> sum of digits ?');
    }
  });

  it('lists the candidates after the question, the gold exactly once, with the open instance\'s picture, answer and trace', () => {
    for (const format of ['binary', 'choice'] as const) {
      const k = format === 'binary' ? 2 : 3;
      for (let seed = 0; seed < 25; seed++) {
        for (const difficulty of [1, 2, 3]) {
          const open = ds.generate(opts(seed, undefined, difficulty));
          const closed = ds.generate(opts(seed, format, difficulty));
          expect(closed.format).toBe(format);
          expect(closed.candidates).toHaveLength(k);
          expect(closed.candidates!.filter((c) => c === closed.answer)).toHaveLength(1);
          expect(new Set(closed.candidates).size).toBe(k); // distinct
          const max = difficulty === 1 ? 8 : 18; // two digits 0..4, or 0..9
          expect(closed.candidates!.every((c) => Number(c) >= 0 && Number(c) <= max)).toBe(true);
          expect(decode(closed.promptTokens)).toBe(`<bos> sum of digits ? ${closed.candidates!.join(' ')}`);
          expect(closed.promptTokens.length).toBeLessThanOrEqual(MAX_PROMPT_TOKENS);
          expect(Buffer.from(closed.image.buffer).equals(Buffer.from(open.image.buffer))).toBe(true);
          expect([closed.answer, closed.goldTrace]).toEqual([open.answer, open.goldTrace]);
        }
      }
    }
  });

  it('is seeded: the same seed gives the same candidates, other seeds others', () => {
    const a = ds.generate(opts(42, 'choice'));
    expect(ds.generate(opts(42, 'choice')).candidates).toEqual(a.candidates);
    const distinct = new Set(Array.from({ length: 20 }, (_, s) => ds.generate(opts(mixSeed(9, s), 'choice')).candidates!.join(' ')));
    expect(distinct.size).toBeGreaterThan(10);
  });

  it('puts the gold answer at each position about equally often', () => {
    // 6000 draws from seeded streams, as digit-sum seeds them, gold sums across 0..18: each
    // position's share is 1/k ± 0.03 (the binomial sd is at most 0.0065).
    for (const k of [2, 3]) {
      const at = new Array<number>(k).fill(0);
      const n = 6000;
      for (let s = 0; s < n; s++) {
        const gold = s % 19;
        at[numberCandidates(gold, 0, 18, k, new Rng(mixSeed(s, 0xc401ce))).indexOf(gold)]!++;
      }
      for (const c of at) expect(Math.abs(c / n - 1 / k)).toBeLessThan(0.03);
    }
    // And through the task: 300 instances hit every position of a 3-way choice.
    const seen = new Set(Array.from({ length: 300 }, (_, s) => ds.generate(opts(s, 'choice')).candidates!.indexOf(ds.generate(opts(s)).answer)));
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('is the only task with closed formats; the others refuse them by name', () => {
    expect(TASK_IDS.filter((id) => TASKS[id].choiceFormats === true)).toEqual(['digit-sum']);
    expect(() => TASKS.count.generate(opts(1, 'binary'))).toThrow(/Task "count": asks open questions only .*got format 'binary'/);
    expect(() => ds.generate({ ...opts(1), format: 'yes-no' as QuestionFormat })).toThrow(/format must be one of 'open', 'binary', 'choice'/);
  });
});
