/**
 * npm run torch-ratio [-- --pairs 3 --iterations 7 --warmup 2 --threads 1,2 --system-blas --keep-batches 5]
 *
 * Issue #20's ratio: the default-preset iteration on Node's wasm backend (one thread) against
 * the PyTorch eager port (bench/torch/bench.py) at the same thread count, phase by phase. Runs
 * Node, then torch at each thread count, back to back, `pairs` times, so drift on a shared
 * machine lands on both sides of each pair; prints each pair's node/torch ratios, then their
 * median and range. Torch runs on the OpenBLAS that bench/torch/openblas.sh unpacks (Debian's
 * torch otherwise gets the reference BLAS); --system-blas runs it on whatever libblas.so.3 is.
 * --keep-batches 0 drops, on both sides, what the trainer keeps for Inspect (one more pass).
 *
 * Each side also times its own matmul at the bench's two shapes right after its iterations, and
 * the script gives both sides' efficiency as the bench defines it (./torchEfficiency.ts): the
 * same FLOP count over each side's own rate, so the engine's efficiency can be read beside
 * PyTorch eager's on the same machine. Writes everything measured to bench/torch/out/ratio.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { z } from 'zod';
import { iterationShape } from '../bench/engineBench';
import { modelMatmulShapes } from '../bench/limits';
import { applyPreset } from '../engine/presets';
import { numArg, parseCli, runCli } from './args';
import { median, medianEfficiency, type MatmulRates } from './torchEfficiency';

const USAGE = 'usage: npm run torch-ratio [-- --pairs N --iterations N --warmup N --threads 1,2 --system-blas --keep-batches N]';
const count = (max: number) => numArg(z.number().int().min(1).max(max));
const ArgsSchema = z.object({
  pairs: count(50).default(3),
  iterations: count(100).default(7),
  warmup: numArg(z.number().int().min(0).max(20)).default(2),
  threads: z
    .string()
    .default('1,2')
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(count(64)).min(1)),
  'system-blas': z.boolean().default(false),
  'keep-batches': numArg(z.number().int().min(0).max(100)).default(5),
});

const PHASES = ['generation', 'logprob', 'update'] as const;
type Column = (typeof PHASES)[number] | 'iteration';
const COLUMNS: readonly Column[] = [...PHASES, 'iteration'];
const Iteration = z.object({ generation: z.number(), reward: z.number(), logprob: z.number(), update: z.number(), passLength: z.number() });
const NodeTiming = z.object({
  env: z.string(),
  iterations: z.array(Iteration).min(1),
  limits: z.object({ train: z.object({ gflops: z.number() }), decode: z.object({ gflops: z.number() }) }),
});
const TorchTiming = z.object({
  env: z.string(),
  iterations: z.array(Iteration).min(1),
  blas: z.object({ kind: z.string() }).optional(),
  limits: z.array(z.object({ rows: z.number(), inner: z.number(), cols: z.number(), gflops: z.number() })).length(2), // the shapes in the order asked: train, decode
});
type Limit = z.infer<typeof TorchTiming>['limits'][number];
type Timed = { iterations: z.infer<typeof Iteration>[] };
type Medians = Record<Column, number>;

const OUT = 'bench/torch/out';
const FIXTURE = `${OUT}/reference.json`;

/** Per-phase medians over the iterations, plus `iteration`: the median of the three phases' per-iteration sum. */
const medians = (t: Timed): Medians => ({
  generation: median(t.iterations.map((it) => it.generation)),
  logprob: median(t.iterations.map((it) => it.logprob)),
  update: median(t.iterations.map((it) => it.update)),
  iteration: median(t.iterations.map((it) => PHASES.reduce((s, p) => s + it[p], 0))),
});
const run = (cmd: string, args: string[], env: Record<string, string> = {}): string =>
  execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
