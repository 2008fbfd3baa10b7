import type { RewardName } from '../rewards';
import type * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../config';
import type { EvalResult } from './evaluate';
import type { MetricsRecord } from './metrics';

/**
 * What the trainer keeps of one rollout batch for the Inspect view: plain host arrays, so
 * it crosses the worker boundary by structured clone. Token arrays are cut at the
 * response mask (up to and including <eos>).
 */
export interface InspectPrompt {
  /** [H, W, 3] the image the rollout saw (noised if NoisyRollout was on). */
  image: Float32Array;
  /** The clean image, present only when it differs from `image`. */
  cleanImage?: Float32Array;
  imageSize: number;
  promptTokens: number[];
  answer: string;
  difficulty: number;
  /** The gold reasoning's words (the click task reads its target's box from it); absent in batches stored before it was kept. */
  goldTrace?: string[];
}

export interface InspectSample {
  promptIndex: number;
  tokens: number[];
  reward: number;
  rewardByFn: Record<RewardName, number>;
  /** The sequence-level advantage (group-normalised, RLOO...) or, for PPO, the mean token advantage. */
  advantage: number;
  /** True when it was sampled from the perturbed image (NoisyRollout, augmentation); absent in batches stored before hybrid groups. */
  perturbed?: boolean;
  logp: number[];
  oldLogp: number[];
  /** Present when a reference model exists (beta > 0). */
  refLogp?: number[];
  /** pi / pi_old at the last minibatch update of the iteration. */
  ratio: number[];
  /** -1 clipped low (r < 1-epsLow, A<0), +1 clipped high (r > 1+epsHigh, A>0), 0 not clipped. */
  clipped: number[];
  kl: number[];
  entropy: number[];
  /**
   * The token's weight under the loss aggregation (over the rows of its minibatch) and its
   * share weight × (-min(ρA, clip(ρ)A) + β·KL - c_H·H) of loss/policy at its optimizer step,
   * from the last epoch. Absent where the algorithm does not record them (TRPO).
   */
  lossWeight?: number[];
  contribution?: number[];
  /** log π_θ after the iteration's update (one more teacher-forced pass over this batch). */
  logpAfter?: number[];
  /** PPO: value predictions, GAE advantages and returns per token. */
  values?: number[];
  tokenAdvantages?: number[];
  returns?: number[];
  /**
   * Critic algorithms (PPO, TRPO): the reward as placed on each token, before any KL. With
   * rewards.dense, StepRAR's key-step credits sit on the tokens that complete them and the rest
   * on the last token; without, the whole reward is on the last token. Sums to `reward`.
   * Absent in batches stored before it was kept.
   */
  tokenRewards?: number[];
  /** With the KL in the reward (objective.klMode 'reward', β > 0): what GAE ran on, tokenRewards − β·KL_t (k-estimate of log π_old − log π_ref). */
  gaeRewards?: number[];
}

export interface InspectBatch {
  iteration: number;
  groupSize: number;
  prompts: InspectPrompt[];
  /** B x G samples; sample i belongs to prompt floor(i / groupSize). */
  samples: InspectSample[];
  /** Group mean and std of the total reward, per prompt. */
  groupStats: { mean: number; std: number }[];
  /**
   * 'gold-traces': an SFT batch. Nothing was sampled: each prompt's one row is its gold trace,
   * which the update imitated (advantage = its weight, 1); log-probs are the model's on those
   * tokens. Absent: sampled rollouts.
   */
  source?: 'gold-traces';
}

// ---------------------------------------------------------------------------------------
// The trainer's public face: what the worker and the CLI drive. Pause, single-step and stop
// are the caller's loop around `step()`: the trainer is always between iterations when it
// is not inside one. `createTrainer(config, deps)` in ./trainer.ts builds one.

export interface TrainerDeps {
  /**
   * A warm-start checkpoint by name (browser: fetched from /checkpoints/<name>/; Node: files):
   * the task's id, or `<task>-verbose` for task.verbose (tasks/index.ts warmStartName).
   */
  loadWarmStart(name: string): tf.io.IOHandler;
  /** Continue a run from a checkpoint saved by `saveCheckpoint` after `iteration` iterations. */
  resume?: { checkpoint: tf.io.IOHandler; iteration: number };
  /** Called with short human-readable notes (curriculum moved up, dynamic sampling refilled, ...). */
  onNote?: (note: string) => void;
}

export interface TrainerHandle {
  readonly config: RunConfig;
  /** Iterations completed so far. */
  readonly iteration: number;
  /** True once `iteration` reaches config.run.iterations. */
  readonly done: boolean;
  /** One iteration: rollout -> rewards -> advantages -> epochs x minibatches -> metrics (evaluation when due). */
  step(): Promise<MetricsRecord>;
  /** Held-out accuracy now on each split: ID, novel answers (ood), visual shift. */
  evaluate(n?: number): Promise<{ id: EvalResult; ood: EvalResult; shift: EvalResult }>;
  /** The last config.run.keepBatches rollout batches, oldest first. */
  inspectBatches(): InspectBatch[];
  /** The current policy (the optimizer state is not saved: a resumed run restarts Adam's moments). */
  saveCheckpoint(handler: tf.io.IOHandler): Promise<void>;
  dispose(): void;
}
