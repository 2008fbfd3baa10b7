/**
 * Rule-based reward functions: plain `(sample, instance) => number` callables, as in TRL's
 * GRPOTrainer, so they compose with weights (./index.ts) and test in isolation.
 */
import { getTask, scoreAnswer } from '../tasks';
import { scoreBox, type BoxReward } from '../tasks/box';
import type { TaskInstance } from '../tasks/types';
import { answerWords, id } from '../tokenizer';
import { parseResponse } from './parse';

export interface RewardSample {
  /** Generated response ids; after <eos> the sampler may have run on with <pad>. */
  tokens: readonly number[];
  /** The generation budget: a response with no <eos> within it was truncated. */
  maxNewTokens: number;
}

export type RewardFn = (sample: RewardSample, instance: TaskInstance) => number;

/** The response parsed with its task's answer length (3 words for "click 12 20"). */
export const parseFor = (sample: RewardSample, instance: TaskInstance) => parseResponse(sample.tokens, getTask(instance.taskId).answerLength);

/**
 * The task's score of the text between the first <answer> and </answer>: 1 if it is exactly
 * the gold answer, else 0, unless the task grades answers itself (a click inside the target's
 * box, IoU with the gold box: TaskDef.scoreAnswer). As in DeepSeek-R1, the answer must sit inside its tags to be graded (a bare "7" earns
 * nothing), but the rest of the grammar (think tags, <eos>) is the format reward's business:
 * a correct answer in an otherwise sloppy or truncated response still counts.
 */
export const accuracy: RewardFn = (sample, instance) => scoreAnswer(instance, parseResponse(sample.tokens).answer);

/**
 * The accuracy reward of a box task (TaskDef.goldBox: locate) paid another way (rewards.box):
 * 'iou' the task's own IoU (as `accuracy`), 'iou50' 1 when IoU >= 0.5 else 0 (Visual-RFT's
 * grounding reward, arXiv:2503.01785), 'recall' the share of the gold box the answer covers:
 * hackable on purpose, since a box over the whole image covers every gold box. A malformed box
 * scores 0 under all three. On a task without boxes it is `accuracy` (the config refuses it there).
 */
export function boxAccuracy(how: BoxReward): RewardFn {
  return (sample, instance) => {
    const gold = getTask(instance.taskId).goldBox?.(instance);
    if (gold === undefined || how === 'iou') return accuracy(sample, instance);
    const answer = parseResponse(sample.tokens).answer;
    return answer === null ? 0 : scoreBox(answerWords(answer), gold, how);
  };
}

/** 1 if the response is exactly `<think> ... </think> <answer> X </answer> <eos>` with the task's number of answer words (see ParsedResponse.wellFormed), else 0. */
export const format: RewardFn = (sample, instance) => (parseFor(sample, instance).wellFormed ? 1 : 0);

/** Process reward (StepGRPO): the task's scoreSteps on the trace inside <think> ... </think>; 0 without one. */
export const step: RewardFn = (sample, instance) => {
  const { trace } = parseResponse(sample.tokens);
  return trace === null ? 0 : getTask(instance.taskId).scoreSteps(instance, trace);
};

export const DEFAULT_LENGTH_CACHE = 4;

/**
 * DAPO's soft overlong punishment (Yu et al., 2025, arXiv:2503.14476, §3.4), with
 * L_max = maxNewTokens, L_cache = cache and |y| the response length up to and including <eos>:
 *
 *   R(y) = 0                                if |y| <= L_max - L_cache
 *        = ((L_max - L_cache) - |y|) / L_cache  if L_max - L_cache < |y| <= L_max
 *        = -1                               if truncated (no <eos> within L_max)
 *
 * The ramp reaches -1 at |y| = L_max, so the penalty is continuous up to truncation.
 * cache = 0 is a hard cut: 0 for any finished response, -1 for a truncated one.
 */
export function lengthPenalty({ cache = DEFAULT_LENGTH_CACHE }: { cache?: number } = {}): RewardFn {
  if (!Number.isInteger(cache) || cache < 0) throw new Error(`lengthPenalty: cache must be a non-negative integer, got ${cache}.`);
  return (sample) => {
    const { eosReached, length } = parseResponse(sample.tokens);
    const lMax = sample.maxNewTokens;
    if (!eosReached || length > lMax) return -1;
    const free = lMax - Math.min(cache, lMax);
    return length <= free ? 0 : (free - length) / (lMax - free);
  };
}

export const length: RewardFn = lengthPenalty();

const BECAUSE = id('because');

/**
 * Deliberately hackable: +1 if the response says "because" anywhere before <eos>, capped at 1.
 * It pays for a word, not for being right, so RL soon learns to say "because" whatever the
 * answer: reward hacking, live, for the teaching demo.
 */
export const hackable: RewardFn = (sample) => {
  const { eosReached, length: n } = parseResponse(sample.tokens);
  const said = eosReached ? sample.tokens.slice(0, n) : sample.tokens;
  return said.includes(BECAUSE) ? 1 : 0;
};
