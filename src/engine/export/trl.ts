import { ALGORITHM_SPECS, ignoresKnob } from '../algorithms/spec';
import type { RunConfig } from '../config';
import { REWARD_DOCS, REWARD_NAMES, type RewardName } from '../rewards';
import { rewardsPy, rewardsPyOptions } from './rewardsPy';

/**
 * "Export to TRL": a run's config as a Python script for Hugging Face TRL's GRPOTrainer, with
 * every knob mapped one by one (and said plainly when it does not map). The same rows fill
 * the mapping table in the UI; trl.test.ts checks them for every preset.
 *
 * Counting: one playground iteration samples B prompts x G completions once and takes
 * epochs x minibatches optimizer steps on them. In TRL that is generation_batch_size = B*G
 * completions, steps_per_generation = minibatches, num_iterations = epochs, and
 * per_device_train_batch_size = B*G / minibatches completions per step (one process).
 *
 * What differs per algorithm (its baseline, clip, critic, what β weighs, its TRL trainer and
 * note) is read from the algorithm's spec (engine/algorithms/spec.ts), never from its id.
 */

export type MapStatus = 'exact' | 'approx' | 'none';

export interface TrlRow {
  /** The GRPOConfig argument, or '' when nothing in TRL takes it. */
  trl: string;
  /** The Python literal written to the script ('' when not written). */
  value: string;
  /** The playground's knob (dotted RunConfig path, or a description). */
  ours: string;
  ourValue: string;
  status: MapStatus;
  note: string;
}

export interface TrlMapping {
  rows: TrlRow[];
  /** Whole-run remarks (the algorithm family, what the script cannot carry). */
  notes: string[];
  /** Reward functions the script passes, in order, with their weights. */
  rewards: { name: RewardName; weight: number }[];
}

/** A Python float literal: 0.001, 1e-7, 0.0 (ints get ".0" so the type is clear). */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`pyFloat: ${x} has no Python literal here`);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return `${x}.0`;
  return String(x).replace('e+', 'e');
}
const pyInt = (x: number): string => String(Math.round(x));
const pyStr = (s: string): string => JSON.stringify(s); // ASCII identifiers only: valid Python too
const pyBool = (b: boolean): string => (b ? 'True' : 'False');

const LOSS_TYPE: Record<RunConfig['objective']['lossAggregation'], string> = {
  'token-mean': 'dapo',
  'seq-mean-token-mean': 'grpo',
  'seq-mean-token-sum-norm': 'dr_grpo',
};

function schedulerType(o: RunConfig['optim']): string {
  if (o.lrSchedule === 'constant') return o.warmupIters > 0 ? 'constant_with_warmup' : 'constant';
  return o.lrSchedule; // 'linear' | 'cosine': the same names in transformers
}

