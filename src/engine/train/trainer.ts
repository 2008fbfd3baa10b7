/**
 * The RL trainer: one `step()` is one iteration,
 *
 *   sample B prompts -> G rollouts each -> rewards (host) -> [filter / refill groups]
 *     -> reference and critic passes -> the algorithm's advantages and updates
 *     -> one metrics record (+ held-out evaluation every evalEvery iterations).
 *
 * Readbacks: the rollout's tokens, then everything else (metrics and the inspector's
 * per-token arrays) concatenated and read once at the end; more only for dynamic sampling's
 * extra rounds, early stopping on KL, TRPO's line search, and evaluation.
 *
 * Deterministic: every random choice (prompts, sampling noise, minibatch order, image noise,
 * weights from scratch) is seeded from config.run.seed, so the same config gives the same
 * metrics on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ALGORITHM_REGISTRY, Adam, Recorder, type Batch, type TokenArrayName, type UpdateContext } from '../algorithms';
import { policyParams } from '../algorithms/common';
import { RunConfigSchema, type RunConfig } from '../config';
import { Policy, diffConfigs, saveCheckpoint } from '../model';
import { Rng, mixSeed } from '../random';
import { REWARD_NAMES } from '../rewards';
import { klPenalty, maskedMean } from '../rl';
import { TASKS } from '../tasks';
import { perturbsImages } from './augment';
import { Curriculum } from './curriculum';
import { DivergedError, WEIGHT_RMS_KEY, findDivergence, weightRms } from './divergence';
import { evaluate, type EvalResult } from './evaluate';
import { filtersGroups, groupFilter, groupStats, keptGroups, type GroupStats } from './filter';
import type { MetricsRecord } from './metrics';
import { assembleBatch, disposeAssembled, disposeRound, rolloutMetrics, sampleRound, type AssembledBatch, type GroupRef, type RolloutRound } from './rollout';
import { BetaSchedule, learningRateAt } from './schedule';
import { patchTransposedMatMul } from './wasmMatMul';
import type { InspectBatch, InspectSample, TrainerDeps, TrainerHandle } from './types';
import { now } from './clock';

let gradientsChecked = false;

function assertGradientsRegistered(): void {
  if (gradientsChecked) return;
  const x = tf.tidy(() => tf.variable(tf.scalar(1)));
  try {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(x, x)), [x]);
    tf.dispose([value, ...Object.values(grads)]);
    gradientsChecked = true;
  } catch (e) {
    throw new Error(
      `tfjs gradients are not registered (${e instanceof Error ? e.message : String(e)}). Import '@tensorflow/tfjs-core/dist/register_all_gradients' ` +
        `(browser, worker, Vitest) or call registerGradients() from src/cli/gradients.ts (Node) before createTrainer.`,
      { cause: e },
    );
  } finally {
    x.dispose();
  }
}

async function initialPolicy(config: RunConfig, deps: TrainerDeps): Promise<Policy> {
  if (config.run.init === 'scratch') return Policy.create(config.model, config.run.seed);
  const policy = await Policy.fromCheckpoint(deps.loadWarmStart(config.task.task));
  const diff = diffConfigs(policy.config, config.model, `the ${config.task.task} warm-start checkpoint`, 'config.model');
  if (diff.length > 0) {
    policy.dispose();
    throw new Error(`Cannot start from the warm-start checkpoint: ${diff.join('; ')}. Use the checkpoint's model config, or init 'scratch'.`);
  }
  return policy;
}

export async function createTrainer(input: RunConfig, deps: TrainerDeps): Promise<TrainerHandle> {
  // The schema also checks the cross-field rules (image sizes agree, RLOO has G >= 2, ...).
  const config = RunConfigSchema.parse(input);
  // On wasm, matmuls with a transposed operand (every backward pass, attention's q·kᵀ) are
  // 5-40x slower than transposing first; this swaps in kernels that do (same numbers).
  if (tf.getBackend() === 'wasm') patchTransposedMatMul();
  assertGradientsRegistered();
  const task = TASKS[config.task.task];
  const algorithm = ALGORITHM_REGISTRY[config.objective.algorithm];
  const total = config.run.iterations;
  const betas = new BetaSchedule(config.objective, total);

  const policy = await initialPolicy(config, deps);
  // The reference is the initial policy, frozen; only made when some iteration has β > 0.
  const ref = algorithm.usesReference && betas.everPositive ? policy.clone() : null;
  let iteration = 0;
  try {
    if (deps.resume) {
      await policy.loadCheckpoint(deps.resume.checkpoint);
      iteration = deps.resume.iteration;
    }
  } catch (e) {
    policy.dispose();
    ref?.dispose();
    throw e;
  }
  const policyOpt = new Adam(policyParams(policy));
  const valueOpt = new Adam(policy.valueHeadVariables);
  const curriculum = new Curriculum(config.task.difficulty, task.levels, config.tricks.curriculumThreshold, config.tricks.curriculum);
  const inspect: InspectBatch[] = [];
  const startedAt = now();
  let disposed = false;
  const note = (s: string) => deps.onNote?.(s);

  const evaluateNow = async (n = config.run.evalN): Promise<{ id: EvalResult; ood: EvalResult }> => {
    const common = {
      n,
      difficulty: curriculum.difficulty,
      imageSize: config.task.imageSize,
      jitter: config.task.jitter,
      maxNewTokens: config.sampling.maxNewTokens,
      mode: { kind: 'greedy' as const },
    };
    const id = await evaluate(policy, task, { ...common, split: 'id' });
    const ood = await evaluate(policy, task, { ...common, split: 'ood' });
    return { id, ood };
  };

  /** Round 0, then (dynamic sampling) extra rounds until B groups with signal are kept. */
  async function collect(number: number): Promise<{ rounds: RolloutRound[]; kept: GroupRef[]; firstStats: GroupStats[] }> {
    const { promptsPerIter: b, groupSize: g } = config.sampling;
    const keep = groupFilter(config.tricks);
    const rounds: RolloutRound[] = [];
    const kept: GroupRef[] = [];
    let firstStats: GroupStats[] = [];
    try {
      for (let round = 0; round <= (config.tricks.dynamicSampling ? config.tricks.maxExtraRounds : 0); round++) {
        const r = await sampleRound(policy, task, config, { iteration: number, round, difficulty: curriculum.difficulty });
        rounds.push(r);
        const stats = groupStats(
          r.samples.map((s) => s.scored.total),
          r.samples.map((s) => s.scored.byFn.accuracy),
          g,
        );
        if (round === 0) firstStats = stats;
        const groups = filtersGroups(config.tricks) ? keptGroups(stats, keep, b - kept.length) : stats.map((_, i) => i);
        kept.push(...groups.map((group) => ({ round, group })));
        if (!config.tricks.dynamicSampling || kept.length >= b) break;
      }
    } catch (e) {
      rounds.forEach(disposeRound);
      throw e;
    }
    return { rounds, kept, firstStats };
  }

  /** Reference log-probs, critic values and (when needed) recomputed old log-probs, on clean images. */
  function passes(a: AssembledBatch, recomputeOld: boolean): Batch {
    const temperature = config.sampling.temperature;
    const refLogp = ref ? tf.tidy(() => ref.forward(a.images, a.prompts, a.tokens, { temperature }).logp) : null;
    let oldLogp: tf.Tensor2D;
    let oldValues: tf.Tensor2D | null = null;
    if (algorithm.critic || recomputeOld) {
      // One pass gives both V_old and log π_old (the same code path as the update's forward).
      const out = tf.tidy(() => {
        const f = policy.forward(a.images, a.prompts, a.tokens, { temperature });
        return { logp: tf.mul<tf.Tensor2D>(f.logp, a.mask), values: tf.mul<tf.Tensor2D>(f.values, a.mask) };
      });
      oldLogp = out.logp;
      if (algorithm.critic) oldValues = out.values;
      else out.values.dispose();
    } else {
      oldLogp = tf.clone(a.behaviourLogp);
    }
    return {
      n: a.samples.length,
      groupSize: a.groupSize,
      T: config.sampling.maxNewTokens,
      images: a.images,
      prompts: a.prompts,
      tokens: a.tokens,
      mask: a.mask,
      oldLogp,
      refLogp,
      oldValues,
      scores: a.scores,
    };
  }

  let busy = false;
  /** Set once an iteration diverged: the weights are garbage from then on. */
  let divergedAt: DivergedError | null = null;
  async function step(): Promise<MetricsRecord> {
    if (disposed) throw new Error('step: the trainer was disposed');
    if (divergedAt) throw divergedAt;
    if (iteration >= total) throw new Error(`step: the run is done (${total} iterations)`);
    if (busy) throw new Error('step: an iteration is already running (await the previous step)');
    busy = true;
    try {
      return await iterate();
    } finally {
      busy = false;
    }
  }

  async function iterate(): Promise<MetricsRecord> {
    const number = iteration + 1;
    const t = iteration; // 0-based, for schedules
    const difficulty = curriculum.difficulty;
    const beta = betas.at(t);
    const lr = learningRateAt(config.optim, t, total);
    const valueLr = (lr * config.optim.valueLr) / config.optim.lr;
    const values: Record<string, number> = {};

    // 1. Rollouts (+ dynamic sampling's refills), scored on the host.
    const t0 = now();
    const { rounds, kept, firstStats } = await collect(number);
    const rolloutMs = now() - t0;
    const generated = rounds.length * config.sampling.promptsPerIter * config.sampling.groupSize * config.sampling.maxNewTokens;
    Object.assign(values, rolloutMetrics(rounds[0]!.samples));
    if (config.sampling.groupSize > 1) values['groups/zero_std_frac'] = firstStats.filter((s) => s.std === 0).length / firstStats.length;
    if (filtersGroups(config.tricks)) {
      values['groups/kept'] = kept.length;
      values['sampling/rounds'] = rounds.length;
      if (config.tricks.dynamicSampling && kept.length < config.sampling.promptsPerIter) {
        note(`iteration ${number}: dynamic sampling found ${kept.length}/${config.sampling.promptsPerIter} groups with reward spread in ${rounds.length} rounds`);
      } else if (rounds.length > 1) {
        note(`iteration ${number}: dynamic sampling refilled the batch with ${rounds.length - 1} extra round(s)`);
      }
    }

    // 2. The batch, its reference / critic passes, and the algorithm's update.
    const t1 = now();
    const rec = new Recorder();
    let logprobMs = 0;
    let assembled: AssembledBatch | null = null;
    let batch: Batch | null = null;
    let recorded;
    let ok = false;
    try {
      if (kept.length > 0) {
        assembled = assembleBatch(rounds, kept, config.sampling.groupSize);
        const perturbed = perturbsImages(config.tricks, t);
        const tp = now();
        batch = passes(assembled, perturbed);
        logprobMs = now() - tp;
        const keepTokens = config.run.keepBatches > 0;
        const ctx: UpdateContext = {
          config,
          policy,
          policyOpt,
          valueOpt,
          batch,
          beta,
          lr,
          valueLr,
          rng: new Rng(mixSeed(config.run.seed, number, 0x3b)),
          rec,
          keepTokens,
        };
        if (keepTokens) {
          rec.tokens('oldLogp', tf.clone(batch.oldLogp));
          if (batch.refLogp) rec.tokens('refLogp', tf.clone(batch.refLogp));
          if (assembled.rolloutImages) rec.rolloutImages(tf.clone(assembled.rolloutImages));
        }
        if (ref && config.objective.klMode === 'reward' && batch.refLogp) {
          const { oldLogp, refLogp, mask } = batch;
          rec.set('kl/ref', tf.tidy(() => maskedMean(klPenalty(oldLogp, refLogp, config.objective.klEstimator), mask) as tf.Scalar));
        }
        algorithm.update(ctx);
      } else {
        note(`iteration ${number}: every group was filtered out; no update this iteration`);
      }
      // The weights after the update, for the divergence check: one more scalar in the same readback.
      rec.set(WEIGHT_RMS_KEY, weightRms(policy.trainableVariables));
      recorded = await rec.read(); // the one readback of the update
      ok = true;
    } finally {
      if (!ok && assembled) disposeAssembled(assembled);
      rec.dispose();
      if (batch) tf.dispose([batch.oldLogp, ...(batch.refLogp ? [batch.refLogp] : []), ...(batch.oldValues ? [batch.oldValues] : [])]);
      rounds.forEach(disposeRound);
    }
    const updateMs = now() - t1;
    Object.assign(values, recorded.values);

    // NaN/Infinity anywhere, or weights blown up (see ./divergence.ts for the criterion).
    const diverged = findDivergence(values);
    if (diverged) {
      if (assembled) disposeAssembled(assembled);
      iteration = number; // the iteration happened; the weights are now garbage and must not be saved
      divergedAt = new DivergedError(number, diverged);
      throw divergedAt;
    }

    values['lr'] = lr;
    if (ref || config.objective.algorithm === 'ppo-penalty' || config.objective.klSchedule !== 'fixed') values['kl/beta'] = beta;
    if (config.objective.algorithm === 'trpo') delete values['lr'];
    values['time/rollout_ms'] = rolloutMs;
    values['time/update_ms'] = updateMs;
    // Sub-timings for the benchmark: host scoring inside the rollout, reference/old passes inside the update.
    values['time/reward_ms'] = rounds.reduce((sum, r) => sum + r.rewardMs, 0);
    values['time/logprob_ms'] = logprobMs;
    values['throughput/tokens_per_s'] = generated / (rolloutMs / 1000);
    if (config.tricks.noisyRollout) values['noise/std'] = config.tricks.noiseStd * Math.max(0, 1 - t / config.tricks.noiseAnneal);

    // 3. Controllers: adaptive β, curriculum.
    const klForBeta = values[algorithm.adaptiveKlMetric];
    if (klForBeta !== undefined) betas.observe(klForBeta);
    if (curriculum.observe(values['acc/train'] ?? NaN)) note(`iteration ${number}: curriculum moved up to level ${curriculum.difficulty}`);

    // 4. The inspector's copy of this batch (host arrays only).
    if (assembled) {
      if (config.run.keepBatches > 0) {
        inspect.push(inspectBatch(number, assembled, recorded));
        while (inspect.length > config.run.keepBatches) inspect.shift();
      }
      disposeAssembled(assembled);
    }
    iteration = number;

    // 5. Held-out evaluation every evalEvery iterations.
    if (config.run.evalEvery > 0 && number % config.run.evalEvery === 0) {
      const te = now();
      const { id, ood } = await evaluateNow();
      values['acc/eval_id'] = id.accuracy;
      values['acc/eval_ood'] = ood.accuracy;
      values['format/eval_id'] = id.formatRate;
      values['time/eval_ms'] = now() - te;
    }
    const mem = tf.memory();
    values['mem/tensors'] = mem.numTensors;
    values['mem/bytes'] = mem.numBytes;
    return { iteration: number, wallMs: now() - startedAt, klEstimator: config.objective.klEstimator, difficulty, values };
  }

  function inspectBatch(number: number, a: AssembledBatch, r: Awaited<ReturnType<Recorder['read']>>): InspectBatch {
    const g = a.groupSize;
    const T = config.sampling.maxNewTokens;
    const size = config.task.imageSize;
    const pixels = size * size * 3;
    const prompts = a.instances.map((inst, k) => {
      const rolled = r.inspector.rolloutImages?.slice(k * pixels, (k + 1) * pixels);
      return {
        image: rolled ?? inst.image,
        ...(rolled ? { cleanImage: inst.image } : {}),
        imageSize: size,
        promptTokens: inst.promptTokens,
        answer: inst.answer,
        difficulty: inst.difficulty,
      };
    });
    const row = (key: TokenArrayName, i: number, len: number): number[] | undefined => {
      const arr = r.inspector.tokens[key];
      return arr ? Array.from(arr.subarray(i * T, i * T + len)) : undefined;
    };
    const zeros = (len: number) => new Array<number>(len).fill(0);
    const samples: InspectSample[] = a.samples.map((s, i) => {
      const len = s.length;
      const byFn = Object.fromEntries(REWARD_NAMES.map((n) => [n, s.scored.byFn[n]])) as InspectSample['rewardByFn'];
      const sample: InspectSample = {
        promptIndex: Math.floor(i / g),
        tokens: Array.from(s.tokens.subarray(0, len)),
        reward: s.scored.total,
        rewardByFn: byFn,
        advantage: r.inspector.advantage?.[i] ?? 0,
        logp: row('logp', i, len) ?? zeros(len),
        oldLogp: row('oldLogp', i, len) ?? zeros(len),
        ratio: row('ratio', i, len) ?? zeros(len),
        clipped: row('clipped', i, len) ?? zeros(len),
        kl: row('kl', i, len) ?? zeros(len),
        entropy: row('entropy', i, len) ?? zeros(len),
      };
      const refLogp = row('refLogp', i, len);
      if (refLogp) sample.refLogp = refLogp;
      const v = row('values', i, len);
      if (v) {
        sample.values = v;
        sample.tokenAdvantages = row('tokenAdvantages', i, len)!;
        sample.returns = row('returns', i, len)!;
      }
      return sample;
    });
    const groupStatsOut = a.instances.map((_, k) => {
      const rs = a.samples.slice(k * g, (k + 1) * g).map((s) => s.scored.total);
      const mean = rs.reduce((x, y) => x + y, 0) / rs.length;
      return { mean, std: Math.sqrt(rs.reduce((x, y) => x + (y - mean) ** 2, 0) / rs.length) };
    });
    return { iteration: number, groupSize: g, prompts, samples, groupStats: groupStatsOut };
  }

  return {
    config,
    get iteration() {
      return iteration;
    },
    get done() {
      return iteration >= total;
    },
    step,
    evaluate: evaluateNow,
    inspectBatches: () => [...inspect],
    async saveCheckpoint(handler) {
      // Never let diverged weights replace the last good checkpoint (whoever calls this).
      if (divergedAt) throw new Error(`The checkpoint was not saved: the run ${divergedAt.message}`);
      await saveCheckpoint(policy, handler, { iteration, task: config.task.task, preset: config.preset, algorithm: config.objective.algorithm, seed: config.run.seed });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      policyOpt.dispose();
      valueOpt.dispose();
      policy.dispose();
      ref?.dispose();
    },
  };
}

