/**
 * `npm run train`'s flags: usage, schema, parser, and the run config they build (the preset,
 * then every --set). Imported by train.ts and tested in-process.
 */
import { z } from 'zod';
import { DEFAULT_RUN_CONFIG, RunConfigSchema, type RunConfig } from '../engine/config';
import { issueMessage } from '../engine/issues';
import { hasPath, setPath, type Json } from '../engine/paths';
import { PRESET_IDS, applyPreset } from '../engine/presets';
import { TASK_IDS } from '../engine/tasks/types';
import { numArg, parseCli, UsageError } from './args';
import { NODE_BACKENDS } from './backend';

export const USAGE = `usage: npm run train -- [--preset ${PRESET_IDS.join('|')}] [--task ${TASK_IDS.join('|')}]
       [--iterations 200] [--seed 1] [--init sft|scratch] [--backend wasm|cpu] [--out runs/run.jsonl]
       [--set section.knob=value ...] (any RunConfig field, e.g. --set objective.beta=0.02 --set sampling.groupSize=4)
       [--warm-start public/checkpoints/<task>] [--save DIR] [--eval-n 256] [--quiet]`;

const Args = z.object({
  preset: z.enum(PRESET_IDS, { message: `expected one of ${PRESET_IDS.join(', ')}` }).default('grpo'),
  task: z.enum(TASK_IDS, { message: `expected one of ${TASK_IDS.join(', ')}` }).default('digit-sum'),
  iterations: numArg(z.number().int().min(1).max(100_000)).optional(),
  seed: numArg(z.number().int().min(0).max(2 ** 31 - 1)).optional(),
  init: z.enum(['sft', 'scratch']).optional(),
  backend: z.enum(NODE_BACKENDS).default('wasm'),
  out: z.string().min(1).optional(),
  set: z.array(z.string()).default([]),
  'warm-start': z.string().min(1).optional(),
  save: z.string().min(1).optional(),
  'eval-n': numArg(z.number().int().min(1).max(4096)).default(256),
  quiet: z.boolean().default(false),
});
const OPTIONS = {
  preset: { type: 'string' },
  task: { type: 'string' },
  iterations: { type: 'string' },
  seed: { type: 'string' },
  init: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  set: { type: 'string', multiple: true },
  'warm-start': { type: 'string' },
  save: { type: 'string' },
  'eval-n': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;
export type TrainArgs = z.infer<typeof Args>;

/** `a.b=value`: value as JSON when it parses (numbers, booleans), else as a string. */
export function parseSet(item: string): { path: string; value: unknown } {
  const eq = item.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set: expected section.knob=value, got "${item}"`);
  const path = item.slice(0, eq).trim();
  const raw = item.slice(eq + 1).trim();
  // The path must name a field of RunConfig (own fields: not "__proto__"): zod would silently drop an unknown one.
  if (!hasPath(DEFAULT_RUN_CONFIG, path)) throw new UsageError(`--set: unknown config field "${path}"`);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a bare word such as reward or k3
  }
  return { path, value };
}

/** The run config: the preset over the CLI's task / run fields, then every --set. */
export function buildConfig(args: TrainArgs): RunConfig {
  const run: Json = {};
  if (args.iterations !== undefined) run.iterations = args.iterations;
  if (args.seed !== undefined) run.seed = args.seed;
  if (args.init !== undefined) run.init = args.init;
  const base = JSON.parse(JSON.stringify(applyPreset(args.preset, { task: { task: args.task }, run }))) as Json;
  for (const item of args.set) {
    const { path, value } = parseSet(item);
    setPath(base, path, value);
  }
  const parsed = RunConfigSchema.safeParse(base);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--set ${issue.path.join('.')}: ${issueMessage(issue)}`);
  }
  return parsed.data;
}

/** The validated flags of `npm run train`; throws UsageError on a bad one. */
export function parseTrainArgs(argv: string[]): TrainArgs {
  return parseCli(argv, OPTIONS, Args);
}

/** A failed warm-start load's message, with what to do when the checkpoint is missing. */
export function warmStartError(e: unknown, init: RunConfig['run']['init']): Error {
  const msg = e instanceof Error ? e.message : String(e);
  return new Error(init === 'sft' && /model\.json not found/.test(msg) ? `${msg} Run \`npm run pretrain\` first, or pass --init scratch.` : msg);
}
