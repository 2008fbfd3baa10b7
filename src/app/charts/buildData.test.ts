import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../engine/train/metrics';
import { referenceRuns } from '../lessons/referenceRuns';
import { buildChartData } from './buildData';
import { CHARTS } from './specs';

const rec = (iteration: number, values: Record<string, number>): MetricsRecord => ({ iteration, wallMs: iteration * 100, klEstimator: 'k3', difficulty: 1, values });
const spec = (id: string) => CHARTS.find((c) => c.id === id)!;

describe('chart data', () => {
  it('leaves out the reward components a run weighs 0', () => {
    const records = [rec(1, { 'reward/mean': 1, 'reward/accuracy/mean': 1, 'reward/hackable/mean': 0 })];
    const all = buildChartData(spec('reward'), [{ id: 'a', records }], 'iteration', 0);
    expect(all.lines.map((l) => l.series.key)).toEqual(['reward/mean', 'reward/accuracy/mean', 'reward/hackable/mean']);
    const shown = buildChartData(spec('reward'), [{ id: 'a', records, hidden: ['reward/hackable/mean'] }], 'iteration', 0);
    expect(shown.lines.map((l) => l.series.key)).toEqual(['reward/mean', 'reward/accuracy/mean']);
  });
  it('gives held-out accuracies a ±1 SE band from the run\'s evalN, train accuracy none', () => {
    const records = [rec(1, { 'acc/train': 0.5, 'acc/eval_id': 0.5 })];
    const d = buildChartData(spec('accuracy'), [{ id: 'a', records, evalN: 100 }], 'iteration', 0);
    const evalLine = d.lines.find((l) => l.series.key === 'acc/eval_id')!;
    expect(d.lines.find((l) => l.series.key === 'acc/train')!.bandKey).toBeUndefined();
    const band = d.rows[0]![evalLine.bandKey!] as [number, number];
    expect(band[0]).toBeCloseTo(0.45);
    expect(band[1]).toBeCloseTo(0.55);
  });
  it('puts every fraction on a fixed 0-1 axis', () => {
    for (const id of ['accuracy', 'clip', 'truncated', 'zero-std']) expect(spec(id).domain, id).toEqual([0, 1]);
  });
  it('draws a lesson\'s measured runs as reference lines: no band, not counted as runs or points', () => {
    // One arm, two committed series: kl/ref at iterations 1, 5, 10 and acc/eval_id at 10.
    const [ref] = referenceRuns('kl-anchor', {
      seeds: [1, 2, 3],
      backend: 'wasm',
      seconds: 1,
      arms: { b1: { label: 'β = 1', series: { 'kl/ref': [[1, 0], [5, 0.01], [10, 0.02]], 'acc/eval_id': [[10, 0.5]] } } },
      claims: {},
    });
    expect(ref!.name).toBe('measured run: β = 1 (mean of seeds 1, 2, 3)');
    expect(ref!.records.map((r) => r.iteration)).toEqual([1, 5, 10]);
    expect(ref!.records[2]!.values).toEqual({ 'kl/ref': 0.02, 'acc/eval_id': 0.5 });
    const run = { id: 'a', records: [rec(1, { 'kl/ref': 0.1, 'acc/eval_id': 0.4 }), rec(2, { 'kl/ref': 0.2 })], evalN: 100 };
    const kl = buildChartData(spec('kl'), [ref!, run], 'iteration', 0);
    expect(kl.runsWithData).toBe(1); // the learner's run only
    expect(kl.referenceLines).toBe(1);
    expect(kl.maxPoints).toBe(2); // the run's 2 points, not the reference's 3
    expect(kl.lines.filter((l) => l.reference).map((l) => l.dataKey)).toEqual([`${ref!.id}|kl/ref`]);
    const acc = buildChartData(spec('accuracy'), [ref!, run], 'iteration', 0);
    expect(acc.lines.find((l) => l.reference)!.bandKey).toBeUndefined(); // a mean over seeds has no evalN band
    expect(acc.lines.find((l) => !l.reference && l.series.key === 'acc/eval_id')!.bandKey).toBeDefined();
    expect(referenceRuns('kl-anchor', undefined)).toEqual([]);
  });
});
