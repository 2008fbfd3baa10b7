import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../engine/train/metrics';
import { downsample, iterationsPerSecond, lastValue, metricPoints } from './series';
import { bestPerColumn, firstIterationReaching, summarise } from './summary';

const rec = (iteration: number, values: Record<string, number>, wallMs = iteration * 500): MetricsRecord => ({ iteration, wallMs, klEstimator: 'k3', difficulty: 1, values });

describe('chart series', () => {
  it('smooths with a debiased EMA and skips records without the key', () => {
    const records = [rec(1, { a: 1 }), rec(2, {}), rec(3, { a: 3 })];
    const raw = metricPoints(records, 'a', 'iteration', 0);
    expect(raw).toEqual([{ x: 1, raw: 1, smooth: 1 }, { x: 3, raw: 3, smooth: 3 }]);
    const smooth = metricPoints(records, 'a', 'iteration', 0.5);
    expect(smooth[0]!.smooth).toBeCloseTo(1); // debiased: not pulled toward 0
    expect(smooth[1]!.smooth).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25));
    expect(metricPoints(records, 'a', 'wall', 0).map((p) => p.x)).toEqual([0.5, 1.5]);
  });

  it('downsamples to a bound and keeps the last point', () => {
    const pts = Array.from({ length: 1001 }, (_, i) => i);
    const d = downsample(pts, 100);
    expect(d.length).toBeLessThanOrEqual(102);
    expect(d.at(-1)).toBe(1000);
    expect(downsample([1, 2], 100)).toEqual([1, 2]);
  });

  it('rates and last values', () => {
    const records = [rec(1, { a: 1 }, 0), rec(2, { a: NaN }, 500), rec(3, {}, 1000)];
    expect(iterationsPerSecond(records)).toBeCloseTo(2);
    expect(lastValue(records, 'a')).toBe(1);
  });
});

describe('the comparison summary', () => {
  it('finds the first iteration at 80% (eval ID, else train) and marks the best per column', () => {
    const a = [rec(1, { 'acc/eval_id': 0.5, 'kl/ref': 0.1, 'len/mean': 9 }), rec(2, { 'acc/eval_id': 0.85, 'acc/eval_ood': 0.4, 'kl/ref': 0.2, 'len/mean': 8 })];
    const b = [rec(1, { 'acc/train': 0.9, 'kl/ref': 0.05, 'len/mean': 10 })];
    expect(firstIterationReaching(a, 0.8)).toBe(2);
    expect(firstIterationReaching(b, 0.8)).toBe(1);
    const rows = [summarise('a', a), summarise('b', b)];
    expect(rows[0]).toMatchObject({ accId: 0.85, accOod: 0.4, itersTo80: 2, kl: 0.2, meanLength: 8, wallS: 1 });
    const best = bestPerColumn(rows);
    expect([...best.accId]).toEqual(['a']);
    expect([...best.itersTo80]).toEqual(['b']);
    expect([...best.kl]).toEqual(['b']);
    expect([...best.meanLength]).toEqual(['a']);
    expect(bestPerColumn([rows[0]!]).accId.size).toBe(0);
    expect(bestPerColumn([summarise('c', b), summarise('d', b)]).kl.size).toBe(0); // a full tie marks nothing
  });
});
