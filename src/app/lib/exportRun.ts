import { z } from 'zod';
import { MAX_RUN_NAME_LENGTH, RunConfigSchema } from '../../engine/config';
import { issueMessage, issuePath } from '../../engine/issues';
import { forbiddenKeyPath } from '../../engine/paths';
import { METRIC_KEYS, MetricsRecordSchema, type MetricsRecord } from '../../engine/train/metrics';
import { ExternalSourceSchema, RUN_STATUSES, isLive, type StoredRun } from '../../worker/client';
import { mb } from './format';

/**
 * A run as a file: JSON (config + metrics, validated with zod on the way back in) and the
 * metrics as CSV for a spreadsheet or pandas.
 */

export const RUN_FILE_FORMAT = 'rft-playground/run';

/** Strict where an unknown key means a bad file (this app writes exactly these keys); the config is RunConfigSchema, as everywhere. */
export const RunFileSchema = z.strictObject({
  format: z.literal(RUN_FILE_FORMAT),
  version: z.literal(1),
  run: z.strictObject({
    name: z.string().max(MAX_RUN_NAME_LENGTH),
    status: z.enum(RUN_STATUSES),
    createdAt: z.number(),
    iteration: z.number().int().min(0),
    wallMs: z.number().min(0),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(),
    /** Metrics at or before this iteration were thinned on purpose (compaction): gaps there are not losses. */
    compactedThrough: z.number().int().min(0).optional(),
    /**
     * Set on a run imported from another trainer's logs (src/app/lib/externalRun.ts): which
     * format and file it came from. Such a run is read-only: status 'done', no checkpoint, a
     * placeholder config (the trainer's own config is not in its logs).
     */
    source: ExternalSourceSchema.optional(),
  }),
  config: RunConfigSchema,
  metrics: z.array(MetricsRecordSchema),
});
export type RunFile = z.infer<typeof RunFileSchema>;

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

/**
 * The largest run file read: 100,000 iterations of ~60 metrics is about 150 MB, but runs the
 * app writes are far smaller (metrics are compacted); anything larger is refused unread.
 */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;

/** Refuse a file by its size before parsing it (the import button checks the file's size before reading it, too). */
export function checkRunFileSize(bytes: number): void {
  if (bytes > MAX_RUN_FILE_BYTES) throw new Error(`File too large: ${mb(bytes)} (at most ${mb(MAX_RUN_FILE_BYTES)}).`);
}

/** A value from the file, short, for a message (it is shown as text, never as HTML). */
const shown = (v: unknown): string => {
  const s = v === undefined ? 'missing' : (JSON.stringify(v) ?? typeof v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

const cut = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** JSON.parse failed because the text stops before the JSON does (a cut-off download or copy). */
function endsEarly(text: string, message: string): boolean {
  if (/end of JSON input|Unterminated/i.test(message)) return true;
  const at = /position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= text.trimEnd().length;
}

/** Records must run strictly upward and stop at the run's iteration: IndexedDB keys them by iteration, so a repeat would silently replace one. */
function checkMetricsOrder(file: RunFile): void {
  let prev = 0;
  for (const r of file.metrics) {
    if (r.iteration <= prev) throw new Error(`Inconsistent metrics: iteration ${r.iteration} comes after iteration ${prev} (records must go strictly upward).`);
    prev = r.iteration;
  }
  if (prev > file.run.iteration) throw new Error(`Inconsistent metrics: they go on to iteration ${prev}, past the run's iteration ${file.run.iteration}.`);
}

/**
 * Parse an imported file; throws an Error whose message starts with what kind of problem it is
 * (File too large, Not JSON, Truncated file, Not a playground run file, Unsupported run file
 * version, Invalid config, Inconsistent metrics) and says where.
 */
export function parseRunFile(text: string): RunFile {
  checkRunFileSize(text.length);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (text.trim().length > 0 && endsEarly(text, message)) throw new Error(`Truncated file: it ends before its JSON does (${message}).`, { cause: e });
    throw new Error(`Not JSON: ${message}`, { cause: e });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`Not a playground run file: it holds ${Array.isArray(json) ? 'an array' : shown(json)}, not an object.`);
  const forbidden = forbiddenKeyPath(json);
  if (forbidden) throw new Error(`Not a playground run file: it has the key "${forbidden.split('.').at(-1)}" at ${cut(forbidden)}, which is no field of a run file.`);
  const head = json as { format?: unknown; version?: unknown };
  if (head.format !== RUN_FILE_FORMAT) throw new Error(`Not a playground run file: its format is ${shown(head.format)}, expected "${RUN_FILE_FORMAT}".`);
  if (head.version !== 1) throw new Error(`Unsupported run file version ${shown(head.version)}: this app reads version 1.`);
  const parsed = RunFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issuePath(issue);
    // The config is checked by the same schema (cross-field rules included) as the panel's.
    if (path === 'config' || path.startsWith('config.')) throw new Error(`Invalid config at ${path}: ${issueMessage(issue)} This app cannot build that model or run.`);
    throw new Error(`Not a playground run file${path ? ` at ${path}` : ''}: ${issueMessage(issue)}`);
  }
  const file = parsed.data;
  checkMetricsOrder(file);
  // A run exported mid-flight has no trainer behind it any more.
  if (isLive(file.run.status)) file.run.status = 'stopped';
  return file;
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
