/**
 * What each algorithm is, as data: its baseline, whether it clips, learns a critic or needs
 * the reference model, which knobs of the config it reads, and how it maps onto TRL.
 *
 * This is the one place these facts are written. The trainer, the config panel (which marks
 * the knobs an algorithm ignores), the TRL export, the Inspect view and the explainers read
 * them here instead of comparing algorithm ids. It imports no tfjs, so the page may import it.
 * The update functions themselves live in the family files (./grpo.ts, ./ppo.ts, ...) and are
 * joined to these specs in ./index.ts.
 */
import type { ALGORITHMS } from '../config';

export type AlgorithmId = (typeof ALGORITHMS)[number];

/** How the advantage of a response (or token) is formed. */
export type Baseline =
  /** r - mean of the whole batch (REINFORCE with a baseline). */
  | 'batch-mean'
  /** r_i - mean of the other G-1 samples of its prompt (RLOO). */
  | 'leave-one-out'
  /** (r - group mean) / (group std + eps), or its Dr. GRPO / batch variants (advantageScale). */
  | 'group'
  /** GAE over the value head's per-token predictions. */
  | 'critic'
  /** No advantage: teacher-forced cross-entropy on the traces it trains on (SFT, RFT). */
  | 'none';

/** How the policy step is kept small. */
export type StepControl =
  /** PPO-Clip's min(ρA, clip(ρ, 1-εlow, 1+εhigh)A). */
  | 'clip'
  /** A β·KL(π_old ‖ π_θ) penalty whose β adapts (PPO-Penalty). */
  | 'kl-penalty'
  /** A natural-gradient step scaled into a KL ball, then a line search (TRPO). */
  | 'trust-region'
  /** Nothing beyond the learning rate and gradient clipping (SFT, RFT). */
  | 'none';

/** What an iteration trains on. */
export type TrainsOn =
  /** The B x G sampled responses, weighted by their advantages (every RL algorithm). */
  | 'rollouts'
  /** The task's gold reasoning traces of the same B prompts, one each; nothing is sampled (SFT). */
  | 'gold-traces'
  /** The B x G sampled responses whose answer was right; the rest are dropped (RFT: STaR, RAFT). */
  | 'accepted-samples';

/** A dotted path into RunConfig, e.g. "objective.epsHigh". */
export type KnobPath = `${'sampling' | 'optim' | 'objective' | 'rewards' | 'tricks'}.${string}`;

export interface AlgorithmSpec {
  id: AlgorithmId;
  /** Its name for people. */
  title: string;
  /** The family file that implements it. */
  family: 'reinforce' | 'ppo' | 'trpo' | 'grpo' | 'supervised';
  /** Where it comes from (arXiv id where there is one). */
  paper: string;
  baseline: Baseline;
  stepControl: StepControl;
  /** The ratio is clipped (PPO-Clip's surrogate): clip fractions mean something. */
  clips: boolean;
  /** Learns the value head as a critic: the trainer runs a pass for V_old before the update. */
  critic: boolean;
  /**
   * Gives each token its own advantage from per-token rewards (GAE over the critic's values), so
   * a reward paid on a step's tokens (rewards.dense, StepGRPO's step rewards) is credited there.
   * Without it every token of a response shares one sequence advantage and dense rewards would
   * sum back to the same scalar: the config refuses them.
   */
  perTokenCredit: boolean;
  /** Needs a frozen reference policy whenever β > 0 (PPO-Penalty's β is about π_old instead). */
  usesReference: boolean;
  /** What β weighs: KL to the frozen reference, or KL(π_old ‖ π_θ) (PPO-Penalty). */
  betaMeaning: 'reference-kl' | 'old-policy-kl';
  /** The metric β adapts to under klSchedule 'adaptive'. */
  adaptiveKlMetric: 'kl/ref' | 'policy/kl_after_update';
  /** Takes its step from Adam at optim.lr (TRPO's step size is set by the trust region). */
  usesLearningRate: boolean;
  /** What each iteration trains on: its rollouts, gold traces, or its accepted samples. */
  trainsOn: TrainsOn;
  /** The fewest samples per prompt it can work with (a group baseline or a choice among samples needs 2). */
  minGroupSize: number;
  /** The objective / optim knobs it reads, beyond those every run reads (sampling, rewards, tricks). */
  knobs: readonly KnobPath[];
  /**
   * Knobs outside objective / optim that it does not read either (a dotted path, or a whole
   * section such as 'tricks'): SFT samples nothing, so G, the temperature, the rewards and the
   * rollout tricks go unread.
   */
  alsoIgnores: readonly string[];
  /**
   * Metric keys (../train/metrics.ts) it never logs because they mean nothing for it, beyond
   * those its other facts rule out (clip fractions without a clip, value loss without a critic,
   * KL without a reference): charts draw them as absent, never as 0.
   */
  unlogged: readonly string[];
  /** How TRL runs it: the trainer class that matches it, and whether the export is exact. */
  trl: { trainer: 'GRPOTrainer' | 'RLOOTrainer' | 'PPOTrainer' | 'SFTTrainer' | null; exact: boolean; note: string };
}

