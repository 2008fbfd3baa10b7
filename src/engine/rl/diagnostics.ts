/**
 * Quantities we watch rather than optimise (though entropy doubles as a bonus term):
 * policy entropy, explained variance of the value head, and masked summary statistics
 * for the metrics record.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, assertRank, assertSameShape, maskedMean, maskedVar, sumOnDevice } from './masked';

/**
 * Entropy of the next-token distribution at every position, in nats, from its
 * log-probabilities (what the policy's forward pass computes, so the model calls this):
 *
 *   H = -Σ_v p_v log p_v = -Σ_v exp(log p_v) · log p_v
 *
 * From log-probabilities, a saturated softmax (p_v = 0) gives 0·(-large), not 0·(-Infinity)
 * = NaN. logProbs: [N, T, V] -> [N, T]. Differentiable, so an entropy bonus is
 * -coef · aggregate(entropy, mask, ...).
 */
export function entropyFromLogProbs(logProbs: tf.Tensor3D): tf.Tensor2D {
  assertRank(logProbs, 3, 'entropyFromLogProbs: logProbs', '[N, T, V]');
  return tf.tidy(() => tf.neg(sumOnDevice(tf.mul(tf.exp(logProbs), logProbs), -1)) as tf.Tensor2D); // [N, T]
}

/** `entropyFromLogProbs` of logSoftmax(logits). logits: [N, T, V] -> [N, T]. */
export function entropyFromLogits(logits: tf.Tensor3D): tf.Tensor2D {
  assertRank(logits, 3, 'entropyFromLogits: logits', '[N, T, V]');
  return tf.tidy(() => entropyFromLogProbs(tf.logSoftmax(logits)));
}

/**
 * How much of the variance of the returns the value head explains (CleanRL `ppo.py`):
 *
 *   EV = 1 - Var[R - V] / Var[R]      over valid positions
 *
 * 1 is a perfect critic, 0 is no better than predicting the mean, negative is worse than
 * that. When Var[R] = 0 (all returns equal, or no valid positions) the ratio is undefined:
 * CleanRL returns NaN; we return 0 ("explains nothing") so charts keep a finite line.
 * values, returns, mask share one shape. Returns a scalar; not meant for gradients.
 */
export function explainedVariance(values: tf.Tensor, returns: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  assertSameShape(values, returns, 'explainedVariance: values', 'returns');
  assertSameShape(values, mask, 'explainedVariance: values', 'mask');
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const varR = maskedVar(returns, m);
    const varResidual = maskedVar(tf.sub(returns, values), m);
    const defined = tf.greater(varR, 0);
    const safeVarR = tf.where(defined, varR, tf.onesLike(varR));
    return tf.where(defined, tf.sub<tf.Scalar>(1, tf.div(varResidual, safeVarR)), tf.zerosLike(varR));
  });
}

export type MaskedStats = {
  mean: tf.Scalar;
  /** Population std (no Bessel correction): a description of this batch, not an estimate. */
  std: tf.Scalar;
  min: tf.Scalar;
  max: tf.Scalar;
  /** Σ mask: how many positions were summarised. */
  count: tf.Scalar;
};

/**
 * Mean, std, min and max over valid positions, for the metrics record (adv/mean, adv/std,
 * len/max, ...). All 0 when nothing is valid. Scalars the caller disposes; stack them to
 * read them back in one go.
 */
export function maskedStats(x: tf.Tensor, mask: tf.Tensor): MaskedStats {
  assertSameShape(x, mask, 'maskedStats: x', 'mask');
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const valid = tf.greater(m, 0);
    const count = tf.sum<tf.Scalar>(m);
    const any = tf.greater(count, 0);
    const xf = asFloat32(x);
    const min = tf.min<tf.Scalar>(tf.where(valid, xf, tf.fill(x.shape, Infinity)));
    const max = tf.max<tf.Scalar>(tf.where(valid, xf, tf.fill(x.shape, -Infinity)));
    return {
      mean: maskedMean(xf, m) as tf.Scalar,
      std: tf.sqrt(maskedVar(xf, m)),
      min: tf.where(any, min, tf.zerosLike(min)),
      max: tf.where(any, max, tf.zerosLike(max)),
      count,
    };
  });
}
