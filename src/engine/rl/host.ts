/**
 * The RL maths on plain numbers, and the names of the RL options, for the code that must not
 * load tfjs: the page (the GRPO, KL, PPO, GAE and length explainers; the Inspect view's group
 * stats and advantages) and the trainer's host-side bookkeeping (group filters, the Inspect
 * snapshot, the rollout metrics). It imports nothing, so the page may import it (the eslint
 * config allows exactly this module of engine/rl).
 *
 * Each function is the tensor version's formula for one sample, one group or one row, with
 * the same constants; host.test.ts checks every one by hand and against the tensor version.
 */

// ---------------------------------------------------------------------------------------
// The options' names, declared once: config.ts's schema, the tensor functions and the page use these.

/**
 * How GRPO scales the centred rewards (TRL's `scale_rewards`):
 * - 'group': divide by the group's std (GRPO, Shao et al. 2024, arXiv:2402.03300).
 * - 'batch': divide by the std of all N raw rewards (TRL `scale_rewards='batch'`: group
 *   mean, batch std, which is more robust when many groups have near-zero spread).
 * - 'none': no division (Dr. GRPO, Liu et al. 2025, arXiv:2503.20783: the std term biases
 *   updates toward too-easy and too-hard prompts).
 */
export const ADVANTAGE_SCALES = ['group', 'batch', 'none'] as const;
export type AdvantageScale = (typeof ADVANTAGE_SCALES)[number];

/** Schulman's per-token KL estimators (see ./kl.ts): k1 = x, k2 = x²/2, k3 = e^-x + x - 1. */
export const KL_ESTIMATORS = ['k1', 'k2', 'k3'] as const;
export type KlEstimator = (typeof KL_ESTIMATORS)[number];

/**
 * The KL choices a config offers (objective.klEstimator): the three one-sample estimators, or
 * 'exact', Σ_v π(v) (log π(v) - log π_ref(v)) over the whole vocabulary at each position (./kl.ts
 * `exactKl`). With 68 words that sum costs next to nothing here; in a real LLM it is the full
 * softmax over ~150k tokens, which is why TRL and veRL sample.
 */
export const KL_CHOICES = [...KL_ESTIMATORS, 'exact'] as const;
export type KlChoice = (typeof KL_CHOICES)[number];

/** How KL(π_old ‖ π_θ) is measured where a controller reads it (PPO-Penalty's β, TRPO's trust region). */
export const POLICY_KL_CHOICES = ['k3', 'exact'] as const;
export type PolicyKlChoice = (typeof POLICY_KL_CHOICES)[number];

/** Exact KL(p ‖ q) of two distributions over the same outcomes, from their log-probabilities: Σ_v p_v (log p_v - log q_v). */
export function exactKlOf(logP: readonly number[], logQ: readonly number[]): number {
  let kl = 0;
  for (let v = 0; v < logP.length; v++) {
    const p = Math.exp(logP[v]!);
    if (p > 0) kl += p * (logP[v]! - logQ[v]!);
  }
  return kl;
}

/** veRL's `loss_agg_mode`: how per-token losses become one number (see ./losses.ts `aggregate`). */
export const LOSS_AGGREGATIONS = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const;
export type LossAggregation = (typeof LOSS_AGGREGATIONS)[number];

/** Where the importance ratio lives: per token (PPO, GRPO) or per sequence (GSPO, arXiv:2507.18071). */
export const POLICY_LOSS_LEVELS = ['token', 'sequence'] as const;
export type PolicyLossLevel = (typeof POLICY_LOSS_LEVELS)[number];

/** Added to the std before dividing, as TRL does: a zero-variance group gives 0, not NaN. */
export const STD_EPS = 1e-4;

// ---------------------------------------------------------------------------------------
// Means and stds

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Sample std with Bessel's correction (torch.std's default, which TRL and the engine use); 0 for fewer than 2 values. */
export function besselStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Population std (divide by n): a description of this batch, as `reward/std` and the Inspect snapshot's group stats. */
export function populationStd(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}

/**
 * How far apart a group's rewards may be and still count as all equal: floating-point
 * rounding, not signal. Weighted sums of exact rule rewards are not exact (eight rewards of
 * 1·0 + 0.2·1 = 0.2 have a Bessel std of 3e-17, and 0.1 + 0.2 is not 0.3), and the trainer
 * works in float32 (rounding ~6e-8 near 1). Relative to the reward's scale so that large
 * continuous rewards are judged the same way; rewards that genuinely differ by 1e-5 or more
 * (continuous rewards) are never called equal.
 */
export const ZERO_VARIANCE_RTOL = 1e-6;

/**
 * The one zero-variance rule (std <= 1e-6 · max(1, |mean|)): the group teaches nothing, its
 * advantages are 0. `groups/zero_std_frac`, dynamic sampling (train/filter.ts), the
 * advantages here and in ./advantages.ts, and the Inspect view all read it.
 */
