/**
 * A preset is a named set of values of the shared knobs (config.ts). GRPO is the defaults;
 * every other preset says only what it changes, so `presetDiff('dapo')` is exactly how DAPO
 * differs from GRPO — what the UI shows a learner. Presets are config, not algorithms: they sit
 * beside config.ts, tfjs-free, so the page, the worker and the CLI all read them.
 */
import { DEFAULT_RUN_CONFIG, RunConfigSchema, type RunConfig, type RunConfigInput } from './config';
import { getPath, leaves, setPath, type Json } from './paths';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ConfigOverrides = DeepPartial<Omit<RunConfig, 'name' | 'preset'>>;

export const PRESET_IDS = ['reinforce', 'rloo', 'ppo', 'ppo-penalty', 'trpo', 'grpo', 'dr-grpo', 'dapo', 'gspo', 'grpo-d', 'sft', 'rft'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface Preset {
  id: PresetId;
  title: string;
  /** One line, citing the paper. */
  summary: string;
  overrides: ConfigOverrides;
}

export const PRESETS: Readonly<Record<PresetId, Preset>> = {
  reinforce: {
    id: 'reinforce',
    title: 'REINFORCE',
    summary: 'Policy gradient with the batch-mean reward as baseline, one update per rollout, no critic and no KL (Williams 1992).',
    overrides: { objective: { algorithm: 'reinforce', beta: 0 } },
  },
  rloo: {
    id: 'rloo',
    title: 'RLOO',
    summary: 'REINFORCE with a leave-one-out baseline over the G samples of each prompt, KL to the reference in the reward (Ahmadian et al. 2024, arXiv:2402.14740; TRL RLOOTrainer).',
    overrides: { objective: { algorithm: 'rloo', beta: 0.05, klMode: 'reward', klEstimator: 'k1' } },
  },
  ppo: {
    id: 'ppo',
    title: 'PPO-Clip',
    summary: 'Clipped surrogate with the value head as critic, GAE advantages, per-token KL in the reward, 2 epochs x 2 minibatches (Schulman et al. 2017, arXiv:1707.06347; Ziegler et al. 2019; TRL PPOTrainer).',
    overrides: {
      optim: { epochs: 2, minibatches: 2 },
      objective: { algorithm: 'ppo', beta: 0.04, klMode: 'reward', klEstimator: 'k1', gamma: 1, lambda: 0.95, valueCoef: 0.5, valueClip: 0.2, whitenAdvantages: true },
    },
  },
  'ppo-penalty': {
    id: 'ppo-penalty',
    title: 'PPO-Penalty',
    summary: 'No clipping: a KL(π_old || π) penalty whose β adapts toward a target KL after every iteration (Schulman et al. 2017, arXiv:1707.06347, eq. 8).',
    overrides: {
      optim: { epochs: 2, minibatches: 2 },
      objective: { algorithm: 'ppo-penalty', beta: 1, klSchedule: 'adaptive', targetKl: 0.01, klHorizon: 10, gamma: 1, lambda: 0.95 },
    },
  },
  trpo: {
    id: 'trpo',
    title: 'TRPO',
    summary: 'Natural-gradient step by conjugate gradient on Fisher-vector products, then a line search that keeps mean KL <= δ (Schulman et al. 2015, arXiv:1502.05477).',
    overrides: { objective: { algorithm: 'trpo', beta: 0, trpoMaxKl: 0.01, gamma: 1, lambda: 0.95 } },
  },
  grpo: {
    id: 'grpo',
    title: 'GRPO',
    summary: 'Group-normalised outcome advantage over G samples, per-sequence mean of the clipped surrogate, minus β·k3 KL to the reference (Shao et al. 2024, DeepSeekMath, arXiv:2402.03300). One update per rollout, as TRL, so the clip never acts; 2 epochs x 2 minibatches, as in PPO, learn faster here (digit-sum, 200 iterations: +26.6 against +20.6 points).',
    overrides: { objective: { algorithm: 'grpo' } },
  },
  'dr-grpo': {
    id: 'dr-grpo',
    title: 'Dr. GRPO',
    summary: 'GRPO without the std division and the 1/|o| length normalisation, which bias it toward easy prompts and long wrong answers (Liu et al. 2025, arXiv:2503.20783).',
    overrides: { objective: { algorithm: 'grpo', advantageScale: 'none', lossAggregation: 'seq-mean-token-sum-norm' } },
  },
  dapo: {
    id: 'dapo',
    title: 'DAPO',
    summary: 'GRPO with clip-higher, dynamic sampling, token-level loss, overlong reward shaping and no KL (Yu et al. 2025, arXiv:2503.14476).',
    overrides: {
      optim: { minibatches: 2 },
      objective: { algorithm: 'grpo', epsLow: 0.2, epsHigh: 0.28, lossAggregation: 'token-mean', beta: 0 },
      rewards: { weights: { length: 1 } },
      tricks: { dynamicSampling: true },
    },
  },
  gspo: {
    id: 'gspo',
    title: 'GSPO',
    summary: 'GRPO with a length-normalised sequence-level importance ratio, clipped per sequence with a tiny range (Zheng et al. 2025, arXiv:2507.18071).',
    overrides: {
      optim: { minibatches: 2 },
      objective: { algorithm: 'grpo', ratioLevel: 'sequence', epsLow: 3e-4, epsHigh: 4e-4, beta: 0 },
    },
  },
  'grpo-d': {
    id: 'grpo-d',
    title: 'GRPO-D (OThink-MR1)',
    summary: 'GRPO with a dynamic KL weight that rises over the run, from 0 to 0.08 (mean 0.04, GRPO\'s fixed β): a loose anchor early lets the policy explore, a tight one late keeps what it learned near the reference, as ε-greedy explores first and exploits later (Liu et al. 2025, OThink-MR1, arXiv:2503.16081). The paper gives the direction; the linear ramp and its ends are this playground\'s choice. Measured here (3 seeds, 24 short iterations): β follows the ramp exactly; a difference in KL or accuracy from plain GRPO was not shown (README, Tricks, measured).',
    overrides: { objective: { algorithm: 'grpo', klSchedule: 'linear', beta: 0, betaFinal: 0.08 } },
  },
  sft: {
    id: 'sft',
    title: 'SFT',
    summary: 'Supervised fine-tuning, run as an RL algorithm\'s twin: teacher-forced cross-entropy on the gold traces of the same B prompts, the same epochs x minibatches Adam steps, nothing sampled. The supervised baseline STaR (Zelikman et al. 2022, arXiv:2203.14465) and RAFT compare with.',
    overrides: { objective: { algorithm: 'sft', beta: 0 } },
  },
  rft: {
    id: 'rft',
    title: 'RFT',
    summary: 'Rejection-sampling fine-tuning: sample G answers per prompt, keep the right ones, take cross-entropy steps on them (STaR, Zelikman et al. 2022, arXiv:2203.14465; RAFT, Dong et al. 2023, arXiv:2304.06767). Its own samples instead of gold traces; no negative signal.',
    overrides: { objective: { algorithm: 'rft', beta: 0 } },
  },
};

export function isPresetId(id: string): id is PresetId {
  return (PRESET_IDS as readonly string[]).includes(id);
}

function getPreset(id: string): Preset {
  if (!isPresetId(id)) throw new Error(`Unknown preset "${id}": valid presets are ${PRESET_IDS.join(', ')}.`);
  return PRESETS[id];
}

/** Configs are plain JSON: a JSON round trip is a deep copy. */
const clone = <T>(x: T): T => (x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T));

