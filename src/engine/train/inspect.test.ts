import { describe, expect, it } from 'vitest';
import type { InspectorArrays } from '../algorithms';
import { RunConfigSchema, type RunConfig } from '../config';
import type { TaskInstance } from '../tasks/types';
import { inspectSnapshot, type SnapshotSource } from './inspect';
import type { HostSample } from './rollout';

// One prompt, G = 2 responses of lengths 2 and 1, T = 3 (99 marks padding the snapshot must cut).
// The snapshot reads only maxNewTokens and imageSize of the config.
const defaults = RunConfigSchema.parse({});
const config: RunConfig = { ...defaults, sampling: { ...defaults.sampling, maxNewTokens: 3 }, task: { ...defaults.task, imageSize: 16 } };
const instance = { image: new Float32Array(16 * 16 * 3).fill(0.5), promptTokens: [1, 2], answer: '3', difficulty: 1 } as unknown as TaskInstance;
const host = (tokens: number[], length: number, total: number): HostSample => ({
  tokens: Int32Array.from(tokens),
  length,
  truncated: false,
  perturbed: false,
  scored: { total, byFn: { accuracy: total, format: 0, step: 0, length: 0, hackable: 0, stepRAR: 0, stepRVR: 0, action: 0, distance: 0 }, credits: [] },
});
const source: SnapshotSource = { groupSize: 2, instances: [instance], samples: [host([7, 8, 0], 2, 1), host([9, 0, 0], 1, 0)] };
const arr = (xs: number[]) => Float32Array.from(xs);
const arrays: InspectorArrays = {
  tokens: {
    logp: arr([-1, -2, 99, -3, 99, 99]),
    oldLogp: arr([-1.5, -2, 99, -3, 99, 99]),
    ratio: arr([1.1, 1, 99, 0.9, 99, 99]),
    entropy: arr([2, 2, 99, 1, 99, 99]),
    clipped: arr([1, 0, 99, -1, 99, 99]),
  },
  advantage: arr([0.7, -0.7]),
};

describe('inspectSnapshot', () => {
  it('cuts each row at its response length and reads every array by name', () => {
    const b = inspectSnapshot(config, 5, source, arrays);
    expect(b.iteration).toBe(5);
    const [s0, s1] = b.samples;
    expect(s0).toMatchObject({ promptIndex: 0, tokens: [7, 8], reward: 1, advantage: expect.closeTo(0.7, 6) as unknown, logp: [-1, -2], oldLogp: [-1.5, -2], clipped: [1, 0] });
    expect(s1).toMatchObject({ promptIndex: 0, tokens: [9], reward: 0, logp: [-3], ratio: [expect.closeTo(0.9, 6)], entropy: [1], clipped: [-1] });
    // No reference, no critic: kl reads 0, and the optional arrays are absent.
    expect(s0!.kl).toEqual([0, 0]);
    expect(s0).not.toHaveProperty('refLogp');
    expect(s0).not.toHaveProperty('values');
    expect(s0).not.toHaveProperty('contribution'); // not recorded (TRPO): absent, not zeros
  });

  it('carries the loss weights, the per-token shares and log π after the update, cut like the rest', () => {
    const tokens = { ...arrays.tokens, lossWeight: arr([0.25, 0.25, 0, 0.5, 0, 0]), contribution: arr([-0.1, 0.2, 99, 0.3, 99, 99]), logpAfter: arr([-0.9, -2.1, 99, -3.2, 99, 99]) };
    const [s0, s1] = inspectSnapshot(config, 1, source, { ...arrays, tokens }).samples;
    expect(s0).toMatchObject({ lossWeight: [0.25, 0.25], logpAfter: [expect.closeTo(-0.9, 6) as unknown, expect.closeTo(-2.1, 6) as unknown] });
    expect(s0!.contribution).toHaveLength(2);
    expect(s1).toMatchObject({ lossWeight: [0.5], contribution: [expect.closeTo(0.3, 6) as unknown] });
  });

  it('carries a critic run\'s token rewards (and, with the KL in the reward, what GAE ran on), cut like the rest', () => {
    // Row 0: reward 1 placed as 0.25 on token 0 (a key step) and 0.75 on its last token; row 1: all of 0 at its end.
    const tokens = { ...arrays.tokens, tokenRewards: arr([0.25, 0.75, 99, 0, 99, 99]), gaeRewards: arr([0.2, 0.8, 99, -0.1, 99, 99]) };
    const [s0, s1] = inspectSnapshot(config, 1, source, { ...arrays, tokens }).samples;
    expect(s0!.tokenRewards).toEqual([0.25, 0.75]);
    expect(s0!.gaeRewards!.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.2, 0.8]);
    expect(s1).toMatchObject({ tokenRewards: [0], gaeRewards: [expect.closeTo(-0.1, 6) as unknown] });
    const [plain] = inspectSnapshot(config, 1, source, arrays).samples;
    expect(plain).not.toHaveProperty('tokenRewards'); // a critic-free run records none: absent, not zeros
    expect(plain).not.toHaveProperty('gaeRewards');
  });

  it('group stats: mean and population std of the group rewards [1, 0] = 0.5 and 0.5', () => {
    expect(inspectSnapshot(config, 1, source, arrays).groupStats).toEqual([{ mean: 0.5, std: 0.5 }]);
  });

  it('a missing advantage or always-recorded array is an error, not a silent zero', () => {
    expect(() => inspectSnapshot(config, 1, source, { ...arrays, advantage: undefined })).toThrow(/no advantages/);
    const { ratio: _ratio, ...noRatio } = arrays.tokens;
    expect(() => inspectSnapshot(config, 1, source, { ...arrays, tokens: noRatio })).toThrow(/no 'ratio'/);
  });

  it('the rollout image, when recorded, is what the prompt shows (the clean one kept beside it)', () => {
    const noisy = new Float32Array(16 * 16 * 3).fill(0.1);
    const p = inspectSnapshot(config, 1, source, { ...arrays, rolloutImages: noisy }).prompts[0]!;
    expect(p.image).toEqual(noisy);
    expect(p.cleanImage).toBe(instance.image);
  });
});
