import { ALGORITHM_SPECS } from '../../engine/algorithms/spec';
import type { RunConfig } from '../../engine/config';
import { REWARD_NAMES } from '../../engine/rewards';
import { ANSWER, ANSWER_END, BOS, VOCAB } from '../../engine/tokenizer';
import type { InspectBatch, InspectPrompt, InspectSample } from '../../engine/train/types';
import { besselStd, clipState, groupAdvantages, groupIsZeroVariance, mean, populationStd, reinforceAdvantages, rlooAdvantages, whiten as whitened } from '../../engine/rl/host';

/**
 * The Inspect view's reading of one stored rollout batch (InspectBatch): groups of G
 * responses per prompt, their statistics, sorting and filtering, and the token heatmaps.
 */

export type HeatMode = 'logp' | 'ratio' | 'clipped' | 'kl' | 'entropy' | 'contribution' | 'dlogp' | 'reward' | 'value' | 'advantage' | 'return';

export const HEAT_MODES: readonly { id: HeatMode; label: string; help: string; ppo?: boolean }[] = [
  { id: 'logp', label: 'log-prob', help: 'log π(token): darker = the policy found this token less likely (more surprising).' },
  { id: 'ratio', label: 'ratio r', help: 'r = π/π_old at the last update of the iteration: green above 1, red below. Exactly 1 with one update per rollout.' },
  { id: 'clipped', label: 'clipped', help: 'Tokens whose gradient the clip cut: orange = low (r < 1−ε_low, A < 0), purple = high (r > 1+ε_high, A > 0).' },
  { id: 'kl', label: 'KL', help: 'Per-token KL estimate to the reference model (the run\'s estimator; 0 without a reference).' },
  { id: 'entropy', label: 'entropy', help: 'Entropy of the policy\'s next-token distribution at this position (nats): darker = more undecided.' },
  {
    id: 'contribution',
    label: 'loss share',
    help: 'Each token\'s share of loss/policy: its weight under the loss aggregation × its term −min(rA, clip(r)A) + β·KL − c_H·H. Green = lowers the loss (the step makes the token likelier), red = raises it (less likely).',
  },
  {
    id: 'dlogp',
    label: 'Δ log-prob after update',
    help: 'log π after the update − log π before it (one more forward pass over this batch): green = became likelier, red = less likely. Compare with the advantage: even at r = 1, nothing clipped, A > 0 tokens move up.',
  },
  {
    id: 'reward',
    label: 'reward r_t',
    help: 'PPO/TRPO: the reward paid on each token. With rewards.dense, StepRAR\'s key steps sit on the tokens that complete them and the rest on the last token; otherwise the whole reward is on the last token. GAE Â shows what the critic made of it.',
    ppo: true,
  },
  { id: 'value', label: 'value V', help: 'PPO: the value head\'s prediction at this token.', ppo: true },
  { id: 'advantage', label: 'GAE Â', help: 'PPO: the per-token advantage from GAE, before whitening (the loss whitens them over the batch when objective.whitenAdvantages is on).', ppo: true },
  { id: 'return', label: 'return', help: 'PPO: the λ-return, the value head\'s target.', ppo: true },
];

export type GroupOrder = 'index' | 'best' | 'worst' | 'clipped';
export type GroupFilter = 'all' | 'spread' | 'zero-variance';

export const GROUP_ORDERS: readonly { id: GroupOrder; label: string }[] = [
  { id: 'index', label: 'batch order' },
  { id: 'best', label: 'best first (group mean)' },
  { id: 'worst', label: 'worst first' },
  { id: 'clipped', label: 'clipped most' },
];
export const GROUP_FILTERS: readonly { id: GroupFilter; label: string }[] = [
  { id: 'all', label: 'all groups' },
  { id: 'spread', label: 'with reward spread' },
  { id: 'zero-variance', label: 'zero-variance only' },
];

export interface SampleRef {
  /** Index of the sample in the batch. */
  index: number;
  sample: InspectSample;
}