export function isZeroVariance(std: number, groupMean: number): boolean {
  return std <= ZERO_VARIANCE_RTOL * Math.max(1, Math.abs(groupMean));
}

/** isZeroVariance of one group's rewards (Bessel std, as the advantage uses). */
export function groupIsZeroVariance(rewards: readonly number[]): boolean {
  return isZeroVariance(besselStd(rewards), mean(rewards));
}

/** N values laid out group by group (the G samples of each prompt adjacent) -> N / G groups. */
export function splitGroups<T>(xs: readonly T[], groupSize: number): T[][] {
  if (!Number.isInteger(groupSize) || groupSize < 1 || xs.length % groupSize !== 0) {
    throw new Error(`${xs.length} values do not split into groups of ${groupSize}`);
  }
  return Array.from({ length: xs.length / groupSize }, (_, k) => xs.slice(k * groupSize, (k + 1) * groupSize));
}

// ---------------------------------------------------------------------------------------
// Critic-free advantages (tensor versions: ./advantages.ts)

/**
 * GRPO: A_i = (r_i - group mean) / (std + 1e-4), std of the group or of the whole batch; 'none' = Dr. GRPO.
 * A zero-variance group (isZeroVariance) gets exactly 0, not its rounding error over 1e-4.
 */
export function groupAdvantages(rewards: readonly number[], groupSize: number, scale: AdvantageScale): number[] {
  const batchStd = besselStd(rewards);
  return splitGroups(rewards, groupSize).flatMap((g) => {
    if (groupIsZeroVariance(g)) return g.map(() => 0);
    const m = mean(g);
    const std = scale === 'group' ? besselStd(g) : batchStd;
    return g.map((r) => (scale === 'none' ? r - m : (r - m) / (std + STD_EPS)));
  });
}

/** RLOO (arXiv:2402.14740): r_i minus the mean of the other G-1 rewards of its group. */
export function rlooAdvantages(rewards: readonly number[], groupSize: number): number[] {
  if (groupSize < 2) throw new Error(`rlooAdvantages: needs groupSize >= 2 (a leave-one-out baseline), got ${groupSize}`);
  return splitGroups(rewards, groupSize).flatMap((g) => {
    const sum = g.reduce((a, b) => a + b, 0);
    return g.map((r) => r - (sum - r) / (groupSize - 1));
  });
}

/** REINFORCE with the batch-mean baseline (Williams 1992). */
export function reinforceAdvantages(rewards: readonly number[]): number[] {
  const m = mean(rewards);
  return rewards.map((r) => r - m);
}

/**
 * Whitening (TRL / veRL `masked_whiten`, ./advantages.ts `whiten` with every value valid), as
 * PPO's GAE advantages are whitened over the batch: (x - mean) / sqrt(Bessel variance + 1e-8).
 */
export function whiten(xs: readonly number[]): number[] {
  const m = mean(xs);
  const variance = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return xs.map((x) => (x - m) / Math.sqrt(variance + 1e-8));
}

// ---------------------------------------------------------------------------------------
// GAE, KL, the clipped surrogate, aggregation, one number or one row at a time

/**
 * GAE (arXiv:1506.02438) over one response, every position valid: δ_t = r_t + γ V_{t+1} - V_t,
 * Â_t = δ_t + γλ Â_{t+1}, R_t = Â_t + V_t, with V and Â zero past the end (./gae.ts on one row).
 */
export function gae(rewards: readonly number[], values: readonly number[], gamma: number, lambda: number): { advantages: number[]; returns: number[]; deltas: number[] } {
  if (rewards.length !== values.length) throw new Error('gae: rewards and values differ in length');
  const T = rewards.length;
  const advantages = new Array<number>(T).fill(0);
  const returns = new Array<number>(T).fill(0);
  const deltas = new Array<number>(T).fill(0);
  let nextValue = 0;
  let nextAdv = 0;
  for (let t = T - 1; t >= 0; t--) {
    const delta = rewards[t]! + gamma * nextValue - values[t]!;
    deltas[t] = delta;
    nextAdv = delta + gamma * lambda * nextAdv;
    advantages[t] = nextAdv;
    returns[t] = nextAdv + values[t]!;
    nextValue = values[t]!;
  }
  return { advantages, returns, deltas };
}

/**
 * Dense per-token rewards for one response (StepGRPO's step-wise rewards, arXiv:2503.12937, on
 * PPO's per-token reward layout): each credit's value lands on its token, and what is left of
 * the response's total lands on the last valid token, so the row sums to `total` (with γ = 1
 * the return from the first token is unchanged; only where inside the response it is earned
 * moves). With no credits this is ./gae.ts rewardsAtLastToken's row. `length` is the number of
 * valid tokens (up to and including <eos>), `width` the row's T; a credit outside the valid
 * tokens is paid at the last one, and an empty row (length 0) gets nothing.
 *
 *   total 1.2, credits (2, 0.05) and (6, 0.05), length 9, width 10
 *     -> [0, 0, 0.05, 0, 0, 0, 0.05, 0, 1.1, 0]
 */
