import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, ObjectiveSchema, OptimSchema, RunConfigSchema, TricksSchema, curriculumFormatIssue } from '../config';
import { issueSentence } from '../issues';
import { imagesPerRow } from '../model';
import { noiseDecay, noiseStdAt, perturbImages, perturbedPerGroup } from './augment';
import { candidateMetrics, perturbationAccuracy } from './collect';
import { encode } from '../tokenizer';
import type { TaskInstance } from '../tasks/types';
import { combineRewards } from '../rewards';
import { CURRICULUM_MIN_ITERS, CURR_REFT_STAGES, Curriculum, OPEN_STAGE, SELF_IMPROVEMENT_STAGE, inSelfImprovement, stageFormat, stageOfLevel, stageRewardWeights } from './curriculum';
import { filtersGroups, groupFilter, groupStats, keptGroups, passesOnlineFilter } from './filter';
import { hybridRows, type HostSample } from './rollout';
import { BetaSchedule, learningRateAt } from './schedule';

describe('group filters', () => {
  // 3 groups of G = 4: all right (acc 1), mixed (acc 0.5), all wrong (acc 0).
  const acc = [1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0];
  const totals = acc.map((a, i) => a + (i === 11 ? 0.2 : 0)); // the last group has a little format spread
  const stats = groupStats(totals, acc, 4);

  it('computes group mean, Bessel std and accuracy', () => {
    expect(stats.map((s) => s.accuracy)).toEqual([1, 0.5, 0]);
    expect(stats[0]!.std).toBe(0);
    expect(stats[1]!.std).toBeCloseTo(Math.sqrt(1 / 3), 10); // (0.25 * 4) / 3
    expect(stats[2]!.mean).toBeCloseTo(0.05, 10);
  });

  it('MM-EUREKA online filter keeps only accuracy strictly inside (0.01, 0.99)', () => {
    const keep = groupFilter(TricksSchema.parse({ onlineFilter: true }));
    expect(keptGroups(stats, keep)).toEqual([1]);
    expect(passesOnlineFilter({ mean: 0, std: 0, accuracy: 0.99 }, { filterLow: 0.01, filterHigh: 0.99 })).toBe(false);
    expect(passesOnlineFilter({ mean: 0, std: 0, accuracy: 0.011 }, { filterLow: 0.01, filterHigh: 0.99 })).toBe(true);
  });

  it('DAPO dynamic sampling keeps groups with any reward spread, up to a limit', () => {
    const keep = groupFilter(TricksSchema.parse({ dynamicSampling: true }));
    expect(keptGroups(stats, keep)).toEqual([1, 2]);
    expect(keptGroups(stats, keep, 1)).toEqual([1]);
    const both = groupFilter(TricksSchema.parse({ dynamicSampling: true, onlineFilter: true }));
    expect(keptGroups(stats, both)).toEqual([1]);
    expect(keptGroups(stats, groupFilter(TricksSchema.parse({})))).toEqual([0, 1, 2]);
  });
});

describe('online filtering over the run', () => {
  const stats = groupStats([1, 1, 0, 1, 0, 0], [1, 1, 0, 1, 0, 0], 2); // accuracies 1, 0.5, 0

  it('keeps every group during its freeze (MM-EUREKA freezing_filter_steps), then filters', () => {
    const tricks = TricksSchema.parse({ onlineFilter: true, filterFreezeIters: 2 });
    expect(filtersGroups(tricks, 2)).toBe(false);
    expect(keptGroups(stats, groupFilter(tricks, 2))).toEqual([0, 1, 2]);
    expect(filtersGroups(tricks, 3)).toBe(true);
    expect(keptGroups(stats, groupFilter(tricks, 3))).toEqual([1]);
    expect(keptGroups(stats, groupFilter(tricks))).toEqual([1]); // no iteration: as after the freeze
  });
});

