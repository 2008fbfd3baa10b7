/**
 * The RL math contract (docs/ARCHITECTURE.md, "External contracts"): pure functions over tfjs tensors, named as in TRL and
 * veRL so a reader can cross-check. Imports only @tensorflow/tfjs-core.
 *
 * Gradients: tfjs-core on its own registers no gradient functions (the @tensorflow/tfjs union
 * package does). Whatever entry point differentiates these losses must import
 * '@tensorflow/tfjs-core/dist/register_all_gradients' once; this module does not, so that
 * inference-only code stays lean.
 *
 *   advantages   groupAdvantages (GRPO, Dr. GRPO), rlooAdvantages, reinforceBaselineAdvantages, whiten
 *   gae          gae (PPO), rewardsAtLastToken
 *   kl           klPenalty (k1, k2, k3)
 *   losses       policyLoss (PPO / GRPO / DAPO / GSPO), aggregate, valueLoss
 *   diagnostics  explainedVariance, entropyFromLogits, maskedStats
 *   trustRegion  conjugateGradient, backtrackingLineSearch (TRPO), KL controllers
 *   masked       maskedMean, maskedSum, maskedVar, sequenceLengths
 */
export { ADVANTAGE_SCALES, STD_EPS, groupAdvantages, groupStd, reinforceBaselineAdvantages, rlooAdvantages, whiten } from './advantages';
export type { AdvantageScale } from './advantages';

export { gae, rewardsAtLastToken } from './gae';
export type { GaeResult } from './gae';

export { KL_ESTIMATORS, klPenalty } from './kl';
export type { KlEstimator, KlPenaltyOptions } from './kl';

export { LOG_RATIO_CLAMP, LOSS_AGGREGATIONS, POLICY_LOSS_LEVELS, aggregate, policyLoss, policyLossTerms, valueLoss } from './losses';
export type { LossAggregation, PolicyLossInput, PolicyLossLevel, PolicyLossOutput, PolicyLossTerms, ValueLossOutput } from './losses';

export { entropyFromLogits, explainedVariance, maskedStats } from './diagnostics';
export type { MaskedStats } from './diagnostics';

export {
  AdaptiveKLController,
  FixedKLController,
  backtrackingLineSearch,
  conjugateGradient,
  trustRegionStepScale,
} from './trustRegion';
export type { ConjugateGradientResult, KLController, LineSearchOptions, LineSearchResult } from './trustRegion';

export { maskedMean, maskedSum, maskedVar, sequenceLengths } from './masked';
