/**
 * One iteration, phase by phase:
 *
 *   1. collect     B prompts -> G rollouts each, scored on the host (+ dynamic sampling's refills)   ./collect.ts
 *                  (SFT samples nothing: 1-3 are the update on the B prompts' gold traces, and 6 keeps   ./gold.ts
 *                  those traces with the model's log-probs on them)
 *   2. passes      the reference's and the critic's passes over the kept batch                        ./passes.ts
 *   3. update      the algorithm's advantages and parameter steps, then one readback                 ./update.ts
 *                  (./update.ts runs 2 and 3: they share the batch's tensors and their disposal)
 *   4. metrics     the record: rollout, update, schedule and timing metrics (divergence stops here)
 *   5. controllers adaptive β and the curriculum observe the record
 *   6. inspect     the Inspect view's copy of the batch                                               ./inspect.ts
 *   7. evaluation  held-out ID / novel-answer (ood) / visual-shift accuracy, every evalEvery iterations
 *
 * Readbacks: the rollout's tokens, then everything else at the end of the update; more only
 * for dynamic sampling's extra rounds, early stopping on KL, TRPO's line search, and evaluation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { noiseStdAt } from './augment';
import { collectRollouts, rolloutPhaseMetrics, type Rollouts } from './collect';
import { now } from './clock';
import { DivergedError, findDivergence } from './divergence';
import { inspectSnapshot } from './inspect';
import { CURRICULUM_FORMAT_METRIC_KEYS, type MetricsRecord } from './metrics';
import type { InspectBatch } from './types';
import { disposeAssembled } from './rollout';
import { evaluateRun, planIteration, type IterationPlan, type RunState } from './run';
import type { UpdateOutcome } from './update';
import { updatePolicy } from './update';
import { updateOnGoldTraces } from './gold';

/** NaN/Infinity anywhere, or weights blown up (./divergence.ts): the run stops here, for good. */
function stopIfDiverged(run: RunState, plan: IterationPlan, values: Record<string, number>, update: UpdateOutcome): void {
  const diverged = findDivergence(values);
  if (!diverged) return;
  if (update.assembled) disposeAssembled(update.assembled);
  run.iteration = plan.number; // the iteration happened; the weights are now garbage and must not be saved
  run.divergedAt = new DivergedError(plan.number, diverged);
  throw run.divergedAt;
}

/** Step sizes, β, and the phases' times (see ./metrics.ts for what each time covers). Without rollouts (SFT) the rollout's times are absent, not 0. */
function scheduleAndTimeMetrics(run: RunState, plan: IterationPlan, rollouts: Rollouts | null, update: UpdateOutcome): Record<string, number> {
  const { config, algorithm } = run;
  const { sampling, tricks, objective } = config;
  const values: Record<string, number> = {};
  if (algorithm.usesLearningRate) values['lr'] = plan.lr; // TRPO's step comes from its trust region
  if (run.ref || algorithm.betaMeaning === 'old-policy-kl' || objective.klSchedule !== 'fixed') values['kl/beta'] = plan.beta;
  values['time/update_ms'] = update.ms;
  values['time/logprob_ms'] = update.logprobMs;
  if (!rollouts) return values;
  values['time/rollout_ms'] = rollouts.ms;
  values['time/reward_ms'] = rollouts.rounds.reduce((sum, r) => sum + r.rewardMs, 0);
  const generated = rollouts.rounds.length * sampling.promptsPerIter * sampling.groupSize * sampling.maxNewTokens;
  values['throughput/tokens_per_s'] = generated / (rollouts.ms / 1000);
  if (tricks.noisyRollout) values['noise/std'] = noiseStdAt(tricks, plan.t);
  if (tricks.curriculum) {
    values['curriculum/level'] = plan.difficulty;
    values['curriculum/stage'] = plan.stage;
  }
  return values;
}

