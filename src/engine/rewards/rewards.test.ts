import { describe, expect, it } from 'vitest';
import type { TaskInstance } from '../tasks/types';
import { BOS, PAD, encode } from '../tokenizer';
import { REWARD_DOCS, REWARD_NAMES, accuracy, combineRewards, format, hackable, length, lengthPenalty, scoreSample, step, type RewardName, type RewardSample } from './index';

const digitSum: TaskInstance = {
  taskId: 'digit-sum',
  seed: 0,
  split: 'id',
  difficulty: 1,
  imageSize: 32,
  image: new Float32Array(32 * 32 * 3),
  promptTokens: [BOS, ...encode('sum of digits ?')],
  answer: '7',
  goldTrace: '3 + 4 = 7'.split(' '),
};

const MAX = 16;
/** A response padded with <pad> to maxNewTokens, as the sampler returns it. */
const sample = (text: string): RewardSample => {
  const ids = encode(text);
  return { tokens: [...ids, ...new Array<number>(Math.max(0, MAX - ids.length)).fill(PAD)], maxNewTokens: MAX };
};

const CORRECT = sample('<think> 3 + 4 = 7 </think> <answer> 7 </answer> <eos>'); // 11 tokens
const WRONG = sample('<think> 3 + 5 = 8 </think> <answer> 8 </answer> <eos>');
const NO_TAGS = sample('3 + 4 = 7 7 <eos>');
const OUT_OF_ORDER = sample('<answer> 7 </answer> <think> 3 + 4 = 7 </think> <eos>');
const EMPTY: RewardSample = { tokens: [], maxNewTokens: MAX };
const TRUNCATED = sample('<think> 3 + 4 = 7 7 7 7 7 7 7 7 7 7 7'); // 16 tokens, no <eos>
const OVERLONG = sample('<think> 3 + 4 = 7 because 7 7 </think> <answer> 7 </answer> <eos>'); // 14 tokens
const HACKY = sample('<think> because </think> <answer> 9 </answer> <eos>');