describe('sampling tricks that could never work are refused at the field to fix', () => {
  const issue = (tricks: Record<string, unknown>, groupSize = 8) => {
    const r = RunConfigSchema.safeParse({ sampling: { groupSize }, tricks });
    return r.success ? null : r.error.issues.map((i) => issueSentence(i)).join(' ');
  };

  it('an online filter whose range holds no k/G', () => {
    // G = 2: mean accuracies 0, 0.5, 1; (0.5, 0.99) holds none of them.
    expect(issue({ onlineFilter: true, filterLow: 0.5 }, 2)).toMatch(/tricks\.filterLow: Online filtering can keep no group: with G = 2/);
    expect(issue({ onlineFilter: true, filterLow: 0.5 }, 4)).toBeNull(); // 0.75 passes
    expect(issue({ onlineFilter: true }, 1)).toMatch(/tricks\.filterLow: /); // a group of 1 is all right or all wrong
  });

  it('dynamic sampling or hybrid NoisyRollout groups with G = 1', () => {
    expect(issue({ dynamicSampling: true }, 1)).toMatch(/sampling\.groupSize: Dynamic sampling needs at least 2 samples per prompt/);
    expect(issue({ noisyRollout: true }, 1)).toMatch(/tricks\.noiseMix: Hybrid NoisyRollout groups need at least 2/);
    expect(issue({ noisyRollout: true, noiseMix: 'all' }, 1)).not.toMatch(/noiseMix/); // (GRPO itself still refuses G = 1)
  });
});

describe('curriculum', () => {
  it('moves up after enough iterations with the accuracy EMA at the threshold, never past the last level', () => {
    const c = new Curriculum(1, 2, 0.8, true);
    const ups = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9].map((a) => c.observe(a));
    expect(ups.indexOf(true)).toBe(CURRICULUM_MIN_ITERS - 1);
    expect(c.difficulty).toBe(2);
    expect(ups.filter(Boolean)).toHaveLength(1);
  });

  it('stays while accuracy is low, and does nothing when disabled', () => {
    const c = new Curriculum(1, 3, 0.8, true);
    for (let i = 0; i < 10; i++) c.observe(0.5);
    expect(c.difficulty).toBe(1);
    const off = new Curriculum(1, 3, 0, false);
    off.observe(1);
    off.observe(1);
    off.observe(1);
    expect(off.difficulty).toBe(1);
  });
});

