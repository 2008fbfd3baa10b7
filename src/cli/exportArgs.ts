/**
 * `npm run export`'s flags: usage, schema, parser, and what to export (a config, and the
 * metrics when a run file is given). Imported by export.ts and tested in-process
 * (test/export-cli.test.ts).
 *
 *   --run runs/x.jsonl   the metrics `npm run train --out` writes (one MetricsRecord per line;
 *                        no config in it, so the config comes from --preset/--task/--set, as
 *                        for the train that wrote it), or a run file the app exported (.json,
 *                        format "rft-playground/run", config included: then those flags are refused)
 *   --out DIR|file.zip   a folder of files, or one ZIP archive
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RunConfigSchema, type RunConfig } from '../engine/config';
import { DEFAULT_BUNDLE_N, MAX_BUNDLE_N } from '../engine/export/bundle';
import { PRESET_IDS } from '../engine/presets';
import { TASK_IDS } from '../engine/tasks/types';
import { MetricsRecordSchema, type MetricsRecord } from '../engine/train/metrics';
import { numArg, parseCli, UsageError } from './args';
import { buildConfig } from './trainArgs';

export const USAGE = `usage: npm run export -- --out DIR|bundle.zip [--run runs/x.jsonl|run.json] [--n ${DEFAULT_BUNDLE_N}]
       [--preset ${PRESET_IDS.join('|')}] [--task ${TASK_IDS.join('|')}] [--iterations 200] [--seed 1]
       [--init sft|scratch] [--set section.knob=value ...] [--name "run name"] [--force]`;

/** The largest --run file read (the app's import limit, src/app/lib/exportRun.ts MAX_RUN_FILE_BYTES). */
export const MAX_RUN_BYTES = 64 * 1024 * 1024;
const RUN_FILE_FORMAT = 'rft-playground/run';

const Args = z.object({
  out: z.string({ message: 'required: a folder, or a file ending in .zip' }).min(1),
  run: z.string().min(1).optional(),
  n: numArg(z.number().int().min(1).max(MAX_BUNDLE_N)).default(DEFAULT_BUNDLE_N),
  preset: z.enum(PRESET_IDS, { message: `expected one of ${PRESET_IDS.join(', ')}` }).optional(),
  task: z.enum(TASK_IDS, { message: `expected one of ${TASK_IDS.join(', ')}` }).optional(),
  iterations: numArg(z.number().int().min(1).max(100_000)).optional(),
  seed: numArg(z.number().int().min(0).max(2 ** 31 - 1)).optional(),
  init: z.enum(['sft', 'scratch']).optional(),
  set: z.array(z.string()).default([]),
  name: z.string().min(1).max(200).optional(),
  force: z.boolean().default(false),
});
const OPTIONS = {
  out: { type: 'string' },
  run: { type: 'string' },
  n: { type: 'string' },
  preset: { type: 'string' },
  task: { type: 'string' },
  iterations: { type: 'string' },
  seed: { type: 'string' },
  init: { type: 'string' },
  set: { type: 'string', multiple: true },
  name: { type: 'string' },
  force: { type: 'boolean' },
} as const;
export type ExportArgs = z.infer<typeof Args>;

/** The validated flags; --out must be a .zip file or a folder that is empty or absent (or --force). */
export function parseExportArgs(argv: string[]): ExportArgs {
  const args = parseCli(argv, OPTIONS, Args);
  if (!args.out.endsWith('.zip') && existsSync(args.out) && !args.force) {
    if (!statSync(args.out).isDirectory()) throw new UsageError(`--out: ${args.out} is a file; give a folder or a name ending in .zip`);
    if (readdirSync(args.out).length > 0) throw new UsageError(`--out: ${args.out} is not empty (add --force to write into it)`);
  }
  return args;
}

export interface ExportPlan {
  config: RunConfig;
  metrics?: MetricsRecord[];
  name: string;
}

const CONFIG_FLAGS = ['preset', 'task', 'iterations', 'seed', 'init'] as const;

/** Read --run (if any) and build the config: a run file's own, or the flags' as `npm run train` builds it. */
export async function planExport(args: ExportArgs): Promise<ExportPlan> {
  const fromFlags = (): RunConfig => buildConfig({ preset: args.preset ?? 'grpo', task: args.task ?? 'digit-sum', iterations: args.iterations, seed: args.seed, init: args.init, set: args.set, backend: 'wasm', 'eval-n': 256, quiet: true });
  if (!args.run) {
    const config = fromFlags();
    return { config, name: args.name ?? `${config.preset} on ${config.task.task}` };
  }
  let size: number;
  try {
    size = statSync(args.run).size;
  } catch {
    throw new UsageError(`--run: cannot read ${args.run}`);
  }
  if (size > MAX_RUN_BYTES) throw new UsageError(`--run: ${args.run} is ${(size / 2 ** 20).toFixed(1)} MB, over the ${MAX_RUN_BYTES / 2 ** 20} MB limit`);
  const text = await readFile(args.run, 'utf8');
  // An app run file: one JSON object with a "format" (a train jsonl line has none).
  let whole: unknown = undefined;
  if (text.trimStart().startsWith('{')) {
    try {
      whole = JSON.parse(text);
    } catch {
      // several lines, or cut off: read line by line below
    }
  }
  if (typeof whole === 'object' && whole !== null && 'format' in whole) {
    const json = whole as { format?: unknown; config?: unknown; metrics?: unknown; run?: { name?: unknown } };
    if (json.format !== RUN_FILE_FORMAT) throw new UsageError(`--run: ${args.run} is not a playground run file (format ${JSON.stringify(json.format)})`);
    const given = CONFIG_FLAGS.filter((f) => args[f] !== undefined).map((f) => `--${f}`);
    if (args.set.length) given.push('--set');
    if (given.length) throw new UsageError(`${given[0]}: ${args.run} carries its own config; drop ${given.join(', ')}`);
    const config = RunConfigSchema.safeParse(json.config);
    if (!config.success) throw new UsageError(`--run: ${args.run} has an invalid config at ${config.error.issues[0]!.path.join('.')}: ${config.error.issues[0]!.message}`);
    const metrics = z.array(MetricsRecordSchema).safeParse(json.metrics ?? []);
    if (!metrics.success) throw new UsageError(`--run: ${args.run} has invalid metrics at ${metrics.error.issues[0]!.path.join('.')}`);
    return { config: config.data, metrics: metrics.data, name: args.name ?? (typeof json.run?.name === 'string' ? json.run.name : 'run') };
  }
  // `npm run train --out` metrics: one record per line.
  const metrics: MetricsRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new UsageError(`--run: line ${i + 1} of ${args.run} is not JSON${i === lines.length - 1 ? ' (the file looks cut off)' : ''}`);
    }
    const parsed = MetricsRecordSchema.safeParse(rec);
    if (!parsed.success) throw new UsageError(`--run: line ${i + 1} of ${args.run} is not a metrics record (${parsed.error.issues[0]!.path.join('.') || 'record'}: ${parsed.error.issues[0]!.message})`);
    metrics.push(parsed.data);
  }
  if (metrics.length === 0) throw new UsageError(`--run: ${args.run} holds no metrics records`);
  const config = fromFlags();
  return { config, metrics, name: args.name ?? args.run.replace(/^.*\//, '').replace(/\.jsonl?$/, '') };
}
