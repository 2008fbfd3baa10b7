/**
 * The reward registry and its composition: total = sum (or product) over functions of weight x
 * value, a gated function's term paid only on a right answer (combineRewards).
 * Every function is computed for every sample, weighted or not, so the metrics can chart
 * `reward/<fn>/mean` for a function the run does not optimise (format rate, the hack rate).
 */
import type { TaskInstance } from '../tasks/types';
import type { BoxReward } from '../tasks/box';
import type { TaskId } from '../tasks/types';
import { ACTION_TASKS, action, distance } from './click';
import { accuracy, boxAccuracy, format, hackable, length, lengthPenalty, step, type RewardFn, type RewardSample } from './functions';
import { stepRAR, stepRARCredits, stepRVR } from './stepgrpo';

export { accuracy, boxAccuracy, format, hackable, length, lengthPenalty, step, DEFAULT_LENGTH_CACHE, type RewardFn, type RewardSample } from './functions';
export { BOX_REWARDS, type BoxReward } from '../tasks/box';
export { parseResponse, type ParsedResponse } from './parse';
export { action, distance } from './click';
export { findRun, keyStepsOf, matchKeySteps, stepRAR, stepRARCredits, stepRVR } from './stepgrpo';

export const REWARD_NAMES = ['accuracy', 'format', 'step', 'length', 'hackable', 'stepRAR', 'stepRVR', 'action', 'distance'] as const;
export type RewardName = (typeof REWARD_NAMES)[number];

export const REWARD_FNS: Readonly<Record<RewardName, RewardFn>> = { accuracy, format, step, length, hackable, stepRAR, stepRVR, action, distance };

/**
 * Rewards that score one kind of answer only, with the tasks they apply to (absent: every task).
 * RunConfigSchema refuses a non-zero weight for one of these on any other task, at its field.
 */
export const REWARD_TASKS: Readonly<Partial<Record<RewardName, readonly TaskId[]>>> = { action: ACTION_TASKS, distance: ACTION_TASKS };

/** One line each for the UI. */
export const REWARD_DOCS: Readonly<Record<RewardName, string>> = {
  accuracy: 'Outcome reward: 1 if the word inside <answer> … </answer> is the right answer, else 0 (rule-based, as in DeepSeek-R1, arXiv:2501.12948).',
  format: 'Format reward: 1 if the response is exactly <think> … </think> <answer> X </answer> <eos>, else 0 (DeepSeek-R1, arXiv:2501.12948).',
  step: 'Process reward: the share of reasoning steps (digits read, partial sums, counts) the trace gets right, after StepGRPO (R1-VL, arXiv:2503.12937).',
  length: "Soft overlong punishment: 0 while short, a linear ramp to -1 over the last few tokens of the budget, -1 if cut off (DAPO, arXiv:2503.14476).",
  hackable: 'Deliberately hackable: +1 for saying "because", right or wrong; watch RL learn to game it (reward hacking, Skalse et al., arXiv:2209.13085).',
  stepRAR: "StepRAR: the share of the gold reasoning's key steps (readings, equations, in any equivalent form) found anywhere in the trace, by soft key-step matching (StepGRPO, arXiv:2503.12937).",
  stepRVR: 'StepRVR: 1 if the trace is complete and logical (readings, then steps that follow from them, and an answer that is their conclusion), else 0; it does not check the readings (StepGRPO, arXiv:2503.12937).',
  action: 'Click task: 1 if the answer\'s action type is right (its first word is "click"), UI-R1\'s action reward (arXiv:2503.21620); the accuracy reward already asks for it and a point inside the box.',
  distance: 'Click task, deliberately hackable: partial credit max(0, 1 - d/16) for a click d units from the target\'s centre; always clicking the screen\'s middle earns 0.38 or more without looking (a proxy to game, Skalse et al., arXiv:2209.13085; UI-R1 pays only inside the box).',
};

