/**
 * The sampled-evaluation estimators a practitioner expects beside greedy accuracy, on plain
 * numbers (no tfjs: the page imports this module for its help text and the worker for the
 * numbers). Per prompt we draw n samples and count c correct ones.
 *
 * - pass@k (Chen et al. 2021, arXiv:2107.03374, eq. 1): the probability that at least one of k
 *   samples drawn without replacement from the n is correct, 1 - C(n-c, k) / C(n, k),
 *   averaged over prompts. Unbiased for k <= n, and lower variance than drawing only k.
 * - best@N: any of the N samples is correct. It is pass@k with k = n (the estimator is then
 *   1 when c > 0, else 0), i.e. an oracle verifier picking the best of N.
 * - majority@N: the most common parsed answer among the N samples (ties: the one seen first)
 *   is the gold one; a self-consistency vote, no verifier needed. Unparseable answers do not vote.
 */

export interface PromptSamples {
  /** The gold answer. */
  gold: string;
  /** The parsed answer of each of the n samples (null: no well-formed answer). */
  answers: readonly (string | null)[];
  /**
   * Whether an answer is right, where more than the gold string is (a click anywhere in the
   * target's box, a box with IoU >= 0.5). Absent: exactly the gold answer.
   */
  isRight?: (answer: string) => boolean;
}

const rightIn = (p: PromptSamples) => (a: string | null): boolean => a !== null && (p.isRight ? p.isRight(a) : a === p.gold);

export interface Estimate {
  /** Mean over prompts, in [0, 1]. */
  value: number;
  /** Standard error of that mean: sqrt(p (1 - p) / m) over m prompts (binomial). */
  se: number;
}

export interface SampledSummary {
  prompts: number;
  /** Samples per prompt. */
  n: number;
  k: number;
  /** Share of all n x prompts samples that are correct (pass@1's estimate). */
  sampleAccuracy: Estimate;
  passAtK: Estimate;
  bestOfN: Estimate;
  majorityOfN: Estimate;
}

/** 1 - C(n - c, k) / C(n, k), computed as a stable product (Chen et al.'s numpy recipe). */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new Error(`passAtK needs integers 1 <= k <= n and 0 <= c <= n (got n=${n}, c=${c}, k=${k}).`);
  }
  if (n - c < k) return 1;
  let miss = 1;
  for (let i = n - c + 1; i <= n; i++) miss *= 1 - k / i;
  return 1 - miss;
}

/** The binomial standard error of a proportion p measured on m independent trials. */
export function binomialSE(p: number, m: number): number {
  if (m <= 0) return NaN;
  return Math.sqrt(Math.max(0, p * (1 - p)) / m);
}

/** The most common non-null answer (ties go to the one seen first), or null when none parsed. */
export function majorityAnswer(answers: readonly (string | null)[]): string | null {
  const counts = new Map<string, number>(); // insertion order = first seen
  for (const a of answers) if (a !== null) counts.set(a, (counts.get(a) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [a, c] of counts) {
    if (c > bestCount) {
      best = a;
      bestCount = c;
    }
  }
  return best;
}

function estimate(values: readonly number[]): Estimate {
  const m = values.length;
  const value = m === 0 ? NaN : values.reduce((a, b) => a + b, 0) / m;
  return { value, se: binomialSE(value, m) };
}

/** pass@k, best@N, majority@N and per-sample accuracy over prompts that each have n samples. */
export function summarizeSamples(prompts: readonly PromptSamples[], k: number): SampledSummary {
  if (prompts.length === 0) throw new Error('summarizeSamples: no prompts.');
  const n = prompts[0]!.answers.length;
  if (prompts.some((p) => p.answers.length !== n)) throw new Error('summarizeSamples: every prompt needs the same number of samples.');
  const correct = prompts.map((p) => p.answers.filter(rightIn(p)).length);
  const sampleAcc = correct.reduce((a, b) => a + b, 0) / (n * prompts.length);
  return {
    prompts: prompts.length,
    n,
    k,
    sampleAccuracy: { value: sampleAcc, se: binomialSE(sampleAcc, n * prompts.length) },
    passAtK: estimate(correct.map((c) => passAtK(n, c, k))),
    bestOfN: estimate(correct.map((c) => (c > 0 ? 1 : 0))),
    majorityOfN: estimate(prompts.map((p) => (rightIn(p)(majorityAnswer(p.answers)) ? 1 : 0))),
  };
}

/** Help text for the page: what each number means. */
export const ESTIMATOR_HELP = {
  greedy: 'Greedy accuracy: one deterministic answer per prompt (the likeliest token at each step); the share that is right.',
  sampleAccuracy: 'Sample accuracy (pass@1): the share of all sampled answers that are right, at the run\'s temperature.',
  passAtK:
    'pass@k (Chen et al. 2021): the chance that at least one of k samples is right, estimated without bias from n >= k samples per prompt as 1 - C(n-c, k)/C(n, k) (c right of n), averaged over prompts.',
  bestOfN: 'best@N: at least one of all N samples is right (= pass@N): what a perfect verifier picking the best of N would score.',
  majorityOfN: 'majority@N: the most common answer among the N samples is right (self-consistency voting; no verifier needed; ties go to the answer seen first).',
  se: '± is the binomial standard error over prompts, sqrt(p(1-p)/m): the numbers move by about that much with another set of m prompts.',
} as const;