export interface GroupView {
  /** Index of the prompt in the batch. */
  index: number;
  prompt: InspectPrompt;
  samples: SampleRef[];
  rewards: number[];
  mean: number;
  /** Bessel-corrected, as the advantage uses. */
  std: number;
  /** Population std (InspectBatch.groupStats). */
  popStd: number;
  /** Every response scored the same: all advantages 0, no gradient from this group. */
  zeroVariance: boolean;
  clippedTokens: number;
  tokens: number;
}

export function groupViews(batch: InspectBatch): GroupView[] {
  return batch.prompts.map((prompt, index) => {
    const samples = batch.samples.map((sample, i) => ({ index: i, sample })).filter((r) => r.sample.promptIndex === index);
    const rewards = samples.map((r) => r.sample.reward);
    return {
      index,
      prompt,
      samples,
      rewards,
      mean: mean(rewards),
      std: besselStd(rewards),
      popStd: populationStd(rewards),
      // An SFT batch's "group" is one gold trace, not a group of samples: nothing to tie.
      zeroVariance: batch.source !== 'gold-traces' && groupIsZeroVariance(rewards),
      clippedTokens: samples.reduce((a, r) => a + r.sample.clipped.filter((c) => c !== 0).length, 0),
      tokens: samples.reduce((a, r) => a + r.sample.tokens.length, 0),
    };
  });
}

/**
 * An SFT batch's loss, recomputed from what Inspect holds: minus the mean log π_old over every
 * gold token shown (log π_old: the model before the iteration's update). With one Adam step the
 * update's loss/policy is exactly this (L = −Σ m·log π / Σ m, every row's weight 1, ../../engine/rl/sft.ts).
 */
export function goldLoss(batch: Pick<InspectBatch, 'samples'>): { tokens: number; loss: number } {
  let sum = 0;
  let tokens = 0;
  for (const s of batch.samples) {
    for (const lp of s.oldLogp) {
      sum += lp;
      tokens++;
    }
  }
  return { tokens, loss: tokens > 0 ? -sum / tokens : NaN };
}

export function orderGroups(groups: readonly GroupView[], order: GroupOrder, filter: GroupFilter): GroupView[] {
  const kept = groups.filter((g) => (filter === 'all' ? true : filter === 'spread' ? !g.zeroVariance : g.zeroVariance));
  const by = (key: (g: GroupView) => number) => [...kept].sort((a, b) => key(a) - key(b) || a.index - b.index);
  if (order === 'best') return by((g) => -g.mean);
  if (order === 'worst') return by((g) => g.mean);
  if (order === 'clipped') return by((g) => -g.clippedTokens / Math.max(1, g.tokens));
  return kept;
}

/** Mean total reward over every response of the batch (the metrics' reward/mean when no group was filtered out). */
export const batchRewardMean = (batch: InspectBatch): number => mean(batch.samples.map((s) => s.reward));

export const word = (id: number): string => VOCAB[id] ?? `<${id}>`;
export const words = (ids: readonly number[]): string[] => ids.map(word);

/** The prompt as text, without <bos>. */
export const questionText = (promptTokens: readonly number[]): string => words(promptTokens.filter((t) => t !== BOS)).join(' ');

/** Position of the answer word (the token after the first <answer>), or null if there is none. */
export function answerPosition(tokens: readonly number[]): number | null {
  const open = tokens.indexOf(ANSWER);
  if (open < 0 || open + 1 >= tokens.length || tokens[open + 1] === ANSWER_END) return null;
  return open + 1;
}

/** log π after the update − log π before it (log π_old, the policy that sampled); undefined when not recorded. */
export function logpDelta(s: InspectSample, t: number): number | undefined {
  const after = s.logpAfter?.[t];
  const before = s.oldLogp[t];
  return after === undefined || before === undefined ? undefined : after - before;
}

