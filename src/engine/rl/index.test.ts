import { describe, expect, it } from 'vitest';
import * as rl from './index';

describe('engine/rl contract', () => {
  it('exports every name docs/ARCHITECTURE.md promises and outside tools rely on', () => {
    const functions = [
      'groupAdvantages', 'rlooAdvantages', 'reinforceBaselineAdvantages', 'groupStd', 'whiten',
      'gae', 'rewardsAtLastToken', 'klPenalty', 'policyLoss', 'policyLossTerms', 'aggregate', 'valueLoss',
      'explainedVariance', 'entropyFromLogits', 'maskedStats', 'maskedMean', 'maskedSum', 'maskedVar', 'sequenceLengths',
      'conjugateGradient', 'backtrackingLineSearch', 'trustRegionStepScale', 'AdaptiveKLController', 'FixedKLController',
      // What the trainer calls besides.
      'policyLossFromTerms', 'oldPolicyKl', 'regularisedLoss', 'tokenLossWeights', 'rewardsWithKlPenalty', 'entropyFromLogProbs', 'stopGradient', 'samplingMismatch', 'sftLoss', 'temporalBonus', 'temporalReward',
    ] as const;
    for (const name of functions) expect(typeof rl[name], name).toBe('function');
    expect(rl.ADVANTAGE_SCALES).toEqual(['group', 'batch', 'none']);
    expect(rl.KL_ESTIMATORS).toEqual(['k1', 'k2', 'k3']);
    expect(rl.LOSS_AGGREGATIONS).toEqual(['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm']);
    expect(rl.POLICY_LOSS_LEVELS).toEqual(['token', 'sequence']);
    expect([rl.STD_EPS, rl.LOG_RATIO_CLAMP]).toEqual([1e-4, 20]);
  });
});
