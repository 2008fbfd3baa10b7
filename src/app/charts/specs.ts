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
  domain?: [number, number];
  note?: string;
}

export const CHARTS: readonly ChartSpec[] = [
  { id: 'reward', title: 'Reward', series: [{ key: 'reward/mean', label: 'total' }], pattern: /^reward\/(.+)\/mean$/ },
  {
    id: 'accuracy',
    title: 'Accuracy',
    series: [
      { key: 'acc/train', label: 'train' },
      { key: 'acc/eval_id', label: 'eval ID' },
      { key: 'acc/eval_ood', label: 'eval OOD' },
    ],
    domain: [0, 1],
  },
  { id: 'kl', title: 'KL to reference', series: [{ key: 'kl/ref', label: 'KL(π‖π_ref)' }] },
  { id: 'approx-kl', title: 'Approx KL (π_old → π)', series: [{ key: 'policy/approx_kl', label: 'approx KL' }] },
  {
    id: 'clip',
    title: 'Clip fraction',
    series: [
      { key: 'clip/low', label: 'low (r<1−ε, A<0)' },
      { key: 'clip/high', label: 'high (r>1+ε, A>0)' },
    ],
    note: 'With one epoch and one minibatch the ratio is exactly 1, so nothing is clipped: these stay at 0.',
  },
  { id: 'entropy', title: 'Entropy', series: [{ key: 'entropy', label: 'entropy (nats/token)' }] },
  {
    id: 'length',
    title: 'Response length',
    series: [
      { key: 'len/mean', label: 'mean' },
      { key: 'len/max', label: 'max' },
    ],
  },
  { id: 'truncated', title: 'Truncated share', series: [{ key: 'len/truncated_frac', label: 'hit L_max' }], domain: [0, 1] },
  {
    id: 'advantage',
    title: 'Advantages',
    series: [
      { key: 'adv/std', label: 'adv std' },
      { key: 'groups/zero_std_frac', label: 'zero-variance groups' },
    ],
  },
  {
    id: 'value',
    title: 'Critic (PPO)',
    series: [
      { key: 'loss/value', label: 'value loss' },
      { key: 'value/explained_var', label: 'explained var' },
    ],
    optional: true,
  },
  { id: 'policy-loss', title: 'Policy loss', series: [{ key: 'loss/policy', label: 'loss' }] },
  { id: 'grad', title: 'Grad norm', series: [{ key: 'grad/norm', label: '‖g‖ (before clip)' }] },
  {
    // Runs imported from TRL / veRL / W&B (src/engine/export/external.ts) keep what has no key here under `ext/<their name>`.
    id: 'imported',
    title: 'Imported, no counterpart',
    series: [],
    pattern: /^ext\/(.+)$/,
    optional: true,
    note: 'Metrics of an imported run that no playground metric matches, under their own names.',
  },
  {
    id: 'time',
    title: 'Step time (ms)',
    series: [
      { key: 'time/rollout_ms', label: 'rollout' },
      { key: 'time/update_ms', label: 'update' },
    ],
  },
];

/** The charts the Compare view shows. */
export const COMPARE_CHARTS = ['reward', 'accuracy', 'kl', 'length', 'imported'] as const;

/** Dash patterns tell a chart's series apart; colour tells runs apart. */
export const DASHES = ['', '5 3', '2 2', '8 3 2 3', '1 3'] as const;
