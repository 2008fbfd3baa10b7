/**
 * Small fixtures shared by the model tests (and handy for other engine tests): a tiny config
 * and seeded random inputs. Not part of the public model API.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random';
import { BASE_VOCAB_SIZE, BOS, EOS, PAD } from '../tokenizer';
import { ModelConfigSchema, type ModelConfig } from './config';
import type { Policy } from './policy';

/** 4 visual tokens, width 16, one block each side: every test on it runs in milliseconds. */
export const TINY_CONFIG: ModelConfig = ModelConfigSchema.parse({
  imageSize: 16,
  patchSize: 8,
  dModel: 16,
  nHeads: 2,
  nLayers: 1,
  encoderLayers: 1,
  ffnMult: 2,
  promptLen: 4,
  maxResponseLen: 8,
});

/** Seeded images [n, S, S, 3] in [0, 1] and left-padded prompts [n, promptLen] of varying length. */
export function randomInputs(config: ModelConfig, n: number, seed: number): { images: tf.Tensor4D; prompts: tf.Tensor2D } {
  const rng = new Rng(seed);
  const s = config.imageSize;
  const pixels = Float32Array.from({ length: n * s * s * 3 }, () => rng.next());
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + (i % config.promptLen); // 1..promptLen real tokens, the rest <pad>
    for (let j = 0; j < config.promptLen; j++) {
      const k = j - (config.promptLen - len);
      ids.push(k < 0 ? PAD : k === 0 ? BOS : rng.int(7, BASE_VOCAB_SIZE - 1));
    }
  }
  return { images: tf.tensor4d(pixels, [n, s, s, 3]), prompts: tf.tensor2d(ids, [n, config.promptLen], 'int32') };
}

/** Random response tokens [n, t] that avoid <pad> and <eos> (plain teacher-forcing targets). */
export function randomResponses(n: number, t: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tensor2d(
    Array.from({ length: n * t }, () => rng.int(3, BASE_VOCAB_SIZE - 1)),
    [n, t],
    'int32',
  );
}

/**
 * Make <eos> likely (about `logit` nats above the rest) so masking gets exercised. A constant
 * final-LN bias b*1 adds b*sum(w_eos) to the <eos> logit while the normalised part contributes
 * nothing (it has zero mean across channels), so a constant <eos> column gives a constant boost.
 */
export function biasTowardEos(policy: Policy, logit: number): void {
  const d = policy.config.dModel;
  const w = policy.getWeights();
  const lm = w['lm_head.w']!.arraySync() as number[][];
  for (const row of lm) row[EOS] = logit / d;
  const next = { ...w, 'lm_head.w': tf.tensor2d(lm), 'dec.ln.b': tf.ones([d]) };
  policy.setWeights(next);
  tf.dispose([...Object.values(w), next['lm_head.w'], next['dec.ln.b']]);
}

/** [B, ...] -> [B*G, ...] with row b*G+g = row b (how sample() lays out its rows). */
export function tileRows<T extends tf.Tensor>(x: T, g: number): T {
  return tf.tidy(() => {
    const [b, ...rest] = x.shape;
    const inner = rest.reduce((a, c) => a * c, 1);
    return tf.reshape(tf.tile(tf.reshape(x, [b, 1, inner]), [1, g, 1]), [b * g, ...rest]) as T;
  });
}
