import { useShallow } from 'zustand/react/shallow';
import { duration, fmt } from '../lib/format';
import { iterationsPerSecond } from '../lib/series';
import { useApp } from '../store';

/** Iteration counter, progress bar, iterations/s and ETA of the active run. */
export function Progress() {
  const { run, records, notes } = useApp(
    useShallow((s) => ({
      run: s.activeRunId ? s.runs[s.activeRunId] : undefined,
      records: s.activeRunId ? s.metrics[s.activeRunId] : undefined,
      notes: s.activeRunId ? s.notes[s.activeRunId] : undefined,
    })),
  );
  if (!run) {
    return (
      <div className="progress" data-testid="progress">
        <span data-testid="run-status" data-status="none">
          No run yet: press Start.
        </span>
        <span data-testid="iteration" data-iteration="0" hidden>
          0
        </span>
      </div>
    );
  }
  const total = run.config.run.iterations;
  const rate = records ? iterationsPerSecond(records) : null;
  const eta = rate && run.status === 'running' ? (total - run.iteration) / rate : null;
  const lastNote = notes?.at(-1);
  return (
    <div className="progress" data-testid="progress">
      <span className="swatch" style={{ background: run.color }} aria-hidden="true" />
      <span className="progress-name">{run.name}</span>
      <span className={`status status-${run.status}`} data-testid="run-status" data-status={run.status}>
        {run.status}
      </span>
      <span className="iteration" data-testid="iteration" data-iteration={run.iteration} aria-live="polite">
        iteration <strong>{run.iteration}</strong> / {total}
      </span>
      <progress max={total} value={run.iteration} aria-label="Iterations done" />
      <span className="rate">{rate ? `${fmt(rate, 2)} it/s` : '– it/s'}</span>
      <span className="eta">ETA {eta !== null ? duration(eta) : '–'}</span>
      {run.error && (
        <p className="run-error" role="alert" data-testid="run-error">
          {run.error}
        </p>
      )}
      {lastNote && <p className="run-note">{lastNote}</p>}
    </div>
  );
}
