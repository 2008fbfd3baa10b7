/**
 * StepGRPO's StepRAR and StepRVR (R1-VL, arXiv:2503.12937 §3.2) on every task, each number
 * worked by hand in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import type { TaskId, TaskInstance } from '../tasks/types';
import { BOS, PAD, encode } from '../tokenizer';
import { findRun, keyStepsOf, matchKeySteps, scoreSample, stepRAR, stepRARCredits, stepRVR, type RewardSample } from './index';

const inst = (taskId: TaskId, prompt: string, answer: string, trace: string): TaskInstance => ({
  taskId,
  seed: 0,
  split: 'id',
  difficulty: 1,
  imageSize: 32,
  image: new Float32Array(32 * 32 * 3),
  promptTokens: [BOS, ...encode(prompt)],
  answer,
  goldTrace: trace.split(' '),
});

const MAX = 24;
const sample = (text: string): RewardSample => {
  const ids = encode(text);
  return { tokens: [...ids, ...new Array<number>(Math.max(0, MAX - ids.length)).fill(PAD)], maxNewTokens: MAX };
};
/** <think> trace </think> <answer> answer </answer> <eos> */
const resp = (trace: string, answer: string) => sample(`<think> ${trace} </think> <answer> ${answer} </answer> <eos>`);

const count3 = inst('count', 'how many red circle ?', '3', '1 2 3');
const count0 = inst('count', 'how many red circle ?', '0', '0');
const sum2 = inst('digit-sum', 'sum of digits ?', '7', '3 + 4 = 7');
const sum3 = inst('digit-sum', 'sum of digits ?', '9', '3 + 4 = 7 7 + 2 = 9');
const larger = inst('compare', 'which is larger ?', 'blue', 'red 5 blue 8'); // blue's 8 is the larger: the question asks for the max
const left = inst('compare', 'which is left ?', 'red', 'red 3 blue 20'); // red's 3 is the smaller x: the question asks for the min
const area = inst('area', 'area of red ?', '6', 'width 3 height 2 3 x 2 = 6');

describe('soft key-step matching', () => {
  it('finds a run of words anywhere, reporting where it ends', () => {
    expect(findRun(['a', 'b', 'c', 'b', 'c'], ['b', 'c'])).toBe(2); // first "b c" spans 1..2
    expect(findRun(['a', 'b'], ['b', 'c'])).toBe(-1);
    expect(findRun(['a'], [])).toBe(-1);
    // Two key steps: the second form of the first matches at 4..6 (end 6); the second is absent.
    expect(matchKeySteps([[['x', 'y', 'z'], ['z', 'y', 'x']], [['q']]], ['a', 'b', 'z', 'y', 'x'])).toEqual([4, -1]);
  });

  it("derives each task's key steps from its gold trace, with equivalent forms", () => {
    expect(keyStepsOf(count3)).toEqual([[['1']], [['2']], [['3']]]);
    expect(keyStepsOf(sum3)).toEqual([
      [['3', '+', '4', '=', '7'], ['4', '+', '3', '=', '7']],
      [['7', '+', '2', '=', '9'], ['2', '+', '7', '=', '9']],
      [['=', '7']],
      [['=', '9']],
    ]);
    expect(keyStepsOf(larger)).toEqual([[['red', '5']], [['blue', '8']]]);
    expect(keyStepsOf(area)).toEqual([[['width', '3']], [['height', '2']], [['3', 'x', '2', '=', '6'], ['2', 'x', '3', '=', '6']]]);
  });
});

