import { z } from 'zod';
import { ALGORITHM_SPECS, type AlgorithmSpec } from './algorithms/spec';
import { DEFAULT_MODEL_CONFIG, ModelConfigSchema } from './model/config';
import { ADVANTAGE_SCALES, KL_CHOICES, LOSS_AGGREGATIONS, POLICY_KL_CHOICES, POLICY_LOSS_LEVELS, TEMPORAL_ALPHA } from './rl/host';
import { REWARD_TASKS } from './rewards';
import { TASKS } from './tasks';
import { TASK_IDS, type TaskDef } from './tasks/types';
import { BOX_REWARDS } from './tasks/box';
import { OPEN_STAGE } from './train/curriculum';

/**
 * Run configuration: one zod schema per group, each field with a default and one doc line
 * (the UI shows `.describe()` as the field's help). Everything that crosses a boundary —
 * the URL, the worker, imports, the CLI — is parsed with these.
 */

export const DEFAULT_MAX_NEW_TOKENS = 24;

/** The longest run name, everywhere a name is checked: the config, run files, the worker's store. */
export const MAX_RUN_NAME_LENGTH = 200;

export const TaskSettingsSchema = z.object({
  task: z.enum(TASK_IDS).default('digit-sum').describe('Which visual-reasoning task the prompts come from.'),
  difficulty: z.number().int().min(1).max(5).default(1).describe('Task level (curriculum learning raises it).'),
  imageSize: z.number().int().min(16).max(128).default(32).describe('Side of the square image, in pixels (at least 16, so digits stay legible).'),
  jitter: z.number().min(0).max(1).default(0.5).describe('How much object positions and sizes wander (0 = canonical layouts).'),
  verbose: z.boolean().default(false).describe('Verbose gold traces (digit-sum): each equation followed by 0-3 redundant checks "= 7", so reasoning length varies (11-17 tokens for two digits) and length penalties, overlong shaping and loss aggregation have lengths to act on. Same pictures and answers.'),
});
export type TaskSettings = z.infer<typeof TaskSettingsSchema>;
export const DEFAULT_TASK_SETTINGS: TaskSettings = TaskSettingsSchema.parse({});

// ---------------------------------------------------------------------------------------
// Sampling (rollouts)
export const SamplingSchema = z.object({
  promptsPerIter: z.number().int().min(1).max(256).default(8).describe('B: prompts per iteration. TRL: per_device_train_batch_size / num_generations.'),
  groupSize: z.number().int().min(1).max(64).default(8).describe('G: responses sampled per prompt (GRPO\'s group). TRL: num_generations.'),
  temperature: z.number().min(0.05).max(5).default(1).describe('Softmax temperature for sampling and for the log-probs the loss uses (TRL divides logits by it too).'),
  topK: z.number().int().min(0).max(128).default(0).describe('Sample only among the k likeliest tokens (0 = off). The loss still uses the full distribution.'),
  maxNewTokens: z.number().int().min(4).max(64).default(DEFAULT_MAX_NEW_TOKENS).describe('L_max: response tokens generated. TRL: max_completion_length.'),
});

// Optimisation
export const OptimSchema = z.object({
  lr: z.number().positive().max(1e4).default(1e-4).describe('Adam learning rate of the policy. TRL: learning_rate. Sane: 1e-5 to 1e-4. Measured on the digit-sum warm start: 1e-3 destroys it in one update (KL 1.5, format 91% -> 0%); 1e-4 is stable. Values up to 1e4 are allowed so divergence can be watched (the run stops with "diverged at iteration N").'),
  valueLr: z.number().positive().max(1).default(3e-3).describe('Learning rate of the value head (PPO only).'),
  lrSchedule: z.enum(['constant', 'linear', 'cosine']).default('constant').describe('Decay of the learning rate over the run, after warm-up.'),
  warmupIters: z.number().int().min(0).max(10_000).default(0).describe('Iterations of linear learning-rate warm-up.'),
  epochs: z.number().int().min(1).max(16).default(1).describe('mu: passes over each rollout batch. With 1 (and 1 minibatch) the ratio is exactly 1 and nothing is clipped. TRL: num_iterations. Measured on the digit-sum warm start (B=16, G=8, 3 seeds): GRPO gains +20.6 points of held-out accuracy in 200 iterations with 1 epoch x 1 minibatch, +26.6 with 2 x 2 (PPO gains +28.6 with 2 x 2).'),
  minibatches: z.number().int().min(1).max(64).default(1).describe('Minibatches per epoch (each one optimizer step).'),
  gradClip: z.number().min(0).max(1000).default(1).describe('Clip the global gradient norm to this (0 = off). TRL: max_grad_norm.'),
});

