import type { MetricsRecord } from '../../engine/train/metrics';
import { downsample, metricPoints, type XAxisMode } from '../lib/series';
import type { ChartSpec, SeriesSpec } from './specs';

/**
 * One chart's rows for recharts: a row per x value, a column per (run, series) for the
 * smoothed line and another for the faint raw line.
 */

export interface ChartLine {
  dataKey: string;
  rawKey: string;
  runId: string;
  series: SeriesSpec;
  seriesIndex: number;
}

export interface ChartData {
  rows: Record<string, number>[];
  lines: ChartLine[];
  /** Most points any one line has (before downsampling): what e2e waits on. */
  maxPoints: number;
  /** Runs with at least one point. */
  runsWithData: number;
}

const MAX_DRAWN = 400;

export function seriesFor(spec: ChartSpec, runs: readonly (readonly MetricsRecord[])[]): SeriesSpec[] {
  const out = [...spec.series];
  if (spec.pattern) {
    const extra = new Set<string>();
    for (const records of runs) {
      const last = records.at(-1);
      if (!last) continue;
      for (const k of Object.keys(last.values)) if (spec.pattern.test(k)) extra.add(k);
    }
    for (const k of [...extra].sort()) out.push({ key: k, label: spec.pattern.exec(k)?.[1] ?? k });
  }
  return out;
}

export function buildChartData(
  spec: ChartSpec,
  runs: readonly { id: string; records: readonly MetricsRecord[] }[],
  xAxis: XAxisMode,
  smoothing: number,
): ChartData {
  const series = seriesFor(spec, runs.map((r) => r.records));
  const byX = new Map<number, Record<string, number>>();
  const lines: ChartLine[] = [];
  let maxPoints = 0;
  let runsWithData = 0;
  for (const run of runs) {
    let any = false;
    series.forEach((s, seriesIndex) => {
      const pts = metricPoints(run.records, s.key, xAxis, smoothing);
      if (pts.length === 0) return;
      any = true;
      maxPoints = Math.max(maxPoints, pts.length);
      const dataKey = `${run.id}|${s.key}`;
      const rawKey = `${dataKey}|raw`;
      lines.push({ dataKey, rawKey, runId: run.id, series: s, seriesIndex });
      for (const p of downsample(pts, MAX_DRAWN)) {
        let row = byX.get(p.x);
        if (!row) {
          row = { x: p.x };
          byX.set(p.x, row);
        }
        row[dataKey] = p.smooth;
        row[rawKey] = p.raw;
      }
    });
    if (any) runsWithData++;
  }
  const rows = [...byX.values()].sort((a, b) => a.x! - b.x!);
  return { rows, lines, maxPoints, runsWithData };
}
