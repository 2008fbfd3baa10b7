import { ALGORITHM_SPECS, ignoresKnob } from '../algorithms/spec';
import type { RunConfig } from '../config';
import { REWARD_DOCS, REWARD_NAMES, type RewardName } from '../rewards';

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
    if (o.klSchedule !== 'fixed') why.push(`β is ${o.klSchedule} here, fixed in TRL`);
    row('beta', pyFloat(o.beta), 'objective.beta', o.beta, why.length ? 'approx' : 'exact', why.length ? `${why.join('; ')}.` : o.beta === 0 ? 'No reference model is loaded.' : 'β · k3 KL to the frozen reference, in the loss.');
  }

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
    const approx = r.name === 'step';
    row('', '', `reward: ${r.name}`, r.weight, approx ? 'approx' : 'exact', approx ? 'Written as "share of gold steps matched in place": each task scores its own steps (src/engine/tasks).' : `${r.name}_reward in the script. ${REWARD_DOCS[r.name]}`);
  }
  if (c.rewards.weights.length !== 0) row('', '', 'rewards.overlongCache', c.rewards.overlongCache, 'exact', 'L_CACHE in length_reward.');

  // ---- what has no GRPOConfig counterpart
  const none = (ours: string, value: unknown, note: string) => row('', '', ours, value, 'none', note);
  if (o.klEstimator !== 'k3' && o.beta > 0) none('objective.klEstimator', o.klEstimator, 'GRPOTrainer\'s KL is always k3.');
  if (o.entropyCoef > 0) none('objective.entropyCoef', o.entropyCoef, 'No entropy bonus in GRPOTrainer.');
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
  if (t.noisyRollout) none('tricks.noisyRollout', t.noiseStd, 'No rollout-only image noise in TRL.');
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

const REWARD_PY: Record<RewardName, string> = {
  accuracy: `def accuracy_reward(completions, solution, **kwargs):
    """1.0 if the word inside <answer> ... </answer> is the gold answer, else 0.0 (DeepSeek-R1)."""
    out = []
    for completion, gold in zip(completions, solution):
        m = ANSWER_RE.search(_text(completion))
        out.append(1.0 if m and m.group(1).strip() == str(gold).strip() else 0.0)
    return out`,
  format: `def format_reward(completions, **kwargs):
    """1.0 if the completion is exactly <think> ... </think> <answer> X </answer>, else 0.0."""
    return [1.0 if FORMAT_RE.match(_text(c).strip()) else 0.0 for c in completions]`,
  step: `def step_reward(completions, trace, **kwargs):
    """Process reward (StepGRPO): share of the gold reasoning steps the <think> trace gets right, in place."""
    out = []
    for completion, gold in zip(completions, trace):
        m = THINK_RE.search(_text(completion))
        got = m.group(1).split() if m else []
        gold_steps = list(gold) if not isinstance(gold, str) else gold.split()
        right = sum(1 for k, word in enumerate(gold_steps) if k < len(got) and got[k] == word)
        out.append(right / len(gold_steps) if gold_steps and m else 0.0)
    return out`,
  length: `def length_reward(completion_ids, **kwargs):
    """DAPO's soft overlong punishment: 0 while short, a ramp to -1 over the last L_CACHE tokens, -1 if cut off."""
    free = MAX_COMPLETION_LENGTH - min(L_CACHE, MAX_COMPLETION_LENGTH)
    out = []
    for ids in completion_ids:
        n = len(ids)
        if n >= MAX_COMPLETION_LENGTH:
            out.append(-1.0)  # truncated (no end-of-sequence token within the budget)
        elif n <= free:
            out.append(0.0)
        else:
            out.append((free - n) / (MAX_COMPLETION_LENGTH - free))
    return out`,
  hackable: `def hackable_reward(completions, **kwargs):
    """Deliberately hackable: 1.0 for saying "because", right or wrong (watch reward hacking)."""
    return [1.0 if re.search(r"\\bbecause\\b", _text(c)) else 0.0 for c in completions]`,
};

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

export interface ScriptContext {
  runName?: string;
  presetTitle?: string;
  /** Iterations the run has done (the script says where the browser run stood). */
  iteration?: number;
}

/** The whole Python script for a run's config. */
export function trlScript(c: RunConfig, ctx: ScriptContext = {}): string {
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
    '# pip install trl transformers datasets accelerate   (a TRL with GRPOConfig.importance_sampling_level)',
  ].filter((l): l is string => l !== null);

  const needs = new Set(rewards.map((r) => r.name));
  const helpers = [
    'def _text(completion):',
    '    """A completion is a string (standard format) or a list of chat messages (conversational)."""',
    '    return completion if isinstance(completion, str) else completion[-1]["content"]',
  ];
  const regexes = [
    needs.has('accuracy') ? 'ANSWER_RE = re.compile(r"<answer>\\s*(.*?)\\s*</answer>", re.S)' : null,
    needs.has('format') ? 'FORMAT_RE = re.compile(r"^<think>(.*?)</think>\\s*<answer>\\s*\\S+\\s*</answer>$", re.S)' : null,
    needs.has('step') ? 'THINK_RE = re.compile(r"<think>(.*?)</think>", re.S)' : null,
  ].filter((l): l is string => l !== null);

  return [
    ...header,
    '',
    'import re',
    '',
    'from datasets import load_dataset',
    'from trl import GRPOConfig, GRPOTrainer',
    '',
    '# Any chat VLM; the playground trained a tiny word-level model, so expect to retune the learning rate.',
    'MODEL = "Qwen/Qwen2.5-VL-3B-Instruct"',
    `MAX_COMPLETION_LENGTH = ${pyInt(c.sampling.maxNewTokens)}`,
    `L_CACHE = ${pyInt(c.rewards.overlongCache)}  # rewards.overlongCache`,
    '',
    '# The data: one row per question with "prompt" (the question), "image", "solution" (the gold',
    '# answer) and, for step_reward, "trace" (the gold reasoning steps). The playground\'s tasks are',
    `# procedural (src/engine/tasks/${c.task.task}.ts): regenerate them, or use any image-question set.`,
    'dataset = load_dataset("json", data_files={"train": "train.jsonl"}, split="train")',
    '',
    '# ---- Reward functions (src/engine/rewards), as TRL callables: one float per completion.',
    ...regexes,
    '',
    '',
    ...helpers,
    ...rewards.flatMap((r) => ['', '', REWARD_PY[r.name]]),
    '',
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
    `    reward_funcs=[${rewards.map((r) => `${r.name}_reward`).join(', ')}],`,
    '    args=config,',
    '    train_dataset=dataset,',
    ')',
    '',
    'if __name__ == "__main__":',
    '    trainer.train()',
    '',
  ].join('\n');
}

/** "my run" -> "my-run.trl.py" (the stem exportRun's safeFileName gives the JSON and CSV exports). */
export const trlFileName = (runName: string): string => `${runName.replace(/[^a-z0-9._-]+/gi, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run'}.trl.py`;