const lastJsonLine = (text: string): unknown => JSON.parse(text.trim().split('\n').at(-1)!);
const fmt = (x: number) => x.toFixed(x >= 10 ? 1 : 2);
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}-${f(Math.max(...xs))}`;

runCli(USAGE, () => {
  const args = parseCli(
    process.argv.slice(2),
    { pairs: { type: 'string' }, iterations: { type: 'string' }, warmup: { type: 'string' }, threads: { type: 'string' }, 'system-blas': { type: 'boolean' }, 'keep-batches': { type: 'string' } },
    ArgsSchema,
  );
  const config = applyPreset('grpo');
  const shape = iterationShape(config);
  const shapes = modelMatmulShapes(config.model, config.sampling.promptsPerIter * config.sampling.groupSize, config.sampling.maxNewTokens);
  const shapeArg = [shapes.train, shapes.decode].map((s) => `${s.rows}x${s.inner}x${s.cols}`).join(',');

  // Made afresh from the code being timed (5 s): check.py must compare the port with this engine, not an earlier one's outputs.
  run('npx', ['tsx', 'src/cli/torchReference.ts', '--out', FIXTURE]); // bench.py also takes its 8 prompts from it
  const torchEnv: Record<string, string> = {};
  if (!args['system-blas']) torchEnv['LD_LIBRARY_PATH'] = run('sh', ['bench/torch/openblas.sh']).trim();

  // A time means something only for the same function: check.py exits 1 (and this script with it) if the port is off.
  try {
    console.log(`bench/torch/check.py: ${run('/usr/bin/python3', ['bench/torch/check.py', FIXTURE], torchEnv).trim().split('\n').at(-1)}`);
  } catch (e) {
    const { stdout } = e as { stdout?: string | Buffer };
    if (stdout) process.stdout.write(stdout);
    throw new Error("bench/torch/check.py failed: the port is not the engine's function, so no ratio was measured", { cause: e });
  }

  const common = ['--warmup', String(args.warmup), '--iterations', String(args.iterations), '--keep-batches', String(args['keep-batches'])];
  const node = () => NodeTiming.parse(lastJsonLine(run('npx', ['tsx', 'src/cli/iterationTiming.ts', ...common, '--limits'])));
  const torch = (threads: number) =>
    TorchTiming.parse(lastJsonLine(run('/usr/bin/python3', ['bench/torch/bench.py', '--json', '--threads', String(threads), ...common, '--limits', shapeArg], torchEnv)));
  const efficiency = (t: Timed, rates: MatmulRates) => medianEfficiency(config.model, shape, rates, t.iterations);

  type Side = Medians & { efficiency: number; rates: MatmulRates };
  const results: { pair: number; node: Side; torch: Record<number, Side & { blas: string }>; load: number[] }[] = [];
  console.log(`${new Date().toISOString()}: ${args.pairs} pair(s), ${args.warmup} warm-up + ${args.iterations} timed iterations each side, run.keepBatches ${args['keep-batches']}, medians in ms`);
  for (let i = 1; i <= args.pairs; i++) {
    const loadBefore = loadavg()[0]!;
    const rawNode = node();
    const nodeRates = { train: rawNode.limits.train.gflops, decode: rawNode.limits.decode.gflops };
    const n: Side = { ...medians(rawNode), efficiency: efficiency(rawNode, nodeRates), rates: nodeRates };
    const pair: (typeof results)[number] = { pair: i, node: n, torch: {}, load: [] };
    for (const t of args.threads) {
      const raw = torch(t);
      const [trainLimit, decodeLimit] = raw.limits as [Limit, Limit];
      if (trainLimit.rows !== shapes.train.rows || decodeLimit.rows !== shapes.decode.rows) throw new Error(`bench.py timed ${JSON.stringify(raw.limits)}, not the shapes asked (${shapeArg})`);
      const rates = { train: trainLimit.gflops, decode: decodeLimit.gflops };
      const side = { ...medians(raw), efficiency: efficiency(raw, rates), rates, blas: raw.blas?.kind ?? '?' };
      pair.torch[t] = side;
      const ratio = COLUMNS.map((c) => `${c} ${fmt(n[c])}/${fmt(side[c])} = ${(n[c] / side[c]).toFixed(2)}x`).join(', ');
      console.log(`pair ${i}, torch ${t} thread(s) on ${side.blas}: ${ratio}`);
      console.log(
        `pair ${i}: efficiency node ${pct(n.efficiency)} (matmul ${fmt(nodeRates.train)} / ${fmt(nodeRates.decode)} GFLOP/s at ${shapeArg}), ` +
          `torch ${pct(side.efficiency)} (${fmt(rates.train)} / ${fmt(rates.decode)} GFLOP/s)`,
      );
    }
    pair.load = [loadBefore, loadavg()[0]!];
    console.log(`pair ${i}: 1-minute load average ${pair.load.map((x) => x.toFixed(2)).join(' -> ')} on ${cpus().length} cores`);
    results.push(pair);
  }

  for (const t of args.threads) {
    const torchOf = (r: (typeof results)[number]) => r.torch[t]!;
    console.log(`\nnode wasm (1 thread) / torch (${t} thread(s), ${torchOf(results[0]!).blas}), over ${args.pairs} pair(s):`);
    console.log(`| phase | ${results.map((r) => `pair ${r.pair}`).join(' | ')} | median | range |`);
    console.log(`|---|${results.map(() => '---').join('|')}|---|---|`);
    for (const c of COLUMNS) {
      const ratios = results.map((r) => r.node[c] / torchOf(r)[c]);
      const cells = results.map((r, k) => `${fmt(r.node[c])} / ${fmt(torchOf(r)[c])} = ${ratios[k]!.toFixed(2)}x`);
      console.log(`| ${c} | ${cells.join(' | ')} | ${median(ratios).toFixed(2)}x | ${range(ratios, (x) => `${x.toFixed(2)}x`)} |`);
    }
    for (const [name, of] of [['node', (r: (typeof results)[number]) => r.node], ['torch', torchOf]] as const) {
      const effs = results.map((r) => of(r).efficiency);
      const cells = results.map((r) => `${pct(of(r).efficiency)} (${fmt(of(r).rates.train)} GFLOP/s)`);
      console.log(`| efficiency, ${name} | ${cells.join(' | ')} | ${pct(median(effs))} | ${range(effs, pct)} |`);
    }
  }
  mkdirSync(OUT, { recursive: true });
  const { pairs, warmup, iterations } = args;
  writeFileSync(`${OUT}/ratio.json`, `${JSON.stringify({ measuredAt: new Date().toISOString(), pairs, warmup, iterations, keepBatches: args['keep-batches'], shapes, results }, null, 2)}\n`);
  return Promise.resolve();
});
