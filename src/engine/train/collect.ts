/**
 * Phase 1 of an iteration: rollouts. Round 0 samples B prompts x G responses and scores them
 * on the host; with DAPO's dynamic sampling or online filtering, extra rounds refill the batch
 * until B groups pass the filter (./filter.ts), as EasyR1 does. The rounds' tensors are the caller's to dispose.
 */
import { now } from './clock';
import { filtersGroups, groupFilter, groupStats, hasSignal, keptGroups, type GroupStats } from './filter';
import { disposeRound, rolloutMetrics, sampleRound, type GroupRef, type HostSample, type RolloutRound } from './rollout';
import type { RunState } from './run';
import { parseResponse, type RewardWeights } from '../rewards';
import type { QuestionFormat } from '../tasks/types';
import { CURRICULUM_CANDIDATE_KEY, TEMPORAL_METRIC_KEYS } from './metrics';
import { selectionMetrics } from './select';

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
export async function collectRollouts(run: RunState, iteration: number, rewardWeights: RewardWeights = run.config.rewards.weights, format: QuestionFormat = 'open'): Promise<Rollouts> {
  const { config, policy, task } = run;
  const { promptsPerIter: b, groupSize: g } = config.sampling;
  const keep = groupFilter(config.tricks, iteration);
  const filtering = filtersGroups(config.tricks, iteration);
  const lastRound = filtering ? config.tricks.maxExtraRounds : 0;
  const started = now();
  const rounds: RolloutRound[] = [];
  const kept: GroupRef[] = [];
  let firstStats: GroupStats[] = [];
  try {
    for (let round = 0; round <= lastRound; round++) {
      const r = await sampleRound(policy, task, config, { iteration, round, difficulty: run.curriculum.difficulty, selection: run.selection, rewardWeights, format });
      rounds.push(r);
      const stats = groupStats(
        r.samples.map((s) => s.scored.total),
        r.samples.map((s) => s.scored.byFn.accuracy),
        g,
      );
      if (round === 0) firstStats = stats;
      const groups = filtering ? keptGroups(stats, keep, b - kept.length) : stats.map((_, i) => i);
      kept.push(...groups.map((group) => ({ round, group })));
      if (!filtering || kept.length >= b) break;
    }
  } catch (e) {
    rounds.forEach(disposeRound);
    throw e;
  }
  return { rounds, kept, firstStats, ms: now() - started };
}

/**
 * NoisyRollout's clean-vs-noisy accuracy (round 0, hybrid groups only): the share of right
 * answers among the rollouts from clean images, from perturbed ones, and the gap clean − noisy.
 */
export function perturbationAccuracy(samples: readonly HostSample[]): Record<string, number> {
  const clean = samples.filter((s) => !s.perturbed);
  const noisy = samples.filter((s) => s.perturbed);
  if (clean.length === 0 || noisy.length === 0) return {};
  const acc = (xs: readonly HostSample[]) => xs.reduce((a, s) => a + s.scored.byFn.accuracy, 0) / xs.length;
  return { 'noise/acc_clean': acc(clean), 'noise/acc_noisy': acc(noisy), 'noise/acc_gap': acc(clean) - acc(noisy) };
}

/**
 * Curr-ReFT's closed questions (round 0 of an iteration that asked them): the share of sampled
 * answers that name one of their prompt's candidates. A policy that picks among the candidates
 * scores 1 (and is right 1/2 or 1/3 of the time by guessing); one that ignores them and answers
 * its own reading scores about its accuracy plus its misreadings that happen to be a distractor.
 */
export function candidateMetrics(round: Pick<RolloutRound, 'instances' | 'samples'>, groupSize: number, answerLength: number): Record<string, number> {
  if (!round.instances.some((inst) => inst.candidates !== undefined) || round.samples.length === 0) return {};
  const named = round.samples.filter((s, i) => {
    const answer = parseResponse(Array.from(s.tokens), answerLength).answer;
    return answer !== null && (round.instances[Math.floor(i / groupSize)]!.candidates ?? []).includes(answer);
  }).length;
  return { [CURRICULUM_CANDIDATE_KEY]: named / round.samples.length };
}

/** T-GRPO's ordered vs shuffled accuracy and bonus share (round 0), or nothing when the trick is off. */
export function temporalMetrics(round: RolloutRound): Record<string, number> {
  const t = round.temporal;
  if (!t) return {};
  const [ordered, shuffled, bonus] = TEMPORAL_METRIC_KEYS;
  return { [ordered]: t.accOrdered, [shuffled]: t.accShuffled, [bonus]: t.bonusFrac };
}

/** The rollout's metrics (round 0's samples, the groups kept), with a note when the filters worked hard or fell short. */
export function rolloutPhaseMetrics(run: RunState, iteration: number, r: Rollouts): Record<string, number> {
  const { sampling, tricks } = run.config;
  const first = r.rounds[0]!;
  const values = { ...rolloutMetrics(first.samples), ...perturbationAccuracy(first.samples), ...selectionMetrics(run.selection, first.instances), ...temporalMetrics(first), ...candidateMetrics(first, sampling.groupSize, run.task.answerLength) };
  if (sampling.groupSize > 1) values['groups/zero_std_frac'] = r.firstStats.filter((s) => !hasSignal(s)).length / r.firstStats.length;
  if (!filtersGroups(tricks)) return values;
  values['groups/kept'] = r.kept.length;
  values['sampling/rounds'] = r.rounds.length;
  const what = tricks.dynamicSampling && tricks.onlineFilter ? 'dynamic sampling and online filtering' : tricks.dynamicSampling ? 'dynamic sampling' : 'online filtering';
  if (r.kept.length < sampling.promptsPerIter) {
    run.note(`iteration ${iteration}: ${what} kept ${r.kept.length}/${sampling.promptsPerIter} groups in ${r.rounds.length} rounds (tricks.maxExtraRounds = ${tricks.maxExtraRounds}); this update trains on a smaller batch`);
  } else if (r.rounds.length > 1) {
    run.note(`iteration ${iteration}: ${what} refilled the batch with ${r.rounds.length - 1} extra round(s)`);
  }
  return values;
}
