/**
 * Rollouts: B prompts -> G responses each, scored on the host, then (after any group
 * filtering) assembled into the per-row batch the algorithms train on.
 *
 * One readback per round: the sampler's tokens. Rewards are computed from those host ids,
 * so nothing else has to come back before the update.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../config';
import { groupedImages, imageTensors, type Policy, type SharedImages } from '../model';
import { mixSeed } from '../random';
import { REWARD_NAMES, scoreSample, type RewardWeights, type ScoreOptions, type ScoredSample } from '../rewards';
import { mean, placeTokenRewards, populationStd } from '../rl/host';
import type { QuestionFormat, TaskDef, TaskInstance } from '../tasks/types';
import { EOS } from '../tokenizer';
import { perturbImages, perturbedPerGroup, perturbsImages } from './augment';
import { instancesToTensors } from './batch';
import { promptSeed, type PromptSelection } from './select';
import { now } from './clock';
import { temporalContrast, usesTemporalContrast, type TemporalStats } from './temporal';

/** One sampled response, on the host. */
export interface HostSample {
  /** All T generated ids (<pad> after <eos>). */
  tokens: Int32Array;
  /** Tokens up to and including <eos>, or T when truncated (= the mask's sum). */
  length: number;
  truncated: boolean;
  /** True when it was sampled from the perturbed (noisy / augmented) image, not the clean one. */
  perturbed: boolean;
  scored: ScoredSample;
}

/**
 * How the run's rewards score a response (rewards.*: the length reward's cache, the box reward,
 * gating, sum or product): one place, so that sampled responses and SFT's gold traces
 * (./gold.ts) are scored alike.
 */
export function runScoreOptions(config: RunConfig): ScoreOptions {
  const { overlongCache, box, gated, combine } = config.rewards;
  return { lengthCache: overlongCache, box, gated, combine };
}

/** One round of sampling: B prompts, B·G responses. */
export interface RolloutRound {
  instances: TaskInstance[];
  /** [B, H, W, 3] clean images. */
  images: tf.Tensor4D;
  /** [B, H, W, 3] what the sampler saw; null when it saw the clean images. */
  rolloutImages: tf.Tensor4D | null;
  /** [B, P] int32. */
  prompts: tf.Tensor2D;
  /** [B·G, T] int32, float32, float32. */
  tokens: tf.Tensor2D;
  logp: tf.Tensor2D;
  mask: tf.Tensor2D;
  samples: HostSample[];
  /** Host time spent scoring the samples (part of the rollout's time). */
  rewardMs: number;
  /** T-GRPO (tricks.temporalGrpo): ordered vs shuffled accuracy of this round; null when off. */
  temporal: TemporalStats | null;
}

export interface RoundOptions {
  /** 1-based iteration number (seeds prompts and sampling). */
  iteration: number;
  /** 0 for the batch itself, 1.. for dynamic sampling's extra rounds. */
  round: number;
  difficulty: number;
  /** ThinkLite's selected prompts to draw from (./select.ts), or null for fresh ones. */
  selection?: PromptSelection | null;
  /** The reward weights this round scores with (the curriculum stage's, ./curriculum.ts); default rewards.weights. */
  rewardWeights?: RewardWeights;
  /** The question format its prompts ask (the curriculum stage's, ./curriculum.ts); default open. */
  format?: QuestionFormat;
}

/**
 * The B training prompts of one round. Every algorithm of a run with this seed sees these same
 * prompts at this iteration: the RL algorithms sample from them, SFT trains on their gold traces.
 */
export function roundInstances(task: TaskDef, config: RunConfig, opts: RoundOptions): TaskInstance[] {
  const b = config.sampling.promptsPerIter;
  return Array.from({ length: b }, (_, k) =>
    task.generate({
      seed: promptSeed(opts.selection ?? null, config.run.seed, opts.iteration, opts.round * b + k),
      split: 'id',
      difficulty: opts.difficulty,
      imageSize: config.task.imageSize,
      jitter: config.task.jitter,
      verbose: config.task.verbose,
      // Open questions call generate exactly as before the formats existed.
      ...(opts.format !== undefined && opts.format !== 'open' ? { format: opts.format } : {}),
    }),
  );
}

