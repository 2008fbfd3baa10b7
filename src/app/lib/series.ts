import type { MetricsRecord } from '../../engine/train/metrics';

/**
 * Chart data: debiased EMA smoothing (TensorBoard's), and a stride downsample so a long run
 * draws a few hundred points however many iterations it has.
 */

export type XAxisMode = 'iteration' | 'wall';

export interface Point {
  x: number;
  raw: number;
  smooth: number;
}

export const xOf = (r: MetricsRecord, mode: XAxisMode): number => (mode === 'iteration' ? r.iteration : r.wallMs / 1000);

/** The points of one metric of one run; records without the key are skipped (eval keys are sparse). */
export function metricPoints(records: readonly MetricsRecord[], key: string, mode: XAxisMode, smoothing: number): Point[] {
  const out: Point[] = [];
  const w = Math.min(Math.max(smoothing, 0), 0.999);
  let ema = 0;
  let n = 0;
  for (const r of records) {
    const v = r.values[key];
    if (v === undefined || !Number.isFinite(v)) continue;
    n++;
    ema = w * ema + (1 - w) * v;
    const smooth = w === 0 ? v : ema / (1 - w ** n); // debiased: the first points are not pulled to 0
    out.push({ x: xOf(r, mode), raw: v, smooth });
  }
  return out;
}

/** Keep every k-th point (and always the last) so at most ~maxPoints remain. */
export function downsample<T>(points: readonly T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return [...points];
  const stride = Math.ceil(points.length / maxPoints);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += stride) out.push(points[i]!);
  if (out.at(-1) !== points.at(-1)) out.push(points.at(-1)!);
  return out;
}

/** Last value of a key in a run, or undefined. */
export function lastValue(records: readonly MetricsRecord[], key: string): number | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const v = records[i]!.values[key];
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Iterations per second over the last `window` records (by the run's own wall clock). */
export function iterationsPerSecond(records: readonly MetricsRecord[], window = 10): number | null {
  if (records.length < 2) return null;
  const tail = records.slice(-window);
  const first = tail[0]!;
  const last = tail.at(-1)!;
  const dt = (last.wallMs - first.wallMs) / 1000;
  if (dt <= 0) return null;
  return (last.iteration - first.iteration) / dt;
}