describe('Curr-ReFT stages (arXiv:2503.07065)', () => {
  it('numbers the stages from the starting level, capped at the last RL stage; self-improvement is one past them', () => {
    // Start at level 2 of 5: levels 2, 3, 4, 5 are stages 1, 2, 3, 3 (three RL stages).
    expect([2, 3, 4, 5].map((l) => stageOfLevel(l, 2))).toEqual([1, 2, 3, 3]);
    expect(SELF_IMPROVEMENT_STAGE).toBe(4);
    const c = new Curriculum(1, 3, 0, true);
    expect(c.stage).toBe(1);
    for (let i = 0; i < CURRICULUM_MIN_ITERS; i++) c.observe(1);
    expect([c.difficulty, c.stage]).toEqual([2, 2]);
  });

  it('lays the stage weights over rewards.weights, leaving the keys a stage does not name', () => {
    const base = { accuracy: 1, format: 0.2, step: 0, length: -1, hackable: 0, stepRAR: 0, stepRVR: 0 };
    expect(stageRewardWeights(base, 1)).toEqual({ ...base, format: 0.5, step: 0.5 });
    expect(stageRewardWeights(base, 3)).toEqual({ ...base, format: 0.1, step: 0 });
    expect(stageRewardWeights(base, 9)).toEqual(stageRewardWeights(base, CURR_REFT_STAGES.length)); // past the last: the last
  });

  it('pays a well-formed wrong answer less at each stage, a right one the answer first (hand-worked)', () => {
    const base = { accuracy: 1, format: 0.2, step: 0, length: 0, hackable: 0, stepRAR: 0, stepRVR: 0 };
    const reward = (byFn: { accuracy: number; format: number; step: number }, stage: number) =>
      combineRewards({ length: 0, hackable: 0, stepRAR: 0, stepRVR: 0, action: 0, distance: 0, ...byFn }, { weights: stageRewardWeights(base, stage) });
    // Wrong answer, well formed, 2 of 4 steps right: accuracy 0, format 1, step 0.5.
    //   stage 1: 1·0 + 0.5·1 + 0.5·0.5 = 0.75;  stage 2: 0 + 0.2 + 0.2·0.5 = 0.3;  stage 3: 0 + 0.1 + 0 = 0.1
    const wrong = { accuracy: 0, format: 1, step: 0.5 };
    expect([1, 2, 3].map((s) => reward(wrong, s))).toEqual([0.75, expect.closeTo(0.3, 12), 0.1]);
    // Right answer, well formed, every step right: stage 1: 1 + 0.5 + 0.5 = 2; stage 3: 1 + 0.1 = 1.1.
    // The answer's share of the reward grows: 1/2 at stage 1, 1/1.1 at stage 3.
    const right = { accuracy: 1, format: 1, step: 1 };
    expect(reward(right, 1)).toBe(2);
    expect(reward(right, 3)).toBeCloseTo(1.1, 12);
  });

  it('runs the self-improvement stage in the last curriculumRejectIters iterations only', () => {
    // total 10, last 3: t = 7, 8, 9 (0-based).
    expect(Array.from({ length: 10 }, (_, t) => inSelfImprovement(t, 10, 3))).toEqual([false, false, false, false, false, false, false, true, true, true]);
    expect(inSelfImprovement(9, 10, 0)).toBe(false);
  });

  it('refuses a self-improvement stage that cannot act, at the field to fix', () => {
    const issue = (c: Record<string, Record<string, unknown>>) => {
      const r = RunConfigSchema.safeParse({ run: { iterations: 10 }, ...c });
      return r.success ? null : r.error.issues.map((i) => issueSentence(i)).join(' ');
    };
    expect(issue({ tricks: { curriculum: true, curriculumRejectIters: 3 } })).toBeNull();
    expect(issue({ tricks: { curriculumRejectIters: 3 } })).toMatch(/tricks\.curriculumRejectIters: The self-improvement stage ends the curriculum: turn tricks\.curriculum on/);
    expect(issue({ tricks: { curriculum: true, curriculumRejectIters: 10 } })).toMatch(/tricks\.curriculumRejectIters: Must be below run\.iterations \(10\)/);
    expect(issue({ tricks: { curriculum: true, curriculumRejectIters: 3 }, objective: { algorithm: 'rft' } })).toMatch(/tricks\.curriculumRejectIters: RFT \(rejection sampling\) does not train with RL/);
    expect(issue({ tricks: { curriculum: true, curriculumRejectIters: 3 }, objective: { algorithm: 'ppo' }, sampling: { groupSize: 1 } })).toMatch(/sampling\.groupSize: The self-improvement stage keeps the right answers among G samples and needs at least 2/);
  });
});

