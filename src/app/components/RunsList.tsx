import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { can, IMPORT_PHASE_LABELS, importDone, type ImportPhase, type StoredRun } from '../../worker/client';
import { MAX_RUN_NAME_LENGTH } from '../../engine/config';
import { MAX_RUN_FILE_BYTES } from '../lib/exportRun';
import { presetTitle } from '../lib/presets';
import { useApp } from '../store';
import { mb } from '../lib/format';

const FOREIGN_HELP = 'This run is training in another tab of this browser: control it there. Here it is read-only and updates as that tab saves.';

function RunRow({ run, active, points, foreign }: { run: StoredRun; active: boolean; points: number; foreign: boolean }) {
  const a = useApp(
    useShallow((s) => ({
      select: s.selectRun,
      rename: s.renameRun,
      toggle: s.toggleRun,
      duplicate: s.duplicateRun,
      remove: s.deleteRun,
      exportRun: s.exportRun,
      resume: s.resumeRun,
      continueAsNew: s.continueAsNew,
      starting: s.starting,
    })),
  );
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(run.name);
  // Errors and finished runs are resumed from the recovery panel (RunRecovery), with a config to edit.
  const canResume = !foreign && can(run.status, 'resume', run) && run.status !== 'error' && (run.status === 'interrupted' || run.iteration < run.config.run.iterations);
  // An imported run cannot be resumed (no checkpoint: it would be erased); it goes on as a new run,
  // unless another trainer's logs made it (its config is a placeholder: there is nothing to go on with).
  const canContinue = !foreign && !run.source && can(run.status, 'continue') && !can(run.status, 'resume', run);
  const readOnly = foreign ? FOREIGN_HELP : undefined;
  const commit = () => {
    a.rename(run.id, name);
    setEditing(false);
  };
  return (
    <tr className={active ? 'active' : undefined} data-testid="run-row" data-run-id={run.id} data-status={run.status} data-iteration={run.iteration} data-checkpoint={run.checkpointIteration ?? 0} data-points={points} data-foreign={foreign} aria-selected={active}>
      <td>
        <input type="checkbox" aria-label={`Show ${run.name} in the charts`} checked={run.visible} onChange={() => a.toggle(run.id)} />
      </td>
      <td>
        <span className="swatch" style={{ background: run.color }} aria-hidden="true" />
      </td>
      <td className="run-name">
        {editing ? (
          <input
            aria-label="Run name"
            autoFocus
            value={name}
            maxLength={MAX_RUN_NAME_LENGTH}
            onChange={(e) => setName(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
              if (e.key === 'Escape') {
                setName(run.name);
                setEditing(false);
              }
            }}
          />
        ) : (
          <button type="button" className="link" data-testid="run-name" onClick={() => a.select(run.id)} title="Make this the active run">
            {run.name}
          </button>
        )}
      </td>
      <td>{presetTitle(run.config.preset)}</td>
      <td>
        <span className={`status status-${run.status}`}>{run.status}</span>
        {run.error && <span className="row-error" title={run.error}> ⚠</span>}
        {foreign && (
          <span className="badge badge-foreign" data-testid="run-foreign" title={FOREIGN_HELP}>
            training in another tab
          </span>
        )}
      </td>
      <td className="num" data-testid="run-iteration" title={run.compactedThrough ? `Metrics up to iteration ${run.compactedThrough} are thinned to every few iterations (evaluations all kept) to save space.` : undefined}>
        {run.iteration} / {run.config.run.iterations}
      </td>
      <td className="actions">
        {canResume && (
          <button type="button" data-testid="btn-resume" onClick={() => void a.resume(run.id)}>
            Resume
          </button>
        )}
        {canContinue && (
          <button
            type="button"
            data-testid="btn-continue-new"
            disabled={a.starting}
            title="It has no checkpoint to resume from: start a new run with its config, from the warm start. This run stays as it is."
            onClick={() => void a.continueAsNew(run.id)}
          >
            Continue as a new run from the warm start
          </button>
        )}
        <button
          type="button"
          disabled={foreign || !can(run.status, 'rename')}
          title={readOnly}
          onClick={() => {
            setName(run.name);
            setEditing(true);
          }}
        >
          Rename
        </button>
        <button type="button" onClick={() => a.duplicate(run.id)} title="Load this run's config into the panel">
          Duplicate
        </button>
        <button type="button" data-testid="btn-export-json" onClick={() => a.exportRun(run.id, 'json')}>
          JSON
        </button>
        <button type="button" data-testid="btn-export-csv" onClick={() => a.exportRun(run.id, 'csv')}>
          CSV
        </button>
        <button type="button" className="danger" data-testid="btn-delete" disabled={foreign || !can(run.status, 'delete')} title={readOnly ?? 'Delete this run and its saved data (Undo brings it back)'} onClick={() => void a.remove(run.id)}>
          Delete
        </button>
      </td>
    </tr>
  );
}

