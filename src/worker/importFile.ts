import type { MetricsRecord } from '../engine/train/metrics';
import { thinForImport } from './compaction';
import type { StoredRun } from './dbSchema';
import { importText } from './externalRun';
import type { ImportPhase, ImportProgress, ImportRequest, ImportResult } from './importProtocol';
import type { WriteResult } from './protocol';
import { checkRunFileSize, parseRunJson, validateRunFile, type RunFile } from './runFile';

/**
 * "Import run", in the worker: read the file the page handed over, turn another trainer's logs
 * into a run file (worker/externalRun.ts), parse and check it (worker/runFile.ts, a chunk of
 * records at a time), thin it as compaction would (worker/compaction.ts) and store it in one
 * transaction. Progress goes to the page as (phase, fraction); between steps the worker lets
 * other messages in, so a cancel is heard and training goes on. A refusal or a cancel leaves
 * storage as it was: nothing is written before the last phase, which writes all or nothing.
 */

export interface ImportDeps {
  /** Store the run and its records in one transaction (worker/records.ts: behind training's own writes). */
  store(run: StoredRun, metrics: MetricsRecord[]): Promise<WriteResult>;
  onProgress?: (progress: ImportProgress) => void;
  /** Whether the page has asked to cancel this import. */
  cancelled(): boolean;
  /** Let other messages in (a cancel, a training step) between steps; a macrotask by default. */
  pause?: () => Promise<void>;
}

/** The file's fault: `message` is the whole sentence after "Import failed: ". */
class Refused extends Error {}
class Cancelled extends Error {}

/** Within a phase, at most one progress message per this many ms (each is a message the page draws). */
const PROGRESS_MS = 50;

type Report = (phase: ImportPhase, fraction: number) => void;

/** Progress as the page hears it: each phase's start and end always, in between at most every PROGRESS_MS. */
function reporter(onProgress: ImportDeps['onProgress']): Report {
  let last: { phase: ImportPhase | null; at: number } = { phase: null, at: 0 };
  return (phase, fraction) => {
    const now = Date.now();
    if (phase === last.phase && fraction > 0 && fraction < 1 && now - last.at < PROGRESS_MS) return;
    last = { phase, at: now };
    onProgress?.({ phase, fraction: Math.min(1, Math.max(0, fraction)) });
  };
}

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The file's text (UTF-8, as Blob.text() reads it), a chunk at a time. */
async function readText(file: Blob, report: Report, stop: () => void): Promise<string> {
  report('reading', 0);
  const decoder = new TextDecoder();
  const parts: string[] = [];
  const reader = file.stream().getReader();
  let read = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    read += chunk.value.byteLength;
    parts.push(decoder.decode(chunk.value, { stream: true }));
    report('reading', file.size > 0 ? read / file.size : 1);
    try {
      stop();
    } catch (e) {
      await reader.cancel();
      throw e;
    }
  }
  parts.push(decoder.decode());
  report('reading', 1);
  return parts.join('');
}

/** Another trainer's logs as a run file's text (with a note on its metric names); the app's own files pass through. */
function asRunFileText(text: string, fileName: string, bytes: number): { text: string; note?: string } {
  const r = importText(text, fileName, bytes);
  if ('error' in r) throw new Refused(`${r.error} Nothing was changed.`);
  return r;
}

/** Parse and check, a step at a time, pausing between steps; a refusal is the parser's sentence. */
async function parseAndCheck(text: string, report: Report, between: () => Promise<void>): Promise<RunFile> {
  report('parsing', 0);
  let steps: Generator<number, RunFile, void>;
  try {
    steps = validateRunFile(parseRunJson(text));
  } catch (e) {
    throw new Refused(e instanceof Error ? e.message : String(e));
  }
  report('parsing', 1);
  // JSON.parse is one call (about 2 s for 64 MB on a busy machine, in this worker: the page keeps
  // drawing); a cancel sent meanwhile is heard here, before the records are walked.
  await between();
  report('validating', 0);
  for (;;) {
    let step: IteratorResult<number, RunFile>;
    try {
      step = steps.next();
    } catch (e) {
      throw new Refused(e instanceof Error ? e.message : String(e));
    }
    if (step.done) return step.value;
    report('validating', step.value);
    await between();
  }
}

/** The run's record as stored: the file's fields, this import's id, a colour no other run shows. */
function storedRun(request: ImportRequest, file: RunFile): StoredRun {
  const own = file.run.color;
  return {
    id: request.id,
    name: file.run.name,
    config: file.config,
    status: file.run.status,
    color: own && !request.usedColors.includes(own) ? own : request.color,
    visible: true,
    createdAt: Date.now(),
    iteration: file.run.iteration,
    wallMs: file.run.wallMs,
    ...(file.run.compactedThrough ? { compactedThrough: file.run.compactedThrough } : {}),
    ...(file.run.source ? { source: file.run.source } : {}),
  };
}

/** Read, parse, check, thin; then store (or refuse, or stop for a cancel). */
async function importSteps(request: ImportRequest, deps: ImportDeps, report: Report): Promise<ImportResult> {
  const stop = () => {
    if (deps.cancelled()) throw new Cancelled('cancelled');
  };
  const between = async () => {
    await (deps.pause ?? macrotask)();
    stop();
  };
  try {
    checkRunFileSize(request.file.size);
  } catch (e) {
    throw new Refused(e instanceof Error ? e.message : String(e));
  }
  const raw = await readText(request.file, report, stop);
  const { text, note } = asRunFileText(raw, request.fileName, request.file.size);
  const file = await parseAndCheck(text, report, between);
  report('thinning', 0);
  // Thinned as a long run is (evaluations and the first record kept), before anything is stored or drawn.
  const thinned = thinForImport(file.metrics, file.run.compactedThrough);
  const run = storedRun(request, { ...file, run: { ...file.run, ...(thinned.through ? { compactedThrough: thinned.through } : {}) } });
  report('thinning', 1);
  await between();
  report('storing', 0);
  const written = await deps.store(run, thinned.metrics);
  if (!written.ok) return { ok: false, reason: 'storage', full: written.full, what: written.what, message: written.message };
  report('storing', 1);
  return { ok: true, id: run.id, name: run.name, records: thinned.metrics.length, ...(note ? { note } : {}) };
}

/** Import one file; never throws for a bad file or a cancel (the result says which). */
export async function importFromFile(request: ImportRequest, deps: ImportDeps): Promise<ImportResult> {
  const what = `the imported file "${request.fileName}"`;
  try {
    return await importSteps(request, deps, reporter(deps.onProgress));
  } catch (e) {
    if (e instanceof Cancelled) return { ok: false, reason: 'cancelled', full: false, what, message: 'The import was cancelled; nothing was changed.' };
    if (e instanceof Refused) return { ok: false, reason: 'refused', full: false, what, message: e.message };
    throw e;
  }
}
