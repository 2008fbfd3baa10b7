import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { Adam, clipScale } from '../algorithms/optim';
import type { Policy } from '../model';
import type { TaskDef } from '../tasks/types';
import { Rng } from '../random';
import { goldResponse, instancesToTensors, responsesToTensors } from './batch';
import { evaluate, type EvalResult } from './evaluate';
import { trainSeed } from './seeds';

/**
 * Supervised warm start (the "cold start" of R1-style pipelines): teacher-forced
 * cross-entropy on gold traces. The aim is NOT a solved task: RL needs headroom, so
 * `warmStart` stops as soon as held-out outputs are well formed and accuracy has entered
 * a band (default 20-60%), i.e. the policy knows the grammar but still often answers wrong.
 */
export const SftConfigSchema = z.object({
  steps: z.number().int().min(1).max(100_000).default(600).describe('Most SFT steps to take (warmStart usually stops earlier).'),
  batchSize: z.number().int().min(1).max(1024).default(32).describe('Gold traces per step.'),
  lr: z.number().positive().max(1).default(1e-3).describe('Adam learning rate.'),
  gradClip: z.number().min(0).default(1).describe('Clip the global gradient norm to this (0 = off).'),
  seed: z.number().int().min(0).default(1).describe('Seed of the training prompts.'),
  imageSize: z.number().int().min(16).max(128).default(32),
  jitter: z.number().min(0).max(1).default(0.5),
  difficulty: z.union([z.literal('mixed'), z.number().int().min(1).max(10)]).default('mixed').describe('Train on one level, or on every level uniformly.'),
  evalEvery: z.number().int().min(1).default(25).describe('Steps between held-out evaluations.'),
  evalN: z.number().int().min(8).default(128).describe('Held-out prompts per evaluation.'),
  minFormat: z.number().min(0).max(1).default(0.9).describe('Stop only once this share of outputs is well formed...'),
  minAccuracy: z.number().min(0).max(1).default(0.2).describe('...and accuracy is at least this...'),
  maxAccuracy: z.number().min(0).max(1).default(0.6).describe('...and at most this (RL needs headroom).'),
  maxNewTokens: z.number().int().min(4).max(64).default(24),
});
export type SftConfig = z.infer<typeof SftConfigSchema>;

/** One teacher-forced step on a batch of gold traces; returns the mean token cross-entropy. */
export function sftStep(policy: Policy, optimizer: Adam, task: TaskDef, cfg: SftConfig, step: number, rng: Rng): number {
  const instances = Array.from({ length: cfg.batchSize }, (_, k) =>
    task.generate({ seed: trainSeed(cfg.seed, step, k), split: 'id', difficulty: cfg.difficulty === 'mixed' ? rng.int(1, task.levels) : cfg.difficulty, imageSize: cfg.imageSize, jitter: cfg.jitter }),
  );
  const { images, prompts } = instancesToTensors(instances, policy.config.promptLen);
  const { tokens, mask } = responsesToTensors(instances.map(goldResponse), cfg.maxNewTokens);
  const { value, grads } = tf.variableGrads(() => {
    const { logp } = policy.forward(images, prompts, tokens);
    return tf.neg(tf.div(tf.sum(tf.mul(logp, mask)), tf.maximum(tf.sum(mask), 1))) as tf.Scalar;
  }, optimizer.variables as tf.Variable[]);
  const g = optimizer.variables.map((v) => grads[v.name]!); // in the optimizer's variable order
  const { norm, scale } = clipScale(g, cfg.gradClip);
  optimizer.step(g, cfg.lr, scale ?? undefined); // clipped inside the step
  const loss = value.dataSync()[0]!;
  tf.dispose([images, prompts, tokens, mask, value, norm, ...(scale ? [scale] : []), ...Object.values(grads)]);
  return loss;
}

export interface WarmStartReport {
  steps: number;
  finalLoss: number;
  /** Held-out ID evaluation at the step where it stopped. */
  eval: EvalResult;
  /** True if the band was reached; false if it ran out of steps. */
  inBand: boolean;
  history: { step: number; loss: number; accuracy: number; formatRate: number }[];
}

export async function warmStart(
  policy: Policy,
  task: TaskDef,
  config: Partial<SftConfig>,
  onProgress?: (step: number, total: number, loss: number, last?: EvalResult) => void,
): Promise<WarmStartReport> {
  const cfg = SftConfigSchema.parse(config);
  // The value head is not trained by SFT: there is no return to regress on yet.
  const optimizer = new Adam(policy.trainableVariables.filter((v) => !policy.valueHeadVariables.includes(v)));
  const rng = new Rng(cfg.seed);
  const history: WarmStartReport['history'] = [];
  let loss = NaN;
  let last: EvalResult | undefined;
  try {
    for (let step = 1; step <= cfg.steps; step++) {
      loss = sftStep(policy, optimizer, task, cfg, step, rng);
      if (step % cfg.evalEvery === 0 || step === cfg.steps) {
        last = await evaluate(policy, task, {
          split: 'id', n: cfg.evalN, difficulty: cfg.difficulty, imageSize: cfg.imageSize, jitter: cfg.jitter,
          maxNewTokens: cfg.maxNewTokens, mode: { kind: 'greedy' },
        });
        history.push({ step, loss, accuracy: last.accuracy, formatRate: last.formatRate });
        if (last.formatRate >= cfg.minFormat && last.accuracy >= cfg.minAccuracy && last.accuracy <= cfg.maxAccuracy) {
          onProgress?.(step, cfg.steps, loss, last);
          return { steps: step, finalLoss: loss, eval: last, inBand: true, history };
        }
      }
      onProgress?.(step, cfg.steps, loss, last);
    }
  } finally {
    optimizer.dispose();
  }
  if (!last) throw new Error('warmStart: no evaluation ran');
  return { steps: cfg.steps, finalLoss: loss, eval: last, inBand: false, history };
}
