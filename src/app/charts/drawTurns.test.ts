import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../engine/train/metrics';
import { advanceChart, NEW_LINES_PER_TURN, type ChartProps, type DrawnChart } from './drawTurns';
import { CHARTS } from './specs';

const reward = CHARTS.find((c) => c.id === 'reward')!;
const rec = (iteration: number, values: Record<string, number>): MetricsRecord => ({ iteration, wallMs: iteration * 900, klEstimator: 'k3', difficulty: 1, values });
const FNS = ['accuracy', 'format', 'step', 'length', 'hackable'];
const allRewards = (i: number) => ({ 'reward/mean': i, ...Object.fromEntries(FNS.map((f) => [`reward/${f}/mean`, i / 2])) });
const props = (records: MetricsRecord[]): ChartProps => ({ spec: reward, runs: [{ id: 'r', name: 'run', color: '#000', records }], xAxis: 'iteration', smoothing: 0.6, syncId: 's' });

/** Turns until done, as the render queue would take them. */
function turns(from: DrawnChart | null, target: ChartProps): DrawnChart[] {
  const out: DrawnChart[] = [];
  let drawn = from;
  for (;;) {
    const { next, done } = advanceChart(drawn, target);
    out.push(next);
    drawn = next;
    if (done) return out;
  }
}

describe('drawing a chart in turns', () => {
  it('adds a chart full of new lines a few per turn, keeping those already drawn', () => {
    const target = props([rec(1, allRewards(1))]);
    const steps = turns(null, target);
    expect(steps).toHaveLength(Math.ceil(6 / NEW_LINES_PER_TURN));
    expect(steps.map((s) => s.lines.size)).toEqual([2, 4, 6]);
    for (let i = 1; i < steps.length; i++) for (const k of steps[i - 1]!.lines) expect(steps[i]!.lines.has(k)).toBe(true);
    expect([...steps.at(-1)!.lines].sort()).toEqual(steps.at(-1)!.data.lines.map((l) => l.dataKey).sort());
    // One data for all the turns toward the same target.
    expect(new Set(steps.map((s) => s.data)).size).toBe(1);
  });

  it('redraws new points on the same lines in one turn', () => {
    const first = turns(null, props([rec(1, allRewards(1))])).at(-1)!;
    const more = turns(first, props([rec(1, allRewards(1)), rec(2, allRewards(2))]));
    expect(more).toHaveLength(1);
    expect(more[0]!.data.maxPoints).toBe(2);
    expect(more[0]!.lines).toEqual(first.lines);
  });

  it('forgets lines the data no longer has', () => {
    const first = turns(null, props([rec(1, allRewards(1))])).at(-1)!;
    const fewer = turns(first, props([rec(1, { 'reward/mean': 1 })]));
    expect([...fewer.at(-1)!.lines]).toEqual(['r|reward/mean']);
  });
});
