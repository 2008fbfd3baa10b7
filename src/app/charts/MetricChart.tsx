import { memo, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricsRecord } from '../../engine/train/metrics';
import { chartFileName, chartToPng } from '../lib/chartPng';
import { downloadBlob } from '../lib/download';
import { fmt } from '../lib/format';
import type { XAxisMode } from '../lib/series';
import { buildChartData, type ChartLine } from './buildData';
import { DASHES, type ChartSpec } from './specs';

export interface ChartRun {
  id: string;
  name: string;
  color: string;
  records: readonly MetricsRecord[];
}

interface Props {
  spec: ChartSpec;
  runs: readonly ChartRun[];
  xAxis: XAxisMode;
  smoothing: number;
  /** Charts with the same syncId share the hover position (by x value). */
  syncId: string;
}

interface TooltipBodyProps {
  active?: boolean;
  label?: unknown;
  payload?: readonly { dataKey?: unknown; value?: unknown }[];
  lines: readonly ChartLine[];
  names: ReadonlyMap<string, { name: string; color: string }>;
  xAxis: XAxisMode;
}

function TooltipBody({ active, label, payload, lines, names, xAxis }: TooltipBodyProps) {
  if (!active || !payload || payload.length === 0) return null;
  const byKey = new Map(lines.map((l) => [l.dataKey, l]));
  const rows = payload.filter((p) => typeof p.dataKey === 'string' && byKey.has(p.dataKey));
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-x">{xAxis === 'iteration' ? `iteration ${String(label)}` : `${fmt(Number(label))} s`}</div>
      {rows.map((p) => {
        const line = byKey.get(p.dataKey as string)!;
        const run = names.get(line.runId);
        return (
          <div key={line.dataKey} className="chart-tooltip-row">
            <span className="swatch" style={{ background: run?.color }} />
            <span className="chart-tooltip-name">{run?.name}</span>
            <span className="chart-tooltip-series">{line.series.label}</span>
            <span className="chart-tooltip-value">{fmt(Number(p.value))}</span>
          </div>
        );
      })}
    </div>
  );
}

function MetricChartImpl({ spec, runs, xAxis, smoothing, syncId }: Props) {
  const data = useMemo(
    () => buildChartData(spec, runs.map((r) => ({ id: r.id, records: r.records })), xAxis, smoothing),
    [spec, runs, xAxis, smoothing],
  );
  const names = useMemo(() => new Map(runs.map((r) => [r.id, { name: r.name, color: r.color }])), [runs]);
  const colorOf = (id: string) => names.get(id)?.color ?? '#888';
  const showRaw = smoothing > 0;
  const seriesLabels = [...new Map(data.lines.map((l) => [l.series.key, l])).values()];

  const bodyRef = useRef<HTMLDivElement>(null);
  const [pngError, setPngError] = useState<string | null>(null);
  const savePng = () => {
    const svg = bodyRef.current?.querySelector('svg.recharts-surface');
    if (!(svg instanceof SVGSVGElement)) return;
    chartToPng(svg, spec.title).then(
      (blob) => {
        setPngError(null);
        downloadBlob(chartFileName(spec.id), blob);
      },
      (e: unknown) => setPngError(e instanceof Error ? e.message : String(e)),
    );
  };

  if (spec.optional && data.lines.length === 0) return null;
  return (
    <figure
      className="chart"
      data-testid={`chart-${spec.id}`}
      data-points={data.maxPoints}
      data-runs={data.runsWithData}
      aria-label={`${spec.title}: ${data.maxPoints} points from ${data.runsWithData} run${data.runsWithData === 1 ? '' : 's'}`}
    >
      <figcaption>
        <span className="chart-title">{spec.title}</span>
        {seriesLabels.length > 1 && (
          <span className="chart-legend">
            {seriesLabels.map((l) => (
              <span key={l.series.key} className="legend-item">
                <svg width="18" height="6" aria-hidden="true">
                  <line x1="0" y1="3" x2="18" y2="3" stroke="currentColor" strokeWidth="2" strokeDasharray={DASHES[l.seriesIndex % DASHES.length]} />
                </svg>
                {l.series.label}
              </span>
            ))}
          </span>
        )}
        {data.lines.length > 0 && (
          <button type="button" className="chart-png" data-testid={`png-${spec.id}`} onClick={savePng} title={`Save the ${spec.title} chart as a PNG image`} aria-label={`Save ${spec.title} as PNG`}>
            PNG
          </button>
        )}
        {pngError && <span className="chart-png-error" role="alert">{pngError}</span>}
      </figcaption>
      {data.lines.length === 0 ? (
        <div className="chart-empty">No data yet</div>
      ) : (
        <div className="chart-body" ref={bodyRef}>
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 300, height: 150 }}>
            <LineChart data={data.rows} syncId={syncId} syncMethod="value" margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
              <CartesianGrid stroke="#e6e8eb" vertical={false} />
              <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 10 }} tickFormatter={(v: number) => fmt(v, 3)} allowDecimals={xAxis === 'wall'} />
              <YAxis tick={{ fontSize: 10 }} width={48} domain={spec.domain ?? ['auto', 'auto']} tickFormatter={(v: number) => fmt(v, 4)} />
              <Tooltip
                isAnimationActive={false}
                content={(p) => <TooltipBody active={p.active} label={p.label} payload={p.payload} lines={data.lines} names={names} xAxis={xAxis} />}
              />
              {showRaw &&
                data.lines.map((l) => (
                  <Line
                    key={l.rawKey}
                    dataKey={l.rawKey}
                    stroke={colorOf(l.runId)}
                    strokeOpacity={0.22}
                    strokeWidth={1}
                    strokeDasharray={DASHES[l.seriesIndex % DASHES.length]}
                    dot={false}
                    activeDot={false}
                    connectNulls
                    isAnimationActive={false}
                    tooltipType="none"
                  />
                ))}
              {data.lines.map((l) => (
                <Line
                  key={l.dataKey}
                  dataKey={l.dataKey}
                  className={`metric-line series-${l.seriesIndex}`}
                  stroke={colorOf(l.runId)}
                  strokeWidth={1.75}
                  strokeDasharray={DASHES[l.seriesIndex % DASHES.length]}
                  dot={data.maxPoints === 1}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {spec.note && <p className="chart-note">{spec.note}</p>}
    </figure>
  );
}

export const MetricChart = memo(MetricChartImpl);
