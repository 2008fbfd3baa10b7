/**
 * T-GRPO (Video-R1, Feng et al. 2025, arXiv:2503.21776, section 3.1): each prompt of a
 * frame-sequence task is rolled out twice, as a group on its frames in order (the round's own
 * samples) and as a group on the same frames shuffled (TaskDef.shuffleFrames). The shares of
 * right answers, p and p~, decide the temporal reward (engine/rl temporalBonus): alpha goes to the
 * right ordered answers of a group whose p > p~. The shuffled rollouts only measure p~: they
 * are not kept, not trained on, and their tensors are freed here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../config';
import type { Policy } from '../model';
import { mixSeed } from '../random';
import { parseResponse } from '../rewards/parse';
import { temporalBonus } from '../rl/host';
import { isCorrectAnswer } from '../tasks';
import type { TaskDef, TaskInstance } from '../tasks/types';
import type { HostSample } from './rollout';

/** Round 0's contrast, for the metrics: `temporal/acc_ordered`, `temporal/acc_shuffled`, `temporal/bonus_frac`. */
export interface TemporalStats {
  accOrdered: number;
  accShuffled: number;
  /** Share of the round's groups that earned the temporal reward. */
  bonusFrac: number;
}

/** Whether this run pays T-GRPO's temporal reward (the config refuses it on a task without frames). */
export function usesTemporalContrast(config: RunConfig, task: TaskDef): boolean {
  return config.tricks.temporalGrpo && task.shuffleFrames !== undefined;
}

/** The instances' images with their frames shuffled (a seeded order per prompt), as one [B, H, W, 3] batch. */
function shuffledImages(task: TaskDef, instances: readonly TaskInstance[], seed: number): tf.Tensor4D {
  const size = instances[0]!.imageSize;
  const pixels = new Float32Array(instances.length * size * size * 3);
  instances.forEach((inst, k) => pixels.set(task.shuffleFrames!(inst.image, size, mixSeed(seed, k)), k * size * size * 3));
  return tf.tensor4d(pixels, [instances.length, size, size, 3]);
}

function isRight(instance: TaskInstance, tokens: ArrayLike<number>, answerLength: number): boolean {
  return isCorrectAnswer(instance, parseResponse(Array.from(tokens), answerLength).answer);
}

/**
 * Sample G responses per prompt on shuffled frames, then replace each ordered sample's total
 * reward by T-GRPO's (its own plus alpha where earned). Returns the samples and the round's stats.
 */
export async function temporalContrast(
  policy: Policy,
  task: TaskDef,
  config: RunConfig,
  round: { iteration: number; round: number; instances: readonly TaskInstance[]; prompts: tf.Tensor2D; samples: readonly HostSample[] },
): Promise<{ samples: HostSample[]; stats: TemporalStats }> {
  const { groupSize: g, temperature, topK, maxNewTokens: T } = config.sampling;
  const seed = mixSeed(config.run.seed, round.iteration, round.round, 0x7e3);
  const images = shuffledImages(task, round.instances, seed);
  let out;
  try {
    out = await policy.sample(images, round.prompts, { temperature, topK, maxNewTokens: T, seed: mixSeed(seed, 1), groupSize: g });
  } finally {
    images.dispose();
  }
  tf.dispose([out.tokens, out.logp, out.mask]);
  const instanceOf = (i: number) => round.instances[Math.floor(i / g)]!;
  const shuffledCorrect = Array.from({ length: round.instances.length * g }, (_, i) => isRight(instanceOf(i), out.tokenIds.subarray(i * T, (i + 1) * T), task.answerLength));
  const correct = round.samples.map((s, i) => isRight(instanceOf(i), s.tokens, task.answerLength));
  const bonus = temporalBonus(
    round.samples.map((s) => s.scored.total),
    correct,
    shuffledCorrect,
    g,
    g,
    config.tricks.temporalAlpha,
  );
  const share = (xs: readonly boolean[]) => xs.filter(Boolean).length / Math.max(xs.length, 1);
  return {
    samples: round.samples.map((s, i) => ({ ...s, scored: { ...s.scored, total: bonus.rewards[i]! } })),
    stats: { accOrdered: share(correct), accShuffled: share(shuffledCorrect), bonusFrac: bonus.groups.filter((x) => x.bonus > 0).length / Math.max(bonus.groups.length, 1) },
  };
}
