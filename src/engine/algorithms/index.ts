/**
 * The RL algorithms, one file per family, and the presets over their shared knobs.
 *
 *   reinforce.ts  REINFORCE with a batch-mean baseline; RLOO
 *   ppo.ts        PPO-Clip with the value head as critic (GAE); PPO-Penalty (adaptive β)
 *   trpo.ts       TRPO: conjugate gradient on finite-difference Fisher-vector products + line search
 *   grpo.ts       GRPO, and through its knobs Dr. GRPO, DAPO, GSPO
 *   presets.ts    PRESETS, applyPreset, presetDiff
 *
 * The trainer (../train/trainer.ts) does the rollout, the rewards, the reference and critic
 * passes; an algorithm turns that batch into advantages and parameter updates.
 */
import type { ALGORITHMS } from '../config';
import type { UpdateContext } from './common';
import { grpoUpdate } from './grpo';
import { ppoUpdate } from './ppo';
import { reinforceUpdate } from './reinforce';
import { trpoUpdate } from './trpo';

export type AlgorithmId = (typeof ALGORITHMS)[number];

export interface Algorithm {
  id: AlgorithmId;
  /** Uses the value head as a critic: the trainer runs a pass for V_old (and log π_old) before the update. */
  critic: boolean;
  /** Needs a frozen reference policy whenever β > 0 (PPO-Penalty's β is about π_old instead). */
  usesReference: boolean;
  /** The metric β adapts to under klSchedule 'adaptive'. */
  adaptiveKlMetric: 'kl/ref' | 'policy/kl_after_update';
  update(ctx: UpdateContext): void;
}

export const ALGORITHM_REGISTRY: Readonly<Record<AlgorithmId, Algorithm>> = {
  reinforce: { id: 'reinforce', critic: false, usesReference: true, adaptiveKlMetric: 'kl/ref', update: (ctx) => reinforceUpdate(ctx, 'reinforce') },
  rloo: { id: 'rloo', critic: false, usesReference: true, adaptiveKlMetric: 'kl/ref', update: (ctx) => reinforceUpdate(ctx, 'rloo') },
  ppo: { id: 'ppo', critic: true, usesReference: true, adaptiveKlMetric: 'kl/ref', update: (ctx) => ppoUpdate(ctx, 'clip') },
  'ppo-penalty': { id: 'ppo-penalty', critic: true, usesReference: false, adaptiveKlMetric: 'policy/kl_after_update', update: (ctx) => ppoUpdate(ctx, 'penalty') },
  trpo: { id: 'trpo', critic: true, usesReference: true, adaptiveKlMetric: 'kl/ref', update: trpoUpdate },
  grpo: { id: 'grpo', critic: false, usesReference: true, adaptiveKlMetric: 'kl/ref', update: grpoUpdate },
};

export { PRESETS, PRESET_IDS, PRESET_KNOBS, applyPreset, presetDiff, isPresetId, setPath, type Preset, type PresetId, type KnobDiff, type ConfigOverrides } from './presets';
export { Recorder, stopGradient, type Batch, type UpdateContext, type RecordedValues } from './common';
export { Adam, clipByGlobalNorm } from './optim';
export { gaeOnDevice } from './ppo';
export { fisherVectorProduct, flatten, unflatten } from './trpo';
export { reinforceAdvantages } from './reinforce';
