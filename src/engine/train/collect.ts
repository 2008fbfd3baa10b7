/**
 * Phase 1 of an iteration: rollouts. Round 0 samples B prompts x G responses and scores them
 * on the host; with DAPO's dynamic sampling, extra rounds refill the batch until B groups
 * with reward spread are kept (./filter.ts). The rounds' tensors are the caller's to dispose.
 */
import { now } from './clock';
import { filtersGroups, groupFilter, groupStats, hasSignal, keptGroups, type GroupStats } from './filter';
import { disposeRound, rolloutMetrics, sampleRound, type GroupRef, type RolloutRound } from './rollout';
import type { RunState } from './run';

export interface Rollouts {
  rounds: RolloutRound[];
  /** The groups that make the batch, in order. */
  kept: GroupRef[];
  /** Round 0's group stats (what `groups/zero_std_frac` describes). */
  firstStats: GroupStats[];
  /** Wall time of the phase, ms. */
  ms: number;
}

/** Sample round 0, then dynamic sampling's extra rounds while the batch is short. */
export async function collectRollouts(run: RunState, iteration: number): Promise<Rollouts> {
  const { config, policy, task } = run;
  const { promptsPerIter: b, groupSize: g } = config.sampling;
  const keep = groupFilter(config.tricks);
  const lastRound = config.tricks.dynamicSampling ? config.tricks.maxExtraRounds : 0;
  const started = now();
  const rounds: RolloutRound[] = [];
  const kept: GroupRef[] = [];
  let firstStats: GroupStats[] = [];
  try {
    for (let round = 0; round <= lastRound; round++) {
      const r = await sampleRound(policy, task, config, { iteration, round, difficulty: run.curriculum.difficulty });
      rounds.push(r);
      const stats = groupStats(
        r.samples.map((s) => s.scored.total),
        r.samples.map((s) => s.scored.byFn.accuracy),
        g,
      );
      if (round === 0) firstStats = stats;
      const groups = filtersGroups(config.tricks) ? keptGroups(stats, keep, b - kept.length) : stats.map((_, i) => i);
      kept.push(...groups.map((group) => ({ round, group })));
      if (!config.tricks.dynamicSampling || kept.length >= b) break;
    }
  } catch (e) {
    rounds.forEach(disposeRound);
    throw e;
  }
  return { rounds, kept, firstStats, ms: now() - started };
}

/** The rollout's metrics (round 0's samples, the groups kept), with a note when dynamic sampling worked hard. */
export function rolloutPhaseMetrics(run: RunState, iteration: number, r: Rollouts): Record<string, number> {
  const { sampling, tricks } = run.config;
  const values = rolloutMetrics(r.rounds[0]!.samples);
  if (sampling.groupSize > 1) values['groups/zero_std_frac'] = r.firstStats.filter((s) => !hasSignal(s)).length / r.firstStats.length;
  if (!filtersGroups(tricks)) return values;
  values['groups/kept'] = r.kept.length;
  values['sampling/rounds'] = r.rounds.length;
  if (tricks.dynamicSampling && r.kept.length < sampling.promptsPerIter) {
    run.note(`iteration ${iteration}: dynamic sampling found ${r.kept.length}/${sampling.promptsPerIter} groups with reward spread in ${r.rounds.length} rounds`);
  } else if (r.rounds.length > 1) {
    run.note(`iteration ${iteration}: dynamic sampling refilled the batch with ${r.rounds.length - 1} extra round(s)`);
  }
  return values;
}