// Objective: which advantage, which ratio, which clipping, which KL
export const ALGORITHMS = ['reinforce', 'rloo', 'ppo', 'ppo-penalty', 'trpo', 'grpo', 'sft', 'rft'] as const;
export const ObjectiveSchema = z.object({
  algorithm: z.enum(ALGORITHMS).default('grpo').describe('The family: REINFORCE with baseline, RLOO, PPO-Clip with a critic, PPO-Penalty, TRPO, or GRPO (Dr. GRPO, DAPO and GSPO are GRPO presets); or, for comparison, SFT on gold traces and RFT (rejection sampling: fine-tune on its own right answers).'),
  advantageScale: z.enum(ADVANTAGE_SCALES).default('group').describe('GRPO advantage (r - mean_group) / (std + 1e-4): std of the group, of the batch, or none (Dr. GRPO). TRL: scale_rewards.'),
  whitenAdvantages: z.boolean().default(true).describe('PPO: normalise GAE advantages to mean 0, std 1 over the batch.'),
  epsLow: z.number().min(0).max(1).default(0.2).describe('Clip the ratio below at 1 - epsLow (PPO-Clip). TRL: epsilon.'),
  epsHigh: z.number().min(0).max(10).default(0.2).describe('Clip the ratio above at 1 + epsHigh; DAPO\'s clip-higher raises it to 0.28. TRL: epsilon_high.'),
  dualClipC: z.number().min(0).max(100).default(0).describe('Dual-clip PPO (Ye et al. 2020, arXiv:1912.09729): a token with a negative advantage loses at most c times |A|, however far its ratio ran past c, so one token the new policy suddenly likes cannot dominate the step. 0 = off; veRL: clip_ratio_c = 3. Must be above 1. Charted as clip/dual.'),
  ratioLevel: z.enum(POLICY_LOSS_LEVELS).default('token').describe('Importance ratio per token (PPO, GRPO) or per sequence, length-normalised (GSPO). TRL: importance_sampling_level.'),
  lossAggregation: z.enum(LOSS_AGGREGATIONS).default('seq-mean-token-mean').describe('How per-token losses are averaged: over all tokens (DAPO), per sequence then over sequences (GRPO), or token sums / L_max (Dr. GRPO). TRL: loss_type = dapo | grpo | dr_grpo.'),
  beta: z.number().min(0).max(10).default(0.04).describe('Weight of the KL to the frozen reference policy. 0 drops the reference model entirely. TRL: beta.'),
  klEstimator: z.enum(KL_CHOICES).default('k3').describe('KL to the reference per token. From the sampled token, with x = log pi - log pi_ref: k1 = x, k2 = x^2/2, k3 = e^-x + x - 1 (GRPO and TRL use k3). exact: the sum over all 68 words, pi(v) (log pi(v) - log pi_ref(v)), no sampling noise and cheap at this vocabulary (a real LLM has ~150k tokens, which is why TRL samples). exact needs klMode loss.'),
  policyKl: z.enum(POLICY_KL_CHOICES).default('exact').describe('How KL(pi_old || pi) is measured where a controller acts on it: PPO-Penalty\'s penalty and its adaptive beta, TRPO\'s trust region and line search. exact (default): the sum over the 68-word vocabulary at every position, so beta reacts to the real drift rather than to one sampled token\'s noise, and TRPO\'s Fisher is the true one. k3: the sampled estimate (rho - 1 - log rho), what these used before.'),
  klMode: z.enum(['loss', 'reward']).default('loss').describe('KL as a term in the loss (GRPO) or subtracted from the per-token reward (PPO/RLHF).'),
  klSchedule: z.enum(['fixed', 'adaptive', 'linear', 'cosine']).default('fixed').describe('beta fixed; adaptive toward a target KL after every iteration (klAdaptRule says how); or moved from beta to betaFinal over the run, linearly or on a half cosine. OThink-MR1\'s dynamic KL (GRPO-D, arXiv:2503.16081) raises it: a small beta early lets the policy explore, a larger one late holds it near the reference (the grpo-d preset); betaFinal below beta decays it instead.'),
  klAdaptRule: z.enum(['proportional', 'halve-double']).default('proportional').describe('Adaptive beta\'s rule. proportional: beta times (1 + e / klHorizon), e = clip(KL / targetKl - 1, -0.2, 0.2) (Ziegler et al. 2019; TRL, veRL), a smooth change of at most 20% / klHorizon. halve-double: Schulman et al. 2017 (arXiv:1707.06347, section 4): beta halves when KL < targetKl / 1.5 and doubles when KL > 1.5 targetKl, else stays (klHorizon unused).'),
  targetKl: z.number().positive().max(10).default(0.02).describe('Adaptive beta: the KL it steers toward.'),
  klHorizon: z.number().int().min(1).max(1_000_000).default(100).describe('Adaptive beta (proportional rule): iterations over which beta can change by e-fold.'),
  betaFinal: z.number().min(0).max(10).default(0).describe('Scheduled beta (linear, cosine): the value it reaches by the last iteration, from beta. Above beta it rises (OThink-MR1\'s GRPO-D), below it decays.'),
  earlyStopKl: z.number().min(0).max(10).default(0).describe('Stop the epochs of an iteration once approx KL exceeds this (0 = off). CleanRL: target_kl.'),
  gamma: z.number().min(0).max(1).default(1).describe('PPO discount per token in GAE.'),
  lambda: z.number().min(0).max(1).default(0.95).describe('PPO GAE lambda: 0 = one-step TD, 1 = Monte Carlo.'),
  valueCoef: z.number().min(0).max(10).default(0.5).describe('PPO: weight of the value loss.'),
  valueClip: z.number().min(0).max(10).default(0.2).describe('PPO: clip value predictions to old +/- this (0 = off).'),
  entropyCoef: z.number().min(0).max(1).default(0).describe('Bonus on policy entropy (keeps exploration up).'),
  trpoMaxKl: z.number().positive().max(1).default(0.01).describe('TRPO: trust-region radius delta on the mean KL.'),
  trpoCgIters: z.number().int().min(1).max(50).default(10).describe('TRPO: conjugate-gradient iterations for F^-1 g.'),
  trpoDamping: z.number().min(0).max(1).default(0.1).describe('TRPO: damping added to the Fisher-vector product.'),
  trpoBacktracks: z.number().int().min(1).max(20).default(10).describe('TRPO: halvings tried by the line search.'),
  trpoFisherFrac: z.number().min(0.01).max(1).default(0.25).describe('TRPO: share of the batch the Fisher-vector products use (the TRPO paper used 10%); the gradient and the line search use all of it.'),
});

