/**
 * Generation throughput: B·G sequences of T new tokens with the KV cache against full
 * recomputation, and with the image+prompt prefix shared over the G samples or not.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_TASK_SETTINGS } from '../engine/config';
import { DEFAULT_MODEL_CONFIG, Policy, type SampleOptions } from '../engine/model';
import { TASKS } from '../engine/tasks';
import { instancesToTensors } from '../engine/train/batch';
import { trainSeed } from '../engine/train/seeds';
import { now } from '../engine/train/clock';

export interface GenerateOptions {
  prompts: number;
  group: number;
  /** Timed calls per KV-cache variant (the median is kept). */
  repeats: number;
  /** Timed calls of the recomputation baseline. */
  recomputeRepeats: number;
  /** Untimed first call per variant (GPU backends compile a shader per new shape). */
  warmup: boolean;
}

export interface GenerateResult {
  prompts: number;
  groupSize: number;
  newTokens: number;
  tokensPerSec: { kvShared: number; kvUnshared: number; recompute: number };
  kvSpeedup: number;
  prefixShareSpeedup: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeOnce(policy: Policy, images: tf.Tensor4D, prompts: tf.Tensor2D, opts: SampleOptions): Promise<number> {
  const t0 = now();
  const out = await policy.sample(images, prompts, opts); // resolves after the one readback: the work is done
  const ms = now() - t0;
  tf.dispose([out.tokens, out.logp, out.mask]);
  return ms;
}

export async function benchGenerate(o: GenerateOptions): Promise<GenerateResult> {
  const task = TASKS['digit-sum'];
  const instances = Array.from({ length: o.prompts }, (_, k) =>
    task.generate({ seed: trainSeed(1, 0, k), split: 'id', difficulty: 1, imageSize: DEFAULT_TASK_SETTINGS.imageSize, jitter: DEFAULT_TASK_SETTINGS.jitter }),
  );
  const policy = Policy.create(DEFAULT_MODEL_CONFIG, 1);
  let inputs: ReturnType<typeof instancesToTensors> | null = null;
  try {
    inputs = instancesToTensors(instances, policy.config.promptLen);
    const { images, prompts } = inputs;
    const T = DEFAULT_MAX_NEW_TOKENS;
    // Every step decoded (no stop once all rows finish): tokens per second counts B·G·T tokens.
    const base: SampleOptions = { groupSize: o.group, temperature: 1, topK: 0, maxNewTokens: T, seed: 7, stopWhenFinished: false };
    const variants = {
      kvShared: { ...base, useKvCache: true, sharePrefix: true },
      kvUnshared: { ...base, useKvCache: true, sharePrefix: false },
      recompute: { ...base, useKvCache: false, sharePrefix: false },
    };
    // The two KV-cache variants round-robin, so a change in the machine's load hits both alike;
    // the recomputation after them, never in between: on webgl its many odd-shaped textures
    // made the next KV call up to 10x slower (the texture pool churns).
    const times: Record<keyof typeof variants, number[]> = { kvShared: [], kvUnshared: [], recompute: [] };
    const kv = ['kvShared', 'kvUnshared'] as const;
    if (o.warmup) for (const v of kv) await timeOnce(policy, images, prompts, variants[v]);
    for (let r = 0; r < o.repeats; r++) for (const v of kv) times[v].push(await timeOnce(policy, images, prompts, variants[v]));
    if (o.warmup) await timeOnce(policy, images, prompts, variants.recompute);
    for (let r = 0; r < o.recomputeRepeats; r++) times.recompute.push(await timeOnce(policy, images, prompts, variants.recompute));
    const kvShared = median(times.kvShared);
    const kvUnshared = median(times.kvUnshared);
    const recompute = median(times.recompute);
    const tokens = o.prompts * o.group * T;
    const perSec = (ms: number) => (tokens / ms) * 1000;
    return {
      prompts: o.prompts,
      groupSize: o.group,
      newTokens: T,
      tokensPerSec: { kvShared: perSec(kvShared), kvUnshared: perSec(kvUnshared), recompute: perSec(recompute) },
      kvSpeedup: recompute / kvUnshared,
      prefixShareSpeedup: kvUnshared / kvShared,
    };
  } finally {
    if (inputs) tf.dispose([inputs.images, inputs.prompts]);
    policy.dispose();
  }
}