export function placeTokenRewards(total: number, credits: readonly { at: number; value: number }[], length: number, width: number): number[] {
  const row = new Array<number>(width).fill(0);
  const n = Math.min(length, width);
  if (n <= 0) return row;
  let placed = 0;
  for (const { at, value } of credits) {
    if (!Number.isInteger(at) || at < 0 || at >= n - 1) continue; // paid with the rest at the last token
    row[at]! += value;
    placed += value;
  }
  row[n - 1]! += total - placed;
  return row;
}

/** Per-token KL estimate with x = log π - log π_ref: k1 = x, k2 = x²/2, k3 = e^-x + x - 1 (./kl.ts). */
export function klEstimate(x: number, kind: KlEstimator): number {
  if (kind === 'k1') return x;
  if (kind === 'k2') return (x * x) / 2;
  return Math.exp(-x) + x - 1;
}

/** The PPO-Clip objective of one token (to maximise; arXiv:1707.06347 eq. 7): min(ρA, clip(ρ, 1-epsLow, 1+epsHigh)A). */
export function clippedSurrogate(ratio: number, advantage: number, epsLow: number, epsHigh: number): number {
  const clipped = Math.min(Math.max(ratio, 1 - epsLow), 1 + epsHigh);
  return Math.min(ratio * advantage, clipped * advantage);
}

/** -1: the lower clip cut the gradient (ρ < 1-epsLow, A < 0); +1: the upper (ρ > 1+epsHigh, A > 0); 0 otherwise. */
export function clipState(ratio: number, advantage: number, epsLow: number, epsHigh: number): -1 | 0 | 1 {
  if (ratio < 1 - epsLow && advantage < 0) return -1;
  if (ratio > 1 + epsHigh && advantage > 0) return 1;
  return 0;
}

/**
 * How much one token of response i weighs in the aggregated loss (its gradient is this times
 * the token's own): token-mean 1/Σ|o|, seq-mean-token-mean 1/(N |o_i|), sum-norm 1/(N L_max),
 * N counting the non-empty responses.
 */
export function tokenWeights(lengths: readonly number[], aggregation: LossAggregation, maxLen: number): number[] {
  const live = lengths.filter((l) => l > 0).length;
  const total = lengths.reduce((a, b) => a + b, 0);
  return lengths.map((len) => {
    if (len === 0) return 0;
    if (aggregation === 'token-mean') return 1 / total;
    if (aggregation === 'seq-mean-token-mean') return 1 / (live * len);
    return 1 / (live * maxLen);
  });
}

/** The aggregated loss of per-token losses (ragged rows, no padding), as ./losses.ts `aggregate`. */
export function aggregate(perToken: readonly (readonly number[])[], aggregation: LossAggregation, maxLen: number): number {
  const w = tokenWeights(
    perToken.map((r) => r.length),
    aggregation,
    maxLen,
  );
  return perToken.reduce((a, row, i) => a + w[i]! * row.reduce((x, y) => x + y, 0), 0);
}

// ---------------------------------------------------------------------------------------
// One token's share of the loss (Inspect's token objective; the trainer records the same
// product on the device, ../algorithms/common.ts `surrogateObjective`)

export interface TokenObjectiveInput {
  /** ρ the loss used: r_t per token, or GSPO's s_i on every token of the sequence. */
  ratio: number;
  /** The advantage the loss used (PPO: the whitened GAE Â_t). */
  advantage: number;
  /** Clip range; Infinity for the unclipped surrogate (PPO-Penalty). */
  epsLow: number;
  epsHigh: number;
  /** β·KL_t to the reference, when the KL is in the loss (else beta 0). */
  beta: number;
  kl: number;
  /** c_H·H_t, the entropy bonus (entropyCoef 0: none). */
  entropyCoef: number;
  entropy: number;
  /** PPO-Penalty: β·KL(π_old ‖ π_θ)_t, the k3 estimate on this token (0 otherwise). */
  oldPolicyPenalty?: number;
  /** The token's weight under the run's aggregation (`tokenWeights`, or the trainer's record). */
  weight: number;
}

