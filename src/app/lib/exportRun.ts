import { METRIC_KEYS, type MetricsRecord } from '../../engine/train/metrics';
import { RUN_FILE_FORMAT, type RunFile, type StoredRun } from '../../worker/client';

/**
 * A run as a file: JSON (config + metrics) and the metrics as CSV for a spreadsheet or pandas.
 * Reading a run file back (its zod schema and parser) is the worker's, which imports it
 * (worker/runFile.ts); its names are re-exported here.
 */
export { MAX_RUN_FILE_BYTES, RUN_FILE_FORMAT, RunFileSchema, checkRunFileSize, parseRunFile, type RunFile } from '../../worker/client';

/** Non-finite numbers have no JSON form: they are left out of the record (as a key that does not apply is). */
function finiteOnly(r: MetricsRecord): MetricsRecord {
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.values)) if (Number.isFinite(v)) values[k] = v;
  return { ...r, values };
}

export function runToFile(run: StoredRun, metrics: readonly MetricsRecord[]): RunFile {
  return {
    format: RUN_FILE_FORMAT,
    version: 1,
    run: {
      name: run.name,
      status: run.status,
      createdAt: run.createdAt,
      iteration: run.iteration,
      wallMs: run.wallMs,
      color: run.color,
      ...(run.compactedThrough ? { compactedThrough: run.compactedThrough } : {}),
      ...(run.source ? { source: run.source } : {}),
    },
    config: run.config,
    metrics: metrics.map(finiteOnly),
  };
}

export function runFileJson(run: StoredRun, metrics: readonly MetricsRecord[]): string {
  return JSON.stringify(runToFile(run, metrics), null, 1);
}

/** A text cell a spreadsheet would run as a formula: =, +, -, @, tab or carriage return first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell (a metric name from an imported file, the KL estimator): quoted when it holds a
 * quote, comma or line break, and, per OWASP's CSV-injection guidance, a cell that would start a
 * formula gets a leading ' and is quoted. Numbers never pass through here: -0.5 stays a number.
 */
export const csvCell = (s: string): string => {
  const formula = FORMULA_START.test(s);
  const text = formula ? `'${s}` : s;
  return formula || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function metricsCsv(metrics: readonly MetricsRecord[]): string {
  const seen = new Set<string>();
  for (const r of metrics) for (const k of Object.keys(r.values)) seen.add(k);
  const known = METRIC_KEYS.filter((k) => seen.has(k));
  const extra = [...seen].filter((k) => !(METRIC_KEYS as readonly string[]).includes(k)).sort();
  const keys = [...known, ...extra];
  const header = ['iteration', 'wall_s', 'kl_estimator', 'difficulty', ...keys];
  const lines = [header.map(csvCell).join(',')];
  for (const r of metrics) {
    const cells = [String(r.iteration), (r.wallMs / 1000).toFixed(3), csvCell(r.klEstimator), String(r.difficulty)];
    for (const k of keys) {
      const v = r.values[k];
      cells.push(v === undefined || !Number.isFinite(v) ? '' : String(v));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function safeFileName(name: string): string {
  return name.replace(/[^a-z0-9._-]+/gi, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run';
}