/** The number a heatmap shows for token t, or undefined where the mode does not apply. */
export function heatValue(s: InspectSample, t: number, mode: HeatMode): number | undefined {
  switch (mode) {
    case 'logp':
      return s.logp[t];
    case 'ratio':
      return s.ratio[t];
    case 'clipped':
      return s.clipped[t];
    case 'kl':
      return s.kl[t];
    case 'entropy':
      return s.entropy[t];
    case 'contribution':
      return s.contribution?.[t];
    case 'dlogp':
      return logpDelta(s, t);
    case 'reward':
      return s.tokenRewards?.[t];
    case 'value':
      return s.values?.[t];
    case 'advantage':
      return s.tokenAdvantages?.[t];
    case 'return':
      return s.returns?.[t];
  }
}

/** The colour scale's reach for a mode over the whole batch (so responses compare). */
export function heatScale(batch: InspectBatch, mode: HeatMode): number {
  let m = 0;
  for (const s of batch.samples) {
    for (let t = 0; t < s.tokens.length; t++) {
      const v = heatValue(s, t, mode);
      if (v === undefined || !Number.isFinite(v)) continue;
      const x = mode === 'logp' ? -v : mode === 'ratio' ? Math.abs(Math.log(Math.max(v, 1e-12))) : Math.abs(v);
      if (x > m) m = x;
    }
  }
  if (mode === 'clipped') return 1;
  return m > 1e-9 ? m : 1;
}

const rgba = (rgb: string, a: number): string => `rgba(${rgb}, ${Math.min(0.85, Math.max(0, a)).toFixed(3)})`;
const BLUE = '33, 102, 172';
const GREEN = '26, 152, 80';
const RED = '215, 48, 39';

/** Background colour of a token in a heatmap. */
export function heatColor(mode: HeatMode, v: number | undefined, scale: number): string {
  if (v === undefined || !Number.isFinite(v)) return 'transparent';
  switch (mode) {
    case 'logp':
      return rgba(BLUE, -v / scale);
    case 'entropy':
      return rgba(BLUE, v / scale);
    case 'clipped':
      return v < 0 ? 'rgba(230, 126, 34, 0.8)' : v > 0 ? 'rgba(142, 68, 173, 0.75)' : 'transparent';
    case 'ratio': {
      const x = Math.log(Math.max(v, 1e-12));
      return x >= 0 ? rgba(GREEN, x / scale) : rgba(RED, -x / scale);
    }
    case 'contribution':
      // A negative share lowers the loss: descent makes that token likelier (green, as Δ log-prob's green).
      return v <= 0 ? rgba(GREEN, -v / scale) : rgba(RED, v / scale);
    default:
      return v >= 0 ? rgba(GREEN, v / scale) : rgba(RED, -v / scale);
  }
}

const num = (v: number | undefined, digits = 4): string => (v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(digits)).toString());

/** Every number of token t, for the hover / focus panel. */
export function tokenNumbers(s: InspectSample, t: number): { label: string; value: string }[] {
  const rows = [
    { label: 'token', value: word(s.tokens[t] ?? -1) },
    { label: 'position', value: String(t) },
    { label: 'log π', value: num(s.logp[t]) },
    { label: 'π', value: num(Math.exp(s.logp[t] ?? Number.NaN)) },
    { label: 'log π_old', value: num(s.oldLogp[t]) },
    ...(s.refLogp ? [{ label: 'log π_ref', value: num(s.refLogp[t]) }] : []),
    { label: 'ratio r', value: num(s.ratio[t]) },
    { label: 'clipped', value: s.clipped[t] === -1 ? 'low' : s.clipped[t] === 1 ? 'high' : 'no' },
    { label: 'KL', value: num(s.kl[t]) },
    { label: 'entropy', value: num(s.entropy[t]) },
  ];
  const after = s.logpAfter?.[t];
  const delta = logpDelta(s, t);
  if (delta !== undefined) rows.push({ label: 'log π after − log π before', value: `${num(after)} − ${num(s.oldLogp[t])} = ${num(delta)}` });
  if (s.tokenRewards) rows.push({ label: 'reward r_t', value: num(s.tokenRewards[t]) });
  if (s.gaeRewards) rows.push({ label: 'r_t − β·KL_t (GAE\'s input)', value: num(s.gaeRewards[t]) });
  if (s.values) rows.push({ label: 'value V', value: num(s.values[t]) }, { label: 'GAE Â', value: num(s.tokenAdvantages?.[t]) }, { label: 'return', value: num(s.returns?.[t]) });
  else rows.push({ label: 'advantage', value: num(s.advantage) });
  return rows;
}

