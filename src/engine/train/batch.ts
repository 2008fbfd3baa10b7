import * as tf from '@tensorflow/tfjs-core';
import { EOS, PAD, formatResponse, padPrompt } from '../tokenizer';
import type { TaskInstance } from '../tasks/types';

/** Images and left-padded prompts of a batch of task instances, as the policy takes them. */
export function instancesToTensors(instances: readonly TaskInstance[], promptLen: number): { images: tf.Tensor4D; prompts: tf.Tensor2D } {
  tf.util.assert(instances.length > 0, () => 'instancesToTensors: empty batch');
  const size = instances[0]!.imageSize;
  const pixels = new Float32Array(instances.length * size * size * 3);
  const promptIds = new Int32Array(instances.length * promptLen);
  instances.forEach((inst, n) => {
    tf.util.assert(inst.imageSize === size, () => `instancesToTensors: mixed image sizes ${size} and ${inst.imageSize}`);
    pixels.set(inst.image, n * size * size * 3);
    promptIds.set(padPrompt(inst.promptTokens, promptLen), n * promptLen);
  });
  return {
    images: tf.tensor4d(pixels, [instances.length, size, size, 3]), // [N, H, W, 3]
    prompts: tf.tensor2d(promptIds, [instances.length, promptLen], 'int32'), // [N, P]
  };
}

/**
 * Responses right-padded with <pad> to length T, and the loss mask (1 up to and including
 * <eos>). A response longer than T is cut: it then has no <eos>, like a truncated sample.
 */
export function responsesToTensors(responses: readonly (readonly number[])[], T: number): { tokens: tf.Tensor2D; mask: tf.Tensor2D } {
  const ids = new Int32Array(responses.length * T).fill(PAD);
  const mask = new Float32Array(responses.length * T);
  responses.forEach((r, n) => {
    for (let t = 0; t < Math.min(T, r.length); t++) {
      ids[n * T + t] = r[t]!;
      mask[n * T + t] = 1;
      if (r[t] === EOS) break;
    }
  });
  return {
    tokens: tf.tensor2d(ids, [responses.length, T], 'int32'), // [N, T]
    mask: tf.tensor2d(mask, [responses.length, T]), // [N, T]
  };
}

/** The gold response for SFT: `<think> trace </think> <answer> a </answer> <eos>`. */
export function goldResponse(inst: TaskInstance): number[] {
  return formatResponse(inst.goldTrace, inst.answer);
}

/** Rows of a row-major [N, T] host array. */
export function rows(flat: ArrayLike<number>, n: number, t: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: t }, (_, j) => flat[i * t + j]!));
}