// Rewards: weights of the rule-based functions
export const RewardWeightsSchema = z.object({
  accuracy: z.number().min(-10).max(10).default(1).describe('1 if the answer inside <answer> is right.'),
  format: z.number().min(-10).max(10).default(0.2).describe('1 if the output follows <think> ... </think> <answer> X </answer> <eos>.'),
  step: z.number().min(-10).max(10).default(0).describe('Process reward (StepGRPO): share of the trace\'s steps that are right.'),
  length: z.number().min(-10).max(10).default(0).describe('DAPO soft overlong punishment near L_max, -1 if truncated.'),
  hackable: z.number().min(-10).max(10).default(0).describe('A bonus for saying "because": hackable on purpose, to watch reward hacking.'),
  stepRAR: z.number().min(-10).max(10).default(0).describe('StepGRPO\'s StepRAR: share of the gold key steps (readings, equations, any equivalent form) found anywhere in the trace. The paper pays accuracy + 0.1 x this.'),
  stepRVR: z.number().min(-10).max(10).default(0).describe('StepGRPO\'s StepRVR: 1 if the trace is complete and logical (readings, steps that follow, the answer as conclusion), else 0. Right readings are not asked.'),
  action: z.number().min(-10).max(10).default(0).describe('Click task only: 1 if the action type is right (UI-R1\'s action reward); accuracy already asks for it, with the point inside the box.'),
  distance: z.number().min(-10).max(10).default(0).describe('Click task only, hackable on purpose: partial credit 1 - d/16 by distance to the target\'s centre, which a policy can game by always clicking the middle of the screen.'),
});
const gate = (what: string) => z.boolean().default(false).describe(`Pay the ${what} term only when the answer is right (its value times the accuracy, 0 or 1).`);
export const RewardGatesSchema = z.object({
  format: gate('format'),
  step: gate('process (step)'),
  length: gate('length'),
  hackable: gate('"because"'),
  stepRAR: gate('StepRAR'),
  stepRVR: gate('StepRVR'),
});
export const RewardsSchema = z.object({
  weights: RewardWeightsSchema.default(RewardWeightsSchema.parse({})),
  gated: RewardGatesSchema.default(RewardGatesSchema.parse({})).describe('Gated rewards, as in the survey\'s compute_reasoning_reward (arXiv:2505.18536): a right answer earns 1 plus 0.2 for showing its work ("step" or "because"), a wrong one only partial credit for its steps. A gated function pays only on a right answer, so a well-worded wrong answer earns no bonus: gate hackable (weight 0.2) and leave step ungated to get that reward.'),
  combine: z.enum(['sum', 'product']).default('sum').describe('How the weighted terms w x value become the reward: their sum (TRL\'s reward_weights), or their product, where every weighted function must pay (accuracy x format: right and well formed, or nothing). A product needs terms that are never negative.'),
  overlongCache: z.number().int().min(1).max(32).default(4).describe('L_cache: length of the soft-penalty band below L_max (DAPO).'),
  dense: z.boolean().default(false).describe('Dense step rewards (StepGRPO): each StepRAR key step\'s share lands on the token that completes it, the rest of the reward on the last token, so a critic (PPO, TRPO) credits the steps inside the response. Off: one scalar at the end.'),
  box: z.enum(BOX_REWARDS).default('iou').describe('Box tasks (locate) only: how a box answer earns the accuracy reward. iou: its IoU with the gold box, 0 to 1 (Visual-RFT, arXiv:2503.01785); iou50: 1 when IoU >= 0.5, else 0; recall: the share of the gold box it covers, hackable on purpose (a box over the whole image earns 1: watch the held-out IoU fall while the reward climbs). Held-out evaluation always reports IoU.'),
});

