/**
 * The engine benchmark of one backend, the same code in Node (src/cli/bench.ts) and in the
 * browser (src/bench/page.ts): generation throughput, one iteration of the default preset
 * split into its phases, what the iteration asks of the backend (kernels, dispatches,
 * readbacks, FLOPs), the backend's own limits measured in the same run, how close the
 * iteration comes to them, and whether memory grows over a long run.
 *
 * The caller has made the backend active (and, in Node, registered gradients).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ALGORITHM_REGISTRY } from '../engine/algorithms';
import type { RunConfig, RunConfigInput } from '../engine/config';
import { Policy } from '../engine/model';
import { applyPreset } from '../engine/presets';
import { perturbsImages } from '../engine/train/augment';
import { BetaSchedule } from '../engine/train/schedule';
import { createTrainer } from '../engine/train/trainer';
import type { MetricsRecord } from '../engine/train/metrics';
import type { TrainerDeps } from '../engine/train/types';
import { countDuring, zeroCounts, type Counts } from './counters';
import { iterationFlops, type IterationShape } from './flops';
import { benchGenerate } from './generate';
import { dispatchFloor, matmulGflops, modelMatmulShapes, type MatmulShape } from './limits';
import { profileFor, type BenchSettings } from './profile';
import type { BenchEntry, Phases } from './schema';
import { now } from '../engine/train/clock';
import { samplingStopsEarly } from '../engine/model/sampling';
import { taping } from '../engine/rl/tape';

export interface EngineBenchOptions extends BenchSettings {
  env: string;
  backend: string;
  adapter: string;
  /** The adapter emulates a GPU on the CPU (SwiftShader...): the slow profile applies (profile.ts). */
  softwareAdapter: boolean;
  machine: string;
  /** 'generate': generation throughput only. */
  only: 'generate' | 'all';
  /** Each limit measurement runs for about this long. */
  limitsBudgetMs: number;
  /** Also run one iteration under tf.profile and keep the kernels that took longest (slow: a timer per kernel). */
  profile: boolean;
  notes: string[];
  log: (line: string) => void;
}

/**
 * The iteration's shape as the trainer runs it (which passes run before the update). It mirrors
 * the trainer's own choice (engine/train/trainer.ts: the reference when beta is ever positive,
 * the old-log-prob pass for a critic or perturbed images), so a change there belongs here too.
 */
export function iterationShape(config: RunConfig): IterationShape {
  const algorithm = ALGORITHM_REGISTRY[config.objective.algorithm];
  const ref = algorithm.usesReference && new BetaSchedule(config.objective, config.run.iterations).everPositive;
  const oldPass = algorithm.critic || perturbsImages(config.tricks, 0);
  return {
    prompts: config.sampling.promptsPerIter,
    groupSize: config.sampling.groupSize,
    maxNewTokens: config.sampling.maxNewTokens,
    logprobPasses: (ref ? 1 : 0) + (oldPass ? 1 : 0),
    epochs: config.optim.epochs,
    minibatches: config.optim.minibatches,
  };
}

/**
 * The growth run's tiny config: the default preset and task on a model and batch ~100x
 * cheaper, evaluating every 10 iterations so every code path of a long run is exercised.
 */
