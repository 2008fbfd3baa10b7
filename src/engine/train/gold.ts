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
import { scoreSample } from '../rewards';
import type { TaskInstance } from '../tasks/types';
import { goldResponse, instancesToTensors, responsesToTensors } from './batch';
import { now } from './clock';
import { WEIGHT_RMS_KEY, weightRms } from './divergence';
import { inspectSnapshot } from './inspect';
import { roundInstances, runScoreOptions, type HostSample } from './rollout';
import type { IterationPlan, RunState } from './run';
import type { InspectBatch } from './types';
import { train, type UpdateOutcome } from './update';

/** The gold-trace batch of this iteration's prompts (new tensors: dispose with disposeGoldBatch). */
export function goldBatch(run: RunState, plan: IterationPlan, instances = goldInstances(run, plan)): Batch & { images: tf.Tensor4D } {
  const { config, task, policy } = run;
  const missing = instances.find((inst) => inst.goldTrace.length === 0);
  if (missing) throw new Error(`SFT needs gold reasoning traces, and the ${task.id} task made a prompt without one (seed ${missing.seed}).`);
  const T = config.sampling.maxNewTokens;
  const { images, prompts } = instancesToTensors(instances, policy.config.promptLen);
  const { tokens, mask } = responsesToTensors(instances.map(goldResponse), T);
  const n = instances.length;
  // oldLogp and scores are unused by the cross-entropy; zeros keep the Batch whole.
  return { n, groupSize: 1, T, images, prompts, tokens, mask, oldLogp: tf.zeros([n, T]), refLogp: null, refLogProbs: null, oldLogProbs: null, oldValues: null, scores: tf.zeros([n]) };
}

/** The iteration's B prompts: the very ones an RL run with this seed samples from. */
export function goldInstances(run: RunState, plan: IterationPlan): TaskInstance[] {
  return roundInstances(run.task, run.config, { iteration: plan.number, round: 0, difficulty: plan.difficulty });
}

export function disposeGoldBatch(b: Batch): void {
  tf.dispose([...imageTensors(b.images), b.prompts, b.tokens, b.mask, b.oldLogp, b.scores]);
}

/**
 * The gold traces as host samples for the Inspect view: each prompt's one "response" is its gold
 * trace, scored by the run's rewards like any sample (so the view can show what the trace earns),
 * with the same options (runScoreOptions: rewards.box included).
 */
function goldSamples(run: RunState, instances: readonly TaskInstance[]): HostSample[] {
  const T = run.config.sampling.maxNewTokens;
  const opts = runScoreOptions(run.config);
  return instances.map((inst) => {
    const response = goldResponse(inst).slice(0, T);
    const tokens = new Int32Array(T);
    tokens.set(response);
    const scored = scoreSample({ tokens: Array.from(tokens), maxNewTokens: T }, inst, run.config.rewards.weights, opts);
    return { tokens, length: response.length, truncated: false, perturbed: false, scored };
  });
}

/**
 * Build the gold batch, update on it, read back. When batches are kept (run.keepBatches > 0)
 * the Inspect view gets the batch too, marked as gold traces: log π_old of every gold token from
 * one forward pass before the update (so the recorded ratio is π/π_old, as for RL), the update's
 * own log π and entropy, each row's weight (1) as its advantage, and log π after the update.
 * Those passes have no RNG and no gradient: the update and its metrics are the same either way.
 */
export async function updateOnGoldTraces(run: RunState, plan: IterationPlan): Promise<UpdateOutcome & { inspect: InspectBatch | null }> {
  const started = now();
  const rec = new Recorder();
  const keep = run.config.run.keepBatches > 0;
  const instances = goldInstances(run, plan);
  const batch = goldBatch(run, plan, instances);
  try {
    const forwardLogp = () => tf.tidy(() => run.policy.forward(batch.images, batch.prompts, batch.tokens, { temperature: 1 }).logp);
    if (keep) {
      batch.oldLogp.dispose();
      batch.oldLogp = forwardLogp();
      rec.tokens('oldLogp', tf.clone(batch.oldLogp));
      rec.advantages(tf.ones<tf.Rank.R1>([batch.n])); // every gold row weighs 1
    }
    train(run, plan, batch, rec, keep);
    if (keep) rec.tokens('logpAfter', forwardLogp());
    rec.set(WEIGHT_RMS_KEY, weightRms(run.policy.trainableVariables));
    const recorded = await rec.read();
    const inspect = keep ? { ...inspectSnapshot(run.config, plan.number, { groupSize: 1, instances, samples: goldSamples(run, instances) }, recorded.inspector), source: 'gold-traces' as const } : null;
    return { assembled: null, recorded, ms: now() - started, logprobMs: 0, inspect };
  } finally {
    rec.dispose();
    disposeGoldBatch(batch);
  }
}
