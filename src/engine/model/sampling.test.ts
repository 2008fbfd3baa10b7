import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fnv } from '../tasks/testing.test-utils';
import { Policy } from './index';
import { TINY_CONFIG, biasTowardEos, randomInputs } from './testing';

const B = 3;
const G = 2;
const T = 6;

describe('sampling\'s recompute path (useKvCache: false)', () => {
  let policy: Policy;
  let images: tf.Tensor4D;
  let prompts: tf.Tensor2D;

  beforeAll(() => {
    policy = Policy.create(TINY_CONFIG, 3);
    ({ images, prompts } = randomInputs(TINY_CONFIG, B, 4));
  });
  afterAll(() => {
    tf.dispose([images, prompts]);
    policy.dispose();
  });

  async function recompute(sharePrefix: boolean): Promise<string> {
    const s = await policy.sample(images, prompts, { groupSize: G, temperature: 1, topK: 0, maxNewTokens: T, seed: 11, useKvCache: false, sharePrefix, returnLogits: true });
    const out = `${Array.from(s.tokenIds).join(' ')} | logp ${fnv(s.logp.dataSync() as Float32Array)} | logits ${fnv(s.logits!.dataSync() as Float32Array)}`;
    tf.dispose([s.tokens, s.logp, s.mask, s.logits!]);
    return out;
  }

  it('samples the same tokens, log-probabilities and logits, bit for bit, with and without sharePrefix (pinned)', async () => {
    // Pinned on the cpu backend before the image summary left the recompute path's image encoding.
    const shared = await recompute(true);
    expect(shared).toMatchInlineSnapshot(`"32 60 17 6 52 9 16 34 17 16 14 49 41 51 50 46 26 26 9 30 18 46 51 52 49 20 6 11 17 50 49 48 33 67 63 53 | logp e096c63a | logits 1b3a240f"`);
    expect(await recompute(false)).toBe(shared);
  });

  it('makes the image summary only where it is used: once per decoding pass (T passes), none with the encoding', async () => {
    const spy = vi.spyOn(policy.net, 'imageSummary');
    const before = tf.memory().numTensors;
    await recompute(true);
    expect(spy).toHaveBeenCalledTimes(T); // nextLogitsFull's own, one per step
    spy.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sampling stops once every row has finished', () => {
  const L = TINY_CONFIG.maxResponseLen;
  let policy: Policy;
  let images: tf.Tensor4D;
  let prompts: tf.Tensor2D;

  beforeAll(() => {
    policy = Policy.create(TINY_CONFIG, 3);
    biasTowardEos(policy, 5); // <eos> likely at every step: rows end at different steps, all before the last
    ({ images, prompts } = randomInputs(TINY_CONFIG, B, 4));
  });
  afterAll(() => {
    tf.dispose([images, prompts]);
    policy.dispose();
  });

  /** tokens, mask and log-probs of one call, and how many decoder passes it ran. */
  async function run(stopWhenFinished: boolean, useKvCache: boolean) {
    const decode = vi.spyOn(policy.net, 'decode');
    try {
      const s = await policy.sample(images, prompts, { groupSize: G, temperature: 1, topK: 0, maxNewTokens: L, seed: 5, stopWhenFinished, useKvCache });
      const out = { tokens: Array.from(s.tokenIds), shape: s.tokens.shape, mask: Array.from(s.mask.dataSync()), logp: Array.from(s.logp.dataSync()), passes: decode.mock.calls.length };
      tf.dispose([s.tokens, s.logp, s.mask]);
      return out;
    } finally {
      decode.mockRestore();
    }
  }

  for (const useKvCache of [true, false]) {
    it(`gives the outputs of decoding every step, from fewer passes (${useKvCache ? 'KV cache' : 'recompute'})`, async () => {
      const every = await run(false, useKvCache);
      const stopped = await run(true, useKvCache);
      const lastReal = Math.max(...Array.from({ length: B * G }, (_, r) => every.mask.slice(r * L, r * L + L).lastIndexOf(1)));
      expect(lastReal).toBeLessThan(L - 2); // every row ended early: the case under test
      expect(lastReal).toBeGreaterThanOrEqual(2); // ...and not all at the first step
      expect(stopped.shape).toEqual([B * G, L]);
      expect(stopped.tokens).toEqual(every.tokens);
      expect(stopped.mask).toEqual(every.mask);
      stopped.logp.forEach((x, i) => expect(Math.abs(x - every.logp[i]!), `logp ${i}`).toBe(0)); // masked ones are ±0 either way
      expect(every.passes).toBe(L); // the prefill and L - 1 fed-back tokens, or L full passes
      expect(stopped.passes).toBe(lastReal + 1); // the passes that gave tokens 0..lastReal, none after
    });
  }
});
