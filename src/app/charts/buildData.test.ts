import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../engine/train/metrics';
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
});
