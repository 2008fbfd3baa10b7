/**
 * npm run train -- --preset grpo --task digit-sum --iterations 150 --seed 1 --init sft
 *                  --backend wasm --out runs/grpo.jsonl [--set objective.beta=0.02 ...]
 *
 * Runs one RL fine-tuning run headless: a progress bar on stderr, one JSON line per iteration
 * (a MetricsRecord) in --out, and a summary on stdout: held-out accuracy before -> after on
 * ID and OOD prompts, wall time and seconds per iteration.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RUN_CONFIG, RunConfigSchema, type RunConfig } from '../engine/config';
import { hasPath, setPath, type Json } from '../engine/paths';
import { PRESET_IDS, applyPreset } from '../engine/presets';
import { TASK_IDS } from '../engine/tasks/types';
import type { EvalResult } from '../engine/train/evaluate';
import { createTrainer } from '../engine/train/trainer';
import { numArg, parseCli, runCli, UsageError } from './args';
import { NODE_BACKENDS, initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { Progress } from './progress';

const USAGE = `usage: npm run train -- [--preset ${PRESET_IDS.join('|')}] [--task ${TASK_IDS.join('|')}]
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

/** `a.b=value`: value as JSON when it parses (numbers, booleans), else as a string. */
function parseSet(item: string): { path: string; value: unknown } {
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
function buildConfig(args: z.infer<typeof Args>): RunConfig {
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
    throw new UsageError(`--set ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

function summary(config: RunConfig, backend: string, before: { id: EvalResult; ood: EvalResult }, after: { id: EvalResult; ood: EvalResult }, seconds: number, iterations: number, out?: string): string {
  const row = (name: string, b: EvalResult, a: EvalResult) =>
    `  ${name.padEnd(4)} (n=${a.n})  ${pct(b.accuracy).padStart(6)} -> ${pct(a.accuracy).padStart(6)}  (${signed(a.accuracy - b.accuracy)} points; format ${pct(a.formatRate)})`;
  return [
    `${config.preset} on ${config.task.task}, seed ${config.run.seed}, ${iterations} iterations from ${config.run.init === 'sft' ? 'the SFT warm start' : 'scratch'} (${backend})`,
    'held-out accuracy (greedy)  before -> after',
    row('ID', before.id, after.id),
    row('OOD', before.ood, after.ood),
    `wall time ${seconds.toFixed(1)} s, ${(seconds / Math.max(iterations, 1)).toFixed(2)} s/iteration`,
    ...(out ? [`metrics: ${out} (one JSON line per iteration)`] : []),
  ].join('\n');
}

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), OPTIONS, Args);
  const config = buildConfig(args);
  const backend = await initBackend(args.backend); // also registers tfjs's gradients

  const warmStart = args['warm-start'];
  const trainer = await createTrainer(config, {
    loadWarmStart: (task) => fileHandler(warmStart ?? `public/checkpoints/${task}`),
    onNote: (note) => {
      if (!args.quiet) process.stderr.write(`\n${note}\n`);
    },
  }).catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(config.run.init === 'sft' && /model\.json not found/.test(msg) ? `${msg} Run \`npm run pretrain\` first, or pass --init scratch.` : msg);
  });
  const out = args.out ? await (async () => {
    await mkdir(dirname(args.out!), { recursive: true });
    return open(args.out!, 'w');
  })() : null;
  try {
    const before = await trainer.evaluate(args['eval-n']);
    const progress = new Progress(`${config.preset} ${config.task.task}`, config.run.iterations, args.quiet);
    const t0 = performance.now();
    let steps = 0;
    while (!trainer.done) {
      const m = await trainer.step();
      steps++;
      await out?.write(`${JSON.stringify(m)}\n`);
      const v = m.values;
      const evalNote = v['acc/eval_id'] !== undefined ? ` eval ${pct(v['acc/eval_id'])}` : '';
      progress.update(m.iteration, `reward ${(v['reward/mean'] ?? 0).toFixed(2)} acc ${pct(v['acc/train'] ?? 0)}${evalNote}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    progress.done();
    const after = await trainer.evaluate(args['eval-n']);
    if (args.save) await trainer.saveCheckpoint(fileHandler(args.save));
    process.stdout.write(`${summary(config, backend, before, after, seconds, steps, args.out)}\n`);
  } finally {
    await out?.close();
    trainer.dispose();
  }
});
