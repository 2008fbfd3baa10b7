import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store';

/** Smoothing slider and x-axis choice, shared by every chart. */
export function ChartToolbar() {
  const { smoothing, xAxis, setSmoothing, setXAxis } = useApp(
    useShallow((s) => ({ smoothing: s.smoothing, xAxis: s.xAxis, setSmoothing: s.setSmoothing, setXAxis: s.setXAxis })),
  );
  const sid = useId();
  const xid = useId();
  return (
    <div className="chart-toolbar">
      <label htmlFor={sid}>Smoothing (EMA)</label>
      <input id={sid} type="range" min={0} max={0.99} step={0.01} value={smoothing} data-testid="smoothing" onChange={(e) => setSmoothing(Number(e.target.value))} />
      <output htmlFor={sid}>{smoothing.toFixed(2)}</output>
      <label htmlFor={xid}>x axis</label>
      <select id={xid} value={xAxis} data-testid="x-axis" onChange={(e) => setXAxis(e.target.value === 'wall' ? 'wall' : 'iteration')}>
        <option value="iteration">iterations</option>
        <option value="wall">wall time (s)</option>
      </select>
      <span className="toolbar-hint">Faint lines are raw values; hover any chart to read all of them at that x.</span>
    </div>
  );
}
