/**
 * A run's state between iterations, and how it starts: the policy (from scratch, a warm
 * start or a resumed checkpoint), the frozen reference, the two optimizers, the β schedule and
 * the curriculum. The phases of an iteration (./iteration.ts) read and advance it.
 */
import { ALGORITHM_REGISTRY, Adam, type Algorithm } from '../algorithms';
import { policyParams } from '../algorithms/common';
import type { RunConfig } from '../config';
import { Policy, diffConfigs } from '../model';
import { TASKS, warmStartName } from '../tasks';
import type { QuestionFormat, Split, TaskDef } from '../tasks/types';
import { now } from './clock';
import { Curriculum, SELF_IMPROVEMENT_STAGE, inSelfImprovement, stageFormat, stageRewardWeights } from './curriculum';
import type { DivergedError } from './divergence';
import { evaluate, type EvalResult } from './evaluate';
import { BetaSchedule, learningRateAt } from './schedule';
import { selectPrompts, selectionNote, type PromptSelection } from './select';
import type { InspectBatch, TrainerDeps } from './types';

export interface RunState {
  readonly config: RunConfig;
  readonly task: TaskDef;
  /** The algorithm's facts (../algorithms/spec.ts) and its update. */
  readonly algorithm: Algorithm;
  readonly total: number;
  readonly betas: BetaSchedule;
  readonly policy: Policy;
  /** The initial policy, frozen; null unless the algorithm uses a reference and some iteration has β > 0. */
  readonly ref: Policy | null;
  /** Adam over the policy without its value head, and over the value head. */
  readonly policyOpt: Adam;
  readonly valueOpt: Adam;
  readonly curriculum: Curriculum;
  /** ThinkLite's selected prompts (./select.ts); null when selection is off. */
  readonly selection: PromptSelection | null;
  /** The last config.run.keepBatches batches for the Inspect view, oldest first. */
  readonly inspect: InspectBatch[];
  readonly startedAt: number;
  readonly note: (s: string) => void;
  /** Iterations completed. */
  iteration: number;
  /** Set once an iteration diverged: the weights are garbage from then on. */
  divergedAt: DivergedError | null;
}

async function initialPolicy(config: RunConfig, deps: TrainerDeps): Promise<Policy> {
  if (config.run.init === 'scratch') return Policy.create(config.model, config.run.seed);
  const name = warmStartName(config.task);
  const policy = await Policy.fromCheckpoint(deps.loadWarmStart(name));
  const diff = diffConfigs(policy.config, config.model, `the ${name} warm-start checkpoint`, 'config.model');
  if (diff.length > 0) {
    policy.dispose();
    throw new Error(`Cannot start from the warm-start checkpoint: ${diff.join('; ')}. Use the checkpoint's model config, or init 'scratch'.`);
  }
  return policy;
}

/**
 * The policy and its reference, after any resume, and ThinkLite's prompt selection, measured
 * with the starting weights (before the resume); both policies disposed if anything fails.
 */
async function policies(config: RunConfig, deps: TrainerDeps, algorithm: Algorithm, betas: BetaSchedule): Promise<{ policy: Policy; ref: Policy | null; selection: PromptSelection | null }> {
  const policy = await initialPolicy(config, deps);
  // The reference is the initial policy, frozen; only made when some iteration has β > 0.
  const ref = algorithm.usesReference && betas.everPositive ? policy.clone() : null;
  let selection: PromptSelection | null = null;
  try {
    if (config.tricks.selectByDifficulty) {
      selection = await selectPrompts(policy, TASKS[config.task.task], config);
      deps.onNote?.(selectionNote(selection, config));
    }
    if (deps.resume) await policy.loadCheckpoint(deps.resume.checkpoint);
  } catch (e) {
    policy.dispose();
    ref?.dispose();
    throw e;
  }
  return { policy, ref, selection };
}

/** A run ready for its first (or, resuming, next) iteration. config is already parsed. */
export async function startRun(config: RunConfig, deps: TrainerDeps): Promise<RunState> {
  const task = TASKS[config.task.task];
  const algorithm = ALGORITHM_REGISTRY[config.objective.algorithm];
  const total = config.run.iterations;
  const betas = new BetaSchedule(config.objective, total);
  const { policy, ref, selection } = await policies(config, deps, algorithm, betas);
  return {
    config,
    task,
    algorithm,
    total,
    betas,
    policy,
    ref,
    policyOpt: new Adam(policyParams(policy)),
    valueOpt: new Adam(policy.valueHeadVariables),
    curriculum: new Curriculum(config.task.difficulty, task.levels, config.tricks.curriculumThreshold, config.tricks.curriculum),
    selection,
    inspect: [],
    startedAt: now(),
    note: (s) => deps.onNote?.(s),
    iteration: deps.resume?.iteration ?? 0,
    divergedAt: null,
  };
}

