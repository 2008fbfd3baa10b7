import type { KlEstimator } from '../../engine/rl/host';

export interface EstimatorStat {
  mean: number;
  std: number;
}

/**
 * The KL explainer's words for each estimator, read off its own table (so they cannot
 * contradict it): biased or not within the sampling noise of the mean (2 standard errors,
 * std/√n), and its variance ranked against the other two. Whether an estimator can be
 * negative is a property of its formula, not of the samples.
 */
export function klLabels(stats: Readonly<Record<KlEstimator, EstimatorStat>>, trueKl: number, n: number): Record<KlEstimator, string> {
  const kinds = Object.keys(stats) as KlEstimator[];
  const byStd = [...kinds].sort((a, b) => stats[a].std - stats[b].std);
  const sign: Record<KlEstimator, string> = { k1: 'negative for about half the tokens', k2: 'never negative', k3: 'never negative' };
  const out = {} as Record<KlEstimator, string>;
  for (const k of kinds) {
    const { mean, std } = stats[k];
    const noise = (2 * std) / Math.sqrt(Math.max(n, 1));
    const bias = mean - trueKl;
    const biasText = Math.abs(bias) <= Math.max(noise, 1e-9) ? 'unbiased here (its bias is within the sampling noise)' : `biased here (${bias > 0 ? 'over' : 'under'}estimates by ${Math.abs(bias).toPrecision(2)})`;
    const rank = byStd.indexOf(k);
    const varText = std === 0 ? 'no variance' : rank === 0 ? 'the lowest variance' : rank === kinds.length - 1 ? 'the highest variance' : 'middle variance';
    out[k] = `${biasText}, ${varText} of the three, ${sign[k]}`;
  }
  return out;
}