/** The knobs of RunConfig mapped to GRPOConfig, in the order the script writes them. */
export function trlMapping(c: RunConfig): TrlMapping {
  const o = c.objective;
  const alg = o.algorithm;
  const spec = ALGORITHM_SPECS[alg];
  const { promptsPerIter: b, groupSize: g } = c.sampling;
  const { epochs, minibatches } = c.optim;
  const stepsPerIter = epochs * minibatches;
  const rows: TrlRow[] = [];
  const notes: string[] = [];
  const row = (trl: string, value: string, ours: string, ourValue: unknown, status: MapStatus, note = '') =>
    rows.push({ trl, value, ours, ourValue: String(ourValue), status, note });
  const clips = spec.clips;

  // ---- optimisation
  if (spec.usesLearningRate) row('learning_rate', pyFloat(c.optim.lr), 'optim.lr', c.optim.lr, 'exact', 'Adam(W) step size; a real VLM wants far less (TRL defaults to 1e-6).');
  else row('learning_rate', pyFloat(c.optim.lr), 'optim.lr', c.optim.lr, 'approx', `${spec.title} ignores it (the policy's step comes from its trust region); GRPOTrainer needs one, so the script passes it.`);
  const completions = b * g;
  const perStep = completions / minibatches;
  const divisible = Number.isInteger(perStep);
  row(
    'per_device_train_batch_size',
    pyInt(divisible ? perStep : Math.max(1, Math.floor(perStep))),
    'sampling.promptsPerIter × groupSize / optim.minibatches',
    `${b} × ${g} / ${minibatches}`,
    divisible ? 'exact' : 'approx',
    divisible ? 'Completions per optimizer step on one GPU (TRL counts completions, not prompts).' : `B·G = ${completions} does not split into ${minibatches} minibatches evenly.`,
  );
  row('steps_per_generation', pyInt(minibatches), 'optim.minibatches', minibatches, 'exact', 'Optimizer steps per generation batch of B·G completions.');
  row('num_iterations', pyInt(epochs), 'optim.epochs', epochs, 'exact', 'μ: passes over each generation batch. With 1 (and 1 step per generation) the ratio is exactly 1.');
  row('max_grad_norm', pyFloat(c.optim.gradClip), 'optim.gradClip', c.optim.gradClip, 'exact', c.optim.gradClip === 0 ? '0 turns clipping off in both.' : '');
  row('lr_scheduler_type', pyStr(schedulerType(c.optim)), 'optim.lrSchedule', c.optim.lrSchedule, 'approx', 'Ours steps the rate once per iteration, transformers once per optimizer step.');
  row('warmup_steps', pyInt(c.optim.warmupIters * stepsPerIter), 'optim.warmupIters × steps per iteration', `${c.optim.warmupIters} × ${stepsPerIter}`, 'approx', 'In optimizer steps.');
  row('max_steps', pyInt(c.run.iterations * stepsPerIter), 'run.iterations × epochs × minibatches', `${c.run.iterations} × ${stepsPerIter}`, 'exact', 'TRL counts optimizer steps, the playground iterations.');
  row('seed', pyInt(c.run.seed), 'run.seed', c.run.seed, 'approx', 'Same seed, different random streams: the runs will not be identical.');

  // ---- sampling
  const gOk = g >= 2;
  row('num_generations', pyInt(gOk ? g : 2), 'sampling.groupSize', g, gOk ? 'exact' : 'approx', gOk ? 'G: completions per prompt.' : 'GRPOTrainer needs at least 2 completions per prompt; raised to 2.');
  row('temperature', pyFloat(c.sampling.temperature), 'sampling.temperature', c.sampling.temperature, 'exact', 'TRL divides the training logits by it too, as the playground does.');
  row('top_k', pyInt(c.sampling.topK), 'sampling.topK', c.sampling.topK, 'exact', '0 = off in both.');
  row('max_completion_length', pyInt(c.sampling.maxNewTokens), 'sampling.maxNewTokens', c.sampling.maxNewTokens, 'exact', 'L_max, in tokens of the real tokenizer (the playground\'s are words).');

  // ---- objective
  switch (spec.baseline) {
    case 'leave-one-out':
      row('scale_rewards', pyStr('none'), `objective.algorithm = ${alg}`, 'leave-one-out', 'approx', 'r - group mean is (G-1)/G times RLOO\'s advantage (a learning-rate factor). TRL\'s RLOOTrainer is the exact match.');
      break;
    case 'batch-mean':
      row('scale_rewards', pyStr('none'), `objective.algorithm = ${alg}`, 'batch-mean baseline', 'approx', `GRPO's baseline is the group mean, ${spec.title}'s here the batch mean.`);
      break;
    case 'group':
      row('scale_rewards', pyStr(o.advantageScale), 'objective.advantageScale', o.advantageScale, 'exact', 'group: (r - mean) / std of the group; batch: std of the batch; none: Dr. GRPO.');
      break;
    case 'critic':
      row('scale_rewards', pyStr('group'), `objective.algorithm = ${alg}`, 'critic + GAE', 'none', 'GRPOTrainer has no critic: the group baseline replaces the value head and GAE.');
      break;
    case 'none':
      row('scale_rewards', pyStr('group'), `objective.algorithm = ${alg}`, `${spec.title}: cross-entropy, no advantage`, 'none', `GRPOTrainer is RL; ${spec.title} is supervised (${spec.trl.trainer ?? 'generate, filter, then SFTTrainer'} is its TRL counterpart).`);
      break;
  }
  row('loss_type', pyStr(LOSS_TYPE[o.lossAggregation]), 'objective.lossAggregation', o.lossAggregation, 'exact', 'token-mean = dapo, seq-mean-token-mean = grpo, seq-mean-token-sum-norm = dr_grpo (normaliser max_completion_length).');
  row('importance_sampling_level', pyStr(o.ratioLevel), 'objective.ratioLevel', o.ratioLevel, 'exact', o.ratioLevel === 'sequence' ? 'GSPO\'s length-normalised sequence ratio.' : 'Per-token ratio.');
  row('epsilon', pyFloat(o.epsLow), 'objective.epsLow', o.epsLow, clips ? 'exact' : 'none', clips ? 'Lower clip 1 - ε.' : `${spec.title} does not clip; TRL always does.`);
  row('epsilon_high', pyFloat(o.epsHigh), 'objective.epsHigh', o.epsHigh, clips ? 'exact' : 'none', clips ? 'Upper clip 1 + ε_high (DAPO\'s clip-higher).' : `${spec.title} does not clip.`);

  // The KL term: TRL's GRPO puts β · k3(π_θ, π_ref) in the loss, β fixed.
  if (spec.betaMeaning === 'old-policy-kl') {
    row('beta', pyFloat(0), 'objective.beta', o.beta, 'none', `${spec.title}'s β weighs KL(π_old‖π), not KL to a reference: GRPO has no such term.`);
  } else {
    const why: string[] = [];
    if (o.klMode === 'reward') why.push('the playground subtracts β·KL from the reward; TRL GRPO adds it to the loss');
    if (o.beta > 0 && o.klEstimator !== 'k3') why.push(`TRL GRPO uses k3, this run ${o.klEstimator}`);
    // A β scheduled from beta to betaFinal (OThink-MR1's rising GRPO-D ramp, or a decay) is exported as its mean over the run.
    const scheduled = o.klSchedule === 'linear' || o.klSchedule === 'cosine';
    const beta = scheduled ? (o.beta + o.betaFinal) / 2 : o.beta;
    if (scheduled) why.push(`β moves ${o.klSchedule} from ${o.beta} to ${o.betaFinal} here, fixed in TRL: the script takes its mean over the run`);
    else if (o.klSchedule !== 'fixed') why.push(`β is ${o.klSchedule} here, fixed in TRL`);
    row('beta', pyFloat(beta), 'objective.beta', scheduled ? `${o.beta} -> ${o.betaFinal}` : o.beta, why.length ? 'approx' : 'exact', why.length ? `${why.join('; ')}.` : beta === 0 ? 'No reference model is loaded.' : 'β · k3 KL to the frozen reference, in the loss.');
  }

  if (o.entropyCoef > 0) row('entropy_coef', pyFloat(o.entropyCoef), 'objective.entropyCoef', o.entropyCoef, 'exact', 'Entropy bonus, mean per-token entropy (GRPOConfig.entropy_coef, TRL 1.9.0).');

  // ---- rewards
  const weighted = REWARD_NAMES.filter((n) => c.rewards.weights[n] !== 0);
  const rewards = (weighted.length > 0 ? weighted : (['accuracy'] as RewardName[])).map((name) => ({ name, weight: c.rewards.weights[name] }));
  row(
    'reward_weights',
    `[${rewards.map((r) => pyFloat(r.weight)).join(', ')}]`,
    'rewards.weights',
    rewards.map((r) => `${r.name} ${r.weight}`).join(', '),
    'exact',
    'One weight per function in reward_funcs; the weighted sum is the reward.',
  );
  for (const r of rewards) {
    const tokens = r.name === 'length';
    row('', '', `reward: ${r.name}`, r.weight, tokens ? 'approx' : 'exact', `${r.name}_reward (rewards.py, checked against the TypeScript). ${REWARD_DOCS[r.name]}${tokens ? ' Counted in the real tokenizer\'s tokens, not the playground\'s words.' : ''}`);
  }
  if (c.rewards.weights.length !== 0) row('', '', 'rewards.overlongCache', c.rewards.overlongCache, 'exact', 'L_CACHE in length_reward.');

  // ---- what has no GRPOConfig counterpart
  const none = (ours: string, value: unknown, note: string) => row('', '', ours, value, 'none', note);
  if (o.klEstimator !== 'k3' && o.beta > 0) none('objective.klEstimator', o.klEstimator, 'GRPOTrainer\'s KL is always k3.');
  const gatedNames = Object.entries(c.rewards.gated).filter(([, on]) => on).map(([name]) => name);
  if (gatedNames.length > 0 || c.rewards.combine === 'product') {
    none('rewards.gated / combine', `${gatedNames.join(', ') || 'none'} / ${c.rewards.combine}`, 'GRPOTrainer sums reward_funcs with reward_weights: gated terms and products do not fit. rewards.py\'s total_reward computes this run\'s whole reward; pass reward_funcs=[total_reward] with reward_weights=[1.0] instead.');
  }
  if (c.rewards.dense && !ignoresKnob(alg, 'rewards.dense')) none('rewards.dense', true, 'Dense step rewards (StepRAR on its key steps\' tokens) need per-token rewards and a critic; GRPOTrainer\'s reward functions return one number per completion, paid at the end.');
  if (o.dualClipC > 0 && !ignoresKnob(alg, 'objective.dualClipC')) none('objective.dualClipC', o.dualClipC, 'No dual clip in GRPOTrainer (veRL/EasyR1: clip_ratio_c).');
  if (o.earlyStopKl > 0 && !ignoresKnob(alg, 'objective.earlyStopKl')) none('objective.earlyStopKl', o.earlyStopKl, 'No KL early stopping in GRPOTrainer.');
  if (spec.critic) {
    none('objective.gamma / lambda', `${o.gamma} / ${o.lambda}`, 'GAE needs a critic. TRL\'s PPOTrainer has gamma and lam (with a reward model, not reward functions).');
    none('objective.valueCoef / valueClip', `${o.valueCoef} / ${o.valueClip}`, 'Value loss: PPOConfig vf_coef / cliprange_value.');
    none('objective.whitenAdvantages', o.whitenAdvantages, `${spec.title} whitens GAE advantages; GRPO's group scaling stands in for it.`);
    none('optim.valueLr', c.optim.valueLr, 'No value head in GRPOTrainer.');
  }
  if (spec.stepControl === 'kl-penalty') none('objective.klSchedule / targetKl', `${o.klSchedule} / ${o.targetKl}`, 'No adaptive KL penalty in GRPOTrainer.');
  if (spec.stepControl === 'trust-region') none('objective.trpoMaxKl', o.trpoMaxKl, 'No trust region in GRPOTrainer (no conjugate gradient, no line search).');
  const t = c.tricks;
  if (t.dynamicSampling) none('tricks.dynamicSampling', true, 'No dynamic sampling in GRPOTrainer (veRL has it): zero-variance groups just give zero advantage.');
  if (t.onlineFilter) none('tricks.onlineFilter', `(${t.filterLow}, ${t.filterHigh})`, 'Filter the prompts by pass rate yourself before training.');
  if (t.curriculum) none('tricks.curriculum', true, 'Order the dataset by difficulty and set shuffle_dataset=False.');
  if (t.curriculum && t.curriculumRewards === 'staged') none('tricks.curriculumRewards', 'staged', 'One reward_weights for the whole run: train each stage as its own GRPOTrainer run on its level\'s data with that stage\'s weights (src/engine/train/curriculum.ts CURR_REFT_STAGES).');
  if (t.curriculum && t.curriculumFormat === 'staged') none('tricks.curriculumFormat', 'staged', 'One dataset for the whole run, asked open (the bundle\'s prompts): write each stage\'s closed questions (candidate answers after the question) into its own dataset and train a GRPOTrainer run on each in turn (src/engine/train/curriculum.ts CURR_REFT_STAGES).');
  if (t.curriculum && t.curriculumRejectIters > 0) none('tricks.curriculumRejectIters', t.curriculumRejectIters, 'Self-improvement: sample with generate, keep the right answers, then SFTTrainer on them.');
  if (t.noisyRollout) none('tricks.noisyRollout', t.noiseStd, 'No rollout-only image noise in TRL.');
  if (t.temporalGrpo) none('tricks.temporalGrpo', t.temporalAlpha, 'No shuffled-frame rollouts in GRPOTrainer (Video-R1 forks it for T-GRPO: its temporal flag).');
  if (t.selectByDifficulty) none('tricks.selectByDifficulty', `${t.selectMinTries} of ${t.selectTries} tries`, 'Select the hard prompts before training (the bundle\'s data is not selected).');
  if (t.augment !== 'none') none('tricks.augment', t.augment, 'Augment the images in the dataset instead.');
  none('model.*', `${c.model.dModel}d × ${c.model.nLayers} layers`, 'Pick a real VLM (MODEL in the script).');
  if (c.run.init === 'sft') none('run.init', 'sft', 'Warm-start with SFTTrainer on gold traces first, as the playground\'s checkpoints were made.');

  // ---- whole-run notes: the algorithm's own TRL counterpart (its spec), then what PPOTrainer would take
  notes.push(`This run is ${spec.title}. ${spec.trl.note}`);
  if (spec.trl.trainer === 'PPOTrainer') {
    notes.push(
      'For PPO proper, TRL\'s PPOTrainer/PPOConfig (gamma, lam, vf_coef, cliprange, cliprange_value, kl_coef, num_ppo_epochs, num_mini_batches, whiten_rewards) takes a reward model rather than reward functions.',
    );
  }
  return { rows, notes, rewards };
}

