/**
 * Which groups (the G responses to one prompt) a batch keeps, decided on the host from the
 * rewards already read back with the tokens:
 *
 * - DAPO dynamic sampling (Yu et al. 2025, arXiv:2503.14476, §3.2): a group whose rewards are
 *   all equal has zero advantage for every sample, so it only dilutes the batch. Drop it and
 *   sample more prompts until the batch is full again (at most `maxExtraRounds` more rounds).
 * - MM-EUREKA online filtering (Meng et al. 2025, arXiv:2503.07365): keep only prompts whose
 *   mean accuracy is strictly inside (filterLow, filterHigh), i.e. neither solved nor hopeless.
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

/** The keep rule a config asks for (dynamic sampling and/or online filtering); everything passes when both are off. */
export function groupFilter(tricks: RunConfig['tricks']): (s: GroupStats) => boolean {
  return (s) => (!tricks.dynamicSampling || hasSignal(s)) && (!tricks.onlineFilter || passesOnlineFilter(s, tricks));
}

/** True when the config drops groups at all. */
export function filtersGroups(tricks: RunConfig['tricks']): boolean {
  return tricks.dynamicSampling || tricks.onlineFilter;
}

/** Indices of the groups to keep, in order, at most `limit` of them. */
export function keptGroups(stats: readonly GroupStats[], keep: (s: GroupStats) => boolean, limit = Infinity): number[] {
  const out: number[] = [];
  for (let p = 0; p < stats.length && out.length < limit; p++) if (keep(stats[p]!)) out.push(p);
  return out;
}
