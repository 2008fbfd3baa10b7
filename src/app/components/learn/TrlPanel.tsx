import { useId, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DEFAULT_BUNDLE_N } from '../../../engine/export/bundle';
import { FORMAT_TITLES, mappingTable, type ExternalFormat } from '../../../engine/export/external';
import { downloadBundle } from '../../lib/bundleDownload';
import { downloadText } from '../../lib/download';
import { presetTitle } from '../../lib/presets';
import { rlExportRefusal, trlFileName, trlMapping, trlScript, type MapStatus } from '../../../engine/export/trl';
import { useApp } from '../../store';

const STATUS_TEXT: Record<MapStatus, string> = { exact: 'maps', approx: 'close', none: 'does not map' };

/** "Download bundle (.zip)": the data, rewards.py, the TRL script and the EasyR1 config in one archive, with progress. */
function BundleButton({ config, name, iteration, runId }: { config: Parameters<typeof downloadBundle>[0]; name: string; iteration?: number; runId?: string }) {
  const { metrics, notify } = useApp(useShallow((s) => ({ metrics: runId ? s.metrics[runId] : undefined, notify: s.notify })));
  const [share, setShare] = useState<number | null>(null);
  const helpId = useId();
  const busy = share !== null;
  return (
    <>
      <button
        type="button"
        data-testid="btn-export-bundle"
        aria-describedby={helpId}
        aria-busy={busy}
        disabled={busy}
        onClick={() => {
          setShare(0);
          downloadBundle(config, name, { presetTitle: presetTitle(config.preset), iteration, metrics, n: DEFAULT_BUNDLE_N }, setShare)
            .then((file) => notify('info', `Saved ${file}: data, rewards.py, a TRL script and an EasyR1 config (see its README.md).`))
            .catch((e: unknown) => notify('error', `Bundle failed: ${e instanceof Error ? e.message : String(e)}`))
            .finally(() => setShare(null));
        }}
      >
        Download bundle (.zip)
      </button>
      {busy && (
        <span className="bundle-progress" role="status" data-testid="bundle-progress">
          <progress max={1} value={share} aria-label="Building the bundle" /> {Math.round(share * 100)}%
        </span>
      )}
      <p id={helpId} className="muted" data-testid="bundle-help">
        One .zip to run this experiment on a real trainer: {DEFAULT_BUNDLE_N} training prompts of the task (plus held-out ID and OOD ones) as PNG +
        metadata.jsonl in Hugging Face's ImageFolder layout, the reward functions in Python (with a check against these), a TRL script, an EasyR1 (veRL)
        config, and a README saying how to run each and what does not carry over. <code>npm run export</code> makes the same from the command line.
      </p>
    </>
  );
}

/** How another trainer's metric names land on the playground's, per format (src/engine/export/external.ts). */
function ImportMappings() {
  const formats: ExternalFormat[] = ['trl', 'verl', 'wandb'];
  return (
    <details data-testid="import-mappings">
      <summary>Bring real runs back: how imported metrics map</summary>
      <p>
        “Import run” (the runs list) also reads a TRL <code>trainer_state.json</code>, a veRL/EasyR1 <code>experiment_log.jsonl</code> and a W&amp;B CSV
        export. They are stored read-only, their metrics renamed as below; anything else is kept under its own name in the chart “Imported, no
        counterpart”.
      </p>
      {formats.map((f) => (
        <table key={f} className="trl-table" data-testid={`import-map-${f}`}>
          <caption>{FORMAT_TITLES[f]}</caption>
          <thead>
            <tr>
              <th scope="col">their metric</th>
              <th scope="col">playground</th>
              <th scope="col">note</th>
            </tr>
          </thead>
          <tbody>
            {mappingTable(f).map((r) => (
              <tr key={r.from}>
                <td>
                  <code>{r.from}</code>
                </td>
                <td>
                  <code>{r.to}</code>
                </td>
                <td className="muted">{r.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </details>
  );
}

/** "Export to TRL": the active run's config (or the panel's) as a GRPOTrainer script, with the mapping table. */
export function TrlPanel() {
  const { run, panel } = useApp(useShallow((s) => ({ run: s.activeRunId ? s.runs[s.activeRunId] : undefined, panel: s.config ?? s.lastValid })));
  const config = run?.config ?? panel;
  const name = run?.name ?? `${presetTitle(config.preset)} · ${config.task.task}`;
  const mapping = useMemo(() => trlMapping(config), [config]);
  // SFT and RFT are refused (no GRPO script would reproduce them): the sentence says why and what to run.
  const refusal = rlExportRefusal(config);
  const script = useMemo(() => (refusal ? '' : trlScript(config, { runName: name, presetTitle: presetTitle(config.preset), ...(run ? { iteration: run.iteration } : {}) })), [config, name, run, refusal]);
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
        the toy. The bundle below carries the data, the rewards and an EasyR1 config too.
      </p>
      {mapping.notes.map((n) => (
        <p key={n} className="callout">
          {n}
        </p>
      ))}
      {refusal && (
        <p className="field-error" role="alert" data-testid="trl-refused">
          {refusal} The bundle still carries the data (with each prompt's gold trace) and the reward functions.
        </p>
      )}
      <div className="buttons">
        {!refusal && (
          <button type="button" className="primary" data-testid="btn-export-trl" onClick={() => downloadText(trlFileName(name), script, 'text/x-python')}>
            Export to TRL (.py)
          </button>
        )}
        <BundleButton config={config} name={name} {...(run ? { iteration: run.iteration, runId: run.id } : {})} />
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
      <ImportMappings />
    </section>
  );
}