// Knob groups several algorithms share.
const ADAM = ['optim.lr', 'optim.lrSchedule', 'optim.warmupIters', 'optim.epochs', 'optim.minibatches', 'optim.gradClip'] as const;
const CLIP = ['objective.epsLow', 'objective.epsHigh', 'objective.dualClipC', 'objective.ratioLevel', 'objective.earlyStopKl'] as const;
const REFERENCE_KL = ['objective.beta', 'objective.klEstimator', 'objective.klMode', 'objective.klSchedule', 'objective.klAdaptRule', 'objective.targetKl', 'objective.klHorizon', 'objective.betaFinal'] as const;
const LOSS = ['objective.lossAggregation', 'objective.entropyCoef'] as const;
const CRITIC = ['optim.valueLr', 'objective.whitenAdvantages', 'objective.gamma', 'objective.lambda', 'objective.valueCoef', 'objective.valueClip'] as const;
const TRUST_REGION = ['objective.trpoMaxKl', 'objective.trpoCgIters', 'objective.trpoDamping', 'objective.trpoBacktracks', 'objective.trpoFisherFrac'] as const;

// Metric keys the supervised arms leave out.
const NO_ROLLOUT_METRICS = ['reward/mean', 'reward/std', 'acc/train', 'format/rate', 'len/mean', 'len/max', 'len/truncated_frac', 'len/min', 'len/terminated_mean', 'groups/zero_std_frac', 'time/rollout_ms', 'time/reward_ms', 'throughput/tokens_per_s'] as const;
const NO_ADVANTAGE_METRICS = ['adv/mean', 'adv/std', 'policy/approx_kl'] as const;

