/**
 * An SFT iteration's phases 1-3 (the algorithm spec's trainsOn 'gold-traces'): nothing is
 * sampled. The iteration's B prompts (the same ones an RL run with this seed samples, from
 * ./rollout.ts's roundInstances) become B rows of gold traces, `<think> trace </think> <answer>
 * a </answer> <eos>`, and the algorithm's update takes its epochs x minibatches steps on them.
 * One readback, as for RL: the recorded metrics and the weights' RMS.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Recorder, type Batch } from '../algorithms';
import { imageTensors } from '../model';
import { goldResponse, instancesToTensors, responsesToTensors } from './batch';
import { now } from './clock';
import { WEIGHT_RMS_KEY, weightRms } from './divergence';
import { roundInstances } from './rollout';
import type { IterationPlan, RunState } from './run';
import { train, type UpdateOutcome } from './update';

/** The gold-trace batch of this iteration's prompts (new tensors: dispose with disposeGoldBatch). */
export function goldBatch(run: RunState, plan: IterationPlan): Batch & { images: tf.Tensor4D } {
  const { config, task, policy } = run;
  const instances = roundInstances(task, config, { iteration: plan.number, round: 0, difficulty: plan.difficulty });
  const missing = instances.find((inst) => inst.goldTrace.length === 0);
  if (missing) throw new Error(`SFT needs gold reasoning traces, and the ${task.id} task made a prompt without one (seed ${missing.seed}).`);
  const T = config.sampling.maxNewTokens;
  const { images, prompts } = instancesToTensors(instances, policy.config.promptLen);
  const { tokens, mask } = responsesToTensors(instances.map(goldResponse), T);
  const n = instances.length;
  // oldLogp and scores are unused by the cross-entropy; zeros keep the Batch whole.
  return { n, groupSize: 1, T, images, prompts, tokens, mask, oldLogp: tf.zeros([n, T]), refLogp: null, refLogProbs: null, oldLogProbs: null, oldValues: null, scores: tf.zeros([n]) };
}

export function disposeGoldBatch(b: Batch): void {
  tf.dispose([...imageTensors(b.images), b.prompts, b.tokens, b.mask, b.oldLogp, b.scores]);
}

/** Build the gold batch, update on it, read back. No Inspect snapshot: there are no samples to show. */
export async function updateOnGoldTraces(run: RunState, plan: IterationPlan): Promise<UpdateOutcome> {
  const started = now();
  const rec = new Recorder();
  const batch = goldBatch(run, plan);
  try {
    train(run, plan, batch, rec, false);
    rec.set(WEIGHT_RMS_KEY, weightRms(run.policy.trainableVariables));
    const recorded = await rec.read();
    return { assembled: null, recorded, ms: now() - started, logprobMs: 0 };
  } finally {
    rec.dispose();
    disposeGoldBatch(batch);
  }
}
