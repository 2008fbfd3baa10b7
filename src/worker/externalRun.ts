import { applyPreset } from '../engine/presets';
import { FORMAT_TITLES, checkExternalSize, detectExternalFormat, parseExternalRun, type ExternalRun } from '../engine/export/external';
import { RUN_FILE_FORMAT, type RunFile } from './runFile';

/**
 * Runs from real trainers (TRL, veRL/EasyR1, W&B CSV; parsers in src/engine/export/external.ts)
 * as the app's own run file, so the usual import stores them: read-only (status 'done', marked
 * with `run.source`), with a placeholder config (GRPO's; the logs do not carry the trainer's),
 * its iteration budget set to the last step.
 */
export function externalRunToRunFile(ext: ExternalRun, fileName: string, createdAt = Date.now()): RunFile {
  const last = ext.records.at(-1)!;
  const config = applyPreset('grpo', { run: { iterations: Math.max(1, Math.min(100_000, last.iteration)) } });
  return {
    format: RUN_FILE_FORMAT,
    version: 1,
    run: {
      name: ext.name,
      status: 'done',
      createdAt,
      iteration: last.iteration,
      wallMs: last.wallMs,
      source: { format: ext.format, file: fileName.slice(0, 200) },
    },
    config,
    metrics: ext.records,
  };
}

export type ImportText = { text: string; note?: string } | { error: string };

/**
 * An import's one step before the run file parser (worker/importFile.ts): a TRL / veRL / W&B file
 * becomes a playground run file (JSON text); anything else passes through unchanged (the run
 * file parser then accepts it or says why not). `bytes` is the file's size, checked before parsing.
 */
export function importText(text: string, fileName: string, bytes = text.length): ImportText {
  const format = detectExternalFormat(text, fileName);
  if (format === null) return { text };
  try {
    checkExternalSize(bytes);
    const ext = parseExternalRun(text, fileName, format, bytes);
    const kept = ext.mapping.filter((r) => r.status === 'kept').length;
    return {
      text: JSON.stringify(externalRunToRunFile(ext, fileName)),
      note: `${FORMAT_TITLES[format]}: ${ext.mapping.length - kept} metrics mapped onto the playground's, ${kept} kept under their own names (chart "Imported, no counterpart").`,
    };
  } catch (e) {
    return { error: `${FORMAT_TITLES[format]}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
