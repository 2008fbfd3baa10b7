/**
 * The reward registry and its composition: total = sum over functions of weight x value.
 * Every function is computed for every sample, weighted or not, so the metrics can chart
 * `reward/<fn>/mean` for a function the run does not optimise (format rate, the hack rate).
 */
import type { TaskInstance } from '../tasks/types';
import { accuracy, format, hackable, length, lengthPenalty, step, type RewardFn, type RewardSample } from './functions';

export { accuracy, format, hackable, length, lengthPenalty, step, DEFAULT_LENGTH_CACHE, type RewardFn, type RewardSample } from './functions';
export { parseResponse, type ParsedResponse } from './parse';

export const REWARD_NAMES = ['accuracy', 'format', 'step', 'length', 'hackable'] as const;
export type RewardName = (typeof REWARD_NAMES)[number];

export const REWARD_FNS: Readonly<Record<RewardName, RewardFn>> = { accuracy, format, step, length, hackable };

/** One line each for the UI. */
export const REWARD_DOCS: Readonly<Record<RewardName, string>> = {
  accuracy: 'Outcome reward: 1 if the word inside <answer> … </answer> is the right answer, else 0 (rule-based, as in DeepSeek-R1, arXiv:2501.12948).',
  format: 'Format reward: 1 if the response is exactly <think> … </think> <answer> X </answer> <eos>, else 0 (DeepSeek-R1, arXiv:2501.12948).',
  step: 'Process reward: the share of reasoning steps (digits read, partial sums, counts) the trace gets right, after StepGRPO (R1-VL, arXiv:2503.12937).',
  length: "Soft overlong punishment: 0 while short, a linear ramp to -1 over the last few tokens of the budget, -1 if cut off (DAPO, arXiv:2503.14476).",
  hackable: 'Deliberately hackable: +1 for saying "because", right or wrong; watch RL learn to game it (reward hacking, Skalse et al., arXiv:2209.13085).',
};

export type RewardWeights = Partial<Record<RewardName, number>>;

export interface ScoreOptions {
  /** L_cache of the length reward (DAPO's soft overlong band), in tokens. */
  lengthCache?: number;
}

export interface ScoredSample {
  total: number;
  /** Every function's unweighted value. */
  byFn: Record<RewardName, number>;
}

function isRewardName(name: string): name is RewardName {
  return (REWARD_NAMES as readonly string[]).includes(name);
}

export function scoreSample(sample: RewardSample, instance: TaskInstance, weights: RewardWeights, opts: ScoreOptions = {}): ScoredSample {
  for (const [name, w] of Object.entries(weights)) {
    if (!isRewardName(name)) throw new Error(`Unknown reward "${name}": valid rewards are ${REWARD_NAMES.join(', ')}.`);
    if (w !== undefined && !Number.isFinite(w)) throw new Error(`Reward weight for "${name}" must be a finite number, got ${w}.`);
  }
  const fns: Record<RewardName, RewardFn> = { ...REWARD_FNS };
  if (opts.lengthCache !== undefined) fns.length = lengthPenalty({ cache: opts.lengthCache });

  const byFn = {} as Record<RewardName, number>;
  let total = 0;
  for (const name of REWARD_NAMES) {
    byFn[name] = fns[name](sample, instance);
    const w = weights[name] ?? 0;
    if (w !== 0) total += w * byFn[name];
  }
  return { total, byFn };
}