describe('StepRAR: share of key steps found', () => {
  it('count: each number of the count is a key step', () => {
    expect(stepRAR(resp('1 2 3', '3'), count3)).toBe(1); // 3 of 3
    expect(stepRAR(resp('1 2', '2'), count3)).toBeCloseTo(2 / 3, 12); // "1", "2" of 3
    expect(stepRAR(resp('3 2 1', '3'), count3)).toBe(1); // soft: order is not asked (the positional step reward gives this 0.5)
    expect(stepRAR(resp('0', '0'), count0)).toBe(1);
  });

  it('digit-sum: equations in either order, and each partial sum', () => {
    expect(stepRAR(resp('3 + 4 = 7', '7'), sum2)).toBe(1); // 2 of 2
    expect(stepRAR(resp('4 + 3 = 7', '7'), sum2)).toBe(1); // the commuted form matches
    expect(stepRAR(resp('3 + 5 = 7', '7'), sum2)).toBe(0.5); // wrong addend: only "= 7", 1 of 2
    expect(stepRAR(resp('3 + 4 = 8', '8'), sum2)).toBe(0); // neither
    expect(stepRAR(resp('3 + 4 = 7 7 + 3 = 10', '10'), sum3)).toBe(0.5); // eq1 and "= 7": 2 of 4
    expect(stepRAR(resp('2 + 7 = 9 4 + 3 = 7', '9'), sum3)).toBe(1); // both equations commuted and swapped, sums stated: 4 of 4
  });

  it('compare: each (colour, number) pair, in any order', () => {
    expect(stepRAR(resp('blue 8 red 5', 'blue'), larger)).toBe(1); // 2 of 2, order swapped
    expect(stepRAR(resp('red 5 blue 7', 'blue'), larger)).toBe(0.5); // blue misread: 1 of 2
    expect(stepRAR(resp('5 red 8 blue', 'blue'), larger)).toBe(0); // the pairs back to front match none
  });

  it('area: width, height, and the product in either order', () => {
    expect(stepRAR(resp('width 3 height 2 2 x 3 = 6', '6'), area)).toBe(1); // 3 of 3, commuted product
    expect(stepRAR(resp('width 3 height 4 3 x 4 = 12', '12'), area)).toBeCloseTo(1 / 3, 12); // only "width 3"
  });

  it('is 0 without a trace', () => {
    expect(stepRAR(sample('<answer> 7 </answer> <eos>'), sum2)).toBe(0);
  });
});