/** Sample and score one round. The caller disposes it with `disposeRound`. */
export async function sampleRound(policy: Policy, task: TaskDef, config: RunConfig, opts: RoundOptions): Promise<RolloutRound> {
  const { promptsPerIter: b, groupSize: g, temperature, topK, maxNewTokens: T } = config.sampling;
  const seed = config.run.seed;
  const instances = roundInstances(task, config, opts);
  const { images, prompts } = instancesToTensors(instances, policy.config.promptLen);
  const t = opts.iteration - 1;
  const rolloutImages = perturbsImages(config.tricks, t) ? perturbImages(images, config.tricks, t, mixSeed(seed, opts.iteration, opts.round, 0xa06)) : null;
  const perturbed = perturbedPerGroup(config.tricks, t, g);
  let out;
  try {
    const sampleOpts = { temperature, topK, maxNewTokens: T, seed: mixSeed(seed, opts.iteration, opts.round, 0x5a3e) };
    if (rolloutImages && perturbed < g) {
      // NoisyRollout's hybrid group: row b·G + j sees the clean image for j < G − perturbed, the noisy one after.
      const rows = hybridRows(images, rolloutImages, prompts, g, perturbed);
      try {
        out = await policy.sample(rows.images, rows.prompts, { ...sampleOpts, groupSize: 1 });
      } finally {
        tf.dispose([...imageTensors(rows.images), rows.prompts]);
      }
    } else {
      out = await policy.sample(rolloutImages ?? images, prompts, { ...sampleOpts, groupSize: g });
    }
  } catch (e) {
    tf.dispose([images, prompts, ...(rolloutImages ? [rolloutImages] : [])]);
    throw e;
  }
  const weights = opts.rewardWeights ?? config.rewards.weights;
  const scoringStarted = now();
  const scoreOpts = runScoreOptions(config);
  const samples: HostSample[] = [];
  for (let i = 0; i < b * g; i++) {
    const tokens = out.tokenIds.slice(i * T, (i + 1) * T);
    const eos = tokens.indexOf(EOS);
    const scored = scoreSample({ tokens: Array.from(tokens), maxNewTokens: T }, instances[Math.floor(i / g)]!, weights, scoreOpts);
    samples.push({ tokens, length: eos >= 0 ? eos + 1 : T, truncated: eos < 0, perturbed: i % g >= g - perturbed, scored });
  }
  const rewardMs = now() - scoringStarted;
  const round: RolloutRound = { instances, images, rolloutImages, prompts, tokens: out.tokens, logp: out.logp, mask: out.mask, samples, rewardMs, temporal: null };
  if (!usesTemporalContrast(config, task)) return round;
  try {
    const contrast = await temporalContrast(policy, task, config, { iteration: opts.iteration, round: opts.round, instances, prompts, samples });
    return { ...round, samples: contrast.samples, temporal: contrast.stats };
  } catch (e) {
    disposeRound(round);
    throw e;
  }
}

/**
 * Per-row images and prompts [B·G, ...] of hybrid groups: in each group, the clean image first,
 * then `perturbed` rows of the noisy one. The images are shared (2B distinct: clean then noisy,
 * each row's index into them), so the sampler encodes each image once, not once per row.
 */
export function hybridRows(images: tf.Tensor4D, noisy: tf.Tensor4D, prompts: tf.Tensor2D, g: number, perturbed: number): { images: SharedImages; prompts: tf.Tensor2D } {
  const b = images.shape[0];
  const imageIdx: number[] = [];
  const promptIdx: number[] = [];
  for (let p = 0; p < b; p++) {
    for (let j = 0; j < g; j++) {
      imageIdx.push(j < g - perturbed ? p : b + p); // clean rows index [0, B), noisy rows [B, 2B) of the concat
      promptIdx.push(p);
    }
  }
  return tf.tidy(() => ({
    images: { distinct: tf.concat([images, noisy]), row: tf.tensor1d(imageIdx, 'int32') }, // [2B, H, W, 3] and [B·G]
    prompts: tf.gather(prompts, tf.tensor1d(promptIdx, 'int32')), // [B·G, P]
  }));
}

export function disposeRound(r: RolloutRound): void {
  tf.dispose([r.images, r.prompts, r.tokens, r.logp, r.mask, ...(r.rolloutImages ? [r.rolloutImages] : [])]);
}

/** A group chosen for the batch: group `group` of round `round`. */
export interface GroupRef {
  round: number;
  group: number;
}

/** The training batch, per row, before any pass of the policy over it. */
export interface AssembledBatch {
  groupSize: number;
  instances: TaskInstance[];
  samples: HostSample[];
  /** The clean image of each row, shared: K distinct [K, H, W, 3], row i sees image ⌊i / G⌋. */
  images: SharedImages;
  /** [N, P] prompts; [N, T] tokens, behaviour log-probs, mask; [N] scores. */
  prompts: tf.Tensor2D;
  tokens: tf.Tensor2D;
  behaviourLogp: tf.Tensor2D;
  mask: tf.Tensor2D;
  scores: tf.Tensor1D;
  /** [N, T] dense per-token rewards (rewards.dense): each sample's credits on their tokens, the rest of its score on its last token; else null. */
  tokenScores: tf.Tensor2D | null;
  /** [K, H, W, 3] the rollout images of the K kept prompts, when they differ from the clean ones. */
  rolloutImages: tf.Tensor4D | null;
}