/** Curr-ReFT's staged formats: the iteration's train accuracy under its question format's key (./metrics.ts). */
function formatMetrics(run: RunState, plan: IterationPlan, values: Record<string, number>): Record<string, number> {
  const { tricks } = run.config;
  const acc = values['acc/train'];
  if (!tricks.curriculum || tricks.curriculumFormat !== 'staged' || acc === undefined) return {};
  return { [CURRICULUM_FORMAT_METRIC_KEYS[plan.format]]: acc };
}

/** Adaptive β reads its KL metric (the algorithm spec says which); the curriculum reads train accuracy. */
function observeControllers(run: RunState, plan: IterationPlan, values: Record<string, number>): void {
  const klForBeta = values[run.algorithm.adaptiveKlMetric];
  if (klForBeta !== undefined) run.betas.observe(klForBeta);
  if (run.curriculum.observe(values['acc/train'] ?? NaN)) run.note(`iteration ${plan.number}: curriculum moved up to level ${run.curriculum.difficulty}`);
}

/** Keep a snapshot for the Inspect view: the last keepBatches of them. */
function keepSnapshot(run: RunState, snapshot: InspectBatch): void {
  run.inspect.push(snapshot);
  while (run.inspect.length > run.config.run.keepBatches) run.inspect.shift();
}

/** Keep the batch for the Inspect view (the last keepBatches of them), then free its tensors. */
function keepForInspect(run: RunState, plan: IterationPlan, update: UpdateOutcome): void {
  const { assembled } = update;
  if (!assembled) return;
  try {
    if (run.config.run.keepBatches > 0) keepSnapshot(run, inspectSnapshot(run.config, plan.number, assembled, update.recorded.inspector));
  } finally {
    disposeAssembled(assembled);
  }
}

async function evaluationMetrics(run: RunState): Promise<Record<string, number>> {
  const started = now();
  const { id, ood, shift } = await evaluateRun(run);
  return { 'acc/eval_id': id.accuracy, 'acc/eval_ood': ood.accuracy, 'acc/eval_shift': shift.accuracy, 'format/eval_id': id.formatRate, 'time/eval_ms': now() - started };
}

/** Phases 1-3: rollouts, passes and update; or, for SFT (trainsOn 'gold-traces'), the update on the prompts' gold traces. */
async function trainPhases(run: RunState, plan: IterationPlan): Promise<{ values: Record<string, number>; rollouts: Rollouts | null; update: UpdateOutcome }> {
  if (run.algorithm.trainsOn === 'gold-traces') {
    const update = await updateOnGoldTraces(run, plan);
    if (update.inspect) keepSnapshot(run, update.inspect); // SFT's gold-trace batch (./gold.ts)
    return { values: {}, rollouts: null, update };
  }
  const rollouts = await collectRollouts(run, plan.number, plan.rewardWeights, plan.format);
  const values = rolloutPhaseMetrics(run, plan.number, rollouts);
  return { values, rollouts, update: await updatePolicy(run, plan, rollouts) };
}

export async function runIteration(run: RunState): Promise<MetricsRecord> {
  const plan = planIteration(run);
  const { values, rollouts, update } = await trainPhases(run, plan);
  Object.assign(values, update.recorded.values);
  stopIfDiverged(run, plan, values, update);
  Object.assign(values, scheduleAndTimeMetrics(run, plan, rollouts, update), formatMetrics(run, plan, values));
  observeControllers(run, plan, values);
  keepForInspect(run, plan, update);
  run.iteration = plan.number;
  const { evalEvery } = run.config.run;
  if (evalEvery > 0 && plan.number % evalEvery === 0) Object.assign(values, await evaluationMetrics(run));
  const mem = tf.memory();
  values['mem/tensors'] = mem.numTensors;
  values['mem/bytes'] = mem.numBytes;
  return { iteration: plan.number, wallMs: now() - run.startedAt, klEstimator: run.config.objective.klEstimator, difficulty: plan.difficulty, values };
}