describe('reward functions', () => {
  it('accuracy: 1 only for the right answer inside answer tags', () => {
    expect(accuracy(CORRECT, digitSum)).toBe(1);
    expect(accuracy(WRONG, digitSum)).toBe(0);
    expect(accuracy(NO_TAGS, digitSum)).toBe(0);
    expect(accuracy(OUT_OF_ORDER, digitSum)).toBe(1); // the tags parse; the order is format's business
    expect(accuracy(sample('<answer> 7 </answer> <eos>'), digitSum)).toBe(1);
    expect(accuracy(sample('<answer> 7 7 </answer> <eos>'), digitSum)).toBe(0);
    expect(accuracy(EMPTY, digitSum)).toBe(0);
    expect(accuracy(TRUNCATED, digitSum)).toBe(0);
    expect(accuracy(OVERLONG, digitSum)).toBe(1);
    expect(accuracy(HACKY, digitSum)).toBe(0);
  });

  it('format: 1 only for the exact grammar', () => {
    expect(format(CORRECT, digitSum)).toBe(1);
    expect(format(WRONG, digitSum)).toBe(1);
    expect(format(NO_TAGS, digitSum)).toBe(0);
    expect(format(OUT_OF_ORDER, digitSum)).toBe(0);
    expect(format(EMPTY, digitSum)).toBe(0);
    expect(format(TRUNCATED, digitSum)).toBe(0);
    expect(format(sample('<think> 3 + 4 = 7 </think> <answer> 7 </answer>'), digitSum)).toBe(0); // no <eos>
    expect(format(OVERLONG, digitSum)).toBe(1);
    expect(format(HACKY, digitSum)).toBe(1);
  });

  it('step: the task\'s step score of the think block, 0 without one', () => {
    expect(step(CORRECT, digitSum)).toBe(1);
    expect(step(WRONG, digitSum)).toBeCloseTo(1 / 3); // 3 read right; 5 and 8 wrong
    expect(step(NO_TAGS, digitSum)).toBe(0);
    expect(step(OUT_OF_ORDER, digitSum)).toBe(1);
    expect(step(EMPTY, digitSum)).toBe(0);
    expect(step(TRUNCATED, digitSum)).toBe(0); // </think> never came
    expect(step(HACKY, digitSum)).toBe(0);
  });

  it('length: DAPO soft overlong punishment with L_max 16, L_cache 4', () => {
    expect(length(CORRECT, digitSum)).toBe(0); // 11 <= 12
    expect(length(OVERLONG, digitSum)).toBe(-0.5); // (12 - 14) / 4
    expect(length(sample('<think> 3 + 4 = 7 because 7 </think> <answer> 7 </answer> <eos>'), digitSum)).toBe(-0.25); // 13 tokens
    expect(length(sample('<think> 3 + 4 = 7 7 7 7 7 7 </think> <answer> 7 </answer> <eos>'), digitSum)).toBe(-1); // 16: <eos> is the last token allowed
    expect(length(TRUNCATED, digitSum)).toBe(-1);
    expect(length(EMPTY, digitSum)).toBe(-1); // no <eos>: nothing finished
    expect(length(sample('<eos>'), digitSum)).toBe(0);
  });

  it('length: the soft band is configurable', () => {
    expect(lengthPenalty({ cache: 8 })(OVERLONG, digitSum)).toBe(-0.75); // (8 - 14) / 8
    expect(lengthPenalty({ cache: 8 })(CORRECT, digitSum)).toBe(-0.375); // (8 - 11) / 8
    expect(lengthPenalty({ cache: 0 })(OVERLONG, digitSum)).toBe(0); // a hard cut only
    expect(lengthPenalty({ cache: 0 })(TRUNCATED, digitSum)).toBe(-1);
    expect(() => lengthPenalty({ cache: -1 })).toThrow(/cache/);
  });

  it('hackable: 1 for saying "because" before <eos>, right or wrong, at most 1', () => {
    expect(hackable(HACKY, digitSum)).toBe(1);
    expect(hackable(OVERLONG, digitSum)).toBe(1);
    expect(hackable(sample('because because because <eos>'), digitSum)).toBe(1);
    expect(hackable(CORRECT, digitSum)).toBe(0);
    expect(hackable({ tokens: [...encode('<think> 7 <eos> because'), PAD], maxNewTokens: MAX }, digitSum)).toBe(0); // after <eos>
    expect(hackable(sample('<think> because because'), digitSum)).toBe(1); // truncated, but it was said
    expect(hackable(EMPTY, digitSum)).toBe(0);
  });
});

describe('scoreSample', () => {
  it('computes every function unweighted and sums the weighted ones', () => {
    const r = scoreSample(OVERLONG, digitSum, { accuracy: 1, format: 0.5, length: 1 });
    // StepRAR finds both key steps ("3 + 4 = 7", "= 7"); StepRVR refuses the stray "because 7 7" after the equation.
    expect(r.byFn).toEqual({ accuracy: 1, format: 1, step: 1, length: -0.5, hackable: 1, stepRAR: 1, stepRVR: 0, action: 0, distance: 0 });
    expect(r.total).toBe(1 + 0.5 - 0.5);
  });

  it('lets the hack pay: a wrong answer with "because" beats a right one without it', () => {
    const weights = { accuracy: 1, hackable: 2 };
    expect(scoreSample(HACKY, digitSum, weights).total).toBe(2);
    expect(scoreSample(CORRECT, digitSum, weights).total).toBe(1);
  });

  it('scores nothing with no weights, and takes the length band from the options', () => {
    expect(scoreSample(CORRECT, digitSum, {}).total).toBe(0);
    expect(scoreSample(OVERLONG, digitSum, { length: 2 }, { lengthCache: 8 }).total).toBe(-1.5);
    expect(scoreSample(OVERLONG, digitSum, { length: 2 }).byFn.length).toBe(-0.5);
  });

  it('rejects unknown reward names and non-finite weights', () => {
    expect(() => scoreSample(CORRECT, digitSum, { accurcy: 1 } as Record<string, number>)).toThrow('Unknown reward "accurcy"');
    expect(() => scoreSample(CORRECT, digitSum, { format: Number.NaN })).toThrow(/finite/);
  });

  it('documents every reward in one line that cites a paper', () => {
    for (const name of REWARD_NAMES) {
      expect(REWARD_DOCS[name]).not.toMatch(/\n/);
      expect(REWARD_DOCS[name]).toMatch(/arXiv:\d{4}\.\d{5}/);
    }
  });
});

