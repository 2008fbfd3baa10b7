/**
 * locate's box rewards through the reward pipeline (scoreSample), the config switch that picks
 * one, and what a continuous IoU reward does to GRPO's groups: the zero-variance rule and the
 * std normalisation that Dr. GRPO (arXiv:2503.20783) drops.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, RunConfigSchema } from '../config';
import { groupAdvantages } from '../rl/host';
import { TASKS } from '../tasks';
import type { TaskInstance } from '../tasks/types';
import { formatResponse } from '../tokenizer';
import { groupStats, hasSignal } from '../train/filter';
import { scoreSample, type BoxReward } from './index';

const inst: TaskInstance = { ...TASKS.locate.generate({ seed: 0, split: 'id', difficulty: 1, imageSize: 32, jitter: 0 }), answer: '2 2 2 2', goldTrace: 'red square at 2 2 width 2 height 2'.split(' ') };
const say = (box: string) => ({ tokens: formatResponse(inst.goldTrace, box), maxNewTokens: 24 });
const acc = (box: string, how?: BoxReward) => scoreSample(say(box), inst, { accuracy: 1 }, how ? { box: how } : {}).byFn.accuracy;
const total = (box: string) => scoreSample(say(box), inst, { accuracy: 1, format: 0.2 }).total;

describe('box rewards (rewards.box)', () => {
  it('pays IoU by default, IoU >= 0.5 as 0/1, or recall; the whole image games recall only', () => {
    // Gold 2x2 at (2,2); answer 2x3 at (2,2): IoU 4/6.
    expect(acc('2 2 2 3')).toBeCloseTo(2 / 3, 12);
    expect(acc('2 2 2 3', 'iou')).toBeCloseTo(2 / 3, 12);
    expect(acc('2 2 2 3', 'iou50')).toBe(1);
    // 2x2 at (3,2): shares 2 cells: IoU 2/6 (0 when thresholded), recall 2/4.
    expect(acc('3 2 2 2', 'iou50')).toBe(0);
    expect(acc('3 2 2 2', 'recall')).toBe(0.5);
    // The whole image: IoU 4/64, recall 1.
    expect(acc('0 0 8 8')).toBe(4 / 64);
    expect(acc('0 0 8 8', 'recall')).toBe(1);
    for (const how of ['iou', 'iou50', 'recall'] as const) {
      expect(acc('2 2 0 2', how)).toBe(0);
      expect(acc('7 7 2 2', how)).toBe(0);
    }
  });

  it('leaves the other tasks untouched', () => {
    const count = TASKS.count.generate({ seed: 1, split: 'id', difficulty: 1, imageSize: 32, jitter: 0 });
    const right = { tokens: formatResponse(count.goldTrace, count.answer), maxNewTokens: 24 };
    expect(scoreSample(right, count, { accuracy: 1 }, { box: 'recall' }).byFn.accuracy).toBe(1);
  });

  it('is refused on a task without boxes, at rewards.box, in a sentence', () => {
    const with_ = (task: string, box: string) => RunConfigSchema.safeParse({ ...DEFAULT_RUN_CONFIG, task: { ...DEFAULT_RUN_CONFIG.task, task }, rewards: { ...DEFAULT_RUN_CONFIG.rewards, box } });
    const bad = with_('count', 'recall');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['rewards.box', 'The recall box reward grades boxes, and the count task answers no boxes: set it to iou (the task\'s own accuracy) or pick the locate task.']);
    expect(with_('locate', 'recall').success).toBe(true);
    expect(with_('count', 'iou').success).toBe(true);
    expect(RunConfigSchema.parse({ task: { task: 'locate' } }).model.vocabSize).toBe(TASKS.locate.vocabSize);
  });
});

describe('continuous IoU rewards in GRPO groups', () => {
  it('counts a group as zero-variance only when its IoUs are equal (different boxes of equal IoU included), with format added', () => {
    const stats = (boxes: string[]) => groupStats(boxes.map(total), boxes.map((b) => acc(b)), boxes.length)[0]!;
    expect(hasSignal(stats(['2 2 2 2', '2 2 2 2', '2 2 2 2', '2 2 2 2']))).toBe(false);
    // 2x4 at (2,1) and 4x2 at (1,2) both hold the gold 2x2: IoU 4/8 each, computed from different boxes.
    expect(hasSignal(stats(['2 1 2 4', '1 2 4 2', '2 1 2 4', '1 2 4 2']))).toBe(false);
    // One answer a cell too tall: 4/6 against 1: a real difference, never rounded away.
    expect(hasSignal(stats(['2 2 2 2', '2 2 2 2', '2 2 2 2', '2 2 2 3']))).toBe(true);
  });

  it('std normalisation blows a small IoU slip up to a wrong answer\'s advantage; Dr. GRPO keeps it small', () => {
    // Gold 3x3 at (2,2); one answer 3x4 at (2,2) has IoU 9/12 = 0.75 (rewards 1, 1, 1, 0.75).
    // mean = 3.75/4 = 0.9375; deviations 0.0625 (x3) and -0.1875; Bessel var = (3·0.0625² + 0.1875²)/3
    // = (0.01171875 + 0.03515625)/3 = 0.015625, std = 0.125.
    // GRPO: -0.1875 / (0.125 + 1e-4) = -1.49880..., 0.0625 / 0.1251 = 0.49960...;
    // Dr. GRPO (no std): -0.1875 and 0.0625.
    // A binary group 1, 1, 1, 0 (mean 0.75, std 0.5) gets -0.25 / 0.5001 and 0.75 / 0.5001: the same -1.5 and 0.5.
    const slip = [1, 1, 1, 0.75];
    const grpo = groupAdvantages(slip, 4, 'group');
    expect(grpo[3]).toBeCloseTo(-0.1875 / 0.1251, 10);
    expect(grpo[0]).toBeCloseTo(0.0625 / 0.1251, 10);
    const binary = groupAdvantages([1, 1, 1, 0], 4, 'group');
    expect(grpo[3]).toBeCloseTo(binary[3]!, 2);
    const dr = groupAdvantages(slip, 4, 'none');
    expect(dr[3]).toBeCloseTo(-0.1875, 12);
    expect(dr[0]).toBeCloseTo(0.0625, 12);
    expect(Math.abs(grpo[3]! / dr[3]!)).toBeGreaterThan(7.9);
  });
});
