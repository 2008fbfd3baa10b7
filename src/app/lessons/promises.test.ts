import { describe, expect, it } from 'vitest';
import { claimResult, fmtNum, measureClaim, meanCurve, promiseLastIteration, promiseTable, spread, thin, windowMean, type LessonClaim, type RecordLike } from './promises';

const rec = (iteration: number, values: Record<string, number>): RecordLike => ({ iteration, values });
// Arm a: kl/ref 0.1, 0.2, 0.3, 0.4 at iterations 1-4; arm b: 0.05 throughout.
const A = [1, 2, 3, 4].map((i) => rec(i, { 'kl/ref': i / 10 }));
const B = [1, 2, 3, 4].map((i) => rec(i, { 'kl/ref': 0.05 }));

const versus: LessonClaim = { id: 'v', text: 'a above b', metric: 'kl/ref', arm: 'a', at: [3, 4], base: { arm: 'b', at: [3, 4] }, expect: 'above', by: 0.2 };

describe('lesson promises', () => {
  it('windowMean averages the finite values inside the window, both ends included', () => {
    // (0.2 + 0.3) / 2 = 0.25; a missing key, NaN and iterations outside are skipped.
    const rs = [...A, rec(5, { other: 1 }), rec(6, { 'kl/ref': NaN })];
    expect(windowMean(rs, 'kl/ref', [2, 3])).toBeCloseTo(0.25, 12);
    expect(windowMean(rs, 'kl/ref', [5, 6])).toBeNaN();
  });

  it('measureClaim: above, below and within, against another arm, the same arm or a constant', () => {
    // a over 3-4: 0.35; b over 3-4: 0.05; difference 0.30 >= 0.2: holds.
    const m = measureClaim(versus, { a: A, b: B })!;
    expect(m.value).toBeCloseTo(0.35, 12);
    expect(m.base).toBeCloseTo(0.05, 12);
    expect(m.diff).toBeCloseTo(0.3, 12);
    expect(m.held).toBe(true);
    // by 0.31 > 0.30: fails.
    expect(measureClaim({ ...versus, by: 0.31 }, { a: A, b: B })!.held).toBe(false);
    // below: b (0.05) against a's start (iterations 1-2: 0.15): 0.15 − 0.05 = 0.10 >= 0.1 holds (up to rounding: by 0.099).
    const below: LessonClaim = { ...versus, arm: 'b', base: { arm: 'a', at: [1, 2] }, expect: 'below', by: 0.099 };
    expect(measureClaim(below, { a: A, b: B })!.held).toBe(true);
    // Same arm, no base arm: a's 3-4 (0.35) against its own 1-2 (0.15): rises by 0.2.
    const rise: LessonClaim = { ...versus, base: { at: [1, 2] }, by: 0.19 };
    expect(measureClaim(rise, { a: A })!.diff).toBeCloseTo(0.2, 12);
    // within: |0.35 − 0.3| = 0.05 <= 0.05 holds; <= 0.04 does not.
    const within: LessonClaim = { ...versus, base: { value: 0.3 }, expect: 'within', by: 0.0500001 };
    expect(measureClaim(within, { a: A })!.held).toBe(true);
    expect(measureClaim({ ...within, by: 0.04 }, { a: A })!.held).toBe(false);
  });

  it('measureClaim waits for a missing arm, and a window with no values never holds', () => {
    expect(measureClaim(versus, { a: A })).toBeNull();
    expect(measureClaim(versus, { b: B })).toBeNull();
    const late: LessonClaim = { ...versus, at: [10, 20], base: { value: 0 }, expect: 'within', by: 1 };
    expect(measureClaim(late, { a: A })!.held).toBe(false);
  });

  it('a claim holds over seeds only if it held on each; mean and range of each number', () => {
    // Seed 1: diff 0.30 (holds), seed 2: b at 0.2 -> diff 0.15 (fails).
    const B2 = [1, 2, 3, 4].map((i) => rec(i, { 'kl/ref': 0.2 }));
    const r = claimResult(versus, [1, 2], [measureClaim(versus, { a: A, b: B }), measureClaim(versus, { a: A, b: B2 })]);
    expect(r.heldPerSeed).toEqual([true, false]);
    expect(r.held).toBe(false);
    expect(r.diff.mean).toBeCloseTo(0.225, 12);
    expect(r.diff.min).toBeCloseTo(0.15, 12);
    expect(r.diff.max).toBeCloseTo(0.3, 12);
    expect(claimResult(versus, [1], [null]).held).toBe(false);
    expect(spread([])).toEqual({ mean: NaN, min: NaN, max: NaN });
  });

  it('mean curves over seeds keep iterations every seed has; thinning keeps the last point and 4 digits', () => {
    // Iteration 1: (0.1 + 0.05) / 2 = 0.075; iteration 5 is only in one seed: left out.
    const curve = meanCurve([A, [...B, rec(5, { 'kl/ref': 1 })]], 'kl/ref');
    expect(curve.map(([i]) => i)).toEqual([1, 2, 3, 4]);
    expect(curve[0]![1]).toBeCloseTo(0.075, 12);
    const long = Array.from({ length: 100 }, (_, i) => [i + 1, 1 / 3] as [number, number]);
    const t = thin(long, 40);
    // every 3rd point (ceil(100 / 40) = 3): 1, 4, ..., 100 -> 34 points, the last (100) included.
    expect(t.length).toBe(34);
    expect(t.at(-1)).toEqual([100, 0.3333]);
    expect(thin([[1, 0.123456]], 40)).toEqual([[1, 0.1235]]);
  });

  it('the last iteration a promise reads, and numbers as the table prints them', () => {
    expect(promiseLastIteration({ arms: [], claims: [versus, { ...versus, at: [1, 2], base: { arm: 'b', at: [5, 30] } }], meaning: '' })).toBe(30);
    expect(fmtNum(0.123456)).toBe('0.123');
    expect(fmtNum(11.04)).toBe('11');
    expect(fmtNum(0)).toBe('0');
    expect(fmtNum(NaN)).toBe('–');
    expect(fmtNum(0.00012)).toBe('1.2e-4');
  });

  it('the table: one row per claim, a lesson without a promise says so', () => {
    const lessons = [
      { id: 'x', title: 'X', promise: { arms: [{ id: 'a', label: 'A', settings: {} }, { id: 'b', label: 'B', settings: {} }], claims: [versus], meaning: '' } },
      { id: 'y', title: 'Y' },
    ];
    const r = claimResult(versus, [1], [measureClaim(versus, { a: A, b: B })]);
    const table = promiseTable(lessons, { version: 1, lessons: { x: { seeds: [1], backend: 'cpu', seconds: 1, arms: {}, claims: { v: r } } } });
    const rows = table.split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain('| X | a above b | `kl/ref` | A, 3-4 | B, iterations 3-4 | 1 | 0.35 (0.35 to 0.35) | 0.3 (0.3 to 0.3) | ≥ +0.2 | yes (1/1) |');
    expect(rows[3]).toContain('| Y | no promise declared yet |');
  });
});