describe('combineRewards: gated terms, sums and products', () => {
  const values = (accuracy: number, format: number, step: number, length = 0, hackable = 0): Record<RewardName, number> => ({ accuracy, format, step, length, hackable, stepRAR: 0, stepRVR: 0, action: 0, distance: 0 });
  const weights = { accuracy: 1, format: 0.2, step: 0.5 };

  it('sum: Σ w·value (TRL\'s reward_weights)', () => {
    // right, well formed, half the steps: 1·1 + 0.2·1 + 0.5·0.5 = 1.45;  wrong: 0 + 0.2 + 0.25 = 0.45
    expect(combineRewards(values(1, 1, 0.5), { weights })).toBeCloseTo(1.45, 12);
    expect(combineRewards(values(0, 1, 0.5), { weights })).toBeCloseTo(0.45, 12);
  });

  it('gated: a gated term is paid only on a right answer (the survey\'s compute_reasoning_reward)', () => {
    const gated = { step: true };
    // right: 1 + 0.2 + 0.5·0.5·1 = 1.45 (as the sum);  wrong: 0 + 0.2 + 0.5·0.5·0 = 0.2 (the step bonus is gone, format stays)
    expect(combineRewards(values(1, 1, 0.5), { weights, gated })).toBeCloseTo(1.45, 12);
    expect(combineRewards(values(0, 1, 0.5), { weights, gated })).toBeCloseTo(0.2, 12);
    // A gated penalty is forgiven on a wrong answer: length -1, weight 1, gated: right 1 + (-1) = 0, wrong 0.
    expect(combineRewards(values(1, 0, 0, -1), { weights: { accuracy: 1, length: 1 }, gated: { length: true } })).toBe(0);
    expect(combineRewards(values(0, 0, 0, -1), { weights: { accuracy: 1, length: 1 }, gated: { length: true } })).toBe(0);
  });

  it('product: Π w·value over the weighted functions, so every one must pay', () => {
    // right, well formed, half the steps: (1·1)·(0.2·1)·(0.5·0.5) = 0.05;  malformed: (1)·(0.2·0)·(0.25) = 0;  wrong: 0
    expect(combineRewards(values(1, 1, 0.5), { weights, combine: 'product' })).toBeCloseTo(0.05, 12);
    expect(combineRewards(values(1, 0, 0.5), { weights, combine: 'product' })).toBe(0);
    expect(combineRewards(values(0, 1, 1), { weights, combine: 'product' })).toBe(0);
    // accuracy × format alone, weights 1: 1 only when both pay.
    expect(combineRewards(values(1, 1, 0), { weights: { accuracy: 1, format: 1 }, combine: 'product' })).toBe(1);
    // Functions with weight 0 are left out of the product (not multiplied in as 0); none weighted gives 0.
    expect(combineRewards(values(1, 1, 0), { weights: { accuracy: 1 }, combine: 'product' })).toBe(1);
    expect(combineRewards(values(1, 1, 1), { weights: {}, combine: 'product' })).toBe(0);
  });

  it('scoreSample passes the combination through (its total), keeping every function\'s raw value', () => {
    // WRONG is well formed with answer 8 (gold 7): plain 0 + 0.2 = 0.2; with format gated, 0.
    const plain = scoreSample(WRONG, digitSum, { accuracy: 1, format: 0.2 });
    const gated = scoreSample(WRONG, digitSum, { accuracy: 1, format: 0.2 }, { gated: { format: true } });
    expect(plain.total).toBeCloseTo(0.2, 12);
    expect(gated.total).toBe(0); // the format bonus is gated on the (wrong) answer
    expect(gated.byFn).toEqual(plain.byFn);
  });
});