// The survey's training improvements, each a switch
export const TricksSchema = z.object({
  dynamicSampling: z.boolean().default(false).describe('DAPO: drop groups whose rewards are all equal and sample more prompts to refill the batch.'),
  maxExtraRounds: z.number().int().min(0).max(16).default(3).describe('Dynamic sampling and online filtering: most extra rollout rounds per iteration to refill the batch (DAPO/veRL: max_num_gen_batches; EasyR1: max_try_make_batch); after them it trains on the groups it has, logs groups/kept below B and says so in a note.'),
  onlineFilter: z.boolean().default(false).describe('MM-EUREKA: keep only groups whose mean accuracy is strictly inside (filterLow, filterHigh), sampling more prompts to refill the batch (EasyR1\'s online_filtering).'),
  filterFreezeIters: z.number().int().min(0).max(100_000).default(0).describe('Online filtering: the first iterations that train on every group, unfiltered (MM-EUREKA / OpenRLHF: freezing_filter_steps).'),
  filterLow: z.number().min(0).max(1).default(0.01).describe('Online filtering: drop groups whose mean accuracy is at or below this (all wrong: nothing to learn).'),
  filterHigh: z.number().min(0).max(1).default(0.99).describe('Online filtering: drop groups whose mean accuracy is at or above this (all right: nothing to learn).'),
  curriculum: z.boolean().default(false).describe('Curr-ReFT: raise task difficulty when train accuracy passes the threshold. Held-out evaluation stays at the starting level (task.difficulty), so its curve keeps one meaning.'),
  curriculumThreshold: z.number().min(0).max(1).default(0.8).describe('Train accuracy (EMA) that moves the curriculum up a level.'),
  curriculumRewards: z.enum(['staged', 'fixed']).default('staged').describe('Curriculum: staged = Curr-ReFT\'s difficulty-aware rewards (arXiv:2503.07065): each stage (level above the start) pays its own accuracy, format and step weights, from generous (stage 1: format 0.5, step 0.5) to the answer only (stage 3: format 0.1, step 0), overriding rewards.weights for those three; fixed = rewards.weights at every level.'),
  curriculumFormat: z.enum(['open', 'staged']).default('open').describe('Curriculum: staged = Curr-ReFT\'s question formats (arXiv:2503.07065): stage 1 asks a binary question (two candidate answers after it, "sum of digits ? 5 7"), stage 2 a choice of three, stage 3 the open question; the answer and its reward stay the task\'s own. Tasks with room in the prompt only (digit-sum); the run must start two levels below the top (task.difficulty 1). Held-out evaluation always asks the open question. open = the open question at every stage.'),
  curriculumRejectIters: z.number().int().min(0).max(100_000).default(0).describe('Curriculum: Curr-ReFT\'s rejected-sampling self-improvement, the run\'s last N iterations (0 = off): the policy samples G answers per prompt, keeps the right ones and fine-tunes on them (the RFT algorithm\'s update) instead of the RL update.'),
  noisyRollout: z.boolean().default(false).describe('NoisyRollout: Gaussian noise on rollout images only (the update sees clean ones), annealed to 0.'),
  noiseMix: z.enum(['hybrid', 'all']).default('hybrid').describe('NoisyRollout: hybrid groups (the paper) sample half of each group from the clean image and half from the noisy one, so the group\'s advantage compares them; all = every rollout sees the noisy image.'),
  noiseStd: z.number().min(0).max(1).default(0.15).describe('NoisyRollout: initial noise standard deviation (pixels are 0-1).'),
  noiseSchedule: z.enum(['sigmoid', 'linear']).default('sigmoid').describe('NoisyRollout: how the noise anneals: sigmoid (the paper\'s code: std0 · (1 − σ(k · (t/A − m)))) or linear (std0 · (1 − t/A)).'),
  noiseAnneal: z.number().int().min(1).max(100_000).default(100).describe('NoisyRollout: A, the annealing horizon in iterations (the noise is gone by then).'),
  noiseMidpoint: z.number().min(0).max(1).default(0.5).describe('NoisyRollout, sigmoid: m, the share of the horizon where the noise is at half strength.'),
  noiseSteepness: z.number().positive().max(1000).default(30).describe('NoisyRollout, sigmoid: k, how sharp the fall is (the paper\'s decay_coef, 30).'),
  augment: z.enum(['none', 'crop', 'affine']).default('none').describe('Rollout image augmentation: RandomCrop or RandomAffine (shift + scale).'),
  selectByDifficulty: z.boolean().default(false).describe('ThinkLite-VL: before training, answer selectPool candidate prompts selectTries times each with the policy and train only on those it needs at least selectMinTries tries to solve (or never solves).'),
  selectPool: z.number().int().min(8).max(4096).default(128).describe('ThinkLite selection: candidate prompts tried before training.'),
  selectTries: z.number().int().min(2).max(64).default(8).describe('ThinkLite selection: K, answers sampled per candidate; a prompt never solved in K counts K + 1 tries.'),
  selectMinTries: z.number().int().min(1).max(65).default(2).describe('ThinkLite selection: keep prompts that needed at least this many tries (2 = drop those solved at the first try; selectTries + 1 = only the never solved).'),
  temporalGrpo: z.boolean().default(false).describe('T-GRPO (Video-R1): also sample each prompt\'s group on its frames shuffled; when the ordered group answers right more often than the shuffled one, its right answers earn temporalAlpha more reward. Frame-sequence tasks (motion) only; twice the sampling.'),
  temporalAlpha: z.number().min(0).max(2).default(TEMPORAL_ALPHA).describe('T-GRPO: α, the reward added to the right ordered-frame answers of a group whose ordered accuracy beats its shuffled accuracy (the paper: 0.3).'),
});

