import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { downloadText } from '../../lib/download';
import { presetTitle } from '../../lib/presets';
import { trlFileName, trlMapping, trlScript, type MapStatus } from '../../../engine/export/trl';
import { useApp } from '../../store';

const STATUS_TEXT: Record<MapStatus, string> = { exact: 'maps', approx: 'close', none: 'does not map' };

/** "Export to TRL": the active run's config (or the panel's) as a GRPOTrainer script, with the mapping table. */
export function TrlPanel() {
  const { run, panel } = useApp(useShallow((s) => ({ run: s.activeRunId ? s.runs[s.activeRunId] : undefined, panel: s.config ?? s.lastValid })));
  const config = run?.config ?? panel;
  const name = run?.name ?? `${presetTitle(config.preset)} · ${config.task.task}`;
  const mapping = useMemo(() => trlMapping(config), [config]);
  const script = useMemo(() => trlScript(config, { runName: name, presetTitle: presetTitle(config.preset), ...(run ? { iteration: run.iteration } : {}) }), [config, name, run]);
  return (
    <section className="explainer" aria-labelledby="trl-title" data-testid="trl-panel" data-source={run ? 'run' : 'panel'}>
      <h3 id="trl-title">Graduate: take this experiment to TRL</h3>
      <p>
        {run ? (
          <>
            The active run, <strong>{run.name}</strong> ({presetTitle(config.preset)}, iteration {run.iteration}),
          </>
        ) : (
          'The config in the Train panel (no run yet)'
        )}{' '}
        as a Python script for Hugging Face TRL's GRPOTrainer: the same hyperparameters mapped one by one, the reward functions written out, a real VLM in place of
        the toy. Point it at your data and run it on a GPU.
      </p>
      {mapping.notes.map((n) => (
        <p key={n} className="callout">
          {n}
        </p>
      ))}
      <div className="buttons">
        <button type="button" className="primary" data-testid="btn-export-trl" onClick={() => downloadText(trlFileName(name), script, 'text/x-python')}>
          Export to TRL (.py)
        </button>
      </div>
      <table className="trl-table" data-testid="trl-table">
        <caption>How each knob maps</caption>
        <thead>
          <tr>
            <th scope="col">GRPOConfig</th>
            <th scope="col">value</th>
            <th scope="col">playground</th>
            <th scope="col">here</th>
            <th scope="col">status</th>
            <th scope="col">note</th>
          </tr>
        </thead>
        <tbody>
          {mapping.rows.map((r, i) => (
            <tr key={i} className={`map-${r.status}`} data-testid="trl-row" data-trl={r.trl} data-status={r.status}>
              <td>
                <code>{r.trl || '—'}</code>
              </td>
              <td>
                <code>{r.value}</code>
              </td>
              <td>
                <code>{r.ours}</code>
              </td>
              <td>{r.ourValue}</td>
              <td>
                <span className={`map-status map-status-${r.status}`}>{STATUS_TEXT[r.status]}</span>
              </td>
              <td className="muted">{r.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>The script</summary>
        <pre className="script" data-testid="trl-script">
          {script}
        </pre>
      </details>
    </section>
  );
}
