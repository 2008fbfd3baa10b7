import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { duration, fmt, pct } from '../lib/format';
import { bestPerColumn, summarise, SUMMARY_COLUMNS, type SummaryKey, type SummaryRow } from '../lib/summary';
import { useApp } from '../store';

function cell(key: SummaryKey, row: SummaryRow): string {
  switch (key) {
    case 'accId':
    case 'accShift':
    case 'accOod':
      return pct(row[key]);
    case 'itersTo80':
      return row.itersTo80 === null ? 'not reached' : String(row.itersTo80);
    case 'kl':
      return fmt(row.kl);
    case 'meanLength':
      return fmt(row.meanLength, 3);
    case 'wallS':
      return duration(row.wallS);
  }
}

/** Final accuracy, speed to 80%, KL, length and time per run; the best in each column marked where it beats the noise. */
export function SummaryTable({ runIds }: { runIds: readonly string[] }) {
  const { runs, metrics } = useApp(useShallow((s) => ({ runs: s.runs, metrics: s.metrics })));
  const rows = useMemo(
    () =>
      runIds.map((id) => {
        const r = runs[id]?.config.run;
        return summarise(id, metrics[id] ?? [], r ? { evalN: r.evalN, evalEvery: r.evalEvery } : undefined);
      }),
    [runIds, metrics, runs],
  );
  const best = useMemo(() => bestPerColumn(rows), [rows]);
  return (
    <div className="summary-wrap">
      <table className="summary" data-testid="summary-table" data-rows={rows.length}>
        <caption>Summary (★ best in column, only where the difference beats the noise: see the notes below)</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            {SUMMARY_COLUMNS.map((c) => (
              <th key={c.key} scope="col" title={c.help}>
                {c.label} <span className="better">{c.better === 'high' ? '↑' : '↓'}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const run = runs[row.runId];
            if (!run) return null;
            return (
              <tr key={row.runId} data-testid="summary-row">
                <th scope="row">
                  <span className="swatch" style={{ background: run.color }} aria-hidden="true" /> {run.name}
                </th>
                <td>
                  <span className={`status status-${run.status}`}>{run.status}</span> <span className="muted">{run.iteration}/{run.config.run.iterations}</span>
                </td>
                {SUMMARY_COLUMNS.map((c) => {
                  const isBest = best[c.key].has(row.runId);
                  return (
                    <td key={c.key} className={isBest ? 'best num' : 'num'} data-col={c.key} data-best={isBest || undefined}>
                      {cell(c.key, row)}
                      {isBest && (
                        <>
                          <span aria-hidden="true"> ★</span>
                          <span className="sr-only">best</span>
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <dl className="summary-notes" data-testid="summary-notes">
        {SUMMARY_COLUMNS.map((c) => (
          <div key={c.key}>
            <dt>{c.label}</dt>
            <dd>
              {c.help} {c.star}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
