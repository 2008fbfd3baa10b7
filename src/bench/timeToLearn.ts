/**
 * Time to learn: how long a learner who presses Start on the default preset (or `preset`) waits until the
 * held-out curve shows learning. Defined as the wall seconds of training (held-out evaluations
 * excluded, since how often to evaluate is a display choice) until greedy accuracy on held-out
 * ID prompts stands `margin` above the warm start's, read at the trainer's own evaluations.
 *
 * The same code runs in Node (src/cli/bench.ts) and in the browser page (src/bench/page.ts);
 * the caller has made the backend active.
 */
import { RunConfigSchema } from '../engine/config';
import { setPath, type Json } from '../engine/paths';
import { applyPreset, type PresetId } from '../engine/presets';
import { now } from '../engine/train/clock';
import { createTrainer } from '../engine/train/trainer';
import type { MetricsRecord } from '../engine/train/metrics';
import type { TrainerDeps } from '../engine/train/types';
import type { TimeToLearn } from './schema';

export interface TimeToLearnOptions {
  /** The app's default, unless a comparison asks for another. */
  preset: PresetId;
  /** Knobs set over the preset (dotted paths), e.g. optim.epochs = 2: what a comparison changes. */
  settings: Record<string, string | number | boolean>;
  seeds: number[];
  /** Held-out prompts per evaluation: 128 gives a standard error of about 4 points near 50%. */
  evalN: number;
  evalEvery: number;
  /** Give up after this many iterations (the seed then counts as not reached). */
  maxIterations: number;
  /** Accuracy above the warm start that counts as learned: 0.15 = 15 points. */
  margin: number;
  log: (line: string) => void;
  /** Called with every iteration's metrics record (diagnostics: first steps, curves; optional). */
  onIteration?: (m: MetricsRecord) => void;
}

export const TIME_TO_LEARN_DEFAULTS = { preset: 'grpo', settings: {}, evalN: 128, evalEvery: 10, maxIterations: 300, margin: 0.15 } as const;

interface SeedResult {
  seed: number;
  before: number;
  /** The first evaluation at or above before + margin, or the last one. */
  reached: number;
  /** null: not reached within maxIterations. */
  iterations: number | null;
  seconds: number | null;
}

async function oneSeed(seed: number, o: TimeToLearnOptions, deps: TrainerDeps): Promise<SeedResult> {
  const base = JSON.parse(JSON.stringify(applyPreset(o.preset, { run: { seed, iterations: o.maxIterations, evalEvery: o.evalEvery, evalN: o.evalN } }))) as Json;
  for (const [path, value] of Object.entries(o.settings)) setPath(base, path, value);
  const config = RunConfigSchema.parse(base);
  const trainer = await createTrainer(config, deps);
  try {
    const before = (await trainer.evaluate(o.evalN)).id.accuracy;
    let training = 0;
    let reached = before;
    while (!trainer.done) {
      const t0 = now();
      const m = await trainer.step();
      training += now() - t0 - (m.values['time/eval_ms'] ?? 0);
      o.onIteration?.(m);
      const acc = m.values['acc/eval_id'];
      if (acc === undefined) continue;
      reached = acc;
      o.log(`time to learn, seed ${seed}: iteration ${m.iteration}, held-out ${(100 * acc).toFixed(1)}% (warm start ${(100 * before).toFixed(1)}%), ${(training / 1000).toFixed(0)} s of training`);
      if (acc >= before + o.margin) return { seed, before, reached, iterations: m.iteration, seconds: training / 1000 };
    }
    return { seed, before, reached, iterations: null, seconds: null };
  } finally {
    trainer.dispose();
  }
}

/** Runs the default preset once per seed; `timeToLearnS` is the mean over the seeds that reached the margin. */
export async function timeToLearn(o: TimeToLearnOptions, deps: TrainerDeps): Promise<TimeToLearn> {
  const seeds: SeedResult[] = [];
  for (const seed of o.seeds) seeds.push(await oneSeed(seed, o, deps));
  const done = seeds.filter((s) => s.seconds !== null);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    timeToLearnS: done.length > 0 ? mean(done.map((s) => s.seconds ?? 0)) : null,
    timeToLearn: { preset: o.preset, settings: o.settings, margin: o.margin, evalN: o.evalN, evalEvery: o.evalEvery, maxIterations: o.maxIterations, seeds },
  };
}
