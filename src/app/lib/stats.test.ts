import { describe, expect, it } from 'vitest';
import { accuraciesDiffer, binomialSE, seBand } from './stats';
import { bestPerColumn, summarise, type SummaryRow } from './summary';
import type { MetricsRecord } from '../../engine/train/metrics';

describe('standard error of a held-out accuracy', () => {
  it('is sqrt(p(1-p)/n)', () => {
    expect(binomialSE(0.5, 100)).toBeCloseTo(0.05);
    expect(binomialSE(0.8, 32)).toBeCloseTo(Math.sqrt(0.16 / 32));
    expect(binomialSE(0, 32)).toBe(0);
    expect(binomialSE(1, 32)).toBe(0);
    expect(binomialSE(0.5, 0)).toBeNaN();
  });
  it('gives a band p ± SE inside [0, 1]', () => {
    const [lo, hi] = seBand(0.5, 100);
    expect(lo).toBeCloseTo(0.45);
    expect(hi).toBeCloseTo(0.55);
    expect(seBand(0.98, 4)[1]).toBe(1);
    expect(seBand(0.02, 4)[0]).toBe(0);
    expect(seBand(0.5, 0)).toEqual([0.5, 0.5]);
  });
  it('says two accuracies differ only beyond 2 SE of the difference', () => {
    // n = 32: SE of the difference of 0.5 and 0.6 is ~0.12, so 0.1 apart is noise.
    expect(accuraciesDiffer(0.6, 32, 0.5, 32)).toBe(false);
    expect(accuraciesDiffer(0.9, 32, 0.5, 32)).toBe(true);
    // With 2000 prompts each, 0.1 apart is far beyond the noise.
    expect(accuraciesDiffer(0.6, 2000, 0.5, 2000)).toBe(true);
  });
});

const rec = (iteration: number, values: Record<string, number>): MetricsRecord => ({ iteration, wallMs: iteration * 1000, klEstimator: 'k3', difficulty: 1, values });
const row = (id: string, values: Record<string, number>, iteration = 10, evalN = 32, evalEvery = 10): SummaryRow =>
  summarise(id, [rec(iteration, values)], { evalN, evalEvery });

describe("Compare's best star", () => {
  it('marks an accuracy only when it beats every other run beyond 2 SE', () => {
    expect(bestPerColumn([row('a', { 'acc/eval_id': 0.6 }), row('b', { 'acc/eval_id': 0.5 })]).accId.size).toBe(0);
    expect([...bestPerColumn([row('a', { 'acc/eval_id': 0.95 }), row('b', { 'acc/eval_id': 0.5 })]).accId]).toEqual(['a']);
    // Beyond the noise of one run but not of the runner-up: no star.
    const rows = [row('a', { 'acc/eval_id': 0.95 }), row('b', { 'acc/eval_id': 0.9 }), row('c', { 'acc/eval_id': 0.3 })];
    expect(bestPerColumn(rows).accId.size).toBe(0);
    // Bigger evaluations make the same gap significant.
    expect([...bestPerColumn([row('a', { 'acc/eval_ood': 0.6 }, 10, 2000), row('b', { 'acc/eval_ood': 0.5 }, 10, 2000)]).accOod]).toEqual(['a']);
  });
  it('reads the visual-shift column from acc/eval_shift, starred by the same 2-SE rule', () => {
    expect(row('a', { 'acc/eval_shift': 0.4 }).accShift).toBe(0.4);
    expect(row('a', { 'acc/eval_id': 0.4 }).accShift).toBeUndefined(); // a run from before the split
    // n = 32: 0.6 against 0.5 is noise; with 2000 prompts each it is not.
    expect(bestPerColumn([row('a', { 'acc/eval_shift': 0.6 }), row('b', { 'acc/eval_shift': 0.5 })]).accShift.size).toBe(0);
    expect([...bestPerColumn([row('a', { 'acc/eval_shift': 0.6 }, 10, 2000), row('b', { 'acc/eval_shift': 0.5 }, 10, 2000)]).accShift]).toEqual(['a']);
  });
  it('marks iterations to 80% only when sooner by more than an evaluation interval', () => {
    const at = (id: string, it: number) => summarise(id, [rec(it, { 'acc/eval_id': 0.9 })], { evalN: 32, evalEvery: 10 });
    expect(bestPerColumn([at('a', 10), at('b', 20)]).itersTo80.size).toBe(0);
    expect([...bestPerColumn([at('a', 10), at('b', 30)]).itersTo80]).toEqual(['a']);
    const never = summarise('c', [rec(10, { 'acc/eval_id': 0.2 })], { evalN: 32, evalEvery: 10 });
    expect([...bestPerColumn([at('a', 40), never]).itersTo80]).toEqual(['a']);
  });
  it('marks KL, length and time only beyond a 10% margin', () => {
    expect(bestPerColumn([row('a', { 'kl/ref': 0.095 }), row('b', { 'kl/ref': 0.1 })]).kl.size).toBe(0);
    expect([...bestPerColumn([row('a', { 'kl/ref': 0.05 }), row('b', { 'kl/ref': 0.1 })]).kl]).toEqual(['a']);
    expect([...bestPerColumn([row('a', { 'len/mean': 8 }), row('b', { 'len/mean': 12 })]).meanLength]).toEqual(['a']);
  });
  it('marks nothing for one run or a tie', () => {
    expect(bestPerColumn([row('a', { 'acc/eval_id': 0.9 })]).accId.size).toBe(0);
    expect(bestPerColumn([row('a', { 'len/mean': 8 }), row('b', { 'len/mean': 8 })]).meanLength.size).toBe(0);
  });
});