export interface TokenObjective {
  /** ρ·A and clip(ρ, 1-ε_low, 1+ε_high)·A. */
  unclipped: number;
  clipped: number;
  /** Which one min(ρA, clip(ρ)A) took; 'equal' when they coincide (ρ inside the range, or A = 0). */
  branch: 'unclipped' | 'clipped' | 'equal';
  /** -min(ρA, clip(ρ)A): the policy term of the loss. */
  policy: number;
  /** +β·KL_t, -c_H·H_t, +PPO-Penalty's term. */
  klTerm: number;
  entropyTerm: number;
  penaltyTerm: number;
  /** The token's whole loss term, and weight × it: its share of loss/policy. */
  total: number;
  contribution: number;
}

/**
 * One token's term of the loss every policy-gradient update here minimises (rl/losses.ts
 * `policyLossTerms` + `regularisedLoss`; PPO arXiv:1707.06347 eq. 7 and 9, GRPO
 * arXiv:2402.03300 eq. 3, DAPO's asymmetric clip arXiv:2503.14476):
 *   ℓ_t = -min(ρA, clip(ρ, 1-ε_low, 1+ε_high)A) + β·KL_t - c_H·H_t
 * and its share of the aggregated loss, weight·ℓ_t.
 */
export function tokenObjective(x: TokenObjectiveInput): TokenObjective {
  const lo = 1 - x.epsLow;
  const hi = 1 + x.epsHigh;
  const clippedRatio = Math.min(Math.max(x.ratio, lo), hi); // Infinity bounds leave ρ alone
  const unclipped = x.ratio * x.advantage;
  const clipped = clippedRatio * x.advantage;
  const branch = unclipped === clipped ? 'equal' : unclipped < clipped ? 'unclipped' : 'clipped';
  const policy = -Math.min(unclipped, clipped);
  const klTerm = x.beta > 0 ? x.beta * x.kl : 0;
  const entropyTerm = x.entropyCoef > 0 ? -x.entropyCoef * x.entropy : 0;
  const penaltyTerm = x.oldPolicyPenalty ?? 0;
  const total = policy + klTerm + entropyTerm + penaltyTerm;
  return { unclipped, clipped, branch, policy, klTerm, entropyTerm, penaltyTerm, total, contribution: x.weight * total };
}

// ---------------------------------------------------------------------------------------
// T-GRPO's temporal contrast (Video-R1, Feng et al. 2025, arXiv:2503.21776, section 3.1, eq. 1).

/** The paper's α: the temporal reward's size ("we set α = 0.3"). */
export const TEMPORAL_ALPHA = 0.3;

/**
 * The temporal reward of one prompt: each prompt is rolled out as a group on its ordered frames
 * and as a group on shuffled frames; p and p̃ are the shares of right answers in the two groups.
 * r_t = α when p > p̃ (the model does better when it sees the frames in order), else 0. (The
 * released Video-R1 code pays it when p >= 0.8 p̃, a looser rule; this is the paper's.)
 */
export function temporalReward(pOrdered: number, pShuffled: number, alpha: number = TEMPORAL_ALPHA): number {
  return pOrdered > pShuffled ? alpha : 0;
}

export interface TemporalBonus {
  /** The ordered rollouts' rewards with r_t added to the right ones of each group that earned it. */
  rewards: number[];
  /** Per group: p, p̃ and r_t. */
  groups: { pOrdered: number; pShuffled: number; bonus: number }[];
}

/**
 * T-GRPO's rewards for B groups of G ordered rollouts: r_t (temporalReward) is added only to
 * the ordered-frame responses that are right ("only applied to correct responses"); the
 * shuffled rollouts only measure p̃ and are not trained on. `correct` and `shuffledCorrect`
 * are per rollout, group-major (B·G each; the shuffled groups may have another size G̃).
 */
export function temporalBonus(
  rewards: readonly number[],
  correct: readonly boolean[],
  shuffledCorrect: readonly boolean[],
  groupSize: number,
  shuffledGroupSize: number,
  alpha: number = TEMPORAL_ALPHA,
): TemporalBonus {
  const b = rewards.length / groupSize;
  if (!Number.isInteger(b) || correct.length !== rewards.length || shuffledCorrect.length !== b * shuffledGroupSize) {
    throw new Error(`temporalBonus: ${rewards.length} rewards, ${correct.length} ordered and ${shuffledCorrect.length} shuffled answers do not make groups of ${groupSize} and ${shuffledGroupSize}.`);
  }
  const share = (xs: readonly boolean[]) => xs.filter(Boolean).length / xs.length;
  const groups = Array.from({ length: b }, (_, i) => {
    const pOrdered = share(correct.slice(i * groupSize, (i + 1) * groupSize));
    const pShuffled = share(shuffledCorrect.slice(i * shuffledGroupSize, (i + 1) * shuffledGroupSize));
    return { pOrdered, pShuffled, bonus: temporalReward(pOrdered, pShuffled, alpha) };
  });
  return { rewards: rewards.map((r, k) => r + (correct[k] ? groups[Math.floor(k / groupSize)]!.bonus : 0)), groups };
}