/** The import in flight: its phase and how much of the whole is done, and a Cancel until it saves. */
function ImportProgressBar({ fileName, phase, fraction, cancel }: { fileName: string; phase: ImportPhase; fraction: number; cancel: () => void }) {
  const percent = Math.round(importDone({ phase, fraction }) * 100);
  const label = `Importing "${fileName}": ${IMPORT_PHASE_LABELS[phase]}`;
  return (
    <div className="import-progress" data-testid="import-progress" data-phase={phase}>
      <span className="import-progress-label" aria-hidden="true">
        {IMPORT_PHASE_LABELS[phase]}… {percent}%
      </span>
      <div className="import-progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${IMPORT_PHASE_LABELS[phase]}, ${percent}%`}>
        <div className="import-progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <button type="button" data-testid="btn-cancel-import" disabled={phase === 'storing'} title="Stop this import; nothing is stored (too late once it is saving)" onClick={cancel}>
        Cancel
      </button>
    </div>
  );
}

/** Every run: show/hide, rename, duplicate, delete (with undo), export, import. */
export function RunsList() {
  const { order, runs, metrics, activeRunId, importFile, cancelImport, importing, notify, loaded, foreign } = useApp(
    useShallow((s) => ({
      order: s.order,
      runs: s.runs,
      metrics: s.metrics,
      activeRunId: s.activeRunId,
      importFile: s.importFile,
      cancelImport: s.cancelImport,
      importing: s.importing,
      notify: s.notify,
      loaded: s.runsLoaded,
      foreign: s.foreignRuns,
    })),
  );
  const fileRef = useRef<HTMLInputElement>(null);
  // Once no import is in flight (done, refused, cancelled, or gone with a dead worker), the same file can be chosen again.
  const busy = importing !== null;
  useEffect(() => {
    if (!busy && fileRef.current) fileRef.current.value = '';
  }, [busy]);
  return (
    <section className="runs" aria-label="Runs" data-testid="runs-list" data-count={order.length} data-loaded={loaded}>
      <header className="runs-header">
        <h2>Runs</h2>
        <label
          className="import"
          title="Add a run: one exported as JSON by this app, a TRL trainer_state.json, a veRL/EasyR1 experiment_log.jsonl or a W&B CSV export (at most 64 MB; the others' metric names are mapped onto this app's, see Learn → Graduate; more than 2,000 records are thinned as a long run is, evaluations kept). The trainer's worker reads it, with a progress bar, while the page stays usable. A file that is none of these is refused with the reason, and nothing stored changes."
        >
          Import run
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json,.jsonl,.csv,text/csv"
            data-testid="import-input"
            disabled={busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              // Refused unread when too large (the worker checks the size again).
              if (file.size > MAX_RUN_FILE_BYTES) {
                notify('error', `Import failed: file too large (${mb(file.size)}, at most ${MAX_RUN_FILE_BYTES / 1024 / 1024} MB).`);
                e.target.value = '';
                return;
              }
              // The worker reads, parses, checks, thins and stores it (worker/importFile.ts); another trainer's logs become a run there too.
              void importFile(file, file.name);
            }}
          />
        </label>
      </header>
      {importing && <ImportProgressBar fileName={importing.fileName} phase={importing.phase} fraction={importing.fraction} cancel={cancelImport} />}
      {order.length === 0 ? (
        <p className="empty">No runs yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Show</th>
              <th scope="col">
                <span className="sr-only">Colour</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Status</th>
              <th scope="col">Iteration</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {[...order].reverse().map((id) => {
              const run = runs[id];
              return run ? <RunRow key={id} run={run} active={id === activeRunId} points={metrics[id]?.length ?? 0} foreign={foreign[id] === true} /> : null;
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
