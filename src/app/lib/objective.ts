import { ALGORITHM_SPECS } from '../../engine/algorithms/spec';
import type { RunConfig } from '../../engine/config';
import { klEstimate, tokenObjective, tokenWeights, whiten, type KlChoice, type TokenObjective } from '../../engine/rl/host';
import type { InspectBatch, InspectSample } from '../../engine/train/types';
import { logpDelta } from './inspect';

/**
 * Inspect's token objective: one token's term of the loss with this iteration's numbers in
 * it, its weight under the run's aggregation, and the check that the trainer's recorded shares
 * add up to the loss it logged. The maths is rl/host's `tokenObjective`; the shares summed in
 * the check are the ones the trainer computed on the device (InspectSample.contribution).
 */

/**
 * The advantage every token of the batch was trained with, [sample][t]: the response's (GRPO,
 * RLOO, REINFORCE), or PPO's GAE Â_t, whitened over the batch's tokens when the run whitens
 * (the snapshot stores them before whitening; rl/host `whiten` is rl's, on plain numbers).
 */
/** What lossAdvantages reads of a batch (an InspectBatch, or the iteration walk's adapted copy). */
export interface AdvantageRows {
  samples: readonly { tokens: readonly number[]; advantage: number; tokenAdvantages?: readonly number[] }[];
}

export function lossAdvantages(batch: AdvantageRows, config: RunConfig): number[][] {
  const perToken = batch.samples.some((s) => s.tokenAdvantages !== undefined);
  if (!perToken) return batch.samples.map((s) => s.tokens.map(() => s.advantage));
  const raw = batch.samples.flatMap((s) => s.tokens.map((_, t) => s.tokenAdvantages?.[t] ?? 0));
  const flat = config.objective.whitenAdvantages && raw.length > 1 ? whiten(raw) : raw;
  let k = 0;
  return batch.samples.map((s) => s.tokens.map(() => flat[k++]!));
}

export interface ObjectiveTerms {
  /** The ratio is GSPO's per-sequence s_i (arXiv:2507.18071), the same on every token. */
  sequenceLevel: boolean;
  clips: boolean;
  epsLow: number;
  epsHigh: number;
  ratio: number;
  advantage: number;
  /** β and the estimator when the reference KL is in the loss; null otherwise. */
  kl: { beta: number; value: number; estimator: KlChoice } | null;
  /** PPO-Penalty: β · KL(π_old ‖ π_θ) on this token (k3); null otherwise. */
  penalty: { beta: number; value: number } | null;
  entropy: { coef: number; value: number } | null;
  weight: number;
  /** How the weight is formed, with the numbers: "1/(N·|o_i|) = 1/(8·5)". */
  weightFormula: string;
  result: TokenObjective;
  /** What the trainer recorded for this token (weight × term on the device), when it did. */
  recorded: number | undefined;
}

/** β of this iteration: the logged kl/beta (it may be scheduled or adaptive), else the config's. */
const iterationBeta = (config: RunConfig, values: Record<string, number> | undefined): number => values?.['kl/beta'] ?? config.objective.beta;

function weightFormula(config: RunConfig, batch: InspectBatch, s: InspectSample, w: number): string {
  const agg = config.objective.lossAggregation;
  if (!(w > 0)) return 'padding: weight 0';
  const len = s.tokens.length;
  // Recover the denominators from the recorded weight: with minibatches they count the minibatch's rows.
  if (agg === 'token-mean') return `1/Σ|o| = 1/${Math.round(1 / w)} (every token of the loss's batch weighs the same; DAPO)`;
  if (agg === 'seq-mean-token-mean') return `1/(N·|o_i|) = 1/(${Math.round(1 / (w * len))}·${len}) (N responses in the loss's batch; GRPO)`;
  return `1/(N·L_max) = 1/(${Math.round(1 / (w * config.sampling.maxNewTokens))}·${config.sampling.maxNewTokens}) (a constant normaliser; Dr. GRPO)`;
}

/** The full objective of token t of sample i, or null when it is out of range. */
export function objectiveTerms(batch: InspectBatch, config: RunConfig, values: Record<string, number> | undefined, i: number, t: number): ObjectiveTerms | null {
  const s = batch.samples[i];
  if (!s || t < 0 || t >= s.tokens.length) return null;
  const o = config.objective;
  const spec = ALGORITHM_SPECS[o.algorithm];
  const beta = iterationBeta(config, values);
  const advantage = lossAdvantages(batch, config)[i]![t]!;
  const clips = spec.clips;
  const epsLow = clips ? o.epsLow : Infinity;
  const epsHigh = clips ? o.epsHigh : Infinity;
  const klInLoss = spec.betaMeaning === 'reference-kl' && o.klMode === 'loss' && beta > 0 && s.refLogp !== undefined;
  const kl = klInLoss ? { beta, value: s.kl[t] ?? 0, estimator: o.klEstimator } : null;
  const penalty = spec.betaMeaning === 'old-policy-kl' ? { beta, value: klEstimate((s.oldLogp[t] ?? 0) - (s.logp[t] ?? 0), 'k3') } : null;
  const entropy = o.entropyCoef > 0 ? { coef: o.entropyCoef, value: s.entropy[t] ?? 0 } : null;
  const fallback = tokenWeights(
    batch.samples.map((x) => x.tokens.length),
    o.lossAggregation,
    config.sampling.maxNewTokens,
  )[i]!;
  const weight = s.lossWeight?.[t] ?? fallback;
  const result = tokenObjective({
    ratio: s.ratio[t] ?? 1,
    advantage,
    epsLow,
    epsHigh,
    beta: kl?.beta ?? 0,
    kl: kl?.value ?? 0,
    entropyCoef: entropy?.coef ?? 0,
    entropy: entropy?.value ?? 0,
    oldPolicyPenalty: penalty ? penalty.beta * penalty.value : 0,
    weight,
  });
  return {
    sequenceLevel: o.ratioLevel === 'sequence' && clips,
    clips,
    epsLow,
    epsHigh,
    ratio: s.ratio[t] ?? 1,
    advantage,
    kl,
    penalty,
    entropy,
    weight,
    weightFormula: weightFormula(config, batch, s, weight),
    result,
    recorded: s.contribution?.[t],
  };
}

