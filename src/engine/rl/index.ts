/**
 * The RL maths the trainer runs (the contract in docs/ARCHITECTURE.md, "External contracts"): pure functions over tfjs tensors, named as in
 * TRL and veRL so a reader can cross-check. The algorithms (../algorithms), the trainer
 * (../train) and the policy's forward pass call these very functions, so a hand-checked number
 * in these tests is a guarantee about training; slower reference implementations (GAE's
 * backward loop) live in the tests as oracles. A few exports are kept for outside tools and
 * are compositions of the trained functions or checked against them: policyLoss (is
 * policyLossFromTerms after policyLossTerms), entropyFromLogits, groupStd, sequenceLengths,
 * maskedSum, maskedVar. Imports only @tensorflow/tfjs-core, and ./host.ts imports nothing.
 *
 * Gradients: tfjs-core on its own registers no gradient functions (the @tensorflow/tfjs union
 * package does). Whatever entry point differentiates these losses must import
 * '@tensorflow/tfjs-core/dist/register_all_gradients' once; this module does not, so that
 * inference-only code stays lean.
 *
 *   host          the options' names (advantage scales, KL estimators, aggregations, ratio
 *                 levels) and the maths on plain numbers, for the page and the trainer's host side
 *                 (placeTokenRewards: dense step rewards on their tokens, for PPO and TRPO)
 *   advantages    groupAdvantages (GRPO, Dr. GRPO), rlooAdvantages, reinforceBaselineAdvantages, whiten
 *   gae           gae (PPO, TRPO: one matmul on the device), rewardsAtLastToken
 *   kl            klPenalty (k1, k2, k3), exactKl (the sum over the vocabulary), rewardsWithKlPenalty (KL in the reward)
 *   losses        policyLossTerms -> policyLoss / policyLossFromTerms (PPO, GRPO, DAPO, GSPO; NO_CLIP
 *                 for PPO-Penalty and TRPO), oldPolicyKl, regularisedLoss, aggregate, tokenLossWeights, valueLoss
 *   diagnostics   explainedVariance, entropyFromLogProbs (the policy's forward), maskedStats
 *   trustRegion   conjugateGradient, backtrackingLineSearch (TRPO), KL controllers
 *   masked        maskedMean, maskedSum, maskedVar, sequenceLengths, sumOnDevice (tf.sum, its gradient on the device)
 *   stopGradient  torch's .detach()
 *   mismatch      samplingMismatch: behaviour vs. updated policy (NoisyRollout's off-policy ratio, TRL's sampling/*)
 *   sft           sftLoss: teacher-forced cross-entropy (SFT on gold traces; RFT on accepted samples)
 *   (host)        temporalBonus, temporalReward: T-GRPO's ordered-vs-shuffled reward (Video-R1, arXiv:2503.21776)
 */
export { ADVANTAGE_SCALES, KL_CHOICES, KL_ESTIMATORS, LOSS_AGGREGATIONS, POLICY_KL_CHOICES, POLICY_LOSS_LEVELS, STD_EPS, placeTokenRewards } from './host';
export type { AdvantageScale, KlChoice, KlEstimator, LossAggregation, PolicyKlChoice, PolicyLossLevel } from './host';
// T-GRPO's temporal contrast (Video-R1): maths on plain numbers, so it lives in ./host.ts.
export { TEMPORAL_ALPHA, temporalBonus, temporalReward } from './host';
export type { TemporalBonus } from './host';

export { groupAdvantages, groupStd, reinforceBaselineAdvantages, rlooAdvantages, whiten } from './advantages';

export { gae, rewardsAtLastToken } from './gae';
export type { GaeResult } from './gae';

export { exactKl, klPenalty, rewardsWithKlPenalty } from './kl';
export type { KlPenaltyOptions } from './kl';

export {
  LOG_RATIO_CLAMP,
  NO_CLIP,
  aggregate,
  oldPolicyKl,
  policyLoss,
  policyLossFromTerms,
  policyLossTerms,
  regularisedLoss,
  tokenLossWeights,
  valueLoss,
} from './losses';
export type { PolicyLossInput, PolicyLossOutput, PolicyLossTerms, RegularisedLossOptions, ValueLossOutput } from './losses';

export { entropyFromLogProbs, entropyFromLogits, explainedVariance, maskedStats } from './diagnostics';
export type { MaskedStats } from './diagnostics';

export {
  AdaptiveKLController,
  FixedKLController,
  HalveDoubleKLController,
  backtrackingLineSearch,
  conjugateGradient,
  trustRegionStepScale,
} from './trustRegion';
export type { ConjugateGradientResult, KLController, LineSearchOptions, LineSearchResult } from './trustRegion';

export { maskedMean, maskedSum, maskedVar, sequenceLengths } from './masked';
// tf.sum with its gradient made on the device (no host-side ones): every sum a loss differentiates.
export { sumOnDevice } from './masked';
export { stopGradient } from './stopGradient';
export { samplingMismatch } from './mismatch';
export type { SamplingMismatch } from './mismatch';
export { sftLoss } from './sft';