// The run itself
export const RunSchema = z.object({
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('Seed of prompts, sampling and (from scratch) weights: same seed, same run on the cpu backend.'),
  iterations: z.number().int().min(1).max(100_000).default(200).describe('Iterations in the run.'),
  init: z.enum(['sft', 'scratch']).default('sft').describe('Start from the task\'s supervised warm-start checkpoint or from random weights.'),
  evalEvery: z.number().int().min(0).max(10_000).default(10).describe('Evaluate held-out ID and OOD prompts every k iterations (0 = never).'),
  evalN: z.number().int().min(1).max(4096).default(64).describe('Held-out prompts per evaluation.'),
  keepBatches: z.number().int().min(0).max(100).default(5).describe('Rollout batches kept for the Inspect view.'),
});

/**
 * Sampling tricks that could never work with the group size: a filter that can keep no group
 * (so the batch could never be filled) and hybrid NoisyRollout groups too small to hold a clean
 * and a noisy rollout. With binary accuracy a group of G has mean accuracy k/G, k = 0..G.
 */
function samplingTrickRules(
  c: { sampling: z.infer<typeof SamplingSchema>; tricks: z.infer<typeof TricksSchema> },
  at: (path: string[], message: string) => void,
): void {
  const g = c.sampling.groupSize;
  const { tricks } = c;
  if (tricks.dynamicSampling && g < 2) at(['sampling', 'groupSize'], 'Dynamic sampling needs at least 2 samples per prompt: a group of 1 never has reward spread, so every group would be dropped.');
  if (tricks.onlineFilter && tricks.filterLow < tricks.filterHigh) {
    const possible = Array.from({ length: g + 1 }, (_, k) => k / g).filter((a) => a > tricks.filterLow && a < tricks.filterHigh);
    if (possible.length === 0) {
      at(['tricks', 'filterLow'], `Online filtering can keep no group: with G = ${g} a group's mean accuracy is a multiple of 1/${g}, and none lies strictly between filterLow (${tricks.filterLow}) and filterHigh (${tricks.filterHigh}). Widen the range or raise sampling.groupSize.`);
    }
  }
  if (tricks.noisyRollout && tricks.noiseMix === 'hybrid' && g < 2) at(['tricks', 'noiseMix'], 'Hybrid NoisyRollout groups need at least 2 samples per prompt (one clean, one noisy); raise sampling.groupSize or choose all.');
  if (tricks.selectByDifficulty && tricks.selectMinTries > tricks.selectTries + 1) at(['tricks', 'selectMinTries'], `Must be at most selectTries + 1 (${tricks.selectTries + 1}, never solved): no prompt can need more tries than that.`);
  // The selection measures difficulty at the starting level; the curriculum would train those prompts at other levels.
  if (tricks.selectByDifficulty && tricks.curriculum) at(['tricks', 'selectByDifficulty'], 'ThinkLite selection measures each prompt\'s difficulty at the starting level, and the curriculum changes the level: turn one of them off.');
}

