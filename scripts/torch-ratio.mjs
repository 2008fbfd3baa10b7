// npm run torch-ratio [-- --pairs 3 --iterations 7 --warmup 2 --threads 1,2 --system-blas --keep-batches 5]
//
// Issue #20's ratio: the default-preset iteration on Node's wasm backend (one thread) against
// the PyTorch eager port (bench/torch/bench.py) at the same thread count, phase by phase. Runs
// Node, then torch at each thread count, back to back, `pairs` times, so drift on a shared
// machine lands on both sides of each pair; prints each pair's node/torch ratios, then their
// median and range. Torch runs on the OpenBLAS that bench/torch/openblas.sh unpacks (Debian's
// torch otherwise gets the reference BLAS); --system-blas runs it on whatever libblas.so.3 is.
// --keep-batches 0 drops, on both sides, what the trainer keeps for Inspect (one more pass).
// Writes everything measured to bench/torch/out/ratio.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const { values: flags } = parseArgs({
  options: {
    pairs: { type: 'string', default: '3' },
    iterations: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1,2' },
    'system-blas': { type: 'boolean', default: false },
    'keep-batches': { type: 'string', default: '5' },
  },
  strict: true,
});
const count = (max) => z.coerce.number().int().min(1).max(max);
const pairs = count(50).parse(flags.pairs);
const iterations = count(100).parse(flags.iterations);
const warmup = z.coerce.number().int().min(0).max(20).parse(flags.warmup);
const keepBatches = z.coerce.number().int().min(0).max(100).parse(flags['keep-batches']);
const threadCounts = z.array(count(64)).min(1).parse(flags.threads.split(',').map(Number));

const PHASES = ['generation', 'logprob', 'update'];
const Phases = z.object({ generation: z.number(), reward: z.number(), logprob: z.number(), update: z.number() });
const Timing = z.object({ env: z.string(), threads: z.number(), iterations: z.array(Phases).min(1), blas: z.object({ kind: z.string() }).optional() });

const OUT = 'bench/torch/out';
const FIXTURE = `${OUT}/reference.json`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Per-phase medians over the iterations, plus `iteration`: the median of the three phases' per-iteration sum. */
const medians = (t) => ({
  ...Object.fromEntries(PHASES.map((p) => [p, median(t.iterations.map((it) => it[p]))])),
  iteration: median(t.iterations.map((it) => PHASES.reduce((s, p) => s + it[p], 0))),
});
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
const lastJsonLine = (text) => JSON.parse(text.trim().split('\n').at(-1));

if (!existsSync(FIXTURE)) run('npx', ['tsx', 'src/cli/torchReference.ts', '--out', FIXTURE]); // bench.py takes its 8 prompts from it
const torchEnv = {};
if (!flags['system-blas']) torchEnv.LD_LIBRARY_PATH = run('sh', ['bench/torch/openblas.sh']).trim();

// A time means something only for the same function: check.py exits 1 (and this script with it) if the port is off.
try {
  console.log(`bench/torch/check.py: ${run('/usr/bin/python3', ['bench/torch/check.py', FIXTURE], torchEnv).trim().split('\n').at(-1)}`);
} catch (e) {
  process.stdout.write(e.stdout ?? '');
  console.error('bench/torch/check.py failed: the port is not the engine\'s function, so no ratio was measured');
  process.exit(1);
}

const node = () => Timing.parse(lastJsonLine(run('npx', ['tsx', 'src/cli/iterationTiming.ts', '--warmup', String(warmup), '--iterations', String(iterations), '--keep-batches', String(keepBatches)])));
const torch = (threads) =>
  Timing.parse(lastJsonLine(run('/usr/bin/python3', ['bench/torch/bench.py', '--json', '--threads', String(threads), '--warmup', String(warmup), '--iterations', String(iterations), '--keep-batches', String(keepBatches)], torchEnv)));

const cols = [...PHASES, 'iteration'];
const fmt = (x) => x.toFixed(x >= 10 ? 1 : 2);
const results = [];
console.log(`${new Date().toISOString()}: ${pairs} pair(s), ${warmup} warm-up + ${iterations} timed iterations each side, run.keepBatches ${keepBatches}, medians in ms`);
for (let i = 1; i <= pairs; i++) {
  const loadBefore = loadavg()[0];
  const n = medians(node());
  const pair = { pair: i, node: n, torch: {}, load: [] };
  for (const t of threadCounts) {
    const raw = torch(t);
    pair.torch[t] = { ...medians(raw), blas: raw.blas?.kind ?? '?' };
    const ratio = cols.map((c) => `${c} ${fmt(n[c])}/${fmt(pair.torch[t][c])} = ${(n[c] / pair.torch[t][c]).toFixed(2)}x`).join(', ');
    console.log(`pair ${i}, torch ${t} thread(s) on ${pair.torch[t].blas}: ${ratio}`);
  }
  pair.load = [loadBefore, loadavg()[0]];
  console.log(`pair ${i}: 1-minute load average ${pair.load.map((x) => x.toFixed(2)).join(' -> ')} on ${cpus().length} cores`);
  results.push(pair);
}

for (const t of threadCounts) {
  console.log(`\nnode wasm (1 thread) / torch (${t} thread(s), ${results[0].torch[t].blas}), over ${pairs} pair(s):`);
  console.log(`| phase | ${results.map((r) => `pair ${r.pair}`).join(' | ')} | median | range |`);
  console.log(`|---|${results.map(() => '---').join('|')}|---|---|`);
  for (const c of cols) {
    const ratios = results.map((r) => r.node[c] / r.torch[t][c]);
    const cells = results.map((r, k) => `${fmt(r.node[c])} / ${fmt(r.torch[t][c])} = ${ratios[k].toFixed(2)}x`);
    console.log(`| ${c} | ${cells.join(' | ')} | ${median(ratios).toFixed(2)}x | ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x |`);
  }
}
mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}/ratio.json`, `${JSON.stringify({ measuredAt: new Date().toISOString(), pairs, warmup, iterations, keepBatches, results }, null, 2)}\n`);
