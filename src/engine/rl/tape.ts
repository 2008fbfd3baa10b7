import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether a gradient tape is recording (inside tf.grad, variableGrads, minimize). Fused kernels
 * have no gradient and customGrad wrappers exist only for theirs, so both check this first.
 * tfjs keeps the depth on its engine's state, which its public API does not expose.
 */
export function taping(): boolean {
  return ((tf.engine() as unknown as { state?: { gradientDepth?: number } }).state?.gradientDepth ?? 0) > 0;
}
