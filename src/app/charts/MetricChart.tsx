import { memo, useMemo } from 'react';
import { seriesFor } from './buildData';
import { ChartView } from './ChartView';
import { advanceChart, type ChartProps, type ChartRun } from './drawTurns';
import { useQueuedDraw } from './useQueuedDraw';

export type { ChartRun };

/** Until its first turn in the render queue: the frame of the chart, nothing drawn yet. */
function PendingChart({ spec, runs }: Pick<ChartProps, 'spec' | 'runs'>) {
  const keys = seriesFor(spec, runs.map((r) => r.records)).map((s) => s.key);
  const hasData = runs.some((r) => r.records.some((rec) => keys.some((k) => Number.isFinite(rec.values[k]))));
  // An optional chart with nothing to plot stays hidden, as it will once drawn.
  if (spec.optional && !hasData) return null;
  return (
    <figure className="chart chart-pending" data-testid={`chart-${spec.id}`} data-points={0} data-runs={0} aria-label={`${spec.title}: drawing`} aria-busy="true">
      <figcaption>
        <span className="chart-title">{spec.title}</span>
      </figcaption>
      <div className="chart-body">{!hasData && <div className="chart-empty">No data yet</div>}</div>
      {spec.note && <p className="chart-note">{spec.note}</p>}
    </figure>
  );
}

/**
 * One chart. What it draws follows its props through the render queue (renderQueue.ts): the
 * charts of a grid redraw one per task, not all in one long task, and a chart with many new
 * lines adds them over several turns.
 */
function MetricChartImpl({ spec, runs, xAxis, smoothing, syncId }: ChartProps) {
  const props = useMemo(() => ({ spec, runs, xAxis, smoothing, syncId }), [spec, runs, xAxis, smoothing, syncId]);
  const drawn = useQueuedDraw(props, advanceChart);
  return drawn ? <ChartView drawn={drawn} /> : <PendingChart spec={spec} runs={runs} />;
}

export const MetricChart = memo(MetricChartImpl);
