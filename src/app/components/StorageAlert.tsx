import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { deletableRuns } from '../lib/storage';
import { useApp } from '../store';

/**
 * The banner for a full quota: what was not saved, and a way out (delete old runs, then save
 * again). It stays until saving works or it is dismissed; nothing stored is overwritten to make
 * room, so the choice of what goes is the user's.
 */
export function StorageAlert() {
  const s = useApp(
    useShallow((st) => ({
      full: st.storageFull,
      order: st.order,
      runs: st.runs,
      foreign: st.foreignRuns,
      metrics: st.metrics,
      remove: st.deleteRun,
      retry: st.retrySaving,
      dismiss: st.dismissStorageFull,
    })),
  );
  const [busy, setBusy] = useState(false);
  if (!s.full) return null;
  const offers = deletableRuns(s.order, s.runs, s.foreign);
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="storage-full" role="alert" aria-labelledby="storage-full-title" data-testid="storage-full">
      <h2 id="storage-full-title">Storage is full</h2>
      <p data-testid="storage-full-text">{s.full.text}</p>
      <p className="storage-full-help">
        Nothing stored was overwritten, and runs that were training here are paused. What this tab shows but could not save stays here until you retry. Delete old runs to make room
        {offers.length > 0 ? ' (oldest first):' : ', then retry.'}
      </p>
      {offers.length > 0 && (
        <ul className="storage-offers">
          {offers.map((run) => (
            <li key={run.id} data-testid="storage-offer" data-run-id={run.id}>
              <span className="offer-name">{run.name}</span>
              <span className="offer-facts">
                {run.status}, {run.iteration} / {run.config.run.iterations} iterations, {s.metrics[run.id]?.length ?? 0} records, from {new Date(run.createdAt).toLocaleString()}
              </span>
              <button
                type="button"
                className="danger"
                data-testid="btn-free-run"
                disabled={busy}
                title="Delete this run and its checkpoint to make room, then save again (Undo brings it back while there is room)"
                onClick={() =>
                  void act(async () => {
                    await s.remove(run.id);
                    await s.retry();
                  })
                }
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="storage-actions">
        <button type="button" className="primary" data-testid="btn-retry-save" disabled={busy} title="Write again everything this tab shows that storage lacks" onClick={() => void act(s.retry)}>
          Retry saving
        </button>
        <button type="button" data-testid="btn-dismiss-storage" title="Hide this banner; unsaved data stays in this tab only" onClick={s.dismiss}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
