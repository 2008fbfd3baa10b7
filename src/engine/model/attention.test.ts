import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelConfigSchema } from './config';
import { Policy, attentionProbs } from './policy';
import { Block } from './layers';
import { TINY_CONFIG, randomInputs, randomResponses } from './testing';

/** The Inspect view's attention map: Policy.attentionToImage and the helper behind it. */

const TWO_LAYERS = ModelConfigSchema.parse({ ...TINY_CONFIG, nLayers: 2, nHeads: 4 });
const P = (TWO_LAYERS.imageSize / TWO_LAYERS.patchSize) ** 2;

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('attentionProbs', () => {
  it('reproduces SelfAttention.apply: proj(att @ v) is the layer output', () => {
    const policy = Policy.create(TWO_LAYERS, 3);
    const block = (policy.net as unknown as { blocks: Block[] }).blocks[1]!;
    const diff = tf.tidy(() => {
      const x = tf.randomNormal<tf.Rank.R3>([2, 5, TWO_LAYERS.dModel], 0, 1, 'float32', 7);
      const mask = tf.reshape(tf.tensor2d([0, -1e9, -1e9, -1e9, -1e9, 0, 0, -1e9, -1e9, -1e9, 0, 0, 0, -1e9, -1e9, 0, 0, 0, 0, -1e9, 0, 0, 0, 0, 0], [5, 5]), [1, 1, 5, 5]);
      const expected = block.attn.apply(x, mask).y;
      const att = attentionProbs(block.attn, x, mask); // [B, H, S, S]
      const [b, h, s] = att.shape;
      const dh = block.attn.headDim;
      const heads = tf.transpose(tf.reshape(block.attn.qkv.apply(x), [b, s, 3 * h, dh]), [0, 2, 1, 3]);
      const v = tf.split(heads, 3, 1)[2]!; // [B, H, S, Dh]
      const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [b, s, h * dh]);
      return maxAbsDiff(block.attn.proj.apply(y), expected);
    });
    expect(diff).toBeLessThan(1e-5);
    policy.dispose();
  });
});

describe('Policy.attentionToImage', () => {
  const policy = Policy.create(TWO_LAYERS, 11);
  afterAll(() => policy.dispose());

  it('gives [N, H, P] probabilities that sum to at most 1 per head, without leaking tensors', async () => {
    const { images, prompts } = randomInputs(TWO_LAYERS, 3, 1);
    const responses = randomResponses(3, 6, 2);
    const before = tf.memory().numTensors;
    const att = policy.attentionToImage(images, prompts, responses, 4);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(att.shape).toEqual([3, TWO_LAYERS.nHeads, P]);
    const values = await att.data();
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    const sums = (await tf.tidy(() => tf.sum(att, 2)).array()) as number[][];
    for (const row of sums) for (const s of row) expect(s).toBeLessThanOrEqual(1 + 1e-5);
    // With an untrained model the image is not ignored: some attention lands on it.
    expect(sums.flat().some((s) => s > 0.05)).toBe(true);
    tf.dispose([att, images, prompts, responses]);
  });

  it('is causal: tokens after the position change nothing; the token at it does not either (it is predicted, not seen)', () => {
    const { images, prompts } = randomInputs(TWO_LAYERS, 1, 4);
    const a = tf.tensor2d([[10, 11, 12, 13, 14, 15]], [1, 6], 'int32');
    const b = tf.tensor2d([[10, 11, 12, 20, 21, 22]], [1, 6], 'int32');
    const c = tf.tensor2d([[10, 11, 30, 13, 14, 15]], [1, 6], 'int32');
    const attA = policy.attentionToImage(images, prompts, a, 3);
    const attB = policy.attentionToImage(images, prompts, b, 3);
    const attC = policy.attentionToImage(images, prompts, c, 3);
    expect(maxAbsDiff(attA, attB)).toBeLessThan(1e-6); // token 3 itself and later ones differ
    expect(maxAbsDiff(attA, attC)).toBeGreaterThan(1e-6); // an earlier token differs
    tf.dispose([images, prompts, a, b, c, attA, attB, attC]);
  });

  it('matches the full attention matrix of the chosen layer, and refuses bad positions and layers', () => {
    const { images, prompts } = randomInputs(TWO_LAYERS, 2, 5);
    const responses = randomResponses(2, 4, 6);
    const s0 = P + TWO_LAYERS.promptLen;
    for (const layer of [0, 1]) {
      const full = tf.tidy(() => policy.net.decoderAttention(images, prompts, responses, layer)); // [N, H, S, S]
      expect(full.shape).toEqual([2, TWO_LAYERS.nHeads, s0 + 3, s0 + 3]);
      const row = tf.tidy(() => tf.reshape(tf.slice(full, [0, 0, s0 - 1 + 2, 0], [2, TWO_LAYERS.nHeads, 1, P]), [2, TWO_LAYERS.nHeads, P]));
      const att = policy.attentionToImage(images, prompts, responses, 2, layer);
      expect(maxAbsDiff(att, row)).toBeLessThan(1e-6);
      tf.dispose([full, row, att]);
    }
    expect(() => policy.attentionToImage(images, prompts, responses, 4)).toThrow(/position must be in 0..3/);
    expect(() => policy.attentionToImage(images, prompts, responses, 0, 2)).toThrow(/layer must be in 0..1/);
    tf.dispose([images, prompts, responses]);
  });
});
