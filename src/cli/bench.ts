/**
 * npm run bench [-- --only all|node|browser|generate] [--backends wasm,cpu,webgl,webgpu] ...
 *
 * The performance harness. Per environment (Node; headless Chromium through Playwright) and
 * backend, in one run: generation tokens/s (KV cache vs recomputation, shared prefix or not),
 * one iteration of the default preset split into its phases, kernel dispatches and readbacks
 * per iteration, FLOPs per iteration, the backend's matmul throughput and dispatch floor,
 * the efficiency those imply, memory growth over a long run, and, in the browser, the app's
 * frame rate and longest main-thread task while its default run trains.
 * Writes bench/results.json (one entry per env and backend) and bench/results.md.
 * `--only generate` is the generation benchmark alone, in Node (as before).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { runEngineBench, type EngineBenchOptions } from '../bench/engineBench';
import { resultsMarkdown } from '../bench/report';
import { TIME_TO_LEARN_DEFAULTS, timeToLearn } from '../bench/timeToLearn';
import { BenchEntrySchema, type BenchEntry } from '../bench/schema';
import { initBackend, type NodeBackend } from './backend';
import { runCli, writableDir } from './args';
import { USAGE, learnSettings, parseBenchArgs, pickBackends, type BenchArgs } from './benchArgs';
import { fileHandler } from './fileHandler';

export function machineLabel(): string {
  const list = cpus();
  return `${list.length} x ${list[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`;
}

/** The options every engine run shares; the browser adds its own per backend. */
export function engineOptions(args: BenchArgs): Omit<EngineBenchOptions, 'env' | 'backend' | 'adapter' | 'softwareAdapter' | 'machine' | 'log' | 'notes'> {
  return {
    // Warm-ups compile shaders on GPU backends; in Node the kernels are ready, but the first
    // call still pays for JIT and allocation, so keep one (profile.ts drops it on cpu, whose
    // plain-JS kernels are too slow to run twice).
    warmup: true,
    only: args.only === 'generate' ? 'generate' : 'all',
    prompts: args.prompts,
    group: args.group,
    repeats: args.repeats,
    // The slow baseline: at most 2 timed calls (on the cpu backend one call takes tens of seconds).
    recomputeRepeats: Math.min(args.repeats, 2),
    iterations: args.iterations,
    growth: args.growth > 0 ? { config: args['growth-config'], at: args['growth-at'], until: args.growth } : null,
    limitsBudgetMs: args['limits-ms'],
    profile: args.profile,
  };
}

async function nodeAdapter(backend: NodeBackend): Promise<string> {
  if (backend === 'cpu') return 'JavaScript (plain CPU kernels)';
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `WebAssembly${simd ? ' SIMD' : ''}`;
}

const started = performance.now();
/** Progress on stderr, with the seconds since the bench started (what the 10-minute budget is about). */
const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

async function benchNode(backend: NodeBackend, args: BenchArgs): Promise<BenchEntry> {
  await initBackend(backend);
  const deps = { loadWarmStart: (task: string) => fileHandler(`public/checkpoints/${task}`) };
  const entry = await runEngineBench(
    {
      ...engineOptions(args),
      env: 'node',
      backend,
      adapter: await nodeAdapter(backend),
      softwareAdapter: false,
      machine: machineLabel(),
      notes: [],
      log,
    },
    deps,
  );
  if (backend === 'wasm') entry.threads = 1; // tfjs-backend-wasm has no threads in Node
  // Time to learn on wasm only: the plain-JS cpu backend would take hours.
  if (backend === 'wasm' && args['learn-seeds'].length > 0 && args.only !== 'generate') {
    log(`node/${backend}: time to learn (${args['learn-preset']}), seeds ${args['learn-seeds'].join(', ')}`);
    Object.assign(entry, await timeToLearn({ ...TIME_TO_LEARN_DEFAULTS, preset: args['learn-preset'], settings: learnSettings(args), seeds: args['learn-seeds'], log }, deps));
  }
  return entry;
}

async function readExisting(path: string): Promise<BenchEntry[]> {
  try {
    return z.array(BenchEntrySchema).parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return [];
  }
}

runCli(USAGE, async () => {
  const args = parseBenchArgs(process.argv.slice(2));
  await writableDir(args.out, '--out'); // now, not after the runs
  learnSettings(args); // a bad --learn-set fails now, naming the field, not after the engine runs
  const { node, browser } = pickBackends(args);
  const fresh: BenchEntry[] = [];
  for (const b of node) fresh.push(await benchNode(b, args));
  if (browser.length > 0) {
    // Loaded only when needed: vite and Playwright are heavy and `--only node` needs neither.
    const { benchBrowser } = await import('./benchBrowser');
    const threads = args.threads ?? [...new Set([1, Math.min(cpus().length, 8)])];
    fresh.push(...(await benchBrowser(browser, { engine: engineOptions(args), fpsSeconds: args['fps-seconds'], port: args.port, machine: machineLabel(), wasmThreads: threads, learnSeeds: args['learn-seeds'], log })));
  }
  await mkdir(args.out, { recursive: true });
  const jsonPath = `${args.out}/results.json`;
  const same = (a: BenchEntry, b: BenchEntry) => a.env === b.env && a.backend === b.backend && (a.threads ?? 1) === (b.threads ?? 1);
  const keep = (await readExisting(jsonPath)).filter((e) => !fresh.some((f) => same(f, e)));
  const order = (e: BenchEntry) => `${e.env === 'node' ? 0 : 1}-${e.backend}-${String(e.threads ?? 1).padStart(2, '0')}`;
  const all = [...keep, ...fresh].sort((a, b) => order(a).localeCompare(order(b)));
  await writeFile(jsonPath, `${JSON.stringify(all, null, 2)}\n`);
  const md = resultsMarkdown(all);
  await writeFile(`${args.out}/results.md`, md);
  process.stdout.write(md);
  log('done');
});
