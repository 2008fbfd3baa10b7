/**
 * Which groups (the G responses to one prompt) a batch keeps, decided on the host from the
 * rewards already read back with the tokens:
 *
 * - DAPO dynamic sampling (Yu et al. 2025, arXiv:2503.14476, §3.2): a group whose rewards are
 *   all equal has zero advantage for every sample, so it only dilutes the batch. Drop it and
 *   sample more prompts until the batch is full again (at most `maxExtraRounds` more rounds).
 * - MM-EUREKA online filtering (Meng et al. 2025, arXiv:2503.07365): keep only prompts whose
 *   mean accuracy is strictly inside (filterLow, filterHigh), i.e. neither solved nor hopeless.
 *   Its trainer (OpenRLHF's `--enable_accuracy_filter`) filters only after `freezing_filter_steps`
 *   (`filterFreezeIters` here); EasyR1 (`algorithm.online_filtering`) samples more prompts until
 *   the batch is full, at most `trainer.max_try_make_batch` rounds (`maxExtraRounds` here).
 *
 * When the rounds run out short of B groups, EasyR1 raises an error and ends the run. Here the
 * iteration trains on the groups it has, logs `groups/kept` below B and says so in a note: a
 * playground run that stops halfway over a few hard batches teaches less than one that shows
 * the shortfall on a chart. Filters that can never keep a group (with G = 1, or a range that
 * holds no k/G) are refused up front by the config (../config.ts `samplingTrickRules`).
 */
import type { RunConfig } from '../config';
import { besselStd, isZeroVariance, mean, splitGroups } from '../rl/host';

export interface GroupStats {
  /** Mean total reward of the group. */
  mean: number;
  /** Bessel-corrected std of the group's total rewards (as rl/groupStd; 0 for G = 1). */
  std: number;
  /** Mean accuracy reward of the group. */
  accuracy: number;
}

/** Per-group stats of N = numGroups · G samples laid out group by group. */
export function groupStats(totals: readonly number[], accuracies: readonly number[], groupSize: number): GroupStats[] {
  const accuracyGroups = splitGroups(accuracies, groupSize);
  return splitGroups(totals, groupSize).map((g, p) => ({ mean: mean(g), std: besselStd(g), accuracy: mean(accuracyGroups[p]!) }));
}

/**
 * Whether a group has any spread in its rewards, beyond floating-point rounding (rl/host.ts
 * `isZeroVariance`: weighted sums of rule rewards are not exact). `groups/zero_std_frac` counts the others.
 */
export function hasSignal(s: GroupStats): boolean {
  return !isZeroVariance(s.std, s.mean);
}

/** MM-EUREKA's rule: filterLow < accuracy < filterHigh. */
export function passesOnlineFilter(s: GroupStats, tricks: Pick<RunConfig['tricks'], 'filterLow' | 'filterHigh'>): boolean {
  return s.accuracy > tricks.filterLow && s.accuracy < tricks.filterHigh;
}

/** True when online filtering acts at this (1-based) iteration: on, and past its freeze (MM-EUREKA's freezing_filter_steps). */
export function onlineFilterActive(tricks: RunConfig['tricks'], iteration = Infinity): boolean {
  return tricks.onlineFilter && iteration > tricks.filterFreezeIters;
}

/**
 * The keep rule a config asks for at a (1-based) iteration (dynamic sampling and/or online
 * filtering); everything passes when both are off. Without an iteration, the filter as it acts after its freeze.
 */
export function groupFilter(tricks: RunConfig['tricks'], iteration = Infinity): (s: GroupStats) => boolean {
  const online = onlineFilterActive(tricks, iteration);
  return (s) => (!tricks.dynamicSampling || hasSignal(s)) && (!online || passesOnlineFilter(s, tricks));
}

/** True when the config drops groups at all (at that iteration, when given). */
export function filtersGroups(tricks: RunConfig['tricks'], iteration = Infinity): boolean {
  return tricks.dynamicSampling || onlineFilterActive(tricks, iteration);
}

/** Indices of the groups to keep, in order, at most `limit` of them. */
export function keptGroups(stats: readonly GroupStats[], keep: (s: GroupStats) => boolean, limit = Infinity): number[] {
  const out: number[] = [];
  for (let p = 0; p < stats.length && out.length < limit; p++) if (keep(stats[p]!)) out.push(p);
  return out;
}