describe('Curr-ReFT question formats (arXiv:2503.07065: true/false, multiple choice, open)', () => {
  it('asks binary at stage 1, a 3-way choice at stage 2, the open question from stage 3 on and in self-improvement', () => {
    expect(CURR_REFT_STAGES.map((s) => s.format)).toEqual(['binary', 'choice', 'open']);
    expect([1, 2, 3, 7, SELF_IMPROVEMENT_STAGE].map(stageFormat)).toEqual(['binary', 'choice', 'open', 'open', 'open']);
    expect(OPEN_STAGE).toBe(3);
    // A run starting at level 1 of 3: levels 1, 2, 3 are stages 1, 2, 3, asked binary, choice, open.
    expect([1, 2, 3].map((l) => stageFormat(stageOfLevel(l, 1)))).toEqual(['binary', 'choice', 'open']);
  });

  it('counts the answers that name one of their prompt\'s candidates (hand-worked)', () => {
    const sample = (text: string) => ({ tokens: Int32Array.from(encode(text)) }) as unknown as HostSample;
    const inst = (answer: string, candidates?: string[]) => ({ answer, ...(candidates ? { format: 'binary', candidates } : {}) }) as TaskInstance;
    // G = 2. Prompt 0 lists 5 and 7: answers 5 (a candidate, wrong) and 9 (neither). Prompt 1 lists
    // 3 and 4: answers 3 (a candidate) and no answer at all (cut off). 2 of 4 name a candidate: 0.5.
    const samples = [
      sample('<think> </think> <answer> 5 </answer> <eos>'),
      sample('<think> </think> <answer> 9 </answer> <eos>'),
      sample('<think> 1 + 2 = 3 </think> <answer> 3 </answer> <eos>'),
      sample('<think> 1 + 2'),
    ];
    expect(candidateMetrics({ instances: [inst('7', ['5', '7']), inst('3', ['3', '4'])], samples }, 2, 1)).toEqual({ 'curriculum/answer_in_candidates': 0.5 });
    // Open questions list no candidates: nothing logged.
    expect(candidateMetrics({ instances: [inst('7'), inst('3')], samples }, 2, 1)).toEqual({});
  });

  it('refuses staged formats that cannot act, at tricks.curriculumFormat', () => {
    const issue = (c: Record<string, Record<string, unknown>>) => {
      const r = RunConfigSchema.safeParse(c);
      return r.success ? null : r.error.issues.map((i) => issueSentence(i)).join(' ');
    };
    const on = { curriculum: true, curriculumFormat: 'staged' };
    expect(issue({ task: { task: 'digit-sum' }, tricks: on })).toBeNull();
    expect(issue({ task: { task: 'digit-sum' }, tricks: { curriculumFormat: 'staged' } })).toMatch(/tricks\.curriculumFormat: The question formats are the curriculum's stages: turn tricks\.curriculum on/);
    expect(issue({ task: { task: 'count' }, tricks: on })).toMatch(/tricks\.curriculumFormat: The count task asks open questions only .*\(digit-sum\)/);
    expect(issue({ task: { task: 'digit-sum', difficulty: 2 }, tricks: on })).toMatch(/tricks\.curriculumFormat: The open question is stage 3, 2 levels above the start, and the digit-sum task has 3: set task\.difficulty to 1 or lower/);
    expect(issue({ task: { task: 'count' }, tricks: { curriculum: true } })).toBeNull(); // open: today's curriculum, any task
    expect(TricksSchema.parse({}).curriculumFormat).toBe('open');
    // A made-up task with 5 levels and formats may start at level 3 (stages 1-3 are levels 3-5).
    const five = { id: 'digit-sum' as const, levels: 5, choiceFormats: true };
    expect(curriculumFormatIssue(five, { tricks: on as { curriculum: boolean; curriculumFormat: 'staged' }, task: { difficulty: 3 } })).toBeNull();
    expect(curriculumFormatIssue(five, { tricks: on as { curriculum: boolean; curriculumFormat: 'staged' }, task: { difficulty: 4 } })).toMatch(/set task\.difficulty to 3 or lower/);
  });
});

describe('schedules', () => {
  it('warms the learning rate up linearly, then decays it', () => {
    const optim = OptimSchema.parse({ lr: 1, warmupIters: 3, lrSchedule: 'linear' });
    expect([0, 1, 2].map((t) => learningRateAt(optim, t, 13))).toEqual([0.25, 0.5, 0.75]);
    expect(learningRateAt(optim, 3, 13)).toBe(1);
    expect(learningRateAt(optim, 8, 13)).toBeCloseTo(0.5);
    const cosine = OptimSchema.parse({ lr: 1, lrSchedule: 'cosine' });
    expect(learningRateAt(cosine, 0, 11)).toBe(1);
    expect(learningRateAt(cosine, 5, 11)).toBeCloseTo(0.5712, 3); // ½(1 + cos(π · 5/11))
    expect(learningRateAt(OptimSchema.parse({ lr: 0.1 }), 99, 100)).toBe(0.1);
  });

  it('decays β from beta to betaFinal (dynamic KL), or adapts it toward the target', () => {
    const linear = new BetaSchedule(ObjectiveSchema.parse({ beta: 0.1, betaFinal: 0.02, klSchedule: 'linear' }), 5);
    expect([0, 1, 2, 3, 4].map((t) => linear.at(t))).toEqual([0.1, 0.08, 0.06, 0.04, 0.02].map((x): unknown => expect.closeTo(x, 10)));
    const adaptive = new BetaSchedule(ObjectiveSchema.parse({ beta: 0.1, klSchedule: 'adaptive', targetKl: 0.01, klHorizon: 10 }), 5);
    adaptive.observe(1); // far above the target: +20% / 10
    expect(adaptive.at(1)).toBeCloseTo(0.102, 10);
    adaptive.observe(NaN); // ignored
    expect(adaptive.at(2)).toBeCloseTo(0.102, 10);
    // klAdaptRule 'halve-double' (arXiv:1707.06347 sec. 4): KL 1 > 1.5 · 0.01 doubles β at once, 0.1 -> 0.2;
    // KL 0.001 < 0.01 / 1.5 halves it back, 0.2 -> 0.1.
    const halving = new BetaSchedule(ObjectiveSchema.parse({ beta: 0.1, klSchedule: 'adaptive', klAdaptRule: 'halve-double', targetKl: 0.01 }), 5);
    halving.observe(1);
    expect(halving.at(1)).toBeCloseTo(0.2, 12);
    halving.observe(0.001);
    expect(halving.at(2)).toBeCloseTo(0.1, 12);
    // OThink-MR1's direction (GRPO-D, arXiv:2503.16081): betaFinal above beta rises, 0 -> 0.08 over 5 iterations.
    const rising = new BetaSchedule(ObjectiveSchema.parse({ beta: 0, betaFinal: 0.08, klSchedule: 'linear' }), 5);
    expect([0, 1, 2, 3, 4].map((t) => rising.at(t))).toEqual([0, 0.02, 0.04, 0.06, 0.08].map((x): unknown => expect.closeTo(x, 10)));
    expect(new BetaSchedule(ObjectiveSchema.parse({ beta: 0 }), 5).everPositive).toBe(false);
    expect(new BetaSchedule(ObjectiveSchema.parse({ beta: 0, betaFinal: 0.1, klSchedule: 'linear' }), 5).everPositive).toBe(true);
  });
});

describe('rollout image perturbations', () => {
  const images = tf.tidy(() => tf.add<tf.Tensor4D>(tf.mul(tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3), 0.5), 0.25));

  it('anneals NoisyRollout noise linearly to 0 on the linear schedule', () => {
    const tricks = TricksSchema.parse({ noisyRollout: true, noiseStd: 0.2, noiseAnneal: 10, noiseSchedule: 'linear' });
    expect([0, 5, 10, 20].map((t) => noiseStdAt(tricks, t))).toEqual([0.2, 0.1, 0, 0]);
    expect(noiseStdAt(DEFAULT_RUN_CONFIG.tricks, 0)).toBe(0);
  });

  it('anneals NoisyRollout noise on the paper\'s sigmoid by default: 1 − σ(k (t/A − m))', () => {
    // A = 100, m = 0.5, k = 30 (the defaults, the paper's decay_coef):
    //   t = 0:  1 / (1 + e^{30·(0 − 0.5)}) = 1 / (1 + e^-15) = 0.99999969
    //   t = 40: 1 / (1 + e^{-3}) = 1 / 1.049787 = 0.952574
    //   t = 50: 1 / (1 + e^0) = 0.5
    //   t = 60: 1 / (1 + e^3) = 1 / 21.085537 = 0.047426
    //   t >= 100: 0 (the horizon ends the noise)
    const tricks = TricksSchema.parse({ noisyRollout: true, noiseStd: 0.2 });
    expect(tricks.noiseSchedule).toBe('sigmoid');
    const d = [0, 40, 50, 60, 100, 150].map((t) => noiseDecay(tricks, t));
    [0.99999969, 0.952574, 0.5, 0.047426, 0, 0].forEach((x, i) => expect(d[i]).toBeCloseTo(x, 6));
    expect(noiseStdAt(tricks, 60)).toBeCloseTo(0.2 * 0.047426, 6);
    // A steeper, earlier fall: k = 10, m = 0.2, A = 10: t = 4 -> 1 / (1 + e^{10·(0.4 − 0.2)}) = 1 / (1 + e^2) = 0.119203.
    expect(noiseDecay(TricksSchema.parse({ noiseAnneal: 10, noiseMidpoint: 0.2, noiseSteepness: 10 }), 4)).toBeCloseTo(0.119203, 6);
  });

  it('hybrid groups perturb the last ⌊G/2⌋ rollouts of each group; all perturbs every one', () => {
    const hybrid = TricksSchema.parse({ noisyRollout: true });
    expect([6, 5, 2].map((g) => perturbedPerGroup(hybrid, 0, g))).toEqual([3, 2, 1]);
    expect(perturbedPerGroup(TricksSchema.parse({ noisyRollout: true, noiseMix: 'all' }), 0, 5)).toBe(5);
    expect(perturbedPerGroup(TricksSchema.parse({ augment: 'crop' }), 0, 4)).toBe(4); // augmentation alone: every rollout
    expect(perturbedPerGroup(TricksSchema.parse({ noisyRollout: true, noiseAnneal: 10 }), 10, 4)).toBe(0); // noise gone
    expect(perturbedPerGroup(DEFAULT_RUN_CONFIG.tricks, 0, 4)).toBe(0);
  });

  it('lays hybrid rows out group by group: clean rows first, then the noisy ones', () => {
    // B = 2 one-pixel images, clean pixel values 1 and 2, noisy 10 and 20; G = 3 with 1 perturbed row per group.
    const clean = tf.tensor4d([1, 1, 1, 2, 2, 2], [2, 1, 1, 3]);
    const noisy = tf.tensor4d([10, 10, 10, 20, 20, 20], [2, 1, 1, 3]);
    const prompts = tf.tensor2d([[7], [8]], [2, 1], 'int32');
    const rows = hybridRows(clean, noisy, prompts, 3, 1);
    // Shared: the 2B distinct images (clean, then noisy), each row's index into them.
    expect(rows.images.distinct.shape).toEqual([4, 1, 1, 3]);
    expect(Array.from(rows.images.row.dataSync())).toEqual([0, 0, 2, 1, 1, 3]);
    const perRow = imagesPerRow(rows.images);
    expect(Array.from(tf.tidy(() => tf.squeeze(tf.slice(perRow, [0, 0, 0, 0], [6, 1, 1, 1]))).dataSync())).toEqual([1, 1, 10, 2, 2, 20]);
    expect(Array.from(rows.prompts.dataSync())).toEqual([7, 7, 7, 8, 8, 8]);
    tf.dispose([clean, noisy, prompts, rows.images.distinct, rows.images.row, perRow, rows.prompts]);
  });

  it('measures the clean-vs-noisy accuracy gap of hybrid groups', () => {
    // Clean rollouts right 1, 0, 1 -> 2/3; noisy ones 0, 0, 1 -> 1/3; gap 2/3 − 1/3 = 1/3.
    const s = (accuracy: number, perturbed: boolean) => ({ perturbed, scored: { byFn: { accuracy } } }) as unknown as HostSample;
    const m = perturbationAccuracy([s(1, false), s(0, false), s(1, false), s(0, true), s(0, true), s(1, true)]);
    expect(m['noise/acc_clean']).toBeCloseTo(2 / 3, 10);
    expect(m['noise/acc_noisy']).toBeCloseTo(1 / 3, 10);
    expect(m['noise/acc_gap']).toBeCloseTo(1 / 3, 10);
    expect(perturbationAccuracy([s(1, true), s(0, true)])).toEqual({}); // 'all': no clean rollouts to compare
  });

  it.each([
    ['noise', { noisyRollout: true, noiseStd: 0.2 }],
    ['crop', { augment: 'crop' }],
    ['affine', { augment: 'affine' }],
  ] as const)('%s: same seed, same images; stays in [0, 1]; differs from the input', (_name, t) => {
    const tricks = TricksSchema.parse(t);
    const a = perturbImages(images, tricks, 0, 5);
    const b = perturbImages(images, tricks, 0, 5);
    const c = perturbImages(images, tricks, 0, 6);
    expect(a.shape).toEqual(images.shape);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(images.dataSync()));
    expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([a, b, c]);
  });
});
