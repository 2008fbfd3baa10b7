import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store';

/**
 * The trainer worker died (killed, out of memory, an uncaught error) or never started: say so
 * where it cannot be missed, say that saved runs are safe, and offer a fresh worker.
 */
export function WorkerCrashBanner() {
  const { state, error, restart } = useApp(useShallow((s) => ({ state: s.workerState, error: s.workerError, restart: s.restartWorker })));
  if (state !== 'crashed' && state !== 'failed') return null;
  return (
    <section className="worker-crash" role="alert" aria-labelledby="worker-crash-title" data-testid="worker-crashed" data-state={state}>
      <h2 id="worker-crash-title">{state === 'crashed' ? 'The trainer stopped' : 'The trainer did not start'}</h2>
      {/* Plain text: the message may quote an error from anywhere. */}
      <p data-testid="worker-crash-message">{error ?? 'Unknown error.'}</p>
      {state === 'crashed' && (
        <p id="worker-crash-help">
          Runs and their metrics are safe (they are saved in this browser). Runs that were training are marked interrupted: after a restart, Resume continues them from
          their last checkpoint.
        </p>
      )}
      <button
        type="button"
        className="primary"
        data-testid="btn-restart-worker"
        title="Start a fresh trainer worker; nothing saved is lost"
        {...(state === 'crashed' ? { 'aria-describedby': 'worker-crash-help' } : {})}
        onClick={() => void restart()}
      >
        Restart the trainer
      </button>
    </section>
  );
}