export const RunConfigSchema = z.object({
  name: z.string().max(MAX_RUN_NAME_LENGTH).default('').describe('Run name (shown in the runs list).'),
  preset: z.string().max(40).default('grpo').describe('The preset these values started from.'),
  task: TaskSettingsSchema.default(DEFAULT_TASK_SETTINGS),
  model: ModelConfigSchema.default(DEFAULT_MODEL_CONFIG),
  sampling: SamplingSchema.default(SamplingSchema.parse({})),
  optim: OptimSchema.default(OptimSchema.parse({})),
  objective: ObjectiveSchema.default(ObjectiveSchema.parse({})),
  rewards: RewardsSchema.default(RewardsSchema.parse({})),
  tricks: TricksSchema.default(TricksSchema.parse({})),
  run: RunSchema.default(RunSchema.parse({})),
})
  // The model's vocabulary is the task's (TaskDef.vocabSize), never a free choice: a base task's
  // warm start has 68 rows, a later task's needs the appended words.
  .overwrite((c) => (c.model.vocabSize === TASKS[c.task.task].vocabSize ? c : { ...c, model: { ...c.model, vocabSize: TASKS[c.task.task].vocabSize } }))
  // Rules that tie fields of different groups together; each issue names the field to fix, so
  // the config panel shows it there and the worker refuses the same configs the form does.
  .superRefine((c, ctx) => {
    const at = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (c.task.imageSize !== c.model.imageSize) at(['model', 'imageSize'], `Must equal the task's image size (${c.task.imageSize}).`);
    if (c.sampling.maxNewTokens > c.model.maxResponseLen) at(['sampling', 'maxNewTokens'], `Must be at most the model's maxResponseLen (${c.model.maxResponseLen}).`);
    const alg = ALGORITHM_SPECS[c.objective.algorithm];
    if (alg.baseline === 'leave-one-out' && c.sampling.groupSize < 2) at(['sampling', 'groupSize'], `${alg.title} needs at least 2 samples per prompt (a leave-one-out baseline).`);
    // A group of one is its own mean: every advantage is 0 and the run would train silently on nothing.
    if (alg.baseline === 'group' && c.sampling.groupSize < 2) at(['sampling', 'groupSize'], `${alg.title} needs at least 2 samples per prompt (its baseline is the group's mean; a group of 1 gives every advantage 0).`);
    const issue = algorithmTaskIssue(alg, TASKS[c.task.task], c.sampling.groupSize);
    if (issue) at(issue.path, issue.message);
    const levels = TASKS[c.task.task].levels;
    if (c.task.difficulty > levels) at(['task', 'difficulty'], `The ${c.task.task} task has ${levels} levels.`);
    if (c.task.verbose && TASKS[c.task.task].verboseTraces !== true) at(['task', 'verbose'], `The ${c.task.task} task has no verbose trace style (digit-sum has one): turn task.verbose off.`);
    // The exact KL sums over π_old's whole distribution, which the KL-in-reward path (scores fixed before the update) does not keep.
    if (c.objective.klEstimator === 'exact' && c.objective.klMode === 'reward') at(['objective', 'klEstimator'], 'The exact KL works with klMode loss only (in the reward it would need the sampling policy\'s whole distribution); pick k1, k2 or k3, or set klMode to loss.');
    if (c.objective.dualClipC > 0 && c.objective.dualClipC <= 1) at(['objective', 'dualClipC'], 'Must be above 1 (the ratio past which a negative advantage\'s loss stops growing), or 0 for off.');
    if (c.rewards.combine === 'product') {
      // A product of terms that can be negative flips sign with every penalty: refused at the field that asked for it.
      const negative = Object.entries(c.rewards.weights).filter(([name, w]) => w < 0 || (name === 'length' && w !== 0)).map(([name]) => name);
      if (negative.length > 0) at(['rewards', 'combine'], `A product needs terms that are never negative, but ${negative.map((n) => `rewards.weights.${n}`).join(' and ')} can be (length is a penalty from 0 down to -1; a negative weight flips a term): set ${negative.length > 1 ? 'them' : 'it'} to 0 or use sum.`);
    }
    const dense = denseRewardsIssue(alg, c.rewards);
    if (dense) at(['rewards', 'dense'], dense);
    if (c.rewards.box !== 'iou' && !TASKS[c.task.task].goldBox) at(['rewards', 'box'], `The ${c.rewards.box} box reward grades boxes, and the ${c.task.task} task answers no boxes: set it to iou (the task's own accuracy) or pick the locate task.`);
    if (c.tricks.temporalGrpo && !TASKS[c.task.task].shuffleFrames) {
      at(['tricks', 'temporalGrpo'], `T-GRPO compares answers on ordered and shuffled frames, and the ${c.task.task} task is a single picture with no frames to shuffle: pick a frame-sequence task (motion) or turn it off.`);
    }
    if (c.tricks.filterLow >= c.tricks.filterHigh) at(['tricks', 'filterHigh'], `Must be above filterLow (${c.tricks.filterLow}).`);
    for (const [name, tasks] of Object.entries(REWARD_TASKS)) {
      const w = c.rewards.weights[name as keyof typeof c.rewards.weights];
      if (w !== 0 && !tasks.includes(c.task.task)) at(['rewards', 'weights', name], `The ${name} reward scores the answers of the ${tasks.join(', ')} task only, and this run's task is ${c.task.task}: set it to 0.`);
    }
    samplingTrickRules(c, at);
    const curr = curriculumIssue(alg, c);
    if (curr) at(curr.path, curr.message);
    const fmt = curriculumFormatIssue(TASKS[c.task.task], c);
    if (fmt) at(['tricks', 'curriculumFormat'], fmt);
  });

