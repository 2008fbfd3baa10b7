import type { MetricsRecord } from '../../engine/train/metrics';
import { downsample, metricPoints, type XAxisMode } from '../lib/series';
import { seBand } from '../lib/stats';
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
  /** Held-out accuracies: the column of [p − SE, p + SE] around each raw point (SE = sqrt(p(1−p)/evalN)). */
  bandKey?: string;
}

/** Series measured on evalN held-out prompts: drawn with a ±1 standard-error band. */
export const SE_BAND_KEYS: ReadonlySet<string> = new Set(['acc/eval_id', 'acc/eval_ood', 'acc/eval_shift']);

export type ChartRow = Record<string, number | [number, number]> & { x: number };

export interface ChartData {
  rows: ChartRow[];
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
  runs: readonly { id: string; records: readonly MetricsRecord[]; hidden?: readonly string[]; evalN?: number }[],
  xAxis: XAxisMode,
  smoothing: number,
): ChartData {
  const series = seriesFor(spec, runs.map((r) => r.records));
  const byX = new Map<number, ChartRow>();
  const lines: ChartLine[] = [];
  let maxPoints = 0;
  let runsWithData = 0;
  for (const run of runs) {
    let any = false;
    series.forEach((s, seriesIndex) => {
      if (run.hidden?.includes(s.key)) return;
      const pts = metricPoints(run.records, s.key, xAxis, smoothing);
      if (pts.length === 0) return;
      any = true;
      maxPoints = Math.max(maxPoints, pts.length);
      const dataKey = `${run.id}|${s.key}`;
      const rawKey = `${dataKey}|raw`;
      const evalN = run.evalN;
      const bandKey = SE_BAND_KEYS.has(s.key) && evalN !== undefined && evalN > 0 ? `${dataKey}|band` : undefined;
      lines.push({ dataKey, rawKey, runId: run.id, series: s, seriesIndex, ...(bandKey ? { bandKey } : {}) });
      for (const p of downsample(pts, MAX_DRAWN)) {
        let row = byX.get(p.x);
        if (!row) {
          row = { x: p.x };
          byX.set(p.x, row);
        }
        row[dataKey] = p.smooth;
        row[rawKey] = p.raw;
        if (bandKey) row[bandKey] = seBand(p.raw, evalN!);
      }
    });
    if (any) runsWithData++;
  }
  const rows = [...byX.values()].sort((a, b) => a.x - b.x);
  return { rows, lines, maxPoints, runsWithData };
}
