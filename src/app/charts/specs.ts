/**
 * The small multiples: which metrics share a chart. Per-function rewards
 * (`reward/<fn>/mean`) join the reward chart when a run reports them.
 */

export interface SeriesSpec {
  key: string;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  series: SeriesSpec[];
  /** Extra series found in the data by key pattern (label from the first capture group). */
  pattern?: RegExp;
  /** Show only when some run reports one of the series (PPO's value metrics). */
  optional?: boolean;
  /** A fixed y range (fractions: [0, 1], so a chart of shares always reads the same). */
  domain?: [number, number];
  note?: string;
  /** One plain-language line under the title: what up or down means, what healthy looks like. */
  explain: string;
  /** What the empty chart says when runs have data but none for this chart (instead of "No data yet"). */
  emptyNote?: string;
}

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'reward',
    title: 'Reward',
    series: [{ key: 'reward/mean', label: 'total' }],
    pattern: /^reward\/(.+)\/mean$/,
    explain: 'Mean reward of the rollout\'s answers: up is the policy earning more. Healthy: rises, then levels off. Components with weight 0 are not drawn.',
    emptyNote: 'Not measured: SFT samples nothing, so nothing is rewarded (its cross-entropy is in the Policy loss chart, its accuracy in the Accuracy chart\'s eval lines).',
  },
  {
    id: 'accuracy',
    title: 'Accuracy',
    series: [
      { key: 'acc/train', label: 'train' },
      { key: 'acc/eval_id', label: 'eval ID' },
      { key: 'acc/eval_shift', label: 'eval visual shift' },
      { key: 'acc/eval_ood', label: 'eval novel answers (OOD)' },
      { key: 'format/rate', label: 'format rate' },
    ],
    domain: [0, 1],
    explain: 'Share of right answers (0 to 1); eval lines are held-out prompts, the band ±1 standard error of evalN prompts. Visual shift: training\'s answers in pictures it never shows; novel answers (OOD): answers never trained on. Healthy: up, eval close to train.',
  },
  {
    id: 'kl',
    title: 'KL to reference',
    series: [{ key: 'kl/ref', label: 'KL(π‖π_ref)' }],
    explain: 'How far the policy has drifted from the reference (the start model). 0 is no change; a slow rise is normal, a jump means the policy is running away.',
    emptyNote: 'Not measured: with β = 0 throughout the run the trainer keeps no reference model, so there is no KL to it (an imported run may simply not have logged it). Set β > 0 to chart it; Approx KL still shows each update\'s step.',
  },
  {
    id: 'beta',
    title: 'KL coefficient β',
    series: [{ key: 'kl/beta', label: 'β' }],
    optional: true,
    explain: 'The weight of the KL term. Fixed: a flat line. Scheduled: moves from beta to betaFinal (GRPO-D raises it). Adaptive: climbs while the measured KL is above targetKl and falls while below; halve-double jumps by 2×, the proportional rule creeps.',
  },
  {
    id: 'penalty-kl',
    title: 'KL after update (PPO-Penalty)',
    series: [{ key: 'policy/kl_after_update', label: 'KL(π_old‖π) after' }],
    optional: true,
    explain: 'What PPO-Penalty\'s adaptive β steers: the KL from the sampling policy once the update is done. Healthy: hovering around targetKl; far above means β is too small, far below too large.',
  },
  {
    id: 'trpo-step',
    title: 'Trust region step (TRPO)',
    series: [
      { key: 'trpo/step_frac', label: 'step fraction' },
      { key: 'trpo/accepted', label: 'accepted' },
    ],
    optional: true,
    domain: [0, 1],
    explain: 'The share of the full natural-gradient step the line search kept (1 = all of it, 0.5 = one halving) and whether a step was taken at all (1) or θ stayed put (0). Mostly 1 is a trust region that fits; small fractions mean the quadratic KL model overshoots.',
  },
  {
    id: 'trpo-search',
    title: 'Line search and CG (TRPO)',
    series: [
      { key: 'trpo/backtracks', label: 'backtracks' },
      { key: 'trpo/cg_iters', label: 'CG iterations' },
    ],
    optional: true,
    explain: 'Halvings the line search needed before the KL and improvement tests passed (0 is best), and conjugate-gradient iterations spent on F⁻¹g (at trpoCgIters: it never reached its tolerance).',
  },
  {
    id: 'approx-kl',
    title: 'Approx KL (π_old → π)',
    series: [{ key: 'policy/approx_kl', label: 'approx KL' }],
    explain: 'How far one iteration\'s update moved the policy from π_old, the one that sampled the rollout. Small (about 0.01 or less) is healthy; big means steps too large.',
  },
  {
    id: 'clip',
    title: 'Clip fraction',
    series: [
      { key: 'clip/low', label: 'low (r<1−ε, A<0)' },
      { key: 'clip/high', label: 'high (r>1+ε, A>0)' },
      { key: 'clip/dual', label: 'dual (r>c, A<0)' },
      { key: 'clip/low_min', label: 'low, min over steps' },
      { key: 'clip/high_max', label: 'high, max over steps' },
    ],
    domain: [0, 1],
    explain: 'Share of tokens (0 to 1, averaged over the updates) whose ratio π/π_old left the clip range and stopped giving gradient; min and max are the extremes among the iteration\'s steps, dual the tokens whose loss the dual clip capped. A few percent is healthy; high means steps too large.',
    note: 'With one epoch and one minibatch the ratio is exactly 1, so nothing is clipped: these stay at 0.',
  },
  {
    id: 'entropy',
    title: 'Entropy',
    series: [{ key: 'entropy', label: 'entropy (nats/token)' }],
    explain: 'How unsure the policy is about its next token. It falls as the policy grows confident; a fall to near 0 early means it stopped exploring.',
  },
  {
    id: 'length',
    title: 'Response length',
    series: [
      { key: 'len/mean', label: 'mean' },
      { key: 'len/max', label: 'max' },
      { key: 'len/min', label: 'min' },
      { key: 'len/terminated_mean', label: 'mean of finished' },
    ],
    explain: 'Tokens per answer: mean, max and min, and the mean of the answers that ended before L_max. Healthy: steady or slowly changing; a climb to L_max often means the policy found a way to pad its answers.',
  },
  {
    id: 'truncated',
    title: 'Truncated share',
    series: [{ key: 'len/truncated_frac', label: 'hit L_max' }],
    domain: [0, 1],
    explain: 'Share of answers (0 to 1) cut off at L_max before they ended. Healthy: near 0.',
  },
  {
    id: 'advantage',
    title: 'Advantages',
    series: [
      { key: 'adv/std', label: 'adv std' },
    ],
    explain: 'How much the advantages differ between answers: 0 means every answer looked alike and there is nothing to learn from. The share of such groups has its own chart.',
  },
  {
    id: 'zero-std',
    title: 'Zero-variance groups',
    series: [{ key: 'groups/zero_std_frac', label: 'share of groups' }],
    domain: [0, 1],
    explain: 'Share of groups (0 to 1) whose G answers all got the same reward: their advantage is 0 and they teach nothing. Counted on the first sampling round, before online filtering or dynamic sampling drop any. Lower means more of the batch teaches.',
  },
  // The sampling and data tricks' controllers (src/engine/train/{augment,filter,curriculum}.ts): each chart appears once a run reports it.
  {
    id: 'batch-fill',
    title: 'Batch filling (filters)',
    series: [
      { key: 'groups/kept', label: 'groups kept' },
      { key: 'sampling/rounds', label: 'sampling rounds' },
    ],
    optional: true,
    explain: 'Dynamic sampling and online filtering drop groups that teach nothing, then sample more prompts. Groups kept should sit at B (the batch full); more rounds means the filter is working hard. Kept below B: the rounds ran out and that update used a smaller batch.',
  },
  {
    id: 'noise',
    title: 'Noise strength (NoisyRollout)',
    series: [{ key: 'noise/std', label: 'noise std' }],
    optional: true,
    explain: 'Standard deviation of the pixel noise on the rollout images (pixels run 0 to 1). It falls on its schedule to 0, so late rollouts see what held-out prompts show.',
  },
  {
    id: 'noise-accuracy',
    title: 'Clean vs noisy rollouts',
    series: [
      { key: 'noise/acc_clean', label: 'clean' },
      { key: 'noise/acc_noisy', label: 'noisy' },
      { key: 'noise/acc_gap', label: 'gap (clean − noisy)' },
    ],
    optional: true,
    explain: 'Share of right answers among the rollouts sampled from the clean image and from the noisy one, in the same groups. A gap above 0 means the noise makes answers wrong, so the group\'s advantage favours what the clean rollouts did; it closes as the noise fades.',
  },
  {
    id: 'temporal-accuracy',
    title: 'Ordered vs shuffled frames (T-GRPO)',
    series: [
      { key: 'temporal/acc_ordered', label: 'ordered' },
      { key: 'temporal/acc_shuffled', label: 'shuffled' },
      { key: 'temporal/bonus_frac', label: 'groups paid the bonus' },
    ],
    optional: true,
    explain: 'Share of right answers when each prompt is answered on its frames in order and on the same frames shuffled, and the share of groups whose ordered accuracy beat the shuffled one (their right answers earn α more). Ordered well above shuffled means the policy reads the order of the frames; the two together means it answers from single frames, which shuffling does not hide.',
  },
  {
    id: 'off-policy',
    title: 'Off-policy ratio (noisy → clean)',
    series: [
      { key: 'sampling/importance_sampling_ratio/mean', label: 'mean' },
      { key: 'sampling/importance_sampling_ratio/min', label: 'min' },
      { key: 'sampling/importance_sampling_ratio/max', label: 'max' },
    ],
    optional: true,
    explain: 'Tokens of noisy rollouts were sampled from the policy looking at the noisy image but are trained as if it had seen the clean one. This is π(token | clean) / π(token | noisy) over those tokens: 1 is no mismatch; far from 1 means the update learns from answers the policy would not give.',
  },
  {
    id: 'selection',
    title: 'Selected difficulty (ThinkLite)',
    series: [
      { key: 'select/tries_1', label: 'solved at try 1' },
      { key: 'select/tries_2-4', label: 'tries 2-4' },
      { key: 'select/tries_5+', label: 'tries 5+' },
      { key: 'select/tries_unsolved', label: 'never solved' },
    ],
    optional: true,
    domain: [0, 1],
    explain: 'Before training, the policy tried each candidate prompt K times; only those it needed enough tries for were kept. Each line is the share of this iteration\'s prompts by how many tries the policy needed: the selected difficulty mix.',
  },
  {
    id: 'curriculum',
    title: 'Curriculum level and stage',
    series: [
      { key: 'curriculum/level', label: 'level' },
      { key: 'curriculum/stage', label: 'stage' },
    ],
    optional: true,
    explain: 'The task level the rollouts sample at: it steps up once smoothed train accuracy passes the threshold. The stage (Curr-ReFT) is the level counted from the start, each with its own reward weights (1: format and steps pay half as much as the answer, 3: the answer only) and, with staged question formats, its own question (1: two candidate answers, 2: three, 3: the open question); stage 4 is the rejection-sampling self-improvement at the end (right answers kept and imitated). Held-out eval stays at the starting level and the open question, so the accuracy chart keeps one meaning.',
  },
  {
    id: 'curriculum-format',
    title: 'Train accuracy by question format (Curr-ReFT)',
    series: [
      { key: 'curriculum/acc_binary', label: 'binary (2 candidates)' },
      { key: 'curriculum/acc_choice', label: 'choice (3 candidates)' },
      { key: 'curriculum/acc_open', label: 'open' },
      { key: 'curriculum/answer_in_candidates', label: 'answers naming a candidate' },
    ],
    optional: true,
    domain: [0, 1],
    explain: 'With staged question formats, each iteration asks one format: its train accuracy is drawn on that format\'s line. A binary question is right half the time by guessing among its two candidates and a 3-way choice a third of the time, so the lines are not comparable to each other; watch each climb, and the held-out accuracy (always the open question) for what carries over. Answers naming a candidate: the share of closed-question answers that are one of the listed candidates; 1 is a policy choosing among them, far less one that ignores them and answers its own reading.',
  },
  {
    id: 'value',
    title: 'Critic (PPO)',
    series: [
      { key: 'loss/value', label: 'value loss' },
      { key: 'value/explained_var', label: 'explained var' },
    ],
    optional: true,
    explain: 'How well the critic predicts returns: value loss down and explained variance up toward 1 is a critic that is learning.',
  },
  {
    id: 'policy-loss',
    title: 'Policy loss',
    series: [{ key: 'loss/policy', label: 'loss' }],
    explain: 'The number the optimizer lowers. In RL it need not fall: it depends on the batch\'s advantages, so read reward and accuracy for progress.',
  },
  {
    id: 'grad',
    title: 'Grad norm',
    series: [{ key: 'grad/norm', label: '‖g‖ (before clip)' }],
    explain: 'Size of the gradient before clipping. Healthy: bounded and noisy; spikes that grow mean the run is about to diverge.',
  },
  {
    // Runs imported from TRL / veRL / W&B (src/engine/export/external.ts) keep what has no key here under `ext/<their name>`.
    id: 'imported',
    title: 'Imported, no counterpart',
    series: [],
    pattern: /^ext\/(.+)$/,
    optional: true,
    note: 'Metrics of an imported run that no playground metric matches, under their own names.',
    explain: 'What the other trainer logged that has no playground chart; read it with that trainer\'s documentation.',
  },
  {
    id: 'time',
    title: 'Step time (ms)',
    series: [
      { key: 'time/rollout_ms', label: 'rollout' },
      { key: 'time/update_ms', label: 'update' },
    ],
    explain: 'Milliseconds per iteration: the rollout (sampling and scoring) and the update. Lower is faster; it says nothing about learning.',
  },
];

/** The charts the Compare view shows. */
export const COMPARE_CHARTS = ['reward', 'accuracy', 'kl', 'length', 'imported'] as const;

/** Dash patterns tell a chart's series apart; colour tells runs apart. */
export const DASHES = ['', '5 3', '2 2', '8 3 2 3', '1 3'] as const;