describe('StepRVR: complete and logical, or 0', () => {
  it('count: counts up by one from 1 and answers where it stopped', () => {
    expect(stepRVR(resp('1 2 3', '3'), count3)).toBe(1);
    expect(stepRVR(resp('1 2 3 4', '4'), count3)).toBe(1); // an overcount is still a valid count (wrong, which is accuracy's business)
    expect(stepRVR(resp('1 2 3 4', '3'), count3)).toBe(0); // the answer is not the conclusion
    expect(stepRVR(resp('1 3', '3'), count3)).toBe(0); // skips 2
    expect(stepRVR(resp('0', '0'), count0)).toBe(1);
  });

  it('digit-sum: a chain of true equations on digits, the answer its last sum', () => {
    expect(stepRVR(resp('3 + 4 = 7', '7'), sum2)).toBe(1);
    expect(stepRVR(resp('3 + 5 = 8', '8'), sum2)).toBe(1); // misread 4 as 5, but adds right: valid
    expect(stepRVR(resp('3 + 4 = 8', '8'), sum2)).toBe(0); // 3 + 4 is not 8
    expect(stepRVR(resp('3 + 4 = 7', '8'), sum2)).toBe(0); // answer is not the conclusion
    expect(stepRVR(resp('3 + 4 = 7 7 + 2 = 9', '9'), sum3)).toBe(1);
    expect(stepRVR(resp('3 + 4 = 7 6 + 3 = 9', '9'), sum3)).toBe(0); // the second line does not restate 7
    expect(stepRVR(resp('3 + 14 = 17', '17'), sum2)).toBe(0); // 14 is no digit read
    expect(stepRVR(resp('3 + 4 = 7 7', '7'), sum2)).toBe(0); // a stray word: not only steps
  });

  it('compare: pairs of distinct colours, the answer the winner the question asks for', () => {
    expect(stepRVR(resp('red 5 blue 8', 'blue'), larger)).toBe(1);
    expect(stepRVR(resp('red 9 blue 8', 'red'), larger)).toBe(1); // misread, but red's 9 is the larger of what it read
    expect(stepRVR(resp('red 9 blue 8', 'blue'), larger)).toBe(0); // answer contradicts its own numbers
    expect(stepRVR(resp('red 3 blue 20', 'red'), left)).toBe(1); // "left": the smaller x wins
    expect(stepRVR(resp('red 3 blue 20', 'blue'), left)).toBe(0);
    expect(stepRVR(resp('red 5 red 8', 'red'), larger)).toBe(0); // one colour twice
    expect(stepRVR(resp('red 5 blue 5', 'red'), larger)).toBe(0); // a tie has no winner
    expect(stepRVR(resp('red 5', 'red'), larger)).toBe(0); // one pair is incomplete
  });

  it('area: width, height, then their product', () => {
    expect(stepRVR(resp('width 3 height 2 3 x 2 = 6', '6'), area)).toBe(1);
    expect(stepRVR(resp('width 3 height 4 4 x 3 = 12', '12'), area)).toBe(1); // misread height, commuted product: valid
    expect(stepRVR(resp('width 3 height 2 3 x 2 = 5', '5'), area)).toBe(0); // 3 x 2 is not 5
    expect(stepRVR(resp('width 3 height 2 3 x 4 = 12', '12'), area)).toBe(0); // the product's operand is not the height read
    expect(stepRVR(resp('height 2 width 3 3 x 2 = 6', '6'), area)).toBe(0); // readings out of order
  });

  it('is 0 without a trace or an answer', () => {
    expect(stepRVR(sample('<answer> 7 </answer> <eos>'), sum2)).toBe(0);
    expect(stepRVR(sample('<think> 3 + 4 = 7 </think> <eos>'), sum2)).toBe(0);
    expect(stepRVR(resp('', '7'), sum2)).toBe(0);
  });
});

describe('dense credits', () => {
  it("StepRAR's key steps land on the tokens that complete them", () => {
    // <think>=0, then "3 + 4 = 7 7 + 2 = 9" at 1..10; eq1 ends at trace index 4 (token 5), eq2 at 9 (token 10),
    // "= 7" at trace 3..4 (token 5), "= 9" at trace 8..9 (token 10). K = 4: 1/4 each.
    expect(stepRARCredits(resp('3 + 4 = 7 7 + 2 = 9', '9'), sum3)).toEqual([
      { at: 5, value: 0.25 },
      { at: 10, value: 0.25 },
      { at: 5, value: 0.25 },
      { at: 10, value: 0.25 },
    ]);
    expect(stepRARCredits(sample('<answer> 9 </answer> <eos>'), sum3)).toEqual([]);
  });

  it('scoreSample weighs them (and gates them), and leaves them out of a product', () => {
    const half = resp('3 + 5 = 7', '7'); // only "= 7" (trace 3..4, token 5): 1 of 2
    // weight 0.4: credit 0.4 · 1/2 = 0.2 at token 5; total = 1·1 (accuracy) + 0.4·0.5 = 1.2
    const s = scoreSample(half, sum2, { accuracy: 1, stepRAR: 0.4 });
    expect(s.total).toBeCloseTo(1.2, 12);
    expect(s.credits).toEqual([{ at: 5, value: 0.2 }]);
    // gated on a wrong answer: accuracy 0, so the term and its credit are 0
    const wrong = resp('3 + 5 = 7', '8');
    expect(scoreSample(wrong, sum2, { accuracy: 1, stepRAR: 0.4 }, { gated: { stepRAR: true } }).credits).toEqual([]);
    expect(scoreSample(half, sum2, { accuracy: 1, stepRAR: 0.4 }, { combine: 'product' }).credits).toEqual([]);
    expect(scoreSample(half, sum2, { accuracy: 1 }).credits).toEqual([]);
  });
});
