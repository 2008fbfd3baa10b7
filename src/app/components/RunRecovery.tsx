import { useShallow } from 'zustand/react/shallow';
import { can } from '../../worker/client';
import { lessonById } from '../lessons';
import { resumeOffered } from '../lib/lessonRuns';
import { configChanges, resumeBlocker } from '../lib/resumeConfig';
import { useApp } from '../store';

/**
 * For the active run once it is over (diverged or failed, stopped, interrupted, done):
 * continue it from its last checkpoint under the panel's config, e.g. a lower learning rate
 * after a divergence. The panel on the left is the editor; this lists what would change.
 */
export function RunRecovery() {
  const s = useApp(
    useShallow((st) => ({
      run: st.activeRunId ? st.runs[st.activeRunId] : undefined,
      config: st.config,
      workerReady: st.workerState === 'ready',
      loadConfig: st.loadConfig,
      resume: st.resumeRun,
      notify: st.notify,
      lessonId: st.lessonId,
    })),
  );
  const { run, config } = s;
  if (!run) return null;
  // Only for the run the panel's config came from: a lesson's config is not a fix for another run.
  if (config && !resumeOffered(run.config, config, lessonById(s.lessonId))) return null;
  const from = run.checkpointIteration ?? 0;
  const changes = config ? configChanges(run.config, config) : [];
  const blocker = config ? resumeBlocker(run.config, config, from) : 'Fix the invalid fields in the panel first.';
  // Where the lifecycle allows a resume; a finished run only once the panel gives it more iterations to run.
  if (!can(run.status, 'resume', run) || (run.status === 'done' && blocker !== null)) return null;
  const failed = run.status === 'error';
  const label = `Resume from checkpoint (iteration ${from})`;
  return (
    <section
      className={`run-recovery${failed ? ' run-recovery-error' : ''}`}
      aria-label={`Continue ${run.name}`}
      data-testid="run-recovery"
      data-status={run.status}
      data-checkpoint={from}
    >
      {/* The error itself is shown by Progress, just above. */}
      <p id="run-recovery-help" className="run-recovery-help">
        {from > 0
          ? `Its last good checkpoint is iteration ${from}; later iterations are dropped when it resumes.`
          : 'It has no checkpoint: resuming starts again from its initial weights (iteration 0).'}{' '}
        It resumes under the config in the panel on the left
        {changes.length === 0 ? ', which is the run’s own config unchanged.' : ', with these changes:'}
      </p>
      {changes.length > 0 && (
        <ul className="run-recovery-changes" data-testid="resume-changes">
          {changes.map((c) => (
            <li key={c.path}>
              <code>{c.path}</code>: {c.from} → {c.to}
            </li>
          ))}
        </ul>
      )}
      {blocker && (
        <p className="field-error" data-testid="resume-blocker">
          {blocker}
        </p>
      )}
      <div className="run-recovery-actions">
        <button
          type="button"
          data-testid="btn-edit-run-config"
          title="Put this run's own config in the panel, to edit it there (e.g. a lower optim.lr)"
          onClick={() => {
            s.loadConfig(run.config);
            s.notify('info', `The config of "${run.name}" is in the panel: edit it, then press "${label}".`);
          }}
        >
          Edit its config
        </button>
        <button
          type="button"
          className="primary"
          data-testid="btn-resume-checkpoint"
          aria-describedby="run-recovery-help"
          title={blocker ?? 'Rebuild the run from its checkpoint with the panel’s config and keep training'}
          disabled={!s.workerReady || blocker !== null}
          onClick={() => {
            if (config) void s.resume(run.id, config);
          }}
        >
          {label}
        </button>
      </div>
    </section>
  );
}