/**
 * Curr-ReFT's staged question formats (tricks.curriculumFormat) refused where they cannot act:
 * without the curriculum, on a task that asks open questions only (its declared `choiceFormats`),
 * and from a starting level too high for the curriculum to reach the open-question stage
 * (OPEN_STAGE: stage 3 is two levels above the start), which would train closed questions to the
 * end while evaluation asks open ones. Pure, so it is tested with a made-up task.
 */
export function curriculumFormatIssue(
  task: Pick<TaskDef, 'id' | 'levels' | 'choiceFormats'>,
  c: { tricks: Pick<z.infer<typeof TricksSchema>, 'curriculum' | 'curriculumFormat'>; task: Pick<TaskSettings, 'difficulty'> },
): string | null {
  if (c.tricks.curriculumFormat !== 'staged') return null;
  if (!c.tricks.curriculum) return 'The question formats are the curriculum\'s stages: turn tricks.curriculum on, or set this to open.';
  if (task.choiceFormats !== true) {
    const withFormats = TASK_IDS.filter((id) => TASKS[id].choiceFormats === true).join(', ');
    return `The ${task.id} task asks open questions only (its prompt has no room for three candidate answers within the model's 8 prompt positions): set this to open, or pick a task with candidate formats (${withFormats}).`;
  }
  const top = task.levels - (OPEN_STAGE - 1);
  if (c.task.difficulty > top) return `The open question is stage ${OPEN_STAGE}, ${OPEN_STAGE - 1} levels above the start, and the ${task.id} task has ${task.levels}: set task.difficulty to ${top} or lower, or set this to open.`;
  return null;
}
/**
 * Curr-ReFT's self-improvement stage (tricks.curriculumRejectIters) refused where it cannot act:
 * without the curriculum it belongs to, when it would take the whole run (no RL stage before it),
 * on an algorithm that already keeps right samples or samples nothing, and with too small a group
 * for the RFT update to choose among (its spec's minGroupSize).
 */
