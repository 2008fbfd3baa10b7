/**
 * What the active backend can do at best, measured in the same run as the iteration it is
 * compared with: matmul throughput at the shapes the model multiplies, and the dispatch
 * floor, the cost of launching one trivial kernel.
 *
 * Every timing ends with `await data()` on a one-element result: on GPU backends ops are
 * queued, and only a readback (in queue order) proves the queued work is done. Never
 * dataSync: on WebGPU it came back before the work had finished. Each measurement doubles
 * its repetitions until a run takes a third of `budgetMs`, so a readback's fixed latency stays
 * a small share of what is timed on fast and slow backends alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { numPatches, type ModelConfig } from '../engine/model/config';
import { installCounters } from './counters';
import { now } from '../engine/train/clock';

/** One matmul shape: [rows, inner] x [inner, cols]. */
export interface MatmulShape {
  rows: number;
  inner: number;
  cols: number;
}

/**
 * The model's MLP up-projection (d -> ffnMult·d, the widest matmul done per token) at the two row counts an
 * iteration sees: `train` is a teacher-forced pass over N = B·G rows of S0 + T - 1 positions
 * (log-prob passes and the update), `decode` is one sampling step of N rows (the rollout).
 */
export function modelMatmulShapes(c: ModelConfig, rows: number, maxNewTokens: number): { train: MatmulShape; decode: MatmulShape } {
  const s0 = numPatches(c) + c.promptLen;
  const f = c.ffnMult * c.dModel;
  return {
    train: { rows: rows * (s0 + maxNewTokens - 1), inner: c.dModel, cols: f },
    decode: { rows, inner: c.dModel, cols: f },
  };
}

/** Runs `reps` of the work and waits for the device; returns ms. */
type Timed = (reps: number) => Promise<number>;

/**
 * Doubles the repetitions until one run takes a third of the budget, then times that many
 * three times and keeps the median: one run cut short by a pause (GC, the OS scheduling
 * another process) must neither stop the doubling early nor become the answer.
 */
async function doubleUntil(run: Timed, budgetMs: number, maxReps: number): Promise<{ ms: number; reps: number }> {
  await run(1); // warm-up: shader compilation, buffer pools
  const enough = (ms: number) => ms >= budgetMs / 3;
  for (let reps = 1; ; reps *= 2) {
    const first = await run(reps);
    if (!enough(first) && reps < maxReps) continue;
    const median = [first, await run(reps), await run(reps)].sort((x, y) => x - y)[1]!;
    if (enough(median) || reps >= maxReps) return { ms: median, reps };
  }
}

/** One element of x, read back: waits for everything queued before it. */
async function settle(x: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(x, [-1]), [0], [1]));
  try {
    await one.data();
  } finally {
    one.dispose();
  }
}

/** GFLOP/s of tf.matMul at one shape (2·rows·inner·cols FLOPs per product). */
export async function matmulGflops(shape: MatmulShape, budgetMs = 150): Promise<number> {
  const a = tf.randomUniform([shape.rows, shape.inner], -1, 1, 'float32', 1);
  const b = tf.randomUniform([shape.inner, shape.cols], -1, 1, 'float32', 2);
  try {
    const { ms, reps } = await doubleUntil(
      async (n) => {
        const t0 = now();
        let last: tf.Tensor | null = null;
        for (let i = 0; i < n; i++) {
          last?.dispose();
          last = tf.matMul(a, b);
        }
        try {
          await settle(last!);
        } finally {
          last?.dispose();
        }
        return now() - t0;
      },
      budgetMs,
      1 << 14,
    );
    return (2 * shape.rows * shape.inner * shape.cols * reps) / (ms * 1e6);
  } finally {
    tf.dispose([a, b]);
  }
}

export interface DispatchFloor {
  /** Microseconds per trivial op, launch to completion, in a dependent chain. */
  us: number;
  /** Dispatches the counters saw per op (1 when each add really ran on the device). */
  dispatchesPerOp: number;
}

/**
 * The dispatch floor: x = x + 1 on a one-element tensor, chained (each add waits for the last,
 * as an iteration's ops mostly do). x starts on the device: WebGL and WebGPU run ops on tiny
 * tensors that still live on the CPU there instead, which would time the CPU, not a dispatch.
 */
export async function dispatchFloor(budgetMs = 150): Promise<DispatchFloor> {
  const start = tf.tidy(() => tf.reshape(tf.sum(tf.ones([256])), [1])); // a reduction over 256: runs on the device
  const one = tf.scalar(1);
  /** n chained adds from `start`; the caller disposes the result. */
  const chain = (n: number): tf.Tensor => {
    let x: tf.Tensor = start;
    for (let i = 0; i < n; i++) {
      const next = tf.add(x, one);
      if (x !== start) x.dispose();
      x = next;
    }
    return x;
  };
  try {
    const { ms, reps } = await doubleUntil(
      async (n) => {
        const t0 = now();
        const x = chain(n);
        try {
          await settle(x);
        } finally {
          x.dispose();
        }
        return now() - t0;
      },
      budgetMs,
      1 << 16,
    );
    // Counted apart from the timing, so the counters' wrappers cost the timed ops nothing.
    const probe = 16;
    const counters = installCounters();
    let x: tf.Tensor | null = null;
    let dispatches: number;
    try {
      x = chain(probe);
      dispatches = counters.dispatches(counters.read());
    } finally {
      counters.uninstall();
    }
    try {
      await settle(x);
    } finally {
      x.dispose();
    }
    return { us: (ms * 1000) / reps, dispatchesPerOp: dispatches / probe };
  } finally {
    tf.dispose([start, one]);
  }
}