export type RewardWeights = Partial<Record<RewardName, number>>;

/** How the weighted terms become one reward: summed (TRL's reward_weights), or multiplied. */
export const REWARD_COMBINES = ['sum', 'product'] as const;
export type RewardCombine = (typeof REWARD_COMBINES)[number];

/** The functions whose term is paid only when the answer is right (accuracy = 1). Accuracy itself cannot be gated. */
export const GATEABLE_REWARDS = ['format', 'step', 'length', 'hackable', 'stepRAR', 'stepRVR'] as const satisfies readonly RewardName[];
export type GateableReward = (typeof GATEABLE_REWARDS)[number];
const isGateable = (name: RewardName): name is GateableReward => (GATEABLE_REWARDS as readonly string[]).includes(name);

export interface RewardCombination {
  weights: RewardWeights;
  /** Gated functions: their term is w·value·accuracy, a bonus only a right answer earns. */
  gated?: Partial<Record<GateableReward, boolean>>;
  combine?: RewardCombine;
}

/**
 * The reward of a sample from its functions' values. Each function with a weight w ≠ 0 gives a
 * term w · value, times the accuracy (0 or 1) when it is gated: the survey's
 * compute_reasoning_reward (Sun et al. 2025, arXiv:2505.18536) pays its reasoning bonus only on a
 * right answer, so a well-written wrong answer earns nothing for its prose. The terms are then
 * summed ('sum', the weighted sum TRL computes from reward_weights) or multiplied ('product':
 * every weighted function must pay for the sample to earn anything, e.g. accuracy × format).
 * With no weighted function the reward is 0 under both.
 */
export function combineRewards(byFn: Readonly<Record<RewardName, number>>, c: RewardCombination): number {
  const terms: number[] = [];
  for (const name of REWARD_NAMES) {
    const w = c.weights[name] ?? 0;
    if (w === 0) continue;
    const gate = isGateable(name) && c.gated?.[name] === true ? byFn.accuracy : 1;
    terms.push(w * byFn[name] * gate);
  }
  if (terms.length === 0) return 0;
  return c.combine === 'product' ? terms.reduce((a, b) => a * b, 1) : terms.reduce((a, b) => a + b, 0);
}

export interface ScoreOptions {
  /** L_cache of the length reward (DAPO's soft overlong band), in tokens. */
  lengthCache?: number;
  /** How a box task's (locate's) accuracy term is paid: IoU (default), IoU >= 0.5, or hackable recall (boxAccuracy). */
  box?: BoxReward;
  /** Gated functions and sum or product (combineRewards); default: none gated, summed. */
  gated?: RewardCombination['gated'];
  combine?: RewardCombine;
}

export interface ScoredSample {
  total: number;
  /** Every function's unweighted value. */
  byFn: Record<RewardName, number>;
  /**
   * Dense rewards (rewards.dense): the part of `total` earned at a given response token, the
   * rest being paid at the last token (rl placeTokenRewards). Each StepRAR key step matched is
   * its weighted share, w·(1/K) (times the accuracy when gated), on the token that completes it.
   * Empty when StepRAR has no weight or the terms are multiplied (a product does not split).
   */
  credits: { at: number; value: number }[];
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
  if (opts.box !== undefined && opts.box !== 'iou') fns.accuracy = boxAccuracy(opts.box);

  const byFn = {} as Record<RewardName, number>;
  for (const name of REWARD_NAMES) byFn[name] = fns[name](sample, instance);
  const w = weights.stepRAR ?? 0;
  const scale = w * (opts.gated?.stepRAR === true ? byFn.accuracy : 1);
  const credits = scale === 0 || opts.combine === 'product' ? [] : stepRARCredits(sample, instance).map((c) => ({ at: c.at, value: scale * c.value }));
  return { total: combineRewards(byFn, { weights, gated: opts.gated, combine: opts.combine }), byFn, credits };
}
