import { describe, expect, it } from 'vitest';
import { ModelConfigSchema } from '../engine/model/config';
import { forwardFlopsPerRow, forwardFlopsShared, iterationFlops, rolloutFlops } from './flops';

/**
 * A config small enough to count by hand: 16x16 image in 8x8 patches (P = 4, 192 inputs per
 * patch), d = 8, MLP hidden f = 8, one decoder layer, no encoder block, prompt of 2, V = 68.
 * S0 = P + prompt = 6. B = 1 prompt, G = 2 samples, T = 3 tokens.
 */
const tiny = ModelConfigSchema.parse({ imageSize: 16, patchSize: 8, dModel: 8, nHeads: 2, nLayers: 1, encoderLayers: 0, ffnMult: 1, promptLen: 2, maxResponseLen: 4 });

// Worked by hand:
// dense per query token: 2·(8·24 + 8·8 + 8·8 + 8·8) = 2·384 = 768, of which the QKV projection 2·8·24 = 384
// (the one layer here is the last: it computes QKV at every position, the rest only where the heads read)
// attention per query over k keys: 4·8·k = 32k
// one image: patch embed 2·4·192·8 = 12288; projector 2·4·(64 + 64) = 1024; summary 2·32·8 = 512 -> 13824
// embedding one token: 2·68·8 = 1088; LM head at one position: 2·8·68 = 1088; value head: 2·8 = 16
const IMAGE = 13824;
const TOKEN = 1088;

describe('iterationFlops', () => {
  it('counts one teacher-forced row by hand', () => {
    // L = S0 + T - 1 = 8 positions: image 13824 + embed (2 prompt + 2 fed) 4·1088 = 4352
    // + decoder QKV 8·384 = 3072, then at the T = 3 positions the heads read 3·(384 + 32·8) = 1920
    // + LM head 3·1088 = 3264 + value head 3·16 = 48
    expect(forwardFlopsPerRow(tiny, 3)).toBe(IMAGE + 4 * TOKEN + 3072 + 1920 + 3 * TOKEN + 48);
    expect(forwardFlopsPerRow(tiny, 3)).toBe(26480);
  });

  it('counts the KV-cache rollout by hand', () => {
    // Prefill, once for the B = 1 prompt: image 13824 + embed 2·1088 + decoder over S0 = 6
    // (QKV 6·384, then the last position alone 384 + 32·6: 2880) + LM head at the last position 1088 = 19968.
    // Steps t = 0, 1 for each of the 2 rows: embed 1088 + 768 + 32·(6 + t + 1) + LM head 1088
    // = 3168 and 3200, so 2·(3168 + 3200) = 12736.
    expect(rolloutFlops(tiny, 1, 2, 3)).toBe(19968 + 12736);
    // Stopped once every row had finished: 2 tokens decode step 0 alone, 1 only the prefill,
    // and a mean of 2.5 counts half of step 1 (2·(3168 + 3200 / 2)).
    expect(rolloutFlops(tiny, 1, 2, 2)).toBe(19968 + 2 * 3168);
    expect(rolloutFlops(tiny, 1, 2, 1)).toBe(19968);
    expect(rolloutFlops(tiny, 1, 2, 2.5)).toBe(19968 + 2 * (3168 + 1600));
  });

  it('counts a pass over rows that share their image by hand', () => {
    // Per image: 13824 + the one (last) layer over the P = 4 visual positions, QKV only: 2·4·8·24 = 1536 -> 15360.
    // Per row, L = 8 of which 4 text positions: embed 4·1088 = 4352 + decoder QKV 4·384, then the
    // T = 3 positions the heads read 3·(384 + 32·8): 1536 + 1920 = 3456 + LM head 3·1088 = 3264
    // + value head 48 + copies from K = 1 image 2·1·(8 + 2·4·8) = 144 -> 11264.
    expect(forwardFlopsShared(tiny, 1, 2, 3)).toBe(15360 + 2 * 11264);
    expect(forwardFlopsShared(tiny, 1, 2, 3)).toBeLessThan(2 * forwardFlopsPerRow(tiny, 3)); // 37888 < 52960
  });

  it('adds the log-prob passes and forward + backward of each epoch', () => {
    const f = iterationFlops(tiny, { prompts: 1, groupSize: 2, maxNewTokens: 3, logprobPasses: 1, epochs: 1 });
    expect(f.rollout).toBe(32704);
    expect(f.logprob).toBe(37888); // one reference pass over N = 2 rows sharing 1 image
    expect(f.update).toBe(3 * 37888); // forward + backward (2x)
    expect(f.total).toBe(32704 + 37888 + 3 * 37888);
    // Two minibatches: the second encodes the image (and its visual positions) again, 15360 more per forward.
    expect(iterationFlops(tiny, { prompts: 1, groupSize: 2, maxNewTokens: 3, logprobPasses: 1, epochs: 1, minibatches: 2 }).update).toBe(3 * (37888 + 15360));
    // Fewer tokens decoded change the rollout alone: the passes still run over T positions.
    const stopped = iterationFlops(tiny, { prompts: 1, groupSize: 2, maxNewTokens: 3, logprobPasses: 1, epochs: 1, decodedTokens: 2 });
    expect(stopped.rollout).toBe(rolloutFlops(tiny, 1, 2, 2));
    expect([stopped.logprob, stopped.update]).toEqual([f.logprob, f.update]);
    // Passes over 2 of the 3 positions: a forward at T = 2, the rollout untouched.
    const trimmed = iterationFlops(tiny, { prompts: 1, groupSize: 2, maxNewTokens: 3, logprobPasses: 1, epochs: 1, passLength: 2 });
    expect([trimmed.rollout, trimmed.logprob, trimmed.update]).toEqual([f.rollout, forwardFlopsShared(tiny, 1, 2, 2), 3 * forwardFlopsShared(tiny, 1, 2, 2)]);
    const ppo = iterationFlops(tiny, { prompts: 1, groupSize: 2, maxNewTokens: 3, logprobPasses: 2, epochs: 2 });
    expect(ppo.logprob).toBe(2 * f.logprob);
    expect(ppo.update).toBe(2 * f.update);
  });

  it('grows with depth and width as a transformer should', () => {
    const deeper = { ...tiny, nLayers: 2 };
    const shape = { prompts: 2, groupSize: 2, maxNewTokens: 3, logprobPasses: 1, epochs: 1 };
    // One more decoder layer adds exactly one more layer's dense + attention work to every pass,
    // at every position: only the last layer skips the positions no head reads.
    const perRowLayer = 8 * 768 + 32 * 8 * 8;
    expect(forwardFlopsPerRow(deeper, 3) - forwardFlopsPerRow(tiny, 3)).toBe(perRowLayer);
    expect(iterationFlops(deeper, shape).total).toBeGreaterThan(iterationFlops(tiny, shape).total);
  });
});
