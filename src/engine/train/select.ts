/**
 * Prompt selection by difficulty measured with the policy's own samples (ThinkLite-VL, Wang et
 * al. 2025, arXiv:2504.07934, §2: MCTS-guided sample selection). ThinkLite-VL runs an MCTS
 * over each candidate's reasoning and counts the iterations the model needs to solve it; it
 * keeps the problems solved only after more than 5 iterations, plus those never solved in 50,
 * and trains on that hard subset alone (11k of 70k). Here a "try" is one sampled answer:
 * before training, each of `selectPool` candidate prompts is answered `selectTries` times
 * (K i.i.d. samples, so the index of the first right one is the number of tries a
 * one-at-a-time sampler would have needed), and the run trains only on the prompts that need
 * at least `selectMinTries` tries, or are never solved (tries = K + 1).
 *
 * Candidates are training prompts (even seeds, ./seeds.ts, from iteration 0, which no
 * iteration samples), so held-out evaluation is untouched. The selection is measured once, with
 * the run's starting policy (a resumed run measures the same starting weights again, so it
 * selects the same prompts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../config';
import type { Policy } from '../model';
import { mixSeed } from '../random';
import { scoreSample } from '../rewards';
import type { TaskDef, TaskInstance } from '../tasks/types';
import { instancesToTensors } from './batch';
import { trainSeed } from './seeds';

/** The difficulty buckets charted: solved at the first try, at tries 2-4, at 5 or later, never. */
export const TRIES_BUCKETS = ['1', '2-4', '5+', 'unsolved'] as const;
export type TriesBucket = (typeof TRIES_BUCKETS)[number];

/** Tries until the first right answer of K samples (1-based); K + 1 when none is right. */
export function triesToSolve(accuracies: readonly number[]): number {
  const i = accuracies.findIndex((a) => a >= 1);
  return i < 0 ? accuracies.length + 1 : i + 1;
}

/** The bucket of a prompt that needed `tries` of K tries (K + 1 = never solved). */
export function triesBucket(tries: number, k: number): TriesBucket {
  if (tries > k) return 'unsolved';
  return tries === 1 ? '1' : tries <= 4 ? '2-4' : '5+';
}

/** Share of prompts in each bucket (0 when there are none). */
export function bucketShares(tries: readonly number[], k: number): Record<TriesBucket, number> {
  const out = Object.fromEntries(TRIES_BUCKETS.map((b) => [b, 0])) as Record<TriesBucket, number>;
  for (const t of tries) out[triesBucket(t, k)] += 1 / tries.length;
  return out;
}

export interface PromptSelection {
  /** Seeds of the kept prompts, in pool order, and the tries each needed. */
  seeds: number[];
  tries: Map<number, number>;
  /** Tries of every candidate, in pool order. */
  poolTries: number[];
  k: number;
}

/** The candidate prompts: the pool's training instances at the run's starting level. */
export function candidatePool(task: TaskDef, config: RunConfig): TaskInstance[] {
  const { seed } = config.run;
  return Array.from({ length: config.tricks.selectPool }, (_, k) =>
    task.generate({ seed: trainSeed(seed, 0, k), split: 'id', difficulty: config.task.difficulty, imageSize: config.task.imageSize, jitter: config.task.jitter }),
  );
}

/** Accuracy (0/1) of K samples for each instance, K = selectTries, in batches of ~64 rows. */
async function sampleAccuracies(policy: Policy, instances: readonly TaskInstance[], config: RunConfig): Promise<number[][]> {
  const k = config.tricks.selectTries;
  const { temperature, topK, maxNewTokens: T } = config.sampling;
  const per = Math.max(1, Math.floor(64 / k));
  const out: number[][] = [];
  for (let start = 0; start < instances.length; start += per) {
    const chunk = instances.slice(start, start + per);
    const { images, prompts } = instancesToTensors(chunk, policy.config.promptLen);
    try {
      const s = await policy.sample(images, prompts, { groupSize: k, temperature, topK, maxNewTokens: T, seed: mixSeed(config.run.seed, start, 0x7e11) });
      tf.dispose([s.tokens, s.logp, s.mask]);
      chunk.forEach((inst, p) => {
        const acc = Array.from({ length: k }, (_, j) => {
          const tokens = Array.from(s.tokenIds.slice((p * k + j) * T, (p * k + j + 1) * T));
          return scoreSample({ tokens, maxNewTokens: T }, inst, config.rewards.weights, { lengthCache: config.rewards.overlongCache, box: config.rewards.box }).byFn.accuracy;
        });
        out.push(acc);
      });
    } finally {
      tf.dispose([images, prompts]);
    }
  }
  return out;
}

/** Measure every candidate's tries and keep the hard ones; throws a sentence naming the knob when none is hard enough. */
export async function selectPrompts(policy: Policy, task: TaskDef, config: RunConfig): Promise<PromptSelection> {
  const { selectTries: k, selectMinTries } = config.tricks;
  const pool = candidatePool(task, config);
  const poolTries = (await sampleAccuracies(policy, pool, config)).map(triesToSolve);
  const tries = new Map<number, number>();
  const seeds: number[] = [];
  pool.forEach((inst, i) => {
    if (poolTries[i]! < selectMinTries) return;
    seeds.push(inst.seed);
    tries.set(inst.seed, poolTries[i]!);
  });
  if (seeds.length === 0) {
    throw new Error(
      `tricks.selectMinTries: No candidate prompt needed ${selectMinTries} or more tries (the policy solved all ${pool.length} sooner). Lower tricks.selectMinTries or raise tricks.selectPool.`,
    );
  }
  return { seeds, tries, poolTries, k };
}

/** The seed of prompt `index` of a round: the usual training seed, or one drawn from the selected prompts. */
export function promptSeed(selection: PromptSelection | null, runSeed: number, iteration: number, index: number): number {
  const s = trainSeed(runSeed, iteration, index);
  return selection ? selection.seeds[s % selection.seeds.length]! : s;
}

/** The shares of a batch's prompts by the tries they needed (`select/tries_<bucket>`), and the selected set's size. */
export function selectionMetrics(selection: PromptSelection | null, instances: readonly TaskInstance[]): Record<string, number> {
  if (!selection) return {};
  const shares = bucketShares(instances.map((inst) => selection.tries.get(inst.seed) ?? 1), selection.k);
  return { ...Object.fromEntries(TRIES_BUCKETS.map((b) => [`select/tries_${b}`, shares[b]])), 'select/kept': selection.seeds.length };
}

/** One line for the run's notes: the pool's difficulty and what was kept. */
export function selectionNote(selection: PromptSelection, config: RunConfig): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const pool = bucketShares(selection.poolTries, selection.k);
  const kept = bucketShares([...selection.tries.values()], selection.k);
  const line = (s: Record<TriesBucket, number>) => TRIES_BUCKETS.map((b) => `${b}: ${pct(s[b])}`).join(', ');
  return `ThinkLite selection: ${selection.poolTries.length} prompts tried ${selection.k} times each (tries to solve: ${line(pool)}); kept ${selection.seeds.length} needing >= ${config.tricks.selectMinTries} tries (${line(kept)})`;
}
