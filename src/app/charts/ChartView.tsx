import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis, type BaseTickContentProps } from 'recharts';
import { GlossaryText } from '../components/GlossaryText';
import { chartFileName, chartToPng } from '../lib/chartPng';
import { seriesColor } from '../lib/colors';
import { downloadBlob } from '../lib/download';
import { fmt } from '../lib/format';
import type { XAxisMode } from '../lib/series';
import { formatTick } from '../lib/ticks';
import type { ChartLine } from './buildData';
import type { DrawnChart } from './drawTurns';
import { DASHES } from './specs';

interface TooltipBodyProps {
  active?: boolean;
  label?: unknown;
  payload?: readonly { dataKey?: unknown; value?: unknown; payload?: unknown }[];
  lines: readonly ChartLine[];
  names: ReadonlyMap<string, { name: string; color: string }>;
  xAxis: XAxisMode;
  smoothing: number;
  colorOf: (line: ChartLine) => string;
}

/** The hovered x's values: smoothed (with the raw value beside it) when smoothing is on, else raw. */
function TooltipBody({ active, label, payload, lines, names, xAxis, smoothing, colorOf }: TooltipBodyProps) {
  if (!active || !payload || payload.length === 0) return null;
  const byKey = new Map(lines.map((l) => [l.dataKey, l]));
  const rows = payload.filter((p) => typeof p.dataKey === 'string' && byKey.has(p.dataKey));
  const smoothed = smoothing > 0;
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip">
      <div className="chart-tooltip-x">
        {xAxis === 'iteration' ? `iteration ${String(label)}` : `${fmt(Number(label))} s`}
        <span className="chart-tooltip-kind">{smoothed ? ` · smoothed (EMA ${smoothing}), raw in brackets` : ' · raw values'}</span>
      </div>
      {rows.map((p) => {
        const line = byKey.get(p.dataKey as string)!;
        const run = names.get(line.runId);
        const row = p.payload as Record<string, unknown> | undefined;
        const raw = row?.[line.rawKey];
        const band = line.bandKey ? row?.[line.bandKey] : undefined;
        return (
          <div key={line.dataKey} className="chart-tooltip-row">
            <span className="swatch" style={{ background: colorOf(line) }} />
            <span className="chart-tooltip-name">{run?.name}</span>
            <span className="chart-tooltip-series">{line.series.label}</span>
            <span className="chart-tooltip-value">
              {fmt(Number(p.value))}
              {smoothed && typeof raw === 'number' ? ` (raw ${fmt(raw)})` : ''}
              {Array.isArray(band) ? ` ± ${fmt((Number(band[1]) - Number(band[0])) / 2, 2)} SE` : ''}
            </span>
          </div>
        );
      })}
    </div>
  );
}

// Fixed props live outside the component: recharts copies each prop it is handed into its own
// store, and a new object on every render is a store update (and a recompute) on every render.
const MARGIN = { top: 4, right: 8, bottom: 0, left: -12 };
const INITIAL_SIZE = { width: 300, height: 150 };
const TICK_FONT_SIZE = 10;
const X_DOMAIN = ['dataMin', 'dataMax'];
const AUTO_DOMAIN = ['auto', 'auto'];
/** The tooltip stays inside the chart (and so the card), above the lines. */
const NO_ESCAPE = { x: false, y: false };
const TOOLTIP_WRAPPER = { zIndex: 2, maxWidth: '100%' };
const xTick = formatTick;
const yTick = formatTick;

/** A lesson's measured runs (reference.json): grey, dashed by arm, under the live lines. */
const REFERENCE_COLOR = '#7b8494';
const REFERENCE_DASHES = ['5 3', '1.5 2.5', '9 3 2 3'];

/** Text's first-line offset for recharts' vertical anchors (its capHeight is 0.71em). */
const ANCHOR_DY = { start: '0.71em', middle: '0.355em', end: '0em' } as const;

/**
 * A tick label as recharts' own Text draws a one-line label, without what Text does first:
 * measure every new label in the DOM to see whether it must wrap (a forced layout inside each
 * redraw, since the labels change as the data grows).
 */
