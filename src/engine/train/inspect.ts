/**
 * The Inspect view's copy of one rollout batch: host arrays only (it crosses the worker
 * boundary by structured clone), token arrays cut at each response's length. Built from the
 * assembled batch's host samples and the update's typed inspector arrays (../algorithms/recorder.ts).
 */
import type { InspectorArrays, TokenArrayName } from '../algorithms';
import type { RunConfig } from '../config';
import { REWARD_NAMES } from '../rewards';
import { mean, populationStd, splitGroups } from '../rl/host';
import type { AssembledBatch, HostSample } from './rollout';
import type { InspectBatch, InspectPrompt, InspectSample } from './types';

/** The host side of an assembled batch: all a snapshot reads of it. */
export type SnapshotSource = Pick<AssembledBatch, 'groupSize' | 'instances' | 'samples'>;

/** Every update records these; a missing one is a bug in the algorithm, not a zero. */
const ALWAYS_RECORDED = ['logp', 'oldLogp', 'ratio', 'entropy'] as const satisfies readonly TokenArrayName[];

function prompts(config: RunConfig, a: SnapshotSource, arrays: InspectorArrays): InspectPrompt[] {
  const size = config.task.imageSize;
  const pixels = size * size * 3;
  return a.instances.map((inst, k) => {
    const rolled = arrays.rolloutImages?.slice(k * pixels, (k + 1) * pixels); // [H, W, 3]
    return {
      image: rolled ?? inst.image,
      ...(rolled ? { cleanImage: inst.image } : {}),
      imageSize: size,
      promptTokens: inst.promptTokens,
      answer: inst.answer,
      difficulty: inst.difficulty,
      goldTrace: inst.goldTrace,
    };
  });
}

/** Row i of a [N, T] array, cut at `len`; undefined when the array was not recorded. */
function tokenRow(arrays: InspectorArrays, name: TokenArrayName, T: number, i: number, len: number): number[] | undefined {
  const arr = arrays.tokens[name];
  return arr ? Array.from(arr.subarray(i * T, i * T + len)) : undefined;
}

function sample(arrays: InspectorArrays, advantage: Float32Array, T: number, g: number, s: HostSample, i: number): InspectSample {
  const len = s.length;
  const row = (name: TokenArrayName) => tokenRow(arrays, name, T, i, len);
  const [logp, oldLogp, ratio, entropy] = ALWAYS_RECORDED.map((name) => {
    const r = row(name);
    if (!r) throw new Error(`inspectSnapshot: the update recorded no '${name}' array`);
    return r;
  }) as [number[], number[], number[], number[]];
  const zeros = () => new Array<number>(len).fill(0);
  const out: InspectSample = {
    promptIndex: Math.floor(i / g),
    tokens: Array.from(s.tokens.subarray(0, len)),
    reward: s.scored.total,
    rewardByFn: Object.fromEntries(REWARD_NAMES.map((n) => [n, s.scored.byFn[n]])) as InspectSample['rewardByFn'],
    advantage: advantage[i]!,
    perturbed: s.perturbed,
    logp,
    oldLogp,
    ratio,
    clipped: row('clipped') ?? zeros(), // not recorded: the algorithm does not clip
    kl: row('kl') ?? zeros(), // not recorded: no reference model
    entropy,
  };
  for (const name of ['refLogp', 'lossWeight', 'contribution', 'logpAfter'] as const) {
    const r = row(name);
    if (r) out[name] = r;
  }
  const [values, tokenAdvantages, returns] = [row('values'), row('tokenAdvantages'), row('returns')];
  if (values && tokenAdvantages && returns) Object.assign(out, { values, tokenAdvantages, returns }); // critic algorithms
  for (const name of ['tokenRewards', 'gaeRewards'] as const) {
    const r = row(name); // critic algorithms: where the reward was paid (gaeRewards only with the KL in the reward)
    if (r) out[name] = r;
  }
  return out;
}

/** The Inspect view's snapshot of iteration `iteration`'s batch. */
export function inspectSnapshot(config: RunConfig, iteration: number, a: SnapshotSource, arrays: InspectorArrays): InspectBatch {
  const g = a.groupSize;
  const T = config.sampling.maxNewTokens;
  const advantage = arrays.advantage;
  if (!advantage) throw new Error('inspectSnapshot: the update recorded no advantages');
  const rewards = splitGroups(
    a.samples.map((s) => s.scored.total),
    g,
  );
  return {
    iteration,
    groupSize: g,
    prompts: prompts(config, a, arrays),
    samples: a.samples.map((s, i) => sample(arrays, advantage, T, g, s, i)),
    groupStats: rewards.map((rs) => ({ mean: mean(rs), std: populationStd(rs) })),
  };
}
