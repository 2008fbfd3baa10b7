import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../model';
import type { Split, TaskDef, TaskInstance } from '../tasks/types';
import { scoreSample } from '../rewards';
import { parseResponse } from '../rewards/parse';
import { isCorrectAnswer } from '../tasks';
import { instancesToTensors, rows } from './batch';
import { evalSeed } from './seeds';

export type EvalMode = { kind: 'greedy' } | { kind: 'sampled'; k: number; temperature: number };

export interface EvalOptions {
  split: Split;
  /** Held-out prompts (the same n prompts every time: seeds come from evalSeed). */
  n: number;
  /** A fixed level, or 'mixed' to cycle through every level of the task. */
  difficulty: number | 'mixed';
  imageSize: number;
  jitter: number;
  maxNewTokens: number;
  mode: EvalMode;
  batchSize?: number;
  /** Seed of the sampler (sampled mode). */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EvalResult {
  task: string;
  split: Split;
  n: number;
  /** Share of all generated answers that are right (greedy: of the n prompts). */
  accuracy: number;
  /** Share of prompts with at least one right answer among k samples (greedy: k = 1). */
  passAtK: number;
  k: number;
  formatRate: number;
  /** Mean response length in tokens, up to and including <eos> (maxNewTokens when truncated). */
  meanLength: number;
}

export function heldOutInstances(task: TaskDef, opts: Pick<EvalOptions, 'split' | 'n' | 'difficulty' | 'imageSize' | 'jitter'>): TaskInstance[] {
  return Array.from({ length: opts.n }, (_, i) =>
    task.generate({
      seed: evalSeed(opts.split, i),
      split: opts.split,
      difficulty: opts.difficulty === 'mixed' ? 1 + (i % task.levels) : opts.difficulty,
      imageSize: opts.imageSize,
      jitter: opts.jitter,
    }),
  );
}

/** Accuracy, pass@k, format rate and mean length of a policy on held-out prompts. */
export async function evaluate(policy: Policy, task: TaskDef, opts: EvalOptions): Promise<EvalResult> {
  tf.util.assert(opts.n > 0, () => `evaluate: n must be positive, got ${opts.n}`);
  const k = opts.mode.kind === 'greedy' ? 1 : opts.mode.k;
  const instances = heldOutInstances(task, opts);
  const batchSize = Math.max(1, Math.floor((opts.batchSize ?? 64) / k));
  let correct = 0;
  let formatted = 0;
  let length = 0;
  let passed = 0;
  for (let start = 0; start < instances.length; start += batchSize) {
    const chunk = instances.slice(start, start + batchSize);
    const { images, prompts } = instancesToTensors(chunk, policy.config.promptLen);
    const out = await policy.sample(images, prompts, {
      groupSize: k,
      temperature: opts.mode.kind === 'greedy' ? 1 : opts.mode.temperature,
      topK: 0,
      maxNewTokens: opts.maxNewTokens,
      seed: (opts.seed ?? 0) + start,
      greedy: opts.mode.kind === 'greedy',
    });
    const responses = rows(out.tokenIds, chunk.length * k, opts.maxNewTokens);
    tf.dispose([images, prompts, out.tokens, out.logp, out.mask]);
    chunk.forEach((inst, b) => {
      let anyRight = false;
      for (let g = 0; g < k; g++) {
        const tokens = responses[b * k + g]!;
        const r = scoreSample({ tokens, maxNewTokens: opts.maxNewTokens }, inst, { accuracy: 1 });
        correct += r.byFn.accuracy;
        formatted += r.byFn.format;
        const parsed = parseResponse(tokens, task.answerLength);
        length += parsed.length;
        // A graded accuracy (IoU) adds its score to `correct`; pass@k asks the task's own line.
        anyRight ||= isCorrectAnswer(inst, parsed.answer);
      }
      if (anyRight) passed++;
    });
    opts.onProgress?.(Math.min(start + batchSize, instances.length), instances.length);
  }
  const samples = instances.length * k;
  return {
    task: task.id,
    split: opts.split,
    n: instances.length,
    accuracy: correct / samples,
    passAtK: passed / instances.length,
    k,
    formatRate: formatted / samples,
    meanLength: length / samples,
  };
}