function TickLabel({ x, y, payload, index, tickFormatter, textAnchor, verticalAnchor, fill, className }: BaseTickContentProps) {
  const value: unknown = payload.value;
  return (
    <text x={x} y={y} className={`recharts-text ${className ?? ''}`} textAnchor={textAnchor} fill={fill} stroke="none" fontSize={TICK_FONT_SIZE}>
      <tspan x={x} dy={ANCHOR_DY[verticalAnchor]}>
        {tickFormatter ? tickFormatter(value, index) : String(value)}
      </tspan>
    </text>
  );
}

/**
 * An empty chart (under its "No data yet" cover) draws one invisible line through these, so
 * recharts' line code has run before the first real points: run cold, the first redraw with
 * lines took 70+ ms on a loaded machine, warm 20.
 */
const WARM_UP_ROWS = [
  { x: 0, y: 0 },
  { x: 1, y: 1 },
];

/** One chart drawn with recharts: `lines` says which of the data's lines it draws yet. */
function ChartViewImpl({ drawn }: { drawn: DrawnChart }) {
  const { spec, runs, xAxis, smoothing, syncId } = drawn.props;
  const { data } = drawn;
  const names = useMemo(() => new Map(runs.map((r) => [r.id, { name: r.name, color: r.color }])), [runs]);
  // One run with several series (the reward's components): each series its own colour. Several
  // runs: colour tells runs apart and the dash tells series apart.
  const runLines = data.lines.filter((l) => !l.reference);
  const bySeries = data.runsWithData === 1 && new Set(runLines.map((l) => l.series.key)).size > 1;
  // A lesson's measured runs: grey, one dash pattern per arm, whatever the series.
  const refIndex = useMemo(() => new Map(runs.filter((r) => r.reference).map((r, i) => [r.id, i])), [runs]);
  const colorOf = useCallback(
    (l: ChartLine) => (l.reference ? REFERENCE_COLOR : bySeries ? seriesColor(l.seriesIndex) : (names.get(l.runId)?.color ?? '#888')),
    [bySeries, names],
  );
  // Dashes tell the measured arms apart; with one arm, they tell its series apart (total reward, its components).
  const refLines = data.lines.filter((l) => l.reference);
  const oneArm = new Set(refLines.map((l) => l.runId)).size === 1;
  const refDash = (l: ChartLine) => REFERENCE_DASHES[(oneArm ? l.seriesIndex : (refIndex.get(l.runId) ?? 0)) % REFERENCE_DASHES.length]!;
  const dashOf = (l: ChartLine) => (l.reference ? refDash(l) : bySeries ? '' : DASHES[l.seriesIndex % DASHES.length]);
  const tooltip = useCallback(
    (p: { active?: boolean; label?: unknown; payload?: readonly { dataKey?: unknown; value?: unknown; payload?: unknown }[] }) => (
      <TooltipBody active={p.active} label={p.label} payload={p.payload} lines={data.lines} names={names} xAxis={xAxis} smoothing={smoothing} colorOf={colorOf} />
    ),
    [data.lines, names, xAxis, smoothing, colorOf],
  );
  const showRaw = smoothing > 0;
  const seriesLabels = [...new Map(runLines.map((l) => [l.series.key, l])).values()];
  // One legend entry per measured line: the arm, and the series when an arm draws several.
  const referenceLegend = refLines.map((l) => {
    const name = names.get(l.runId)?.name ?? '';
    const several = refLines.filter((x) => x.runId === l.runId).length > 1;
    return { key: l.dataKey, label: several ? `${name} · ${l.series.label}` : name, dash: refDash(l) };
  });
  const drawnLines = data.lines.filter((l) => drawn.lines.has(l.dataKey));
  const drawnRunLines = drawnLines.filter((l) => !l.reference);
  const empty = data.lines.length === 0;

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
      data-reference={data.referenceLines}
      aria-label={`${spec.title}: ${data.maxPoints} points from ${data.runsWithData} run${data.runsWithData === 1 ? '' : 's'}`}
    >
      <figcaption>
        <span className="chart-title">{spec.title}</span>
        {seriesLabels.length > 1 && (
          <span className="chart-legend">
            {seriesLabels.map((l) => (
              <span key={l.series.key} className="legend-item">
                <svg width="18" height="6" aria-hidden="true">
                  <line x1="0" y1="3" x2="18" y2="3" stroke={bySeries ? colorOf(l) : 'currentColor'} strokeWidth="2" strokeDasharray={dashOf(l)} />
                </svg>
                {l.series.label}
              </span>
            ))}
          </span>
        )}
        {referenceLegend.length > 0 && (
          <span className="chart-legend chart-reference-legend" data-testid={`chart-reference-legend-${spec.id}`}>
            {referenceLegend.map((r) => (
              <span key={r.key} className="legend-item" title="The lesson's committed measurement: mean of its seeds, drawn before your run so you see the outcome at once">
                <svg width="18" height="6" aria-hidden="true">
                  <line x1="0" y1="3" x2="18" y2="3" stroke={REFERENCE_COLOR} strokeWidth="2" strokeDasharray={r.dash} />
                </svg>
                {r.label}
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
      <p className="chart-explain" data-testid={`chart-explain-${spec.id}`}>
        <GlossaryText text={spec.explain} />
      </p>
      {/* The chart is there even before its data: the first points then add lines to a chart
          already drawn (and the recharts code already run once), not a whole chart at once. */}
      <div className="chart-body" ref={bodyRef}>
        <ResponsiveContainer width="100%" height="100%" initialDimension={INITIAL_SIZE}>
          <ComposedChart data={empty ? WARM_UP_ROWS : data.rows} syncId={syncId} syncMethod="value" margin={MARGIN}>
            <CartesianGrid stroke="#e6e8eb" vertical={false} />
            {/* interval={0}: every one of the ~5 nice ticks is drawn, so recharts need not measure
                each label in the DOM to drop overlapping ones (they do not overlap at this size). */}
            <XAxis dataKey="x" type="number" domain={X_DOMAIN} tick={TickLabel} tickFormatter={xTick} allowDecimals={xAxis === 'wall'} interval={0} />
            <YAxis tick={TickLabel} width={48} domain={spec.domain ?? AUTO_DOMAIN} tickFormatter={yTick} interval={0} />
            <Tooltip isAnimationActive={false} content={tooltip} allowEscapeViewBox={NO_ESCAPE} wrapperStyle={TOOLTIP_WRAPPER} />
            {empty && <Line dataKey="y" stroke="none" dot={false} activeDot={false} isAnimationActive={false} tooltipType="none" />}
            {drawnRunLines
              .filter((l) => l.bandKey)
              .map((l) => (
                <Area
                  key={l.bandKey}
                  dataKey={l.bandKey!}
                  className="se-band"
                  stroke="none"
                  fill={colorOf(l)}
                  fillOpacity={0.15}
                  connectNulls
                  dot={false}
                  activeDot={false}
                  isAnimationActive={false}
                  tooltipType="none"
                />
              ))}
            {showRaw &&
              drawnRunLines.map((l) => (
                <Line
                  key={l.rawKey}
                  dataKey={l.rawKey}
                  stroke={colorOf(l)}
                  strokeOpacity={0.22}
                  strokeWidth={1}
                  strokeDasharray={dashOf(l)}
                  dot={false}
                  activeDot={false}
                  connectNulls
                  isAnimationActive={false}
                  tooltipType="none"
                />
              ))}
            {drawnLines
              .filter((l) => l.reference)
              .map((l) => (
                <Line
                  key={l.dataKey}
                  dataKey={l.dataKey}
                  className="reference-line"
                  stroke={REFERENCE_COLOR}
                  strokeOpacity={0.7}
                  strokeWidth={1.5}
                  strokeDasharray={dashOf(l)}
                  dot={false}
                  activeDot={false}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            {drawnRunLines.map((l) => (
              <Line
                key={l.dataKey}
                dataKey={l.dataKey}
                className={`metric-line series-${l.seriesIndex}`}
                stroke={colorOf(l)}
                strokeWidth={1.75}
                strokeDasharray={dashOf(l)}
                dot={data.maxPoints === 1}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
        {empty && (
          <div className="chart-empty" data-testid={`chart-empty-${spec.id}`}>
            {spec.emptyNote && runsHaveData(runs.filter((r) => !r.reference)) ? spec.emptyNote : 'No data yet'}
          </div>
        )}
      </div>
      {spec.note && (
        <p className="chart-note">
          <GlossaryText text={spec.note} />
        </p>
      )}
    </figure>
  );
}

/** Some run has records at all (so an empty chart is not "no data yet" but a metric never measured). */
const runsHaveData = (runs: readonly { records: readonly unknown[] }[]) => runs.some((r) => r.records.length > 0);

export const ChartView = memo(ChartViewImpl);
