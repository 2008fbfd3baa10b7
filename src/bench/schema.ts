/**
 * bench/results.json: one entry per environment (node, browser) and backend. The browser's
 * entries cross from the page to Node as JSON and are parsed with this schema there.
 * Everything beyond generation is optional: `--only generate` writes generation alone.
 */
import { z } from 'zod';

/** A quantity per phase of an iteration: sampling, the reference/old log-prob passes, the update. */
export const PhasesSchema = z.object({ rollout: z.number(), logprob: z.number(), update: z.number() });
export type Phases = z.infer<typeof PhasesSchema>;

export const MemorySchema = z.object({
  /** 'default' (the default preset's model and batch) or 'tiny' (see notes). */
  config: z.enum(['default', 'tiny']),
  /** The iterations after which tf.memory() was read, e.g. [10, 200]. */
  at: z.array(z.number().int()),
  tensors: z.array(z.number()),
  bytes: z.array(z.number()),
  /** Tensors still alive after the trainer was disposed (0 = nothing leaked). */
  leakedAfterDispose: z.number(),
});

/** Seconds of training until held-out ID accuracy stands `margin` above the warm start (timeToLearn.ts). */
export const TimeToLearnSchema = z.object({
  /** Mean over the seeds that got there; null when none did within maxIterations. */
  timeToLearnS: z.number().nullable(),
  timeToLearn: z.object({
    /** Older entries lack it: they measured the default preset, grpo. */
    preset: z.string().default('grpo'),
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    margin: z.number(),
    evalN: z.number().int(),
    evalEvery: z.number().int(),
    maxIterations: z.number().int(),
    seeds: z.array(z.object({ seed: z.number().int(), before: z.number(), reached: z.number(), iterations: z.number().int().nullable(), seconds: z.number().nullable() })),
  }),
});
export type TimeToLearn = z.infer<typeof TimeToLearnSchema>;

