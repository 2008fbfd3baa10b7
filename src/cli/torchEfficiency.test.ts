import { describe, expect, it } from 'vitest';
import { ModelConfigSchema } from '../engine/model/config';
import { iterationEfficiency, median, medianEfficiency } from './torchEfficiency';

// The hand-counted config of src/bench/flops.test.ts: B = 1, G = 2, T = 3, one reference pass, one epoch.
const tiny = ModelConfigSchema.parse({ imageSize: 16, patchSize: 8, dModel: 8, nHeads: 2, nLayers: 1, encoderLayers: 0, ffnMult: 1, promptLen: 2, maxResponseLen: 4 });
const shape = { prompts: 1, groupSize: 2, maxNewTokens: 3, logprobPasses: 1, epochs: 1 };
const rates = { train: 1, decode: 0.5 }; // GFLOP/s: 1e6 FLOPs per ms at train size, half that decoding

describe('iterationEfficiency', () => {
  it('divides the rollout by the decode rate and the passes by the train rate, over generation + log-prob + update', () => {
    // passLength 3 (= T): rollout 32,704 FLOPs, log-prob 37,888, update 3 x 37,888 (flops.test.ts).
    const full = iterationEfficiency(tiny, shape, rates, { generation: 0.1, logprob: 0.2, update: 0.15, passLength: 3 });
    expect(full.floorMs).toBeCloseTo(32704 / 0.5e6 + (37888 + 113664) / 1e6, 12); // 0.065408 + 0.151552 = 0.21696
    expect(full.efficiency).toBeCloseTo(0.21696 / 0.45, 12);
  });

  it('counts the FLOPs of the longest response: decoded steps and pass length both', () => {
    // passLength 2: rollout 19,968 + 2 x 3,168 = 26,304; one pass 15,360 + 2 x 7,984 = 31,328 (by hand:
    // embed 3 x 1,088 + QKV at 3 positions 3 x 384 + the 2 read ones 2 x (384 + 32 x 7) + LM head
    // 2 x 1,088 + value head 32 + copies 144 = 7,984).
    const short = iterationEfficiency(tiny, shape, rates, { generation: 0.1, logprob: 0.1, update: 0.1, passLength: 2 });
    expect(short.floorMs).toBeCloseTo(26304 / 0.5e6 + (4 * 31328) / 1e6, 12); // 0.17792
    expect(short.efficiency).toBeCloseTo(0.17792 / 0.3, 12);
  });

  it('takes the median over iterations, and reads 0 for an iteration that took no time', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(iterationEfficiency(tiny, shape, rates, { generation: 0, logprob: 0, update: 0, passLength: 3 }).efficiency).toBe(0);
    const its = [0.45, 0.9, 0.225].map((ms) => ({ generation: ms, logprob: 0, update: 0, passLength: 3 }));
    expect(medianEfficiency(tiny, shape, rates, its)).toBeCloseTo(0.21696 / 0.45, 12);
  });
});