/** Gather the kept groups of every round into one batch (new tensors; the rounds stay the caller's). */
export function assembleBatch(rounds: readonly RolloutRound[], kept: readonly GroupRef[], groupSize: number, denseWidth: number | null = null): AssembledBatch {
  const g = groupSize;
  const byRound = rounds.map((_, r) => kept.filter((k) => k.round === r).map((k) => k.group));
  const instances = kept.map((k) => rounds[k.round]!.instances[k.group]!);
  const samples = kept.flatMap((k) => rounds[k.round]!.samples.slice(k.group * g, (k.group + 1) * g));
  const perturbed = rounds.some((r) => r.rolloutImages !== null);
  const parts = tf.tidy((): Record<string, tf.Tensor> => {
    const per = (pick: (r: RolloutRound) => tf.Tensor, perRow: boolean) =>
      tf.concat(
        rounds.flatMap((r, ri) => {
          const groups = byRound[ri]!;
          if (groups.length === 0) return [];
          const idx = perRow ? groups.flatMap((p) => Array.from({ length: g }, (_, j) => p * g + j)) : groups;
          return [tf.gather(pick(r), tf.tensor1d(idx, 'int32'))];
        }),
      );
    const rowsPerPrompt = (pick: (r: RolloutRound) => tf.Tensor) =>
      tf.concat(
        rounds.flatMap((r, ri) => {
          const groups = byRound[ri]!;
          if (groups.length === 0) return [];
          return [tf.gather(pick(r), tf.tensor1d(groups.flatMap((p) => new Array<number>(g).fill(p)), 'int32'))];
        }),
      );
    return {
      images: per((r) => r.images, false), // [K, H, W, 3]: one per kept group, the rows share it
      prompts: rowsPerPrompt((r) => r.prompts), // [N, P]
      tokens: per((r) => r.tokens, true), // [N, T]
      behaviourLogp: per((r) => r.logp, true),
      mask: per((r) => r.mask, true),
      ...(perturbed ? { rolloutImages: per((r) => r.rolloutImages ?? r.images, false) } : {}), // [K, H, W, 3]
    };
  });
  const scores = tf.tensor1d(samples.map((s) => s.scored.total));
  const tokenScores = denseWidth === null ? null : tf.tensor2d(samples.map((s) => placeTokenRewards(s.scored.total, s.scored.credits, s.length, denseWidth)), [samples.length, denseWidth]);
  return {
    groupSize: g,
    instances,
    samples,
    scores,
    tokenScores,
    images: groupedImages(parts.images as tf.Tensor4D, g),
    prompts: parts.prompts as tf.Tensor2D,
    tokens: parts.tokens as tf.Tensor2D,
    behaviourLogp: parts.behaviourLogp as tf.Tensor2D,
    mask: parts.mask as tf.Tensor2D,
    rolloutImages: (parts.rolloutImages as tf.Tensor4D | undefined) ?? null,
  };
}

export function disposeAssembled(b: AssembledBatch): void {
  tf.dispose([...imageTensors(b.images), b.prompts, b.tokens, b.behaviourLogp, b.mask, b.scores, ...(b.tokenScores ? [b.tokenScores] : []), ...(b.rolloutImages ? [b.rolloutImages] : [])]);
}

/** Host metrics of a set of samples: reward mean/std, per-function mean and std, accuracy, format, lengths (min, mean, max, of the finished ones). */
export function rolloutMetrics(samples: readonly HostSample[]): Record<string, number> {
  const n = samples.length;
  const out: Record<string, number> = {};
  if (n === 0) return out;
  const totals = samples.map((s) => s.scored.total);
  out['reward/mean'] = mean(totals);
  out['reward/std'] = populationStd(totals);
  for (const name of REWARD_NAMES) {
    const values = samples.map((s) => s.scored.byFn[name]);
    out[`reward/${name}/mean`] = mean(values);
    out[`reward/${name}/std`] = populationStd(values); // TRL: rewards/<fn>/std
  }
  out['acc/train'] = out['reward/accuracy/mean']!;
  out['format/rate'] = out['reward/format/mean']!;
  const lengths = samples.map((s) => s.length);
  out['len/mean'] = mean(lengths);
  out['len/max'] = Math.max(...lengths);
  out['len/min'] = Math.min(...lengths); // TRL: completions/min_length
  out['len/truncated_frac'] = samples.filter((s) => s.truncated).length / n;
  // TRL: completions/mean_terminated_length, the responses that ended with <eos>; absent when none did.
  const finished = samples.filter((s) => !s.truncated).map((s) => s.length);
  if (finished.length > 0) out['len/terminated_mean'] = mean(finished);
  return out;
}