export const BenchEntrySchema = z
  .object({
    env: z.string(),
    backend: z.string(),
    /** What actually ran the kernels: a GPU adapter's name, "WebAssembly SIMD", ... */
    adapter: z.string().optional(),
    /** wasm: the threads its kernels ran on (1 in Node; in the browser, what ?threads asked). */
    threads: z.number().int().optional(),
    measuredAt: z.string(),
    machine: z.string(),
    /** What differs from the plain measurement (smaller configs, fewer repeats) and why. */
    notes: z.array(z.string()).optional(),
    // Generation (every entry).
    prompts: z.number(),
    groupSize: z.number(),
    newTokens: z.number(),
    tokensPerSec: z.object({ kvShared: z.number(), kvUnshared: z.number(), recompute: z.number() }),
    kvSpeedup: z.number(),
    prefixShareSpeedup: z.number(),
    // One iteration of the default preset (GRPO, default model, SFT warm start).
    iterationMs: z.number().optional(),
    iterationsPerSec: z.number().optional(),
    /** Mean ms per iteration: sampling, host reward scoring, log-prob passes, update, the rest (batch assembly, inspector copy). */
    phaseMs: z.object({ generation: z.number(), reward: z.number(), logprob: z.number(), update: z.number(), other: z.number() }).optional(),
    timedIterations: z.number().int().optional(),
    /** Device -> host reads the engine asked for (the trainer's two per iteration). */
    readbacksPerIteration: z.number().optional(),
    /** Reads kernels make of their own inputs (wasm Concat/Slice, cpu Tile/Gather): heap copies, not stalls, on cpu/wasm. */
    kernelReadsPerIteration: z.number().optional(),
    kernelsPerIteration: z.number().optional(),
    /** Host -> device writes made outside kernels (tensors from JS data, scalars, sampling noise) per iteration, and their bytes. */
    uploadsPerIteration: z.number().optional(),
    uploadBytesPerIteration: z.number().optional(),
    /** The rollout's dispatches divided by its decoding steps (maxNewTokens; the prefill's share included). */
    dispatchesPerDecodeStep: z.number().optional(),
    /** Tokens decoded per row, mean over the timed iterations (below maxNewTokens where sampling stopped once every row had finished). */
    decodedTokens: z.number().optional(),
    /** Response positions the teacher-forced passes computed, mean over the timed iterations (the longest response). */
    passLength: z.number().optional(),
    /** GPU programs on webgl/webgpu, kernels on cpu/wasm: what pays the dispatch floor. */
    dispatchesPerIteration: z.number().optional(),
    phaseDispatches: PhasesSchema.optional(),
    flopsPerIteration: z.number().optional(),
    phaseFlops: PhasesSchema.optional(),
    /** GFLOP/s of tf.matMul at the teacher-forced size (the log-prob passes and the update). */
    matmulGflops: z.number().optional(),
    /** ... and at each size the model multiplies ('train', 'decode'), with the shape. */
    matmulGflopsBySize: z.record(z.string(), z.object({ shape: z.string(), gflops: z.number() })).optional(),
    dispatchFloorUs: z.number().optional(),
    /** Dispatches per trivial add in the floor measurement (1 = it really ran on the device). */
    dispatchFloorDispatchesPerOp: z.number().optional(),
    /** Σ phase FLOPs / matmul throughput at the phase's size. */
    computeFloorMs: z.number().optional(),
    /** dispatches x dispatch floor. */
    dispatchFloorMs: z.number().optional(),
    /** max(computeFloorMs, dispatchFloorMs) / iterationMs: 1 = at the backend's limit. */
    efficiency: z.number().optional(),
    /**
     * Per phase: rollout; passes = log-prob passes + update together; logprob and update apart
     * only on cpu/wasm (on a GPU backend the passes' device work finishes in the update's readback).
     */
    phaseEfficiency: z.object({ rollout: z.number(), passes: z.number(), logprob: z.number().optional(), update: z.number().optional() }).optional(),
    /** With --profile: the kernels that took longest in one tf.profile'd iteration (profiler overhead included). */
    kernelProfile: z.array(z.object({ phase: z.string(), kernel: z.string(), ms: z.number(), calls: z.number() })).optional(),
    /** ... and the kernel time of that whole iteration. */
    kernelProfileMs: z.number().optional(),
    memory: MemorySchema.optional(),
    tensorsGrowth: z.number().optional(),
    bytesGrowth: z.number().optional(),
    ...TimeToLearnSchema.partial().shape,
    // The real app, in the browser, while its default run trains.
    fps: z.number().optional(),
    /** The longest 'longtask' entry (main thread busy > 50 ms), when it started (s after Start), and how many there were. */
    longestTaskMs: z.number().optional(),
    longestTaskAtS: z.number().optional(),
    longTasks: z.number().optional(),
    /** Iterations the app completed while fps was measured, and over how many seconds. */
    appIterations: z.number().optional(),
    appSeconds: z.number().optional(),
  })
  .loose();
export type BenchEntry = z.infer<typeof BenchEntrySchema>;

export const BROWSER_BACKENDS = ['wasm', 'webgl', 'cpu', 'webgpu'] as const;

/** What the driver asks of the bench page (window.runBench), parsed in the page. */
export const PageBenchOptionsSchema = z.object({
  backend: z.enum(BROWSER_BACKENDS),
  machine: z.string(),
  only: z.enum(['generate', 'all']),
  prompts: z.number().int().min(1),
  group: z.number().int().min(1),
  repeats: z.number().int().min(1),
  recomputeRepeats: z.number().int().min(1),
  warmup: z.boolean(),
  iterations: z.number().int().min(1),
  growth: z.object({ config: z.enum(['default', 'tiny']), at: z.number().int().min(1), until: z.number().int().min(1) }).nullable(),
  limitsBudgetMs: z.number().positive(),
  /** wasm only: the thread count to ask for (before the backend starts). */
  threads: z.number().int().min(1).max(8).optional(),
  /** Also measure the time to learn, with these seeds (empty: not measured). */
  learnSeeds: z.array(z.number().int()).default([]),
  profile: z.boolean(),
  notes: z.array(z.string()),
});
export type PageBenchOptions = z.infer<typeof PageBenchOptionsSchema>;
