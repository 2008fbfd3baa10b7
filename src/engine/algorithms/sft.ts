/**
 * The supervised arms of the comparison, run by the same trainer as the RL algorithms, with
 * the same budget knobs (B prompts per iteration, epochs x minibatches Adam steps on them):
 *
 * - SFT: teacher-forced cross-entropy on the gold traces of the iteration's B prompts (the very
 *   prompts an RL run with the same seed samples; nothing is sampled).
 * - RFT, rejection-sampling fine-tuning: sample G responses per prompt, keep those whose
 *   answer is right, take the same cross-entropy steps on them. STaR (Zelikman et al. 2022,
 *   arXiv:2203.14465: "fine-tune on all the rationales that yielded correct answers") without
 *   its rationalisation step; RAFT (Dong et al. 2023, arXiv:2304.06767: sample K, keep the
 *   best, fine-tune) with "right answer" as the filter and every right sample kept. As Xiong
 *   et al. 2025 (arXiv:2504.11343) write it, this is a policy gradient with advantage 1 on the
 *   accepted samples and 0 on the rest; it learns from right answers only, never from wrong ones.
 *
 * Both fit the model itself, so their forward pass runs at temperature 1 whatever the sampling
 * temperature, and neither has a critic, a clip or a reference. The loss is ../rl's sftLoss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOutput } from '../model';
import { maskedMean, sftLoss } from '../rl';
import { batchRows, runUpdates, type LossTerms, type Rows, type UpdateContext } from './common';
import type { TokenArrays } from './recorder';

/** Cross-entropy over the rows' tokens, each row weighted by `mb.advantages` (1 gold or accepted, 0 rejected). */
function crossEntropyObjective(mb: Rows, fwd: ForwardOutput): LossTerms {
  const loss = sftLoss(fwd.logp, mb.mask, mb.advantages as tf.Tensor1D);
  const ratio = tf.where(tf.greater(mb.mask, 0), tf.exp(tf.sub(fwd.logp, mb.oldLogp)), tf.onesLike(fwd.logp)) as tf.Tensor2D;
  const tokens: TokenArrays = { logp: fwd.logp, ratio, entropy: fwd.entropy };
  return { loss, record: { 'loss/policy': loss, entropy: maskedMean(fwd.entropy, mb.mask) as tf.Scalar }, tokens };
}

function fit(ctx: UpdateContext, weights: tf.Tensor1D): void {
  runUpdates(ctx, batchRows(ctx.batch, weights), (mb, fwd) => crossEntropyObjective(mb, fwd), { withValue: false, earlyStopKl: 0, temperature: 1 });
}

/** SFT: every row is a gold trace and weighs 1. */
export function sftUpdate(ctx: UpdateContext): void {
  const weights = tf.ones<tf.Rank.R1>([ctx.batch.n]);
  try {
    fit(ctx, weights);
  } finally {
    weights.dispose();
  }
}

/** Which rows RFT keeps: 1 where the answer was right (accuracy reward 1), else 0. Host numbers. */
export function acceptedRows(accuracy: ArrayLike<number>): number[] {
  return Array.from(accuracy, (a) => (a >= 1 ? 1 : 0));
}

/**
 * An iteration without a step: the policy's entropy on its samples from one forward pass (no
 * gradient), and the per-token arrays Inspect reads (ratio 1: the policy did not move). The loss
 * and gradient norm stay absent: there was no loss.
 */
function recordWithoutStep(ctx: UpdateContext): void {
  const { batch, rec } = ctx;
  const fwd = tf.tidy(() => {
    const f = ctx.policy.forward(batch.images, batch.prompts, batch.tokens, { temperature: 1 });
    return { logp: f.logp, entropy: f.entropy, mean: maskedMean(f.entropy, batch.mask) as tf.Scalar };
  });
  rec.set('entropy', fwd.mean);
  if (!ctx.keepTokens) {
    tf.dispose([fwd.logp, fwd.entropy]);
    return;
  }
  rec.tokens('logp', fwd.logp);
  rec.tokens('entropy', fwd.entropy);
  rec.tokens('ratio', tf.onesLike(fwd.logp));
}

/** RFT: the rows whose answer was right weigh 1, the rest 0. No right answer at all: no step. */
export function rftUpdate(ctx: UpdateContext): void {
  const { batch, rec } = ctx;
  if (!batch.accuracy) throw new Error('RFT: the batch carries no accuracy per response (it needs sampled, scored responses)');
  const keep = acceptedRows(batch.accuracy);
  const accepted = keep.reduce((a, b) => a + b, 0);
  rec.setHost('rft/accepted_frac', accepted / batch.n);
  rec.advantages(tf.tensor1d(keep)); // Inspect: 1 kept, 0 dropped
  if (accepted === 0) {
    // Nothing right to imitate: no step this iteration. Inspect still gets the batch's log-probs.
    recordWithoutStep(ctx);
    return;
  }
  const weights = tf.tensor1d(keep);
  try {
    fit(ctx, weights);
  } finally {
    weights.dispose();
  }
}
