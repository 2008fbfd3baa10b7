import { useId, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TaskId } from '../../engine/tasks/types';
import { isLive } from '../../worker/client';
import { ChartGrid } from '../charts/ChartGrid';
import { COMPARE_CHARTS } from '../charts/specs';
import { ChartToolbar } from '../components/ChartToolbar';
import { SummaryTable } from '../components/SummaryTable';
import { TaskPicker } from '../components/TaskPicker';
import { CrossTaskPanel } from '../components/tools/CrossTaskPanel';
import { EvalPanel } from '../components/tools/EvalPanel';
import { ForkPanel } from '../components/tools/ForkPanel';
import { PRESET_LIST } from '../lib/presets';
import { useApp } from '../store';
import { MAX_COMPARE, MIN_COMPARE, comparedRuns, latestComparison } from '../store/compareSlice';

function CompareForm() {
  const s = useApp(
    useShallow((st) => ({
      presets: st.comparePresets,
      task: st.compareTask,
      seed: st.compareSeed,
      budget: st.compareBudget,
      error: st.compareError,
      toggle: st.toggleComparePreset,
      setTask: st.setCompareTask,
      setSeed: st.setCompareSeed,
      setBudget: st.setCompareBudget,
      start: st.startCompare,
      stop: st.stopCompare,
      ready: st.workerState === 'ready',
    })),
  );
  const seedId = useId();
  const budgetId = useId();
  return (
    <form
      className="compare-form"
      aria-label="Comparison"
      onSubmit={(e) => {
        e.preventDefault();
        void s.start();
      }}
    >
      <fieldset>
        <legend>
          Presets ({MIN_COMPARE}–{MAX_COMPARE})
        </legend>
        <div className="preset-checks">
          {PRESET_LIST.map((p) => (
            <label key={p.id} title={p.summary}>
              <input type="checkbox" data-testid={`compare-preset-${p.id}`} checked={s.presets.includes(p.id)} onChange={() => s.toggle(p.id)} /> {p.title}
            </label>
          ))}
        </div>
      </fieldset>
      <TaskPicker name="compare-task" legend="Task" compact testId="compare-task" value={s.task} onChange={(t) => s.setTask(t as TaskId)} />
      <div className="compare-knobs">
        <label htmlFor={seedId}>Seed</label>
        <input id={seedId} type="number" min={0} step={1} value={s.seed} data-testid="compare-seed" onChange={(e) => s.setSeed(Number(e.target.value))} />
        <label htmlFor={budgetId}>Iterations</label>
        <input id={budgetId} type="number" min={1} step={1} value={s.budget} data-testid="compare-budget" onChange={(e) => s.setBudget(Number(e.target.value))} />
      </div>
      <p className="compare-help">
        Everything else (model size, G, L_max, evaluation...) comes from the Train panel; each preset then sets its own knobs. The runs are stepped in
        turn, so their curves grow together.
      </p>
      {s.error && (
        <p className="field-error" role="alert" data-testid="compare-error">
          {s.error}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" data-testid="btn-compare" disabled={!s.ready}>
          Run comparison
        </button>
        <button type="button" data-testid="btn-compare-stop" onClick={() => void s.stop()}>
          Stop all
        </button>
      </div>
    </form>
  );
}

const SOURCE_NAMES = { trl: 'TRL', verl: 'veRL/EasyR1', wandb: 'W&B' } as const;

/** Any saved run (a finished one, or one imported from another trainer's logs) can be drawn beside the comparison. */
function SavedRunsPicker() {
  const { runs, order, saved, toggle } = useApp(useShallow((s) => ({ runs: s.runs, order: s.order, saved: s.compareSaved, toggle: s.toggleCompareSaved })));
  const latest = latestComparison({ runs, order });
  const candidates = order.filter((id) => runs[id] && !latest.includes(id));
  if (candidates.length === 0) return null;
  return (
    <fieldset className="compare-saved" data-testid="compare-saved">
      <legend>Saved runs beside it</legend>
      <p className="compare-help">Draw any saved run with the comparison: an earlier run, or a real run imported from TRL, veRL/EasyR1 or a W&amp;B CSV (Train view, Import). Each chart explains its metric whatever trained it.</p>
      <div className="preset-checks">
        {candidates.map((id) => {
          const run = runs[id]!;
          return (
            <label key={id}>
              <input type="checkbox" data-testid={`compare-saved-${id}`} checked={saved.includes(id)} onChange={() => toggle(id)} /> {run.name || id.slice(0, 8)}
              {run.source ? <span className="muted"> (imported from {SOURCE_NAMES[run.source.format]})</span> : null}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

/** 2-4 presets on one task, seed and budget, interleaved, with a summary table; saved runs may be drawn beside them. */
export function CompareView() {
  const { runs, order, saved } = useApp(useShallow((s) => ({ runs: s.runs, order: s.order, saved: s.compareSaved })));
  const key = comparedRuns({ runs, order, compareSaved: saved }).join(',');
  const ids = useMemo(() => (key ? key.split(',') : []), [key]);
  const live = ids.some((id) => {
    const st = runs[id]?.status;
    return st !== undefined && isLive(st);
  });
  return (
    <div className="compare-view">
      <aside className="sidebar">
        <CompareForm />
        <SavedRunsPicker />
        <ForkPanel />
      </aside>
      <section className="workspace" data-testid="compare-workspace" data-live={live} data-runs={ids.length} data-run-ids={ids.join(',')}>
        {ids.length === 0 ? (
          <p className="empty">Pick presets and press “Run comparison”, or pick saved runs to draw.</p>
        ) : (
          <>
            <SummaryTable runIds={ids} />
            <ChartToolbar />
            <ChartGrid runIds={ids} only={COMPARE_CHARTS} syncId="compare" testId="compare-charts" />
          </>
        )}
        <EvalPanel preferred={ids} />
        <CrossTaskPanel preferred={ids} />
      </section>
    </div>
  );
}