export interface SumCheck {
  /** Σ of the recorded shares over every token of the snapshot; null when none were recorded. */
  sum: number | null;
  /** Optimizer steps in the epoch the snapshot holds (minibatches), and epochs run. */
  steps: number;
  epochs: number;
  /** sum ÷ steps: the mean loss over the snapshot's steps, comparable with the log. */
  perStep: number | null;
  logged: number | undefined;
  /** True only when the check can hold exactly: the snapshot covers every step the log averages. */
  comparable: boolean;
  matches: boolean;
  note: string;
}

/** Σ contributions against the logged loss/policy, and, honestly, when the two cannot match. */
export function sumCheck(batch: InspectBatch, config: RunConfig, values: Record<string, number> | undefined): SumCheck {
  const logged = values?.['loss/policy'];
  const steps = Math.max(1, Math.min(config.optim.minibatches, batch.samples.length));
  const epochs = values?.['policy/epochs'] ?? config.optim.epochs;
  const recorded = batch.samples.some((s) => s.contribution !== undefined);
  if (!recorded) {
    return { sum: null, steps, epochs, perStep: null, logged, comparable: false, matches: false, note: 'This algorithm records no per-token shares (TRPO evaluates its loss inside a line search).' };
  }
  const sum = batch.samples.reduce((a, s) => a + (s.contribution ?? []).reduce((x, y) => x + y, 0), 0);
  const perStep = sum / steps;
  const comparable = epochs === 1 && logged !== undefined;
  const matches = comparable && Math.abs(perStep - logged) <= 1e-5 * Math.max(1, Math.abs(logged));
  let note: string;
  if (epochs > 1) {
    note = `The log averages ${epochs} epochs × ${steps} optimizer steps; the snapshot holds the last epoch's ${steps} step${steps > 1 ? 's' : ''} (its ratios and log-probs), so Σ ÷ ${steps} is that epoch's mean loss and cannot equal the logged average.`;
  } else if (steps > 1) {
    note = `One epoch of ${steps} minibatch steps: each token is weighted over its own minibatch's rows, and the log is the mean over the ${steps} steps, so Σ ÷ ${steps} is what it logged. Later minibatches saw ratios ≠ 1: the policy had already moved.`;
  } else {
    note = 'One optimizer step: the snapshot holds exactly the tokens, ratios and weights the loss used.';
  }
  return { sum, steps, epochs, perStep, logged, comparable, matches, note };
}

export interface UpdateEffect {
  /** Tokens with A > 0, and how many of them became likelier (log π after > log π_old). */
  positive: number;
  positiveUp: number;
  negative: number;
  negativeDown: number;
}

/** What the update did to the batch's tokens, by the sign of the advantage they were trained with; null when not recorded. */
export function updateEffect(batch: InspectBatch, config: RunConfig): UpdateEffect | null {
  if (!batch.samples.some((s) => s.logpAfter !== undefined)) return null;
  const adv = lossAdvantages(batch, config);
  const e: UpdateEffect = { positive: 0, positiveUp: 0, negative: 0, negativeDown: 0 };
  batch.samples.forEach((s, i) => {
    s.tokens.forEach((_, t) => {
      const d = logpDelta(s, t);
      const a = adv[i]![t]!;
      if (d === undefined || a === 0) return;
      if (a > 0) {
        e.positive++;
        if (d > 0) e.positiveUp++;
      } else {
        e.negative++;
        if (d < 0) e.negativeDown++;
      }
    });
  });
  return e;
}

const pct = (k: number, n: number): string => `${Math.round((100 * k) / n)}%`;

/** The one sentence per batch: "of tokens with A>0, 93% became likelier; of tokens with A<0, 81% less likely". */
export function updateSentence(e: UpdateEffect): string {
  const parts: string[] = [];
  if (e.positive > 0) parts.push(`of the ${e.positive} tokens with A>0, ${pct(e.positiveUp, e.positive)} became likelier`);
  if (e.negative > 0) parts.push(`of the ${e.negative} with A<0, ${pct(e.negativeDown, e.negative)} became less likely`);
  if (parts.length === 0) return 'Every advantage was 0: no policy-gradient signal from this batch (whatever moved, moved through the KL and entropy terms or other batches\' shared parameters).';
  const s = parts.join('; ');
  return `After the update, ${s}.`;
}
