/**
 * npm run bench [-- --only generate] [--backends cpu,wasm]
 * Measures, in one run per backend, generation tokens/s with the KV cache against full
 * recomputation, and with and without sharing the image+prompt prefix over the G samples.
 * Writes bench/results.json (one entry per env and backend) and bench/results.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_TASK_SETTINGS } from '../engine/config';
import { DEFAULT_MODEL_CONFIG, Policy, type SampleOptions } from '../engine/model';
import { TASKS } from '../engine/tasks';
import { instancesToTensors } from '../engine/train/batch';
import { trainSeed } from '../engine/train/seeds';
import { NODE_BACKENDS, initBackend, type NodeBackend } from './backend';
import { numArg, parseCli, runCli, UsageError } from './args';

const USAGE = 'usage: npm run bench -- [--only generate] [--backends cpu,wasm] [--prompts 8] [--group 8] [--repeats 3]';

const Args = z.object({
  only: z.enum(['generate', 'all']).default('all'),
  backends: z.string().default(NODE_BACKENDS.join(',')),
  prompts: numArg(z.number().int().min(1).max(64)).default(8),
  group: numArg(z.number().int().min(1).max(32)).default(8),
  repeats: numArg(z.number().int().min(1).max(20)).default(3),
});
const OPTIONS = { only: { type: 'string' }, backends: { type: 'string' }, prompts: { type: 'string' }, group: { type: 'string' }, repeats: { type: 'string' } } as const;

export const BenchEntrySchema = z.object({
  env: z.string(),
  backend: z.string(),
  measuredAt: z.string(),
  machine: z.string(),
  prompts: z.number(),
  groupSize: z.number(),
  newTokens: z.number(),
  tokensPerSec: z.object({ kvShared: z.number(), kvUnshared: z.number(), recompute: z.number() }),
  kvSpeedup: z.number(),
  prefixShareSpeedup: z.number(),
}).loose();
export type BenchEntry = z.infer<typeof BenchEntrySchema>;

/** Median wall time of `repeats` calls after one warm-up (shaders/kernels compiled, caches hot). */
async function timeSample(policy: Policy, images: tf.Tensor4D, prompts: tf.Tensor2D, opts: SampleOptions, repeats: number): Promise<number> {
  const run = async () => {
    const t0 = performance.now();
    const out = await policy.sample(images, prompts, opts); // resolves after the one readback: the work is done
    const ms = performance.now() - t0;
    tf.dispose([out.tokens, out.logp, out.mask]);
    return ms;
  };
  await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await run());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function benchGenerate(backend: NodeBackend, args: z.infer<typeof Args>): Promise<BenchEntry> {
  await initBackend(backend);
  const policy = Policy.create(DEFAULT_MODEL_CONFIG, 1);
  const task = TASKS['digit-sum'];
  const instances = Array.from({ length: args.prompts }, (_, k) =>
    task.generate({ seed: trainSeed(1, 0, k), split: 'id', difficulty: 1, imageSize: DEFAULT_TASK_SETTINGS.imageSize, jitter: DEFAULT_TASK_SETTINGS.jitter }),
  );
  const { images, prompts } = instancesToTensors(instances, policy.config.promptLen);
  const T = DEFAULT_MAX_NEW_TOKENS;
  const base: SampleOptions = { groupSize: args.group, temperature: 1, topK: 0, maxNewTokens: T, seed: 7 };
  const tokens = args.prompts * args.group * T;
  const kvShared = await timeSample(policy, images, prompts, { ...base, useKvCache: true, sharePrefix: true }, args.repeats);
  const kvUnshared = await timeSample(policy, images, prompts, { ...base, useKvCache: true, sharePrefix: false }, args.repeats);
  const recompute = await timeSample(policy, images, prompts, { ...base, useKvCache: false, sharePrefix: false }, Math.min(args.repeats, 2));
  tf.dispose([images, prompts]);
  policy.dispose();
  const perSec = (ms: number) => (tokens / ms) * 1000;
  const entry: BenchEntry = {
    env: 'node',
    backend,
    measuredAt: new Date().toISOString(),
    machine: machineLabel(),
    prompts: args.prompts,
    groupSize: args.group,
    newTokens: T,
    tokensPerSec: { kvShared: perSec(kvShared), kvUnshared: perSec(kvUnshared), recompute: perSec(recompute) },
    kvSpeedup: recompute / kvUnshared,
    prefixShareSpeedup: kvUnshared / kvShared,
  };
  process.stderr.write(`${backend}: kv ${entry.tokensPerSec.kvUnshared.toFixed(0)} tok/s, recompute ${entry.tokensPerSec.recompute.toFixed(0)} tok/s (x${entry.kvSpeedup.toFixed(2)}), prefix sharing x${entry.prefixShareSpeedup.toFixed(2)}\n`);
  return entry;
}

function machineLabel(): string {
  // Lazy import keeps node:os out of the type surface of the engine.
  const os = process.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  return os ? `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}` : `Node ${process.version}`;
}

export function generateTable(entries: BenchEntry[]): string {
  const head = '| env | backend | B x G | KV cache tok/s | KV, shared prefix tok/s | recompute tok/s | KV speedup (target >= 4x) | prefix-share speedup |';
  const sep = '|---|---|---|---|---|---|---|---|';
  const rows = entries.map((e) =>
    `| ${e.env} | ${e.backend} | ${e.prompts} x ${e.groupSize} | ${e.tokensPerSec.kvUnshared.toFixed(0)} | ${e.tokensPerSec.kvShared.toFixed(0)} | ${e.tokensPerSec.recompute.toFixed(0)} | ${e.kvSpeedup.toFixed(2)}x | ${e.prefixShareSpeedup.toFixed(2)}x |`,
  );
  return [head, sep, ...rows].join('\n');
}

async function readExisting(path: string): Promise<BenchEntry[]> {
  try {
    return z.array(BenchEntrySchema).parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return [];
  }
}

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), OPTIONS, Args);
  const backends = args.backends.split(',').map((b) => b.trim());
  for (const b of backends) if (!(NODE_BACKENDS as readonly string[]).includes(b)) throw new UsageError(`--backends: unknown backend "${b}" (expected ${NODE_BACKENDS.join(', ')})`);
  const fresh: BenchEntry[] = [];
  for (const b of backends as NodeBackend[]) fresh.push(await benchGenerate(b, args));
  await mkdir('bench', { recursive: true });
  const keep = (await readExisting('bench/results.json')).filter((e) => !fresh.some((f) => f.env === e.env && f.backend === e.backend));
  const all = [...keep, ...fresh];
  await writeFile('bench/results.json', `${JSON.stringify(all, null, 2)}\n`);
  const md = `## Generation: KV cache vs full recomputation (${DEFAULT_MAX_NEW_TOKENS} new tokens)\n\nMeasured on ${fresh[0]?.machine ?? 'this machine'}.\n\n${generateTable(all)}\n`;
  await writeFile('bench/results.md', md);
  process.stdout.write(md);
});
