import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ESTIMATOR_HELP, binomialSE, type Estimate } from '../../../engine/eval/estimators';
import { isLive } from '../../../worker/client';
import { SPLIT_LABELS, isSplit } from '../../../engine/tasks/types';
import { EVAL_SPLITS } from '../../../worker/toolsProtocol';
import { useApp } from '../../store';

const pct = (e: Estimate): string => `${(100 * e.value).toFixed(1)}% ± ${(100 * e.se).toFixed(1)}`;

/** pass@k, best@N and majority@N beside greedy accuracy, on a run's held-out splits, with standard errors. */
export function EvalPanel({ preferred }: { preferred?: readonly string[] }) {
  const s = useApp(
    useShallow((st) => ({
      runs: st.runs,
      order: st.order,
      results: st.evalResults,
      progress: st.evalProgress,
      error: st.evalError,
      evaluate: st.evaluateSampled,
      ready: st.workerState === 'ready',
    })),
  );
  const ids = { run: useId(), split: useId(), n: useId(), k: useId(), prompts: useId() };
  const candidates = s.order.filter((id) => {
    const r = s.runs[id];
    return r && (r.checkpointIteration !== undefined || isLive(r.status));
  });
  const [picked, setPicked] = useState<string>('');
  const [split, setSplit] = useState<string>(EVAL_SPLITS[0] ?? 'id');
  const [n, setN] = useState(8);
  const [k, setK] = useState(4);
  const [prompts, setPrompts] = useState(16);
  const runId = candidates.includes(picked) ? picked : (preferred?.find((id) => candidates.includes(id)) ?? candidates.at(-1) ?? '');
  const rows = s.order.flatMap((id) => Object.values(s.results[id] ?? {}).map((r) => ({ id, r })));
  const invalid = !(Number.isInteger(n) && n >= 1 && n <= 64 && Number.isInteger(k) && k >= 1 && k <= n && Number.isInteger(prompts) && prompts >= 1 && prompts <= 1024);
  return (
    <section className="eval-panel" aria-label="Sampled evaluation" data-testid="eval-panel">
      <h3>Evaluate: greedy, pass@k, best@N, majority@N</h3>
      <form
        className="compare-knobs"
        onSubmit={(e) => {
          e.preventDefault();
          const sp = EVAL_SPLITS.find((x) => x === split);
          if (runId && sp && !invalid) void s.evaluate(runId, { split: sp, n, k, prompts });
        }}
      >
        <label htmlFor={ids.run}>Run</label>
        <select id={ids.run} data-testid="eval-run" value={runId} onChange={(e) => setPicked(e.target.value)}>
          {candidates.map((id) => (
            <option key={id} value={id}>
              {s.runs[id]?.name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.split}>Split</label>
        <select id={ids.split} data-testid="eval-split" value={split} onChange={(e) => setSplit(e.target.value)}>
          {EVAL_SPLITS.map((x) => (
            <option key={x} value={x}>
              {x}: {SPLIT_LABELS[x]}
            </option>
          ))}
        </select>
        <label htmlFor={ids.prompts}>Prompts</label>
        <input id={ids.prompts} type="number" min={1} max={1024} data-testid="eval-prompts" value={prompts} onChange={(e) => setPrompts(Number(e.target.value))} />
        <label htmlFor={ids.n} title="Samples per prompt">
          N (samples)
        </label>
        <input id={ids.n} type="number" min={1} max={64} data-testid="eval-n" value={n} onChange={(e) => setN(Number(e.target.value))} />
        <label htmlFor={ids.k}>k</label>
        <input id={ids.k} type="number" min={1} max={64} data-testid="eval-k" value={k} onChange={(e) => setK(Number(e.target.value))} />
        <button type="submit" data-testid="btn-eval" disabled={!s.ready || !runId || invalid || s.progress !== null}>
          Evaluate
        </button>
      </form>
      {invalid && <p className="field-error">N is 1–64, k is 1–N (pass@k needs at least k samples per prompt), prompts 1–1024.</p>}
      {s.progress && (
        <progress data-testid="eval-progress" max={Math.max(1, s.progress.total)} value={s.progress.done}>
          {s.progress.done}/{s.progress.total}
        </progress>
      )}
      {s.error && (
        <p className="field-error" role="alert" data-testid="eval-error">
          {s.error}
        </p>
      )}
      {rows.length > 0 && (
        <table className="summary-table" data-testid="eval-table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Split</th>
              <th>Iter.</th>
              <th>Prompts × N</th>
              <th title={ESTIMATOR_HELP.greedy}>Greedy</th>
              <th title={ESTIMATOR_HELP.sampleAccuracy}>Sample acc.</th>
              <th title={ESTIMATOR_HELP.passAtK}>pass@k</th>
              <th title={ESTIMATOR_HELP.bestOfN}>best@N</th>
              <th title={ESTIMATOR_HELP.majorityOfN}>majority@N</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ id, r }) => (
              <tr key={`${id}/${r.split}`} data-testid="eval-row" data-split={r.split} data-pass-at-k={r.passAtK.value}>
                <td>{s.runs[id]?.name}</td>
                <td>{isSplit(r.split) ? SPLIT_LABELS[r.split] : r.split}</td>
                <td>{r.iteration}</td>
                <td>
                  {r.prompts} × {r.n} (T = {r.temperature})
                </td>
                <td>{pct({ value: r.greedy.accuracy, se: binomialSE(r.greedy.accuracy, r.greedy.n) })}</td>
                <td>{pct(r.sampleAccuracy)}</td>
                <td data-testid="eval-pass-at-k">
                  pass@{r.k} {pct(r.passAtK)}
                </td>
                <td>{pct(r.bestOfN)}</td>
                <td>{pct(r.majorityOfN)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details className="field-help">
        <summary>What these numbers mean</summary>
        <ul>
          {Object.entries(ESTIMATOR_HELP).map(([key, text]) => (
            <li key={key}>{text}</li>
          ))}
        </ul>
        <p>Each uses the run's newest saved weights, its task level and temperature, on held-out prompts no run trains on (the same prompts every time).</p>
        <p>Splits: id is the training distribution; visual shift keeps its answers but changes the pictures in a way training never shows (the task's help says how); novel answers (ood) asks for answers training never shows.</p>
      </details>
    </section>
  );
}
