/**
 * Identity forward, zero gradient: torch's `.detach()`, which tfjs-core lacks, built with
 * customGrad. The trainer detaches π_old when it equals π_θ (one update per rollout, as TRL
 * does), and GSPO's token-level form (./losses.ts) detaches the sequence ratio.
 */
import * as tf from '@tensorflow/tfjs-core';

export const stopGradient = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as <T extends tf.Tensor>(x: T) => T;