export const TINY_GROWTH: RunConfigInput = {
  task: { imageSize: 16 },
  model: { imageSize: 16, patchSize: 8, dModel: 16, nHeads: 2, nLayers: 1, encoderLayers: 0, ffnMult: 2, promptLen: 8, maxResponseLen: 8 },
  sampling: { promptsPerIter: 2, groupSize: 4, maxNewTokens: 8 },
  run: { init: 'scratch', evalEvery: 10, evalN: 4 },
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const shapeStr = (s: MatmulShape) => `${s.rows}x${s.inner}x${s.cols}`;

type Phase = 'rollout' | 'logprob' | 'update';

/**
 * Names the phase of the iteration at any moment, for the dispatch counters: inside
 * Policy.sample it is the rollout, inside a Policy.forward with no gradient tape recording the
 * reference/old log-prob passes, anything else the update (forward and backward under
 * variableGrads, Adam, the recorder). The trainer runs one thing at a time, so a depth
 * counter per method is enough.
 */
export function trackPhases(): { phase: () => Phase; uninstall: () => void } {
  const proto = Policy.prototype as unknown as Record<'sample' | 'forward', (...args: unknown[]) => unknown>;
  const sample = proto.sample;
  const forward = proto.forward;
  let sampling = 0;
  let forwarding = 0;
  proto.sample = async function (this: unknown, ...args: unknown[]) {
    sampling++;
    try {
      return await sample.apply(this, args);
    } finally {
      sampling--;
    }
  };
  proto.forward = function (this: unknown, ...args: unknown[]) {
    forwarding++;
    try {
      return forward.apply(this, args);
    } finally {
      forwarding--;
    }
  };
  return {
    phase: () => (sampling > 0 ? 'rollout' : forwarding > 0 && !taping() ? 'logprob' : 'update'),
    uninstall: () => {
      proto.sample = sample;
      proto.forward = forward;
    },
  };
}

/** Run the whole benchmark on the active backend and return its results.json entry. */
export async function runEngineBench(options: EngineBenchOptions, deps: TrainerDeps): Promise<BenchEntry> {
  const { settings: o, notes: profileNotes } = profileFor(options.backend, options.softwareAdapter, options);
  const tag = `${options.env}/${options.backend}`;
  const log = options.log;
  const notes = [...options.notes, ...profileNotes];
  log(`${tag}: generation (B x G = ${o.prompts} x ${o.group})`);
  const gen = await benchGenerate(o);
  log(`${tag}: kv ${gen.tokensPerSec.kvUnshared.toFixed(0)} tok/s, recompute ${gen.tokensPerSec.recompute.toFixed(0)} tok/s (x${gen.kvSpeedup.toFixed(2)}), prefix sharing x${gen.prefixShareSpeedup.toFixed(2)}`);
  const entry: BenchEntry = { env: options.env, backend: options.backend, adapter: options.adapter, measuredAt: new Date().toISOString(), machine: options.machine, notes, ...gen };
  if (options.only === 'generate') return entry;

  // --- Iterations of the default preset: warm-up, then timed ones, counted as they run (the
  // counters add one JS call per kernel, well under 1% of an iteration).
  const warm = o.warmup ? 1 : 0;
  const config = applyPreset('grpo', {
    // evalEvery 0: the default (every 10) would time a held-out evaluation inside iteration 10.
    run: { iterations: warm + o.iterations + (options.profile ? 1 : 0), evalEvery: 0 },
  });
  log(`${tag}: default preset (${config.preset}, B x G = ${config.sampling.promptsPerIter} x ${config.sampling.groupSize}, ${config.run.init} init), ${warm} warm-up + ${o.iterations} timed iteration(s)`);
  const trainer = await createTrainer(config, deps);
  const records: MetricsRecord[] = [];
  const walls: number[] = [];
  const sum: Counts = zeroCounts();
  const byPhase: Phases = { rollout: 0, logprob: 0, update: 0 };
  let dispatches = 0;
  const phases = trackPhases();
  try {
    for (let i = 0; i < warm; i++) await trainer.step();
    for (let i = 0; i < o.iterations; i++) {
      const t0 = now();
      const c = await countDuring(() => trainer.step(), phases.phase);
      walls.push(now() - t0);
      records.push(c.result);
      for (const k of ['kernels', 'programs', 'readbacks', 'kernelReads', 'uploads', 'uploadBytes'] as const) sum[k] += c.counts[k];
      for (const k of ['rollout', 'logprob', 'update'] as const) byPhase[k] += c.byPhase[k] ?? 0;
      dispatches += c.dispatches;
    }
    if (options.profile) {
      log(`${tag}: one more iteration under tf.profile`);
      Object.assign(entry, await kernelProfile(() => trainer.step(), phases.phase));
    }
  } finally {
    phases.uninstall();
    trainer.dispose();
  }
  const per = (x: number) => x / o.iterations;
  const key = (k: string) => mean(records.map((r) => r.values[k] ?? 0));
  const iterationMs = mean(walls);
  const phaseMs = {
    generation: key('time/rollout_ms') - key('time/reward_ms'),
    reward: key('time/reward_ms'),
    logprob: key('time/logprob_ms'),
    update: key('time/update_ms') - key('time/logprob_ms'),
    other: iterationMs - key('time/rollout_ms') - key('time/update_ms'),
  };
  const phaseDispatches: Phases = { rollout: per(byPhase.rollout), logprob: per(byPhase.logprob), update: per(byPhase.update) };
  // The work actually done: sampling stops once every row has finished where it may, and the
  // passes compute up to the longest response (len/max: <eos> included), on every backend. The
  // FLOPs and the per-step counts use those lengths, so efficiency counts no work never done.
  const T = config.sampling.maxNewTokens;
  const passLength = Math.min(T, key('len/max'));
  const decodedTokens = samplingStopsEarly() ? passLength : T;
  if (passLength < T) notes.push(`the teacher-forced passes computed ${passLength.toFixed(1)} of ${T} response positions per iteration on average (the longest response)${decodedTokens < T ? `, and sampling stopped once every row had finished (as many tokens decoded)` : ''}; the FLOPs count that work`);
  log(
    `${tag}: iteration ${iterationMs.toFixed(0)} ms (generation ${phaseMs.generation.toFixed(0)}, reward ${phaseMs.reward.toFixed(1)}, log-prob ${phaseMs.logprob.toFixed(0)}, update ${phaseMs.update.toFixed(0)}), ` +
      `${per(dispatches).toFixed(0)} dispatches (${(phaseDispatches.rollout / decodedTokens).toFixed(0)} per decoding step, ${decodedTokens.toFixed(1)} decoded), ${per(sum.readbacks).toFixed(0)} readbacks, ` +
      `${per(sum.uploads).toFixed(0)} uploads (${(per(sum.uploadBytes) / 1024).toFixed(1)} KiB)`,
  );

  // --- FLOPs and the backend's limits, then how close each phase comes to them.
  const shape = { ...iterationShape(config), decodedTokens, passLength };
  const flops = iterationFlops(config.model, shape);
  const shapes = modelMatmulShapes(config.model, shape.prompts * shape.groupSize, shape.maxNewTokens);
  log(`${tag}: limits (matmul ${shapeStr(shapes.train)} and ${shapeStr(shapes.decode)}, dispatch floor)`);
  const trainRate = await matmulGflops(shapes.train, options.limitsBudgetMs);
  const decodeRate = await matmulGflops(shapes.decode, options.limitsBudgetMs);
  const floor = await dispatchFloor(options.limitsBudgetMs);
  if (Math.abs(floor.dispatchesPerOp - 1) > 0.1) notes.push(`the dispatch-floor add launched ${floor.dispatchesPerOp.toFixed(2)} dispatches per op, not 1`);

  // The rollout multiplies N rows at a time (decode size), the passes N·L rows (train size).
  const computeMs = (flopCount: number, gflops: number) => flopCount / (gflops * 1e6);
  const dispatchMs = (n: number) => (n * floor.us) / 1000;
  const bound = (flopCount: number, gflops: number, n: number) => Math.max(computeMs(flopCount, gflops), dispatchMs(n));
  const ratio = (b: number, measured: number) => (measured > 0 ? b / measured : 0);
  const computeFloorMs = computeMs(flops.rollout, decodeRate) + computeMs(flops.logprob + flops.update, trainRate);
  const dispatchFloorMs = dispatchMs(per(dispatches));
  // On a GPU backend the log-prob passes only queue work, which finishes at the update's
  // readback: their time is measured together, and so is their efficiency.
  const gpu = sum.programs > 0;
  const passesMs = phaseMs.logprob + phaseMs.update;
  const passesBound = bound(flops.logprob + flops.update, trainRate, phaseDispatches.logprob + phaseDispatches.update);
  const phaseEfficiency = {
    rollout: ratio(bound(flops.rollout, decodeRate, phaseDispatches.rollout), phaseMs.generation),
    passes: ratio(passesBound, passesMs),
    ...(gpu
      ? {}
      : {
          logprob: ratio(bound(flops.logprob, trainRate, phaseDispatches.logprob), phaseMs.logprob),
          update: ratio(bound(flops.update, trainRate, phaseDispatches.update), phaseMs.update),
        }),
  };
  Object.assign(entry, {
    iterationMs,
    iterationsPerSec: 1000 / iterationMs,
    phaseMs,
    timedIterations: o.iterations,
    readbacksPerIteration: per(sum.readbacks),
    kernelReadsPerIteration: per(sum.kernelReads),
    kernelsPerIteration: per(sum.kernels),
    uploadsPerIteration: per(sum.uploads),
    uploadBytesPerIteration: per(sum.uploadBytes),
    dispatchesPerDecodeStep: phaseDispatches.rollout / decodedTokens,
    decodedTokens,
    passLength,
    dispatchesPerIteration: per(dispatches),
    phaseDispatches,
    flopsPerIteration: flops.total,
    phaseFlops: { rollout: flops.rollout, logprob: flops.logprob, update: flops.update },
    matmulGflops: trainRate,
    matmulGflopsBySize: { train: { shape: shapeStr(shapes.train), gflops: trainRate }, decode: { shape: shapeStr(shapes.decode), gflops: decodeRate } },
    dispatchFloorUs: floor.us,
    dispatchFloorDispatchesPerOp: floor.dispatchesPerOp,
    computeFloorMs,
    dispatchFloorMs,
    efficiency: Math.max(computeFloorMs, dispatchFloorMs) / iterationMs,
    phaseEfficiency,
  } satisfies Partial<BenchEntry>);
  log(`${tag}: matmul ${trainRate.toFixed(2)} GFLOP/s (decode size ${decodeRate.toFixed(2)}), dispatch floor ${floor.us.toFixed(1)} µs, efficiency ${(100 * (entry.efficiency ?? 0)).toFixed(1)}%`);

  // --- Memory over a long run.
  if (o.growth) Object.assign(entry, await memoryGrowth(o.growth, deps, notes, (line) => log(`${tag}: ${line}`)));
  return entry;
}

/**
 * Kernel time by phase and kernel name over one iteration, longest first (the top 12). The
 * phase of each kernel is noted when it finishes, which is the order tf.profile lists them in.
 */
async function kernelProfile(step: () => Promise<unknown>, phase: () => Phase): Promise<Pick<BenchEntry, 'kernelProfile' | 'kernelProfileMs'>> {
  const engine = tf.engine() as unknown as Record<string, unknown>;
  const original = engine['runKernelFunc'] as (...args: unknown[]) => unknown;
  const tags: Phase[] = [];
  engine['runKernelFunc'] = function (this: unknown, ...args: unknown[]) {
    const p = phase();
    try {
      return original.apply(this, args);
    } finally {
      tags.push(p);
    }
  };
  let info: Awaited<ReturnType<typeof tf.profile>>;
  try {
    // tf.profile wants a tensor container back; the step's metrics record is plain numbers.
    info = await tf.profile(async () => {
      await step();
      return [];
    });
  } finally {
    delete engine['runKernelFunc'];
  }
  const by = new Map<string, { phase: Phase; kernel: string; ms: number; calls: number }>();
  info.kernels.forEach((k, i) => {
    const p = tags[i] ?? 'update';
    const key = `${p} ${k.name}`;
    const row = by.get(key) ?? { phase: p, kernel: k.name, ms: 0, calls: 0 };
    row.ms += Number(k.kernelTimeMs);
    row.calls++;
    by.set(key, row);
  });
  const rows = [...by.values()];
  return { kernelProfile: rows.sort((a, b) => b.ms - a.ms).slice(0, 12), kernelProfileMs: rows.reduce((t, r) => t + r.ms, 0) };
}

async function memoryGrowth(g: NonNullable<BenchSettings['growth']>, deps: TrainerDeps, notes: string[], log: (line: string) => void): Promise<Partial<BenchEntry>> {
  const base: RunConfigInput = g.config === 'tiny' ? TINY_GROWTH : {};
  const config = applyPreset('grpo', { ...base, run: { ...base.run, iterations: g.until } });
  const when = `tf.memory() read after iterations ${g.at} and ${g.until}${g.at !== 10 || g.until !== 200 ? ' (not 10 and 200: the time budget)' : ''}`;
  notes.push(
    g.config === 'tiny'
      ? `memory growth on the tiny config (TINY_GROWTH: d=16, 1 layer, 16 px, B x G = 2 x 4, 8 tokens, from scratch, evaluation every 10 iterations), ${when}: long runs of the default model do not fit the time budget`
      : `memory growth on the default config, ${when}`,
  );
  log(`memory growth, ${g.until} iterations (${g.config} config)`);
  const before = tf.memory().numTensors;
  const trainer = await createTrainer(config, deps);
  const at: number[] = [];
  const tensors: number[] = [];
  const bytes: number[] = [];
  const t0 = now();
  try {
    while (!trainer.done) {
      const m = await trainer.step();
      if (m.iteration === g.at || m.iteration === g.until) {
        at.push(m.iteration);
        tensors.push(m.values['mem/tensors'] ?? NaN);
        bytes.push(m.values['mem/bytes'] ?? NaN);
      }
    }
  } finally {
    trainer.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  log(`${g.until} iterations in ${((now() - t0) / 1000).toFixed(1)} s: tensors ${tensors.join(' -> ')}, bytes ${bytes.join(' -> ')}, ${leaked} left after dispose`);
  return {
    memory: { config: g.config, at, tensors, bytes, leakedAfterDispose: leaked },
    tensorsGrowth: (tensors.at(-1) ?? NaN) - (tensors[0] ?? NaN),
    bytesGrowth: (bytes.at(-1) ?? NaN) - (bytes[0] ?? NaN),
  };
}
