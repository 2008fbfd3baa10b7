/**
 * Supervised fine-tuning's loss: teacher-forced cross-entropy, averaged over the tokens it
 * trains on. One function serves both data sources the trainer has:
 *
 * - SFT on gold traces: every row weighs 1;
 * - rejection-sampling fine-tuning (RFT / STaR, Zelikman et al. 2022, arXiv:2203.14465; RAFT,
 *   Dong et al. 2023, arXiv:2304.06767): the policy's own samples, a row weighing 1 if its
 *   answer was right and 0 if not. Xiong et al. 2025 (arXiv:2504.11343, "from rejection
 *   sampling to Reinforce") write RAFT this way: a policy gradient whose advantage is 1 on the
 *   accepted samples and 0 on the rest, normalised by the accepted tokens.
 *
 *   L = - Σ_{i,t} w_i · m_{i,t} · log π_θ(y_{i,t}) / max(1, Σ_{i,t} w_i · m_{i,t})
 *
 * Masked positions (padding after <eos>) may hold anything: they are selected away before any
 * arithmetic. With no token to train on (every row rejected) the loss is 0, never NaN.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, assertRank, assertSameShape, maskOut, sumOnDevice } from './masked';

/** Teacher-forced cross-entropy of logp [N, T] over mask [N, T], rows weighted by rowWeights [N] (default all 1). A scalar. */
export function sftLoss(logp: tf.Tensor2D, mask: tf.Tensor2D, rowWeights?: tf.Tensor1D): tf.Scalar {
  assertRank(logp, 2, 'logp', '[N, T]');
  assertSameShape(logp, mask, 'logp', 'mask');
  if (rowWeights) tf.util.assert(rowWeights.rank === 1 && rowWeights.shape[0] === logp.shape[0], () => `rowWeights must be [N] = [${logp.shape[0]}], got [${rowWeights.shape.join(', ')}]`);
  return tf.tidy(() => {
    const m = asFloat32(mask);
    const w = rowWeights ? tf.mul(m, tf.expandDims(asFloat32(rowWeights), 1)) : m; // [N, T]
    const total = sumOnDevice(tf.mul(maskOut(logp, w), w));
    return tf.div<tf.Scalar>(tf.neg(total), tf.maximum(tf.sum(w), 1));
  });
}