/**
 * The sequence advantages the run's algorithm gives these rewards, recomputed on the page, or
 * null where they are not a function of the rewards alone (PPO's GAE; KL folded into the reward).
 */
export function expectedAdvantages(batch: InspectBatch, config: RunConfig): number[] | null {
  const o = config.objective;
  const beta = o.beta;
  if (o.klMode === 'reward' && beta > 0) return null;
  const rewards = batch.samples.map((s) => s.reward);
  switch (ALGORITHM_SPECS[o.algorithm].baseline) {
    case 'group':
      return groupAdvantages(rewards, batch.groupSize, o.advantageScale);
    case 'leave-one-out':
      return batch.groupSize >= 2 ? rlooAdvantages(rewards, batch.groupSize) : null;
    case 'batch-mean':
      return reinforceAdvantages(rewards);
    case 'critic':
      return null; // GAE over the value head: not a function of the rewards alone
    case 'none':
      return null; // SFT / RFT: no advantage (RFT's rows weigh 1 if the answer was right, not a function of the total reward)
  }
}

/** The baseline compares a response with the other responses to its own prompt (GRPO's group, RLOO's leave-one-out). */
export const hasGroupBaseline = (config: RunConfig): boolean => {
  const baseline = ALGORITHM_SPECS[config.objective.algorithm].baseline;
  return baseline === 'group' || baseline === 'leave-one-out';
};

/** Reward functions with a non-zero weight first, then the rest (still computed, shown muted). */
export function rewardRows(s: InspectSample, weights: RunConfig['rewards']['weights']): { name: string; value: number; weight: number }[] {
  return REWARD_NAMES.map((name) => ({ name, value: s.rewardByFn[name], weight: weights[name] })).sort((a, b) => Number(b.weight !== 0) - Number(a.weight !== 0));
}

export interface RatioPoint {
  ratio: number;
  /** The advantage the token was trained with: GAE's per-token one (PPO) or its response's. */
  advantage: number;
  /** What the trainer marked at the run's own ε: -1 low, +1 high, 0. */
  clipped: number;
}

/**
 * Every response token of a batch as (ratio, advantage), for the PPO-Clip explainer's dots.
 * PPO's stored per-token advantages are GAE's before whitening; with `whiten` they are whitened
 * over the batch here as the loss saw them (engine/rl whiten: Bessel variance, + 1e-8).
 */
export function ratioPoints(batch: InspectBatch, whiten = false): RatioPoint[] {
  const raw = batch.samples.flatMap((s) => s.tokens.map((_, t) => s.tokenAdvantages?.[t] ?? s.advantage));
  const perToken = batch.samples.some((s) => s.tokenAdvantages !== undefined);
  let adv = raw;
  if (whiten && perToken && raw.length > 1) adv = whitened(raw);
  let k = 0;
  return batch.samples.flatMap((s) => s.tokens.map((_, t) => ({ ratio: s.ratio[t] ?? 1, advantage: adv[k++]!, clipped: s.clipped[t] ?? 0 })));
}

/** How many of the points a clip range [1 - epsLow, 1 + epsHigh] cuts, low and high. */
export function countClipped(points: readonly RatioPoint[], epsLow: number, epsHigh: number): { low: number; high: number } {
  let low = 0;
  let high = 0;
  for (const p of points) {
    const state = clipState(p.ratio, p.advantage, epsLow, epsHigh);
    if (state < 0) low++;
    else if (state > 0) high++;
  }
  return { low, high };
}
