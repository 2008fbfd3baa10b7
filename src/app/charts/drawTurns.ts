import type { MetricsRecord } from '../../engine/train/metrics';
import type { XAxisMode } from '../lib/series';
import { buildChartData, type ChartData } from './buildData';
import type { ChartSpec } from './specs';
import type { Advance } from './useQueuedDraw';

export interface ChartRun {
  id: string;
  name: string;
  color: string;
  records: readonly MetricsRecord[];
  /** Series keys this run does not draw (reward components with weight 0). */
  hidden?: readonly string[];
  /** Prompts per held-out evaluation: the eval accuracies' standard-error band. */
  evalN?: number;
  /** A lesson's committed measured run (reference.json): drawn faint and dashed, not counted as a run. */
  reference?: boolean;
}

export interface ChartProps {
  spec: ChartSpec;
  runs: readonly ChartRun[];
  xAxis: XAxisMode;
  smoothing: number;
  /** Charts with the same syncId share the hover position (by x value). */
  syncId: string;
}

/** What one turn of the render queue draws: the props, their data, and which lines (by dataKey) so far. */
export interface DrawnChart {
  props: ChartProps;
  data: ChartData;
  lines: ReadonlySet<string>;
}

/**
 * Lines a chart adds per turn of the render queue. Mounting recharts lines is the dearest
 * part of a redraw: the reward chart's first points bring six series, twelve lines with the
 * raw ones, which took 70-135 ms in one task on a loaded machine.
 */
export const NEW_LINES_PER_TURN = 2;
const NO_LINES: ReadonlySet<string> = new Set();

/** One turn toward `props`: its data, the lines already drawn that it still has, and at most NEW_LINES_PER_TURN more. */
export const advanceChart: Advance<ChartProps, DrawnChart> = (drawn, props) => {
  const { spec, runs, xAxis, smoothing } = props;
  const data = drawn?.props === props ? drawn.data : buildChartData(spec, runs, xAxis, smoothing);
  const had = drawn?.lines ?? NO_LINES;
  const keys = data.lines.map((l) => l.dataKey);
  const fresh = keys.filter((k) => !had.has(k));
  const lines = new Set([...keys.filter((k) => had.has(k)), ...fresh.slice(0, NEW_LINES_PER_TURN)]);
  return { next: { props, data, lines }, done: fresh.length <= NEW_LINES_PER_TURN };
};