export const ALGORITHM_SPECS: Readonly<Record<AlgorithmId, AlgorithmSpec>> = {
  reinforce: {
    id: 'reinforce',
    title: 'REINFORCE',
    family: 'reinforce',
    paper: 'Williams 1992',
    baseline: 'batch-mean',
    stepControl: 'clip',
    clips: true,
    critic: false,
    perTokenCredit: false,
    usesReference: true,
    betaMeaning: 'reference-kl',
    adaptiveKlMetric: 'kl/ref',
    usesLearningRate: true,
    trainsOn: 'rollouts',
    minGroupSize: 1,
    alsoIgnores: [],
    unlogged: [],
    knobs: [...ADAM, ...CLIP, ...REFERENCE_KL, ...LOSS],
    trl: { trainer: 'GRPOTrainer', exact: false, note: 'TRL has no plain REINFORCE trainer: the script runs GRPOTrainer with scale_rewards="none", a group-mean baseline where this run has a batch-mean baseline.' },
  },
  rloo: {
    id: 'rloo',
    title: 'RLOO',
    family: 'reinforce',
    paper: 'arXiv:2402.14740',
    baseline: 'leave-one-out',
    stepControl: 'clip',
    clips: true,
    critic: false,
    perTokenCredit: false,
    usesReference: true,
    betaMeaning: 'reference-kl',
    adaptiveKlMetric: 'kl/ref',
    usesLearningRate: true,
    trainsOn: 'rollouts',
    minGroupSize: 2,
    alsoIgnores: [],
    unlogged: [],
    knobs: [...ADAM, ...CLIP, ...REFERENCE_KL, ...LOSS],
    trl: { trainer: 'RLOOTrainer', exact: false, note: 'TRL\'s RLOOTrainer is the exact match; the script runs GRPOTrainer with scale_rewards="none", whose advantage r - group mean is (G-1)/G times the leave-one-out one.' },
  },
  ppo: {
    id: 'ppo',
    title: 'PPO-Clip',
    family: 'ppo',
    paper: 'arXiv:1707.06347',
    baseline: 'critic',
    stepControl: 'clip',
    clips: true,
    critic: true,
    perTokenCredit: true,
    usesReference: true,
    betaMeaning: 'reference-kl',
    adaptiveKlMetric: 'kl/ref',
    usesLearningRate: true,
    trainsOn: 'rollouts',
    minGroupSize: 1,
    alsoIgnores: [],
    unlogged: [],
    knobs: [...ADAM, ...CLIP, ...REFERENCE_KL, ...LOSS, ...CRITIC],
    trl: { trainer: 'PPOTrainer', exact: false, note: 'It learns a critic and uses GAE. The script runs the closest GRPO setup instead (same learning rate, clip range, epochs, sampling and rewards; the group mean replaces the critic): TRL\'s PPOTrainer needs a separate reward model.' },
  },
  'ppo-penalty': {
    id: 'ppo-penalty',
    title: 'PPO-Penalty',
    family: 'ppo',
    paper: 'arXiv:1707.06347',
    baseline: 'critic',
    stepControl: 'kl-penalty',
    clips: false,
    critic: true,
    perTokenCredit: true,
    usesReference: false,
    betaMeaning: 'old-policy-kl',
    adaptiveKlMetric: 'policy/kl_after_update',
    usesLearningRate: true,
    // Its unclipped surrogate is the shared one, so a sequence-level ratio (ratioLevel) applies too.
    trainsOn: 'rollouts',
    minGroupSize: 1,
    alsoIgnores: [],
    unlogged: [],
    knobs: [...ADAM, 'objective.ratioLevel', 'objective.earlyStopKl', 'objective.beta', 'objective.klSchedule', 'objective.klAdaptRule', 'objective.targetKl', 'objective.klHorizon', 'objective.betaFinal', 'objective.policyKl', ...LOSS, ...CRITIC],
    trl: { trainer: null, exact: false, note: 'TRL has no PPO-Penalty: no adaptive KL(π_old ‖ π) penalty. The script runs the closest GRPO setup.' },
  },
  trpo: {
    id: 'trpo',
    title: 'TRPO',
    family: 'trpo',
    paper: 'arXiv:1502.05477',
    baseline: 'critic',
    stepControl: 'trust-region',
    clips: false,
    critic: true,
    perTokenCredit: true,
    usesReference: true,
    betaMeaning: 'reference-kl',
    adaptiveKlMetric: 'kl/ref',
    usesLearningRate: false,
    // The policy's step comes from the trust region, so optim.lr (and the clip) go unread. The value
    // head is still fit with Adam at valueLr, over epochs x minibatches with gradClip, on the lr
    // schedule (warmup included); β follows klSchedule as for every algorithm (the trainer's BetaSchedule).
    trainsOn: 'rollouts',
    minGroupSize: 1,
    alsoIgnores: [],
    unlogged: [],
    knobs: [...ADAM.filter((k) => k !== 'optim.lr'), ...REFERENCE_KL, ...LOSS, ...CRITIC, ...TRUST_REGION, 'objective.policyKl'],
    trl: { trainer: null, exact: false, note: 'TRL has no TRPO trainer (no conjugate gradient, no line search). The script runs the closest GRPO setup.' },
  },
  grpo: {
    id: 'grpo',
    title: 'GRPO',
    family: 'grpo',
    paper: 'arXiv:2402.03300',
    baseline: 'group',
    stepControl: 'clip',
    clips: true,
    critic: false,
    perTokenCredit: false,
    usesReference: true,
    betaMeaning: 'reference-kl',
    adaptiveKlMetric: 'kl/ref',
    usesLearningRate: true,
    trainsOn: 'rollouts',
    minGroupSize: 2,
    alsoIgnores: [],
    unlogged: [],
    knobs: [...ADAM, ...CLIP, ...REFERENCE_KL, ...LOSS, 'objective.advantageScale'],
    trl: { trainer: 'GRPOTrainer', exact: true, note: 'GRPOTrainer runs it, knob for knob (Dr. GRPO, DAPO and GSPO through its options).' },
  },
  sft: {
    id: 'sft',
    title: 'SFT',
    family: 'supervised',
    paper: 'teacher-forced cross-entropy on gold traces (the warm start\'s own objective)',
    baseline: 'none',
    stepControl: 'none',
    clips: false,
    critic: false,
    perTokenCredit: false,
    usesReference: false,
    betaMeaning: 'reference-kl',
    adaptiveKlMetric: 'kl/ref',
    usesLearningRate: true,
    trainsOn: 'gold-traces',
    minGroupSize: 1,
    knobs: [...ADAM],
    // Nothing is sampled: G, the temperature, the rewards and the rollout tricks have nothing to act on.
    alsoIgnores: ['sampling.groupSize', 'sampling.temperature', 'sampling.topK', 'rewards', 'tricks'],
    // No samples: no reward, train accuracy, lengths, groups or rollout times; no advantage or ratio.
    unlogged: [...NO_ROLLOUT_METRICS, ...NO_ADVANTAGE_METRICS],
    trl: { trainer: 'SFTTrainer', exact: false, note: 'TRL\'s SFTTrainer trains on gold traces: the bundle\'s data/train has them (its prompt, trace and solution columns). No GRPOTrainer script or EasyR1 config is exported for it: both are RL, and would not reproduce this run.' },
  },
  rft: {
    id: 'rft',
    title: 'RFT (rejection sampling)',
    family: 'supervised',
    paper: 'arXiv:2203.14465 (STaR), arXiv:2304.06767 (RAFT)',
    baseline: 'none',
    stepControl: 'none',
    clips: false,
    critic: false,
    perTokenCredit: false,
    usesReference: false,
    betaMeaning: 'reference-kl',
    adaptiveKlMetric: 'kl/ref',
    usesLearningRate: true,
    trainsOn: 'accepted-samples',
    minGroupSize: 2,
    knobs: [...ADAM],
    alsoIgnores: [],
    // It logs the rollout's metrics (reward, train accuracy, lengths) and rft/accepted_frac, but has no advantage.
    unlogged: [...NO_ADVANTAGE_METRICS],
    trl: { trainer: null, exact: false, note: 'TRL has no rejection-sampling trainer: sample G answers per prompt with generate, keep those rewards.py\'s accuracy_reward scores 1, then train SFTTrainer on them (and repeat, for the online loop run here). No GRPOTrainer script or EasyR1 config is exported for it: both are RL, and would not reproduce this run.' },
  },
};
export const algorithmSpec = (id: AlgorithmId): AlgorithmSpec => ALGORITHM_SPECS[id];

/** Whether a string from outside (a form's select, a link) names an algorithm. */
export const isAlgorithmId = (id: string): id is AlgorithmId => Object.hasOwn(ALGORITHM_SPECS, id);

/** True when `path` (a dotted RunConfig path) is an objective/optim knob this algorithm ignores, or rewards.dense without per-token credit. */
export function ignoresKnob(id: AlgorithmId, path: string): boolean {
  const spec = ALGORITHM_SPECS[id];
  if (spec.alsoIgnores.some((p) => path === p || path.startsWith(`${p}.`))) return true;
  // Dense step rewards are per-token credit, which only a critic's GAE reads.
  if (path === 'rewards.dense' && !spec.perTokenCredit) return true;
  const knobbed = path.startsWith('objective.') || path.startsWith('optim.');
  return knobbed && path !== 'objective.algorithm' && !(spec.knobs as readonly string[]).includes(path);
}
