import { z } from 'zod';
import { MAX_RUN_NAME_LENGTH, RunConfigSchema } from '../engine/config';
import { issueMessage, issuePath } from '../engine/issues';
import { forbiddenKeyPath } from '../engine/paths';
import { MetricsRecordSchema, type MetricsRecord } from '../engine/train/metrics';
import { ExternalSourceSchema } from './dbSchema';
import { isLive, RUN_STATUSES } from './lifecycle';

/**
 * A run file read back in: the schema (zod, on the way in) and its parser, which refuses a bad
 * file with one sentence saying which kind of problem and where. The worker runs it on an
 * imported file (worker/importFile.ts) step by step, so a 60,000-record file never blocks the
 * page; `parseRunFile` runs the same steps at once. Writing a run file is the page's
 * (app/lib/exportRun.ts).
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
     * Set on a run imported from another trainer's logs (worker/externalRun.ts): which format
     * and file it came from. Such a run is read-only: status 'done', no checkpoint, a
     * placeholder config (the trainer's own config is not in its logs).
     */
    source: ExternalSourceSchema.optional(),
  }),
  config: RunConfigSchema,
  metrics: z.array(MetricsRecordSchema),
});
export type RunFile = z.infer<typeof RunFileSchema>;

/** The file without its records' contents: the records are checked a chunk at a time (same schema, same messages). */
const EnvelopeSchema = RunFileSchema.extend({ metrics: z.array(z.unknown()) });
const RecordsSchema = z.array(MetricsRecordSchema);

/**
 * The largest run file read: 100,000 iterations of ~60 metrics is about 150 MB, but runs the
 * app writes are far smaller (metrics are compacted); anything larger is refused unread.
 */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;

/** Records checked per step: each step is a short task, and a cancel is heard between steps. */
export const RECORDS_PER_STEP = 2000;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

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

/** The text as JSON: a refusal says Not JSON, or Truncated file when the text stops early (File too large first). */
export function parseRunJson(text: string): unknown {
  checkRunFileSize(text.length);
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (text.trim().length > 0 && endsEarly(text, message)) throw new Error(`Truncated file: it ends before its JSON does (${message}).`, { cause: e });
    throw new Error(`Not JSON: ${message}`, { cause: e });
  }
}

/** What a file must be before its fields are read: an object, no prototype key anywhere, this format and version. */
function checkHead(json: unknown): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`Not a playground run file: it holds ${Array.isArray(json) ? 'an array' : shown(json)}, not an object.`);
  const forbidden = forbiddenKeyPath(json);
  if (forbidden) throw new Error(`Not a playground run file: it has the key "${forbidden.split('.').at(-1)}" at ${cut(forbidden)}, which is no field of a run file.`);
  const head = json as { format?: unknown; version?: unknown };
  if (head.format !== RUN_FILE_FORMAT) throw new Error(`Not a playground run file: its format is ${shown(head.format)}, expected "${RUN_FILE_FORMAT}".`);
  if (head.version !== 1) throw new Error(`Unsupported run file version ${shown(head.version)}: this app reads version 1.`);
}

/** A zod issue as the refusal a person reads. */
function refusal(issue: z.core.$ZodIssue): Error {
  const path = issuePath(issue);
  // The config is checked by the same schema (cross-field rules included) as the panel's.
  if (path === 'config' || path.startsWith('config.')) return new Error(`Invalid config at ${path}: ${issueMessage(issue)} This app cannot build that model or run.`);
  return new Error(`Not a playground run file${path ? ` at ${path}` : ''}: ${issueMessage(issue)}`);
}

/** Check `raw` records a step at a time (yielding the fraction checked); the first bad one throws, at its place in the file. */
function* checkRecords(raw: readonly unknown[], perStep: number): Generator<number, MetricsRecord[], void> {
  const records: MetricsRecord[] = [];
  for (let start = 0; start < raw.length; start += perStep) {
    const part = RecordsSchema.safeParse(raw.slice(start, start + perStep));
    if (!part.success) {
      const issue = part.error.issues[0]!;
      throw refusal({ ...issue, path: ['metrics', start + Number(issue.path[0]), ...issue.path.slice(1)] });
    }
    for (const r of part.data) records.push(r);
    yield Math.min(1, (start + perStep) / raw.length);
  }
  return records;
}

/**
 * Parsed JSON as a run file, checked step by step: yields the fraction of its records checked so
 * far and returns the file. A refusal is an Error whose message starts with what kind of problem
 * it is (Not a playground run file, Unsupported run file version, Invalid config, Inconsistent
 * metrics) and says where: the first problem a whole-file parse would name, at the same path.
 */
export function* validateRunFile(json: unknown, perStep = RECORDS_PER_STEP): Generator<number, RunFile, void> {
  checkHead(json);
  const envelope = EnvelopeSchema.safeParse(json);
  const first = envelope.success ? null : envelope.error.issues[0]!;
  // Zod names an unknown top-level key after every field's own problems, the records' included.
  if (first && first.path.length > 0) throw refusal(first);
  const metrics = yield* checkRecords((json as { metrics: unknown[] }).metrics, perStep);
  if (!envelope.success) throw refusal(first!);
  const file: RunFile = { ...envelope.data, metrics };
  checkMetricsOrder(file);
  // A run exported mid-flight has no trainer behind it any more.
  if (isLive(file.run.status)) file.run.status = 'stopped';
  return file;
}

/** Run a stepped check to its end at once. */
export function runSteps<T>(steps: Generator<number, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Parse a run file's text at once; throws an Error whose message starts with what kind of
 * problem it is (File too large, Not JSON, Truncated file, Not a playground run file,
 * Unsupported run file version, Invalid config, Inconsistent metrics) and says where.
 */
export function parseRunFile(text: string): RunFile {
  return runSteps(validateRunFile(parseRunJson(text)));
}
