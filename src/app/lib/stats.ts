/**
 * The noise of a held-out accuracy: p measured on n prompts is a binomial proportion, with
 * standard error sqrt(p(1-p)/n). The charts draw p ± 1 SE; Compare stars a difference only
 * when it exceeds 2 SE of the difference.
 */
export function binomialSE(p: number, n: number): number {
  if (!Number.isFinite(p) || !(n > 0)) return NaN;
  const q = Math.min(Math.max(p, 0), 1);
  return Math.sqrt((q * (1 - q)) / n);
}

/** [p - k·SE, p + k·SE] clamped to [0, 1]. */
export function seBand(p: number, n: number, k = 1): [number, number] {
  const se = binomialSE(p, n);
  if (!Number.isFinite(se)) return [p, p];
  return [Math.max(0, p - k * se), Math.min(1, p + k * se)];
}

/**
 * Whether two accuracies differ by more than `k` standard errors of their difference,
 * sqrt(SE_a² + SE_b²). With p = 0 or 1 on both sides the SE is 0, so any gap counts; an
 * SE of 0 with equal values is no difference.
 */
export function accuraciesDiffer(a: number, na: number, b: number, nb: number, k = 2): boolean {
  const se = Math.hypot(binomialSE(a, na), binomialSE(b, nb));
  if (!Number.isFinite(se)) return false;
  return Math.abs(a - b) > k * se;
}
