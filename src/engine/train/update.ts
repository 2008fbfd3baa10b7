/**
 * Phases 2 and 3 of an iteration: assemble the kept groups into one batch, run the reference
 * and critic passes, and hand the batch to the algorithm's update (../algorithms). Every
 * diagnostic goes to one Recorder and comes back in one readback at the end, with the
 * weights' RMS for the divergence check.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Recorder, type Batch, type RecordedValues } from '../algorithms';
import { sampledEstimator } from '../algorithms/common';
import { Rng, mixSeed } from '../random';
import { klPenalty, maskedMean, samplingMismatch } from '../rl';
import { perturbsImages } from './augment';
import { now } from './clock';
import type { Rollouts } from './collect';
import { WEIGHT_RMS_KEY, weightRms } from './divergence';
import { disposePassTensors, referenceAndCriticPasses } from './passes';
import { assembleBatch, disposeAssembled, disposeRound, type AssembledBatch } from './rollout';
import { updateAlgorithm, type IterationPlan, type RunState } from './run';

export interface UpdateOutcome {
  /** The batch's host side, for the Inspect view; null when every group was filtered out. The caller disposes it. */
  assembled: AssembledBatch | null;
  recorded: RecordedValues;
  /** Wall time of the phase, and of the reference / critic passes inside it, ms. */
  ms: number;
  logprobMs: number;
}

/** The batch's own arrays for the Inspect view, and the reference KL when it went into the reward. */
function recordBatch(run: RunState, rec: Recorder, batch: Batch, assembled: AssembledBatch): void {
  const { config } = run;
  if (config.run.keepBatches > 0) {
    rec.tokens('oldLogp', tf.clone(batch.oldLogp));
    if (batch.refLogp) rec.tokens('refLogp', tf.clone(batch.refLogp));
    if (assembled.rolloutImages) rec.rolloutImages(tf.clone(assembled.rolloutImages));
  }
  recordSamplingMismatch(rec, batch, assembled);
  // With the KL in the loss the algorithm records kl/ref itself; in the reward it is measured here, on the sampled tokens.
  if (run.ref && config.objective.klMode === 'reward' && batch.refLogp) {
    const { oldLogp, refLogp, mask } = batch;
    rec.set('kl/ref', tf.tidy(() => maskedMean(klPenalty(oldLogp, refLogp, sampledEstimator(config.objective.klEstimator)), mask) as tf.Scalar));
  }
}

/**
 * NoisyRollout's off-policy gap: the rows sampled from a perturbed image were drawn by π(·|noisy)
 * and are trained as if drawn by π_old(·|clean) (./passes.ts recomputes log π_old on the clean
 * images). The ratio between the two, over those rows' tokens, under TRL's names (../rl/mismatch.ts).
 */
function recordSamplingMismatch(rec: Recorder, batch: Batch, assembled: AssembledBatch): void {
  const rows = assembled.samples.map((s) => (s.perturbed ? 1 : 0));
  if (!rows.some((r) => r === 1)) return;
  const mask = tf.tidy(() => tf.mul(assembled.mask, tf.tensor2d(rows, [rows.length, 1]))); // [N, T]: the perturbed rows' tokens
  const m = samplingMismatch(batch.oldLogp, assembled.behaviourLogp, mask);
  mask.dispose();
  rec.set('sampling/importance_sampling_ratio/mean', m.ratioMean);
  rec.set('sampling/importance_sampling_ratio/min', m.ratioMin);
  rec.set('sampling/importance_sampling_ratio/max', m.ratioMax);
  rec.set('sampling/sampling_logp_difference/mean', m.logpDiffMean);
  rec.set('sampling/sampling_logp_difference/max', m.logpDiffMax);
}

/** The algorithm's update on the batch (keepTokens: record the per-token arrays the Inspect view reads). */
export function train(run: RunState, plan: IterationPlan, batch: Batch, rec: Recorder, keepTokens = run.config.run.keepBatches > 0): void {
  const { config, policy, policyOpt, valueOpt } = run;
  const { beta, lr, valueLr } = plan;
  const rng = new Rng(mixSeed(config.run.seed, plan.number, 0x3b)); // minibatch order
  // Curr-ReFT's self-improvement stage trains with the RFT update (./run.ts updateAlgorithm).
  updateAlgorithm(run, plan).update({ config, policy, policyOpt, valueOpt, batch, beta, lr, valueLr, rng, rec, keepTokens });
}

/**
 * What the update did, token by token: log π_θ of the kept batch after the update, from one
 * more teacher-forced pass (no sampling, no RNG, no gradient), for Inspect's Δ log-prob. Only
 * when batches are kept; it joins the same readback.
 */
function recordAfterUpdate(run: RunState, rec: Recorder, batch: Batch): void {
  if (run.config.run.keepBatches <= 0) return;
  const { temperature } = run.config.sampling;
  rec.tokens('logpAfter', tf.tidy(() => run.policy.forward(batch.images, batch.prompts, batch.tokens, { temperature, length: batch.responseLength }).logp)); // [N, T]
}

/** Assemble, pass, update, read back. Disposes the rollout rounds whatever happens. */
export async function updatePolicy(run: RunState, plan: IterationPlan, rollouts: Rollouts): Promise<UpdateOutcome> {
  const started = now();
  const rec = new Recorder();
  let assembled: AssembledBatch | null = null;
  let batch: Batch | null = null;
  let logprobMs = 0;
  let recorded: RecordedValues;
  let ok = false;
  try {
    if (rollouts.kept.length > 0) {
      assembled = assembleBatch(rollouts.rounds, rollouts.kept, run.config.sampling.groupSize, run.config.rewards.dense ? run.config.sampling.maxNewTokens : null);
      const passesStarted = now();
      batch = referenceAndCriticPasses(run, assembled, perturbsImages(run.config.tricks, plan.t));
      logprobMs = now() - passesStarted;
      recordBatch(run, rec, batch, assembled);
      train(run, plan, batch, rec);
      recordAfterUpdate(run, rec, batch);
    } else {
      run.note(`iteration ${plan.number}: every group was filtered out; no update this iteration`);
    }
    // The weights after the update, for the divergence check: one more scalar in the same readback.
    rec.set(WEIGHT_RMS_KEY, weightRms(run.policy.trainableVariables));
    recorded = await rec.read(); // the one readback of the update
    ok = true;
  } finally {
    if (!ok && assembled) disposeAssembled(assembled);
    rec.dispose();
    if (batch) disposePassTensors(batch);
    rollouts.rounds.forEach(disposeRound);
  }
  return { assembled, recorded, ms: now() - started, logprobMs };
}