// ---------------------------------------------------------------------------------------
// The script

/**
 * The TRL release the script is written for, and where its option names were checked:
 * trl/trainer/grpo_config.py at tag v1.9.0 (commit 35def3ee000a87f6839e66f4b7749b06274ed1b3),
 * whose GRPOConfig subclasses transformers.TrainingArguments (trl/trainer/base_config.py).
 * grpoConfigFields.ts lists both; trl.test.ts checks every argument the script names.
 */
export const TRL_VERSION = '1.9.0';

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

export interface ScriptContext {
  runName?: string;
  presetTitle?: string;
  /** Iterations the run has done (the script says where the browser run stood). */
  iteration?: number;
  /**
   * 'module': import the reward functions from the bundle's rewards.py (the bundle);
   * 'inline' (default): paste rewards.py into the script, so the one file stands alone.
   */
  rewards?: 'module' | 'inline';
  /** Where rewards.py and data/ are, relative to the script's folder ('.' by default; the bundle's script sits in trl/). */
  root?: '.' | '..';
}

/** The prompt a real chat VLM gets: the playground's question, with the output grammar spelled out. */
export const INSTRUCTION = 'Answer in the form <think> your steps </think> <answer> one word </answer>. Question: ';

/** The GRPOConfig arguments the script writes, in order (the mapped rows, then its own). */
export function trlScriptArgs(c: RunConfig): string[] {
  return ['output_dir', ...trlMapping(c).rows.filter((r) => r.trl !== '').map((r) => r.trl), 'mask_truncated_completions', 'logging_steps'];
}

