import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isLive } from '../../../worker/client';
import { FIELD_BY_PATH } from '../../lib/fields';
import { FORK_KNOBS, forkDeterminism, knobDraft } from '../../lib/fork';
import { useApp } from '../../store';

/**
 * Fork a run at its newest checkpoint into two branches on the same seed: A unchanged, B with
 * one knob changed. Both appear in Compare, where their curves part once the knob matters.
 */
export function ForkPanel() {
  const s = useApp(
    useShallow((st) => ({
      runs: st.runs,
      order: st.order,
      foreign: st.foreignRuns,
      fork: st.fork,
      error: st.forkError,
      busy: st.forkBusy,
      setFork: st.setFork,
      forkSource: st.forkSource,
      backend: st.backend?.name,
      ready: st.workerState === 'ready',
    })),
  );
  const ids = { source: useId(), knob: useId(), value: useId(), extra: useId(), help: useId() };
  const candidates = s.order.flatMap((id) => {
    const r = s.runs[id];
    return r && !s.foreign[id] && (r.checkpointIteration !== undefined || isLive(r.status)) ? [r] : [];
  });
  const source = (s.fork.source ? candidates.find((r) => r.id === s.fork.source) : undefined) ?? candidates.at(-1);
  const spec = FIELD_BY_PATH.get(s.fork.knob);
  const value = s.fork.value === '' && source ? knobDraft(source.config, s.fork.knob) : s.fork.value;
  const determinism = forkDeterminism(s.backend);
  const from = source ? (isLive(source.status) && source.status !== 'running' ? source.iteration : (source.checkpointIteration ?? 0)) : 0;
  return (
    <form
      className="fork-panel"
      aria-label="Fork a run"
      data-testid="fork-panel"
      onSubmit={(e) => {
        e.preventDefault();
        if (source && s.fork.source !== source.id) s.setFork({ source: source.id });
        if (value !== s.fork.value) s.setFork({ value });
        void s.forkSource();
      }}
    >
      <h3>Fork a run</h3>
      {candidates.length === 0 ? (
        <p className="empty">No run has a saved checkpoint yet: train one for a few iterations first.</p>
      ) : (
        <>
          <label htmlFor={ids.source}>Run</label>
          <select id={ids.source} data-testid="fork-source" value={source?.id ?? ''} onChange={(e) => s.setFork({ source: e.target.value, value: '' })}>
            {candidates.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <label htmlFor={ids.knob}>Knob B changes</label>
          <select id={ids.knob} data-testid="fork-knob" value={s.fork.knob} aria-describedby={ids.help} onChange={(e) => s.setFork({ knob: e.target.value, value: '' })}>
            {FORK_KNOBS.map((k) => (
              <option key={k.path} value={k.path} title={k.help}>
                {k.path}
              </option>
            ))}
          </select>
          <p id={ids.help} className="field-help" data-testid="fork-knob-help">
            {spec?.help}
          </p>
          <label htmlFor={ids.value}>B's value</label>
          {spec?.kind === 'boolean' ? (
            <input id={ids.value} type="checkbox" data-testid="fork-value" checked={value === true} onChange={(e) => s.setFork({ value: e.target.checked })} />
          ) : spec?.kind === 'enum' ? (
            <select id={ids.value} data-testid="fork-value" value={String(value)} onChange={(e) => s.setFork({ value: e.target.value })}>
              {spec.options?.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          ) : (
            <input id={ids.value} data-testid="fork-value" value={String(value)} onChange={(e) => s.setFork({ value: e.target.value })} />
          )}
          <label htmlFor={ids.extra}>Iterations after the fork</label>
          <input id={ids.extra} type="number" min={1} step={1} data-testid="fork-extra" value={s.fork.extra} onChange={(e) => s.setFork({ extra: Number(e.target.value) })} />
          <p className="compare-help" data-testid="fork-help">
            Both branches start from this run's newest checkpoint (iteration {from}; a run keeps one checkpoint, its latest, saved every 10 iterations, on pause and
            at the end; a paused run is saved first) with the same seed, so they see the same prompts and sampling noise. The checkpoint holds the weights, not
            Adam's moments: A and B both restart them, so they match each other exactly but A may differ slightly from how the original run would have gone on.
          </p>
          <p className="compare-help" data-testid="fork-determinism" data-identical={determinism.identical}>
            {determinism.text}
          </p>
          {s.error && (
            <p className="field-error" role="alert" data-testid="fork-error">
              {s.error}
            </p>
          )}
          <div className="buttons">
            <button type="submit" className="primary" data-testid="btn-fork" disabled={!s.ready || s.busy}>
              Fork into A and B
            </button>
          </div>
        </>
      )}
    </form>
  );
}