/** Held-out results of a run on each split: ID, novel answers ('ood') and visual shift. */
export type SplitResults = Record<Split, EvalResult>;

/**
 * Held-out ID, novel-answer and visual-shift accuracy of the policy now, greedy, n prompts
 * each, at the run's starting level (task.difficulty) whatever level the curriculum has
 * reached, and always the open question whatever format the stage asks (tricks.curriculumFormat),
 * so the evaluation curve keeps one meaning over the run (`curriculum/level` charts where training is).
 */
export async function evaluateRun(run: RunState, n = run.config.run.evalN): Promise<SplitResults> {
  const { config, policy, task } = run;
  const common = {
    n,
    difficulty: config.task.difficulty,
    imageSize: config.task.imageSize,
    jitter: config.task.jitter,
    maxNewTokens: config.sampling.maxNewTokens,
    mode: { kind: 'greedy' as const },
  };
  const id = await evaluate(policy, task, { ...common, split: 'id' });
  const ood = await evaluate(policy, task, { ...common, split: 'ood' });
  const shift = await evaluate(policy, task, { ...common, split: 'shift' });
  return { id, ood, shift };
}

export function disposeRun(run: RunState): void {
  run.policyOpt.dispose();
  run.valueOpt.dispose();
  run.policy.dispose();
  run.ref?.dispose();
}

/** What one iteration runs with, fixed before it starts. */
export interface IterationPlan {
  /** 1-based iteration number (seeds, notes, the metrics record). */
  number: number;
  /** 0-based, for the schedules. */
  t: number;
  /** The task level rollouts sample at (curriculum). */
  difficulty: number;
  /** Curr-ReFT stage (./curriculum.ts): 1.. the RL stages, SELF_IMPROVEMENT_STAGE for the rejection-sampling end; 0 without the curriculum. */
  stage: number;
  /** The reward weights rollouts are scored with: the stage's under staged curriculum rewards, else rewards.weights. */
  rewardWeights: RunConfig['rewards']['weights'];
  /** The question format rollouts are asked in: the stage's under staged curriculum formats, else open. */
  format: QuestionFormat;
  /** KL coefficient, policy and value-head learning rates of this iteration. */
  beta: number;
  lr: number;
  valueLr: number;
}

export function planIteration(run: RunState): IterationPlan {
  const t = run.iteration;
  const lr = learningRateAt(run.config.optim, t, run.total);
  return {
    number: t + 1,
    t,
    difficulty: run.curriculum.difficulty,
    ...curriculumStage(run, t),
    beta: run.betas.at(t),
    lr,
    valueLr: (lr * run.config.optim.valueLr) / run.config.optim.lr, // valueLr on the same schedule
  };
}

/** The iteration's Curr-ReFT stage, the reward weights it scores with and the question format it asks (./curriculum.ts). */
function curriculumStage(run: RunState, t: number): Pick<IterationPlan, 'stage' | 'rewardWeights' | 'format'> {
  const { tricks, rewards } = run.config;
  if (!tricks.curriculum) return { stage: 0, rewardWeights: rewards.weights, format: 'open' };
  const stage = inSelfImprovement(t, run.total, tricks.curriculumRejectIters) ? SELF_IMPROVEMENT_STAGE : run.curriculum.stage;
  const staged = tricks.curriculumRewards === 'staged';
  return {
    stage,
    rewardWeights: staged ? stageRewardWeights(rewards.weights, run.curriculum.stage) : rewards.weights,
    format: tricks.curriculumFormat === 'staged' ? stageFormat(stage) : 'open',
  };
}

/** The algorithm whose update this iteration runs: the RFT update in Curr-ReFT's self-improvement stage, else the run's. */
export function updateAlgorithm(run: RunState, plan: IterationPlan): RunState['algorithm'] {
  return plan.stage === SELF_IMPROVEMENT_STAGE ? ALGORITHM_REGISTRY.rft : run.algorithm;
}
