/**
 * The RL algorithms, one file per family. (The presets over their shared knobs are config:
 * ../presets.ts.)
 *
 *   reinforce.ts  REINFORCE with a batch-mean baseline; RLOO
 *   ppo.ts        PPO-Clip with the value head as critic (GAE); PPO-Penalty (adaptive β)
 *   trpo.ts       TRPO: conjugate gradient on finite-difference Fisher-vector products + line search
 *   grpo.ts       GRPO, and through its knobs Dr. GRPO, DAPO, GSPO
 *   sft.ts        the supervised arms: SFT on gold traces, RFT on its own right answers (rejection sampling)
 *   spec.ts       each algorithm's facts as data (baseline, clip, critic, reference, knobs, TRL)
 *   common.ts     the batch, the shared surrogate (built on ../rl's policy loss), the epochs x minibatches loop
 *   recorder.ts   the Recorder: metrics and the Inspect view's typed arrays, read back once
 *   optim.ts      Adam with a per-step learning rate, global grad-norm clipping
 *
 * The maths is ../rl's. The trainer (../train/iteration.ts) does the rollout, the rewards, the
 * reference and critic passes; an algorithm turns that batch into advantages and parameter updates.
 */
import { ALGORITHM_SPECS, type AlgorithmId, type AlgorithmSpec } from './spec';
import type { UpdateContext } from './common';
import { grpoUpdate } from './grpo';
import { ppoUpdate } from './ppo';
import { reinforceUpdate } from './reinforce';
import { rftUpdate, sftUpdate } from './sft';
import { trpoUpdate } from './trpo';

export type { AlgorithmId } from './spec';
export { ALGORITHM_SPECS, algorithmSpec, ignoresKnob, type AlgorithmSpec, type Baseline, type StepControl, type KnobPath } from './spec';

/** An algorithm: its facts (./spec.ts) and the update that turns a rollout batch into parameter steps. */
export interface Algorithm extends AlgorithmSpec {
  update(ctx: UpdateContext): void;
}

const UPDATES: Readonly<Record<AlgorithmId, (ctx: UpdateContext) => void>> = {
  reinforce: (ctx) => reinforceUpdate(ctx, 'reinforce'),
  rloo: (ctx) => reinforceUpdate(ctx, 'rloo'),
  ppo: (ctx) => ppoUpdate(ctx, 'clip'),
  'ppo-penalty': (ctx) => ppoUpdate(ctx, 'penalty'),
  trpo: trpoUpdate,
  grpo: grpoUpdate,
  sft: sftUpdate,
  rft: rftUpdate,
};

export const ALGORITHM_REGISTRY: Readonly<Record<AlgorithmId, Algorithm>> = Object.fromEntries(
  Object.values(ALGORITHM_SPECS).map((spec) => [spec.id, { ...spec, update: UPDATES[spec.id] }]),
) as Record<AlgorithmId, Algorithm>;

export { type Batch, type UpdateContext } from './common';
export { Recorder, type InspectorArrays, type RecordedValues, type TokenArrayName } from './recorder';
export { Adam, clipByGlobalNorm, clipScale } from './optim';
export { fisherVectorProduct, flatten, unflatten } from './trpo';
export { reinforceAdvantages } from './reinforce';
export { acceptedRows } from './sft';