export function curriculumIssue(
  alg: Pick<AlgorithmSpec, 'title' | 'trainsOn'>,
  c: { tricks: Pick<z.infer<typeof TricksSchema>, 'curriculum' | 'curriculumRejectIters'>; run: Pick<z.infer<typeof RunSchema>, 'iterations'>; sampling: Pick<z.infer<typeof SamplingSchema>, 'groupSize'> },
): { path: string[]; message: string } | null {
  const n = c.tricks.curriculumRejectIters;
  if (n === 0) return null;
  const path = ['tricks', 'curriculumRejectIters'];
  if (!c.tricks.curriculum) return { path, message: 'The self-improvement stage ends the curriculum: turn tricks.curriculum on, or set this to 0.' };
  if (n >= c.run.iterations) return { path, message: `Must be below run.iterations (${c.run.iterations}): the self-improvement stage follows the curriculum's RL stages, which need at least one iteration.` };
  if (alg.trainsOn !== 'rollouts') return { path, message: `${alg.title} does not train with RL on its own samples, so there is no RL stage to follow: pick an RL algorithm (GRPO, PPO, ...) or set this to 0.` };
  const min = ALGORITHM_SPECS.rft.minGroupSize;
  if (c.sampling.groupSize < min) return { path: ['sampling', 'groupSize'], message: `The self-improvement stage keeps the right answers among G samples and needs at least ${min} per prompt (G = ${c.sampling.groupSize}).` };
  return null;
}
/**
 * What the algorithm's declared facts (its spec) refuse in this task and group size, at the field
 * to fix: SFT on a task without gold traces (the task's declared `hasGoldTraces`), and an
 * algorithm that chooses among samples (RFT keeps the right ones of G) with fewer than its
 * `minGroupSize`. Pure, so it is tested with a made-up task.
 */
export function algorithmTaskIssue(alg: AlgorithmSpec, task: Pick<TaskDef, 'id' | 'hasGoldTraces'>, groupSize: number): { path: string[]; message: string } | null {
  if (alg.trainsOn === 'gold-traces' && !task.hasGoldTraces) {
    return { path: ['objective', 'algorithm'], message: `${alg.title} trains on gold reasoning traces, and the ${task.id} task has none: pick another task, or an algorithm that learns from rewards (GRPO, RFT).` };
  }
  if (alg.trainsOn === 'accepted-samples' && groupSize < alg.minGroupSize) {
    return { path: ['sampling', 'groupSize'], message: `${alg.title} needs at least ${alg.minGroupSize} samples per prompt: it keeps the right answers among G and fine-tunes on them, and with G = ${groupSize} there is nothing to choose among.` };
  }
  return null;
}

/**
 * Dense rewards need an algorithm that credits tokens one by one (its declared
 * `perTokenCredit`), a StepRAR term to place, and a sum to split; null when they are fine or off.
 */
export function denseRewardsIssue(alg: Pick<AlgorithmSpec, 'title' | 'perTokenCredit'>, r: Pick<z.infer<typeof RewardsSchema>, 'dense' | 'weights' | 'combine'>): string | null {
  if (!r.dense) return null;
  if (!alg.perTokenCredit) return `${alg.title} gives every token of a response one shared advantage, so rewards placed on a step's tokens add back up to the same scalar: turn rewards.dense off, or pick an algorithm with a critic (PPO-Clip, PPO-Penalty, TRPO).`;
  if (r.weights.stepRAR === 0) return 'Dense rewards place the StepRAR term on its key steps\' tokens, and rewards.weights.stepRAR is 0: give it a weight, or turn rewards.dense off.';
  if (r.combine === 'product') return 'A product of terms does not split over tokens: set rewards.combine to sum, or turn rewards.dense off.';
  return null;
}

export type RunConfig = z.infer<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export const DEFAULT_RUN_CONFIG: RunConfig = RunConfigSchema.parse({});
