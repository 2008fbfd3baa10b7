import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fnv } from '../tasks/testing.test-utils';
import { Policy } from './index';
import { TINY_CONFIG, randomInputs } from './testing';

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
