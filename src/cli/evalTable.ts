import type { EvalResult } from '../engine/train/evaluate';

/** A plain-text table of evaluation results (stdout of eval and pretrain). */
export function formatEvalTable(rows: EvalResult[]): string {
  const head = ['task', 'split', 'n', 'accuracy', 'pass@k', 'format', 'mean len'];
  const body = rows.map((r) => [r.task, r.split, String(r.n), pct(r.accuracy), `${pct(r.passAtK)} (k=${r.k})`, pct(r.formatRate), r.meanLength.toFixed(1)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
