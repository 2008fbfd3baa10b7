/**
 * npm run iteration-timing [-- --warmup 2 --iterations 7 --keep-batches 5]
 *
 * The default preset's iteration on Node's wasm backend (one thread: tfjs-backend-wasm has none
 * in Node), phase by phase, as one JSON line on stdout: what src/cli/torchRatio.ts sets beside
 * the PyTorch port's times (bench/torch/bench.py). The phases are the bench's
 * (src/bench/engineBench.ts), from the trainer's own clocks: generation = rollout - reward,
 * logprob = the reference pass, update = the update phase without it. `npm run bench` measures
 * the same and much more, in minutes; this takes seconds. --keep-batches 0 turns off what the
 * trainer keeps for Inspect (per-token arrays, one more no-grad pass after the update), to see
 * how much of the update that is.
 *
 * --limits adds what the iteration's efficiency needs (as the bench defines it): each
 * iteration's passLength (the longest response, which sets its FLOPs: src/bench/flops.ts) and,
 * after the iterations, tf.matMul's GFLOP/s at the bench's two shapes (src/bench/limits.ts).
 * npm run torch-ratio (./torchRatio.ts) divides the same FLOP count by each side's rate.
 */
import { z } from 'zod';
import { applyPreset } from '../engine/presets';
import { matmulGflops, modelMatmulShapes } from '../bench/limits';
import { createTrainer } from '../engine/train/trainer';
import { initBackend } from './backend';
import { numArg, parseCli, runCli } from './args';
import { fileHandler } from './fileHandler';

const USAGE = 'usage: npm run iteration-timing [-- --warmup N --iterations N --keep-batches N --limits]';
const ArgsSchema = z.object({
  warmup: numArg(z.number().int().min(0).max(20)).default(2),
  iterations: numArg(z.number().int().min(1).max(100)).default(7),
  'keep-batches': numArg(z.number().int().min(0).max(100)).optional(),
  limits: z.boolean().default(false),
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

runCli(USAGE, async () => {
  const args = parseCli(process.argv.slice(2), { warmup: { type: 'string' }, iterations: { type: 'string' }, 'keep-batches': { type: 'string' }, limits: { type: 'boolean' } }, ArgsSchema);
  await initBackend('wasm');
  // evalEvery 0: a held-out evaluation is not part of the iteration being compared.
  const keep = args['keep-batches'];
  const config = applyPreset('grpo', { run: { iterations: args.warmup + args.iterations, evalEvery: 0, ...(keep === undefined ? {} : { keepBatches: keep }) } });
  const trainer = await createTrainer(config, { loadWarmStart: (task) => fileHandler(`public/checkpoints/${task}`) });
  const runs: Record<string, number>[] = [];
  let limits: Record<'train' | 'decode', { rows: number; inner: number; cols: number; gflops: number }> | undefined;
  try {
    for (let i = 0; i < args.warmup; i++) await trainer.step();
    for (let i = 0; i < args.iterations; i++) {
      const started = performance.now();
      const { values } = await trainer.step();
      const wall = performance.now() - started;
      const v = (k: string) => values[k] ?? NaN;
      runs.push({
        generation: v('time/rollout_ms') - v('time/reward_ms'),
        reward: v('time/reward_ms'),
        logprob: v('time/logprob_ms'),
        update: v('time/update_ms') - v('time/logprob_ms'),
        other: wall - v('time/rollout_ms') - v('time/update_ms'),
        ...(args.limits ? { passLength: v('len/max') } : {}),
      });
    }
    // Measured in the same process right after the iterations, as the bench does.
    if (args.limits) {
      const shapes = modelMatmulShapes(config.model, config.sampling.promptsPerIter * config.sampling.groupSize, config.sampling.maxNewTokens);
      limits = { train: { ...shapes.train, gflops: await matmulGflops(shapes.train) }, decode: { ...shapes.decode, gflops: await matmulGflops(shapes.decode) } };
    }
  } finally {
    trainer.dispose();
  }
  const phases = Object.keys(runs[0]!).filter((p) => p !== 'passLength');
  const med = Object.fromEntries(phases.map((p) => [p, median(runs.map((r) => r[p]!))]));
  med['total'] = median(runs.map((r) => phases.reduce((sum, p) => sum + r[p]!, 0)));
  process.stdout.write(`${JSON.stringify({ env: 'node-wasm', node: process.version, threads: 1, keepBatches: config.run.keepBatches, iterations: runs, median: med, ...(limits ? { limits } : {}) })}\n`);
});
