import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../config';
import { issueSentence } from '../issues';
import type { Policy } from '../model';
import type { SampleOptions } from '../model/sampling';
import { TASKS } from '../tasks';
import { PAD, formatResponse } from '../tokenizer';
import { temporalMetrics } from './collect';
import { disposeRound, sampleRound } from './rollout';
import { TINY_MODEL } from './testing';

/**
 * A stand-in policy: its first sample call (the ordered frames) answers "right" in every row, a
 * well-formed response; every later call (the shuffled frames) says nothing. So a group whose
 * gold answer is "right" has p = 1 > p~ = 0 and earns alpha on each sample; every other group has
 * p = p~ = 0 and earns nothing.
 */
function scriptedPolicy(): { policy: Policy; calls: () => number } {
  let calls = 0;
  const policy = {
    config: { promptLen: TINY_MODEL.promptLen },
    sample(images: tf.Tensor4D, _prompts: tf.Tensor2D, opts: SampleOptions) {
      const rows = images.shape[0] * (opts.groupSize ?? 1);
      const T = opts.maxNewTokens;
      const response = calls === 0 ? formatResponse([], 'right') : [];
      calls++;
      const ids = new Int32Array(rows * T).fill(PAD);
      for (let r = 0; r < rows; r++) ids.set(response.slice(0, T), r * T);
      return Promise.resolve({
        tokens: tf.tensor2d(ids, [rows, T], 'int32'),
        logp: tf.zeros<tf.Rank.R2>([rows, T]),
        mask: tf.ones<tf.Rank.R2>([rows, T]),
        tokenIds: ids,
      });
    },
  } as unknown as Policy;
  return { policy, calls: () => calls };
}

const motionConfig = (temporalGrpo: boolean) =>
  RunConfigSchema.parse({
    model: TINY_MODEL,
    task: { task: 'motion', imageSize: 16, difficulty: 1 },
    sampling: { promptsPerIter: 8, groupSize: 2, maxNewTokens: 10 },
    rewards: { weights: { accuracy: 1, format: 0.5 } },
    tricks: { temporalGrpo },
    run: { init: 'scratch', seed: 3 },
  });

describe('T-GRPO in the rollout (tricks.temporalGrpo)', () => {
  it('samples the shuffled frames once more and adds alpha to the right answers of the groups that earned it, freeing every tensor', async () => {
    const opts = { iteration: 1, round: 0, difficulty: 1 };
    const plain = scriptedPolicy();
    const before = tf.memory().numTensors;
    const off = await sampleRound(plain.policy, TASKS.motion, motionConfig(false), opts);
    const contrast = scriptedPolicy();
    const on = await sampleRound(contrast.policy, TASKS.motion, motionConfig(true), opts);
    expect([plain.calls(), contrast.calls()]).toEqual([1, 2]);
    const rightGroups = on.instances.map((i) => i.answer === 'right');
    // The seed's batch has both kinds of group, so the test can see the bonus go to some and not others.
    expect(rightGroups.some(Boolean) && !rightGroups.every(Boolean)).toBe(true);
    on.samples.forEach((s, i) => {
      const earned = rightGroups[Math.floor(i / 2)]!;
      // Without the trick: accuracy 1 x 1 + format 1 x 0.5 = 1.5 for a right "right", 0 + 0.5 otherwise.
      expect(off.samples[i]!.scored.total).toBeCloseTo(earned ? 1.5 : 0.5, 12);
      expect(s.scored.total).toBeCloseTo(off.samples[i]!.scored.total + (earned ? 0.3 : 0), 12);
      expect(s.scored.byFn).toEqual(off.samples[i]!.scored.byFn); // the reward functions are untouched
    });
    const share = rightGroups.filter(Boolean).length / rightGroups.length;
    expect(off.temporal).toBeNull();
    expect(temporalMetrics(off)).toEqual({});
    expect(temporalMetrics(on)).toEqual({ 'temporal/acc_ordered': share, 'temporal/acc_shuffled': 0, 'temporal/bonus_frac': share });
    disposeRound(off);
    disposeRound(on);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is refused at tricks.temporalGrpo on a single-picture task, with a sentence', () => {
    const r = RunConfigSchema.safeParse({ task: { task: 'count' }, tricks: { temporalGrpo: true } });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.issues.map((i) => i.path.join('.'))).toEqual(['tricks.temporalGrpo']);
    expect(issueSentence(r.error.issues[0]!)).toMatch(/count task is a single picture with no frames to shuffle: pick a frame-sequence task \(motion\)/);
    expect(RunConfigSchema.safeParse({ task: { task: 'motion' }, tricks: { temporalGrpo: true } }).success).toBe(true);
  });
});