/** Every knob some preset sets: applying a preset resets these to their defaults first. */
export const PRESET_KNOBS: readonly string[] = [...new Set(Object.values(PRESETS).flatMap((p) => leaves(p.overrides).map(([k]) => k)))];

/**
 * The config a preset gives: `base` (task, model, seed, run length... default: the defaults)
 * with every knob that any preset sets put back to its default, then this preset's values on
 * top. So switching DAPO -> GRPO really gives GRPO, while the task and seed stay.
 */
export function applyPreset(id: string, base: RunConfigInput = {}): RunConfig {
  const preset = getPreset(id);
  const merged = clone(RunConfigSchema.parse(base)) as unknown as Json;
  for (const path of PRESET_KNOBS) setPath(merged, path, clone(getPath(DEFAULT_RUN_CONFIG, path)));
  for (const [path, value] of leaves(preset.overrides)) setPath(merged, path, value);
  merged.preset = id;
  return RunConfigSchema.parse(merged);
}

export interface KnobDiff {
  /** Dotted path into RunConfig, e.g. "objective.epsHigh". */
  path: string;
  value: unknown;
  default: unknown;
}

/** The knobs a preset sets to something other than the default (GRPO): how it differs from GRPO. */
export function presetDiff(id: string): KnobDiff[] {
  const preset = getPreset(id);
  return leaves(preset.overrides)
    .map(([path, value]) => ({ path, value, default: getPath(DEFAULT_RUN_CONFIG, path) }))
    .filter((d) => d.value !== d.default);
}
