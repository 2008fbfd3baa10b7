/**
 * Checks a lesson's promise headless: trains each of its arms (the lesson's config as its URL
 * sets it, plus the arm's knob) on every seed with the engine's trainer, the same code path as
 * `npm run train`, then measures each claim per seed with the page's own `measureClaim`.
 * Used by `npm run lessons -- --check` (src/cli/lessons.ts) and the smoke test.
 */
import type { RunConfig } from '../engine/config';
import type { MetricsRecord } from '../engine/train/metrics';
import { createTrainer } from '../engine/train/trainer';
import type { TrainerDeps } from '../engine/train/types';
import { CHARTS } from '../app/charts/specs';
import type { Lesson } from '../app/lessons';
import { armConfig } from '../app/lessons/armConfig';
import { claimResult, measureClaim, meanCurve, thin, type ClaimResult, type ReferenceArm, type ReferenceLesson } from '../app/lessons/promises';

/** Points kept per committed reference curve. */
export const REFERENCE_POINTS = 40;

export interface CheckOptions {
  seeds: readonly number[];
  backend: string;
  deps: TrainerDeps;
  /** Dotted-path overrides on every arm (tests: a tiny model and its warm start). */
  overrides?: Record<string, unknown>;
  /** Called after every iteration (a progress bar). */
  onIteration?: (arm: string, seed: number, record: MetricsRecord, total: number) => void;
}

/**
 * The curves committed for a lesson: the first series of each of its charts (reward, train
 * accuracy, KL, ...) and every metric a claim reads. Kept small: one grey line per arm and chart.
 */
export function chartedMetrics(lesson: Lesson): string[] {
  const keys = new Set<string>(lesson.promise?.claims.map((c) => c.metric) ?? []);
  for (const spec of CHARTS.filter((c) => lesson.charts.includes(c.id))) if (spec.series[0]) keys.add(spec.series[0].key);
  return [...keys].sort();
}

async function trainArm(config: RunConfig, deps: TrainerDeps, onRecord: (r: MetricsRecord) => void): Promise<MetricsRecord[]> {
  const trainer = await createTrainer(config, deps);
  const records: MetricsRecord[] = [];
  try {
    while (!trainer.done) {
      const r = await trainer.step();
      records.push(r);
      onRecord(r);
    }
  } finally {
    trainer.dispose();
  }
  return records;
}

/** Train every arm on every seed, then measure the claims and the reference curves. */
export async function checkLesson(lesson: Lesson, opts: CheckOptions): Promise<ReferenceLesson> {
  const promise = lesson.promise;
  if (!promise) throw new Error(`Lesson "${lesson.id}" declares no promise to check.`);
  const t0 = performance.now();
  const runs = new Map<string, MetricsRecord[][]>(); // arm -> per seed
  for (const arm of promise.arms) {
    const perSeed: MetricsRecord[][] = [];
    for (const seed of opts.seeds) {
      const config = armConfig(lesson, arm, seed, opts.overrides);
      perSeed.push(await trainArm(config, opts.deps, (r) => opts.onIteration?.(arm.id, seed, r, config.run.iterations)));
    }
    runs.set(arm.id, perSeed);
  }
  const claims: Record<string, ClaimResult> = {};
  for (const claim of promise.claims) {
    const perSeed = opts.seeds.map((_, i) => measureClaim(claim, Object.fromEntries(promise.arms.map((a) => [a.id, runs.get(a.id)?.[i]]))));
    claims[claim.id] = claimResult(claim, opts.seeds, perSeed);
  }
  const arms: Record<string, ReferenceArm> = {};
  for (const arm of promise.arms) {
    const seedRuns = runs.get(arm.id)!;
    const series: Record<string, [number, number][]> = {};
    for (const key of chartedMetrics(lesson)) {
      const curve = meanCurve(seedRuns, key);
      if (curve.length > 0) series[key] = thin(curve, REFERENCE_POINTS);
    }
    arms[arm.id] = { label: arm.label, series };
  }
  return { seeds: [...opts.seeds], backend: opts.backend, seconds: Math.round((performance.now() - t0) / 1000), arms, claims };
}
