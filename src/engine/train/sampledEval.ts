import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../model';
import { accuracy, format, parseResponse, type RewardWeights } from '../rewards';
import { summarizeSamples, type SampledSummary } from '../eval/estimators';
import { getTask, isCorrectAnswer } from '../tasks';
import type { Split, TaskDef, TaskInstance } from '../tasks/types';
import { instancesToTensors, rows } from './batch';
import { evaluate, heldOutInstances, type EvalResult } from './evaluate';

/**
 * Sampled evaluation for the page: N samples per held-out prompt, summarised as pass@k,
 * best@N and majority@N (../eval/estimators.ts), beside greedy accuracy on the same prompts.
 * And the "Try your own" sampler: G responses to one instance a person made.
 */

export interface SampleOpts {
  /** Samples per prompt. */
  n: number;
  temperature: number;
  topK: number;
  maxNewTokens: number;
  seed: number;
  /** Rows per forward batch (prompts x n), default 64. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Every sample's tokens (up to maxNewTokens), per prompt: [prompt][sample][t]. */
export async function sampleResponses(policy: Policy, instances: readonly TaskInstance[], o: SampleOpts): Promise<number[][][]> {
  const per = Math.max(1, Math.floor((o.batchSize ?? 64) / o.n));
  const out: number[][][] = [];
  for (let start = 0; start < instances.length; start += per) {
    const chunk = instances.slice(start, start + per);
    const { images, prompts } = instancesToTensors(chunk, policy.config.promptLen);
    try {
      const res = await policy.sample(images, prompts, { groupSize: o.n, temperature: o.temperature, topK: o.topK, maxNewTokens: o.maxNewTokens, seed: o.seed + start });
      const flat = rows(res.tokenIds, chunk.length * o.n, o.maxNewTokens);
      tf.dispose([res.tokens, res.logp, res.mask]);
      chunk.forEach((_, b) => out.push(flat.slice(b * o.n, (b + 1) * o.n)));
    } finally {
      tf.dispose([images, prompts]);
    }
    o.onProgress?.(Math.min(start + per, instances.length), instances.length);
  }
  return out;
}

export interface SampledEvalOptions {
  split: Split;
  /** Held-out prompts (the same ones every time, as the greedy evaluation's). */
  prompts: number;
  n: number;
  k: number;
  difficulty: number | 'mixed';
  imageSize: number;
  jitter: number;
  temperature: number;
  maxNewTokens: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SampledEvalResult extends SampledSummary {
  split: Split;
  temperature: number;
  greedy: EvalResult;
}

/** Greedy accuracy, then n samples on each of the same prompts: pass@k, best@n, majority@n with standard errors. */
export async function sampledEvaluation(policy: Policy, task: TaskDef, o: SampledEvalOptions): Promise<SampledEvalResult> {
  if (!(o.k >= 1 && o.k <= o.n)) throw new Error(`k must be between 1 and n (k = ${o.k}, n = ${o.n}).`);
  const base = { split: o.split, n: o.prompts, difficulty: o.difficulty, imageSize: o.imageSize, jitter: o.jitter };
  const total = 2 * o.prompts;
  const greedy = await evaluate(policy, task, { ...base, maxNewTokens: o.maxNewTokens, mode: { kind: 'greedy' }, onProgress: (d) => o.onProgress?.(d, total) });
  const instances = heldOutInstances(task, base);
  const responses = await sampleResponses(policy, instances, {
    n: o.n,
    temperature: o.temperature,
    topK: 0,
    maxNewTokens: o.maxNewTokens,
    seed: o.seed,
    onProgress: (d) => o.onProgress?.(o.prompts + d, total),
  });
  const summary = summarizeSamples(
    instances.map((inst, i) => ({
      gold: inst.answer,
      answers: responses[i]!.map((t) => parseResponse(t, task.answerLength).answer),
      isRight: (a: string) => isCorrectAnswer(inst, a),
    })),
    o.k,
  );
  return { ...summary, split: o.split, temperature: o.temperature, greedy };
}

export interface OwnSample {
  tokens: number[];
  answer: string | null;
  wellFormed: boolean;
  /** Present when a gold answer was given: accuracy, format and their weighted total. */
  reward?: { accuracy: number; format: number; total: number };
}

/** Score one response against a gold answer with the run's weights, on the rewards that need no gold trace. */
export function scoreOwn(tokens: number[], instance: TaskInstance, weights: RewardWeights, maxNewTokens: number): OwnSample {
  const parsed = parseResponse(tokens, getTask(instance.taskId).answerLength);
  const cut = tokens.slice(0, parsed.length);
  const own: OwnSample = { tokens: cut, answer: parsed.answer, wellFormed: parsed.wellFormed };
  if (instance.answer === '') return own;
  // Only the rewards that need no gold trace (the process reward reads the task's own trace).
  const sample = { tokens, maxNewTokens };
  const acc = accuracy(sample, instance);
  const fmt = format(sample, instance);
  return { ...own, reward: { accuracy: acc, format: fmt, total: (weights.accuracy ?? 0) * acc + (weights.format ?? 0) * fmt } };
}
