import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { binomialSE } from '../../../engine/eval/estimators';
import { TASKS, isTaskId } from '../../../engine/tasks';
import { SPLIT_LABELS } from '../../../engine/tasks/types';
import { isLive } from '../../../worker/client';
import { CROSS_TASK_DEFAULT_PROMPTS, EVAL_SPLITS, type CrossTaskResult } from '../../../worker/toolsProtocol';
import { useApp } from '../../store';

const pct = (p: number, n: number): string => `${(100 * p).toFixed(1)}% ± ${(100 * binomialSE(p, n)).toFixed(1)}`;

/** One run's table: a row per task (its own first), a column per split. */
function CrossTable({ result, name }: { result: CrossTaskResult; name: string }) {
  const tasks = [...new Set(result.cells.map((c) => c.task))].sort((a, b) => Number(b === result.trainedOn) - Number(a === result.trainedOn));
  return (
    <table className="summary-table" data-testid="cross-table" data-run={result.runId}>
      <caption>
        {name}, iteration {result.iteration}: greedy accuracy ± 1 standard error, {result.cells[0]?.n ?? 0} prompts per cell
      </caption>
      <thead>
        <tr>
          <th scope="col">Task</th>
          {EVAL_SPLITS.map((s) => (
            <th key={s} scope="col">
              {SPLIT_LABELS[s]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t} data-testid="cross-row" data-task={t} data-trained={t === result.trainedOn || undefined}>
            <th scope="row">
              {isTaskId(t) ? TASKS[t].title : t}
              {t === result.trainedOn && <span className="muted"> (trained on)</span>}
            </th>
            {EVAL_SPLITS.map((s) => {
              const c = result.cells.find((x) => x.task === t && x.split === s);
              return (
                <td key={s} className="num" data-testid="cross-cell" data-split={s} data-accuracy={c?.accuracy}>
                  {c ? pct(c.accuracy, c.n) : '–'}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Cross-task evaluation: a run's newest weights on every task's ID, visual-shift and novel-answer splits. */
export function CrossTaskPanel({ preferred }: { preferred?: readonly string[] }) {
  const s = useApp(
    useShallow((st) => ({
      runs: st.runs,
      order: st.order,
      results: st.crossResults,
      progress: st.crossProgress,
      error: st.crossError,
      evaluate: st.evaluateAcrossTasks,
      ready: st.workerState === 'ready',
    })),
  );
  const ids = { run: useId(), prompts: useId(), help: useId() };
  const candidates = s.order.filter((id) => {
    const r = s.runs[id];
    return r && (r.checkpointIteration !== undefined || isLive(r.status));
  });
  const [picked, setPicked] = useState<string>('');
  const [prompts, setPrompts] = useState(CROSS_TASK_DEFAULT_PROMPTS);
  const runId = candidates.includes(picked) ? picked : (preferred?.find((id) => candidates.includes(id)) ?? candidates.at(-1) ?? '');
  const invalid = !(Number.isInteger(prompts) && prompts >= 1 && prompts <= 512);
  const shown = s.order.filter((id) => s.results[id]);
  return (
    <section className="eval-panel" aria-label="Cross-task evaluation" data-testid="cross-panel">
      <h3>Evaluate on every task</h3>
      <p className="field-help" id={ids.help}>
        Greedy accuracy of a run&apos;s newest weights on each task&apos;s held-out splits: ID (the training distribution), visual shift (the same answers, pictures training never
        shows) and novel answers (answers training never shows). Every task shares the model&apos;s words and image size, so a run trained on one task can be asked another:
        train on count, test on digit-sum.
      </p>
      <form
        className="compare-knobs"
        onSubmit={(e) => {
          e.preventDefault();
          if (runId && !invalid) void s.evaluate(runId, { prompts });
        }}
      >
        <label htmlFor={ids.run}>Run</label>
        <select id={ids.run} data-testid="cross-run" value={runId} onChange={(e) => setPicked(e.target.value)}>
          {candidates.map((id) => (
            <option key={id} value={id}>
              {s.runs[id]?.name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.prompts} title="Held-out prompts per task and split">
          Prompts per cell
        </label>
        <input
          id={ids.prompts}
          type="number"
          min={1}
          max={512}
          aria-describedby={ids.help}
          data-testid="cross-prompts"
          value={prompts}
          onChange={(e) => setPrompts(Number(e.target.value))}
        />
        <button type="submit" data-testid="btn-cross" disabled={!s.ready || !runId || invalid || s.progress !== null}>
          Evaluate on every task
        </button>
      </form>
      {invalid && (
        <p className="field-error" role="alert">
          Prompts per cell: a whole number from 1 to 512 (each task has 3 splits, so 4 tasks ask 12 times as many).
        </p>
      )}
      {s.progress && (
        <progress data-testid="cross-progress" max={Math.max(1, s.progress.total)} value={s.progress.done}>
          {s.progress.done}/{s.progress.total}
        </progress>
      )}
      {s.error && (
        <p className="field-error" role="alert" data-testid="cross-error">
          {s.error}
        </p>
      )}
      {shown.map((id) => (
        <CrossTable key={id} result={s.results[id]!} name={s.runs[id]?.name ?? id} />
      ))}
    </section>
  );
}