/**
 * Why no RL script (TRL GRPOTrainer, EasyR1) is exported for this config, as one sentence naming
 * the field; null when one is. A supervised algorithm (its spec's family: SFT, RFT) is refused:
 * a GRPO script would train something else under its name. Its spec's TRL note says what to run.
 */
export function rlExportRefusal(c: RunConfig): string | null {
  const spec = ALGORITHM_SPECS[c.objective.algorithm];
  if (spec.family !== 'supervised') return null;
  return `objective.algorithm is ${c.objective.algorithm} (${spec.title}), a supervised algorithm: ${spec.trl.note} To export a script, set objective.algorithm to an RL algorithm (grpo, ppo, ...).`;
}

/** The whole Python script for a run's config; throws rlExportRefusal's sentence for a supervised one. */
export function trlScript(c: RunConfig, ctx: ScriptContext = {}): string {
  const refusal = rlExportRefusal(c);
  if (refusal) throw new Error(refusal);
  const { rows, notes, rewards } = trlMapping(c);
  const args = rows.filter((r) => r.trl !== '');
  const width = Math.max(...args.map((r) => r.trl.length + r.value.length + 6));
  const argLines = args.map((r) => {
    const code = `    ${r.trl}=${r.value},`;
    return `${code.padEnd(width)}  # ${r.ours} = ${oneLine(r.ourValue)}${r.status === 'exact' ? '' : ` [${r.status}: ${oneLine(r.note)}]`}`;
  });
  const unmapped = rows.filter((r) => r.trl === '' && r.status === 'none');
  const header = [
    '# Exported from RFT Playground: this run\'s hyperparameters for Hugging Face TRL\'s GRPOTrainer.',
    ctx.runName ? `# Run: ${oneLine(ctx.runName)}` : null,
    `# Preset: ${oneLine(ctx.presetTitle ?? c.preset)} (algorithm ${c.objective.algorithm}), task ${c.task.task}, seed ${c.run.seed}` +
      (ctx.iteration !== undefined ? `, ${ctx.iteration} / ${c.run.iterations} iterations done in the browser.` : '.'),
    '#',
    ...notes.map((n) => `# ${oneLine(n)}`),
    ...(unmapped.length > 0 ? ['#', '# Not carried over (no GRPOConfig counterpart):', ...unmapped.map((r) => `#   - ${r.ours} = ${oneLine(r.ourValue)}: ${oneLine(r.note)}`)] : []),
    '#',
    `# Written for TRL ${TRL_VERSION} (every GRPOConfig option below exists in trl/trainer/grpo_config.py at v${TRL_VERSION}):`,
    `#   pip install "trl==${TRL_VERSION}" transformers datasets accelerate pillow`,
    '# The data: data/train (ImageFolder: metadata.jsonl + PNGs), as the bundle from "Download bundle" ships it.',
  ].filter((l): l is string => l !== null);

  const funcs = rewards.map((r) => `${r.name}_reward`);
  const rewardCode =
    ctx.rewards === 'module'
      ? [`from rewards import ${funcs.join(', ')}  # rewards.py, in ${ctx.root === '..' ? 'the bundle\'s root' : 'this folder'}`]
      : ['# ---- Reward functions (src/engine/rewards and each task\'s scoreSteps, ported line for line; the bundle ships them as rewards.py)', rewardsPy(rewardsPyOptions(c)).replace(/^"""[\s\S]*?"""\n/, '').replace(/^import (json|re)\n/gm, '')];

  return [
    ...header,
    '',
    'import json',
    'import os',
    'import re',
    'import sys',
    '',
    'from datasets import load_dataset',
    'from trl import GRPOConfig, GRPOTrainer',
    '',
    ctx.root === '..' ? 'HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the bundle\'s root' : 'HERE = os.path.dirname(os.path.abspath(__file__))',
    'sys.path.insert(0, HERE)',
    '',
    ...rewardCode,
    '',
    '# Any chat VLM; the playground trained a tiny word-level model, so expect to retune the learning rate.',
    'MODEL = "Qwen/Qwen2.5-VL-3B-Instruct"',
    `INSTRUCTION = ${pyStr(INSTRUCTION)}`,
    '',
    '',
    'def as_chat(example):',
    '    """The question as a conversational prompt with the image (TRL reads the "image" column for VLMs)."""',
    '    example["prompt"] = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": INSTRUCTION + example["prompt"]}]}]',
    '    return example',
    '',
    '',
    '# One row per question: "image", "prompt", "solution" (gold answer), "trace" (gold steps), "task".',
    'train_dataset = load_dataset("imagefolder", data_dir=os.path.join(HERE, "data", "train"), split="train")',
    'train_dataset = train_dataset.remove_columns(["images", "ground_truth"]).map(as_chat)',
    '',
    'config = GRPOConfig(',
    `    output_dir=${pyStr(`rft-${c.preset}-${c.task.task}`)},`,
    ...argLines,
    `    mask_truncated_completions=${pyBool(false)},`,
    '    logging_steps=1,',
    ')',
    '',
    'trainer = GRPOTrainer(',
    '    model=MODEL,',
    `    reward_funcs=[${funcs.join(', ')}],`,
    '    args=config,',
    '    train_dataset=train_dataset,',
    ')',
    '',
    'if __name__ == "__main__":',
    '    trainer.train()',
    '',
  ].join('\n');
}

/** "my run" -> "my-run.trl.py" (the stem exportRun's safeFileName gives the JSON and CSV exports). */
export const trlFileName = (runName: string): string => `${runName.replace(/[^a-z0-9._-]+/gi, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run'}.trl.py`;
