import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store';
import { MetricChart, type ChartRun } from './MetricChart';
import { CHARTS } from './specs';
import { useAdaptiveThrottle } from './useAdaptiveThrottle';

interface Props {
  runIds: readonly string[];
  /** Chart ids to show (default: all). */
  only?: readonly string[];
  syncId: string;
  /** Hide the clip note unless some run can clip (more than one update per rollout). */
  testId?: string;
  /** A lesson's measured runs (reference.json), drawn faint under the runs; only on the iteration axis (they have no wall time). */
  reference?: readonly ChartRun[];
}

/** Small multiples over the given runs; hover is synced across them by x value. */
export function ChartGrid({ runIds, only, syncId, testId, reference }: Props) {
  const { runs, metrics, xAxis, smoothing } = useApp(
    useShallow((s) => ({ runs: s.runs, metrics: s.metrics, xAxis: s.xAxis, smoothing: s.smoothing })),
  );
  // Charts are the expensive part of a redraw: they follow the metrics at a pace set by
  // their own cost (at most ~1/5 of the main thread), so the counter, the buttons and the
  // keyboard stay responsive while metrics stream in.
  const deferredMetrics = useAdaptiveThrottle(metrics);
  // Only what a chart draws of a run (not its status or iteration, which change every flush).
  const looks = runIds
    .map((id) => {
      const r = runs[id];
      const o = r?.config.optim;
      // Reward components this run weighs 0 are not drawn (they would only add flat lines).
      const weights: Record<string, number> = r?.config.rewards?.weights ?? {};
      const hidden = Object.entries(weights)
        .filter(([, w]) => w === 0)
        .map(([name]) => `reward/${name}/mean`)
        .join(',');
      const evalN = r?.config.run?.evalN ?? '';
      return r ? `${id}\u0000${r.name}\u0000${r.color}\u0000${o ? o.epochs * o.minibatches : 1}\u0000${hidden}\u0000${evalN}` : '';
    })
    .join('\u0001');
  const chartRuns: ChartRun[] = useMemo(
    () =>
      looks
        .split('\u0001')
        .filter(Boolean)
        .map((entry) => {
          const [id = '', name = '', color = '', , hidden = '', evalN = ''] = entry.split('\u0000');
          return {
            id,
            name,
            color,
            records: deferredMetrics[id] ?? [],
            ...(hidden ? { hidden: hidden.split(',') } : {}),
            ...(evalN ? { evalN: Number(evalN) } : {}),
          };
        }),
    [looks, deferredMetrics],
  );
  const drawnRuns = useMemo(() => (reference && reference.length > 0 && xAxis === 'iteration' ? [...reference, ...chartRuns] : chartRuns), [reference, chartRuns, xAxis]);
  const canClip = looks.split('\u0001').some((entry) => Number(entry.split('\u0000')[3] ?? 1) > 1);
  const specs = useMemo(
    () =>
      CHARTS.filter((c) => !only || only.includes(c.id))
        .map((c) => (c.id === 'clip' && canClip ? { ...c, note: undefined } : c))
        // A chart a lesson names is shown from its first second ("No data yet" until its run logs it), even one hidden elsewhere until it has data.
        .map((c) => (only && c.optional ? { ...c, optional: false } : c)),
    [only, canClip],
  );
  return (
    <div className="chart-grid" data-testid={testId ?? 'chart-grid'} data-runs={chartRuns.length}>
      {specs.map((spec) => (
        <MetricChart key={spec.id} spec={spec} runs={drawnRuns} xAxis={xAxis} smoothing={smoothing} syncId={syncId} />
      ))}
    </div>
  );
}
