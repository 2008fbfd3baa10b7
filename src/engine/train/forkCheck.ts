import { RunConfigSchema, type RunConfig } from '../config';
import type { MetricsRecord } from './metrics';
import { memoryHandler, SCRATCH_DEPS } from './testing';
import { createTrainer } from './trainer';

/**
 * What forking a run does, on whichever backend is current (the fork tests run it on cpu and
 * wasm): train `at` iterations, save the checkpoint, go on uninterrupted for `more`; then resume
 * two branches from that checkpoint, A with `config` and B with `configB`, `more` iterations each.
 * Not part of the public API.
 */

/** Everything but wall-clock quantities. */
export function timeless(m: MetricsRecord): Record<string, number> {
  return Object.fromEntries(Object.entries(m.values).filter(([k]) => !k.startsWith('time/') && !k.startsWith('throughput/')));
}

async function steps(trainer: Awaited<ReturnType<typeof createTrainer>>, n: number): Promise<Record<string, number>[]> {
  const out: Record<string, number>[] = [];
  for (let i = 0; i < n; i++) out.push(timeless(await trainer.step()));
  return out;
}

export interface ForkOutcome {
  original: Record<string, number>[];
  a: Record<string, number>[];
  b: Record<string, number>[];
}

export async function forkAndRun(config: RunConfig, configB: RunConfig, at: number, more: number): Promise<ForkOutcome> {
  const total = RunConfigSchema.parse({ ...config, run: { ...config.run, iterations: at + more } });
  const totalB = RunConfigSchema.parse({ ...configB, run: { ...configB.run, iterations: at + more } });
  const source = await createTrainer(total, SCRATCH_DEPS);
  const handler = memoryHandler();
  try {
    await steps(source, at);
    await source.saveCheckpoint(handler);
    const original = await steps(source, more);
    const a = await createTrainer(total, { ...SCRATCH_DEPS, resume: { checkpoint: handler, iteration: at } });
    const b = await createTrainer(totalB, { ...SCRATCH_DEPS, resume: { checkpoint: handler, iteration: at } });
    try {
      return { original, a: await steps(a, more), b: await steps(b, more) };
    } finally {
      a.dispose();
      b.dispose();
    }
  } finally {
    source.dispose();
  }
}
