/**
 * The run as an EasyR1 (veRL) config: hiyouga/EasyR1's examples/config.yaml layout (commit
 * b44b311b669bf1fd1aa2fc36f2251482ba33cb16), every key checked against its dataclasses:
 * verl/trainer/config.py (DataConfig, AlgorithmConfig, TrainerConfig),
 * verl/workers/actor/config.py (ActorConfig, OptimConfig), verl/workers/rollout/config.py
 * (RolloutConfig), verl/trainer/core_algos.py (AdvantageEstimator; kl_penalty "kl" | "abs" |
 * "mse" | "low_var_kl" | "full"; loss_type "default" | "gspo" | "cispo" | "sapo").
 * Run: python3 -m verl.trainer.main config=easyr1/config.yaml (from the bundle's root).
 *
 * Counting as EasyR1 counts: one training step = one rollout batch of rollout_batch_size
 * prompts x rollout.n responses = one playground iteration; global_batch_size is in prompts
 * (veRL's ppo_mini_batch_size), so minibatches = rollout_batch_size / global_batch_size.
 */
import { ALGORITHM_SPECS } from '../algorithms/spec';
import type { RunConfig } from '../config';
import { setPath } from '../paths';
import type { MapStatus } from './trl';
import { rlExportRefusal } from './trl';

export interface Easyr1Row {
  /** Dotted key in config.yaml, or '' when nothing in EasyR1 takes it. */
  key: string;
  /** The YAML scalar written ('' when not written). */
  value: string;
  ours: string;
  ourValue: string;
  status: MapStatus;
  note: string;
}

/**
 * The config keys EasyR1 accepts that this exporter writes, from the dataclasses at
 * EASYR1_COMMIT: verl/trainer/config.py (DataConfig, AlgorithmConfig, TrainerConfig),
 * verl/workers/actor/config.py (ActorConfig, OptimConfig, ModelConfig),
 * verl/workers/rollout/config.py (RolloutConfig), verl/workers/reward/config.py (reward_function).
 */
export const EASYR1_KEYS: ReadonlySet<string> = new Set([
  ...['train_files', 'val_files', 'prompt_key', 'answer_key', 'image_key', 'video_key', 'image_dir', 'video_fps', 'max_prompt_length', 'max_response_length', 'rollout_batch_size', 'mini_rollout_batch_size', 'val_batch_size', 'format_prompt', 'override_chat_template', 'shuffle', 'seed', 'min_pixels', 'max_pixels', 'filter_overlong_prompts'].map((k) => `data.${k}`),
  ...['gamma', 'lam', 'adv_estimator', 'disable_kl', 'use_kl_loss', 'kl_penalty', 'kl_coef', 'kl_type', 'kl_horizon', 'kl_target', 'online_filtering', 'filter_key', 'filter_low', 'filter_high'].map((k) => `algorithm.${k}`),
  ...['strategy', 'global_batch_size', 'micro_batch_size_per_device_for_update', 'micro_batch_size_per_device_for_experience', 'max_grad_norm', 'clip_ratio_low', 'clip_ratio_high', 'clip_ratio_dual', 'loss_avg_mode', 'loss_type', 'ppo_epochs', 'padding_free', 'dynamic_batching', 'ulysses_size', 'use_torch_compile'].map((k) => `worker.actor.${k}`),
  ...['lr', 'betas', 'weight_decay', 'strategy', 'lr_warmup_ratio', 'lr_warmup_steps', 'min_lr_ratio', 'lr_scheduler_type'].map((k) => `worker.actor.optim.${k}`),
  ...['model_path', 'tokenizer_path', 'enable_gradient_checkpointing', 'trust_remote_code', 'freeze_vision_tower'].map((k) => `worker.actor.model.${k}`),
  ...['n', 'temperature', 'top_p', 'top_k', 'seed', 'limit_images', 'gpu_memory_utilization', 'tensor_parallel_size'].map((k) => `worker.rollout.${k}`),
  'worker.reward.reward_function',
  ...['total_epochs', 'max_steps', 'project_name', 'experiment_name', 'logger', 'nnodes', 'n_gpus_per_node', 'max_try_make_batch', 'val_freq', 'save_freq', 'save_checkpoint_path'].map((k) => `trainer.${k}`),
]);

export const EASYR1_COMMIT = 'b44b311b669bf1fd1aa2fc36f2251482ba33cb16';

const yStr = (s: string): string => (/^[A-Za-z0-9_./:@-]+$/.test(s) && !/^(true|false|null|yes|no|on|off)$/i.test(s) && !/^[0-9.eE+-]+$/.test(s) ? s : JSON.stringify(s));
/** A YAML number OmegaConf reads as one: YAML 1.1 takes "1e-7" for a string, so exponents get a mantissa with a point ("1.0e-7"). */
const yNum = (x: number): string => {
  const s = String(x).replace('e+', 'e');
  return /e/.test(s) && !/\./.test(s.split('e')[0]!) ? s.replace('e', '.0e') : s;
};
const yBool = (b: boolean): string => (b ? 'true' : 'false');

const KL_PENALTY: Record<RunConfig['objective']['klEstimator'], string> = { k1: 'kl', k2: 'mse', k3: 'low_var_kl', exact: 'low_var_kl' };

export function easyr1Mapping(c: RunConfig): Easyr1Row[] {
  const o = c.objective;
  const spec = ALGORITHM_SPECS[o.algorithm];
  const { promptsPerIter: b, groupSize: g } = c.sampling;
  const { epochs, minibatches } = c.optim;
  const rows: Easyr1Row[] = [];
  const row = (key: string, value: string, ours: string, ourValue: unknown, status: MapStatus, note = '') => rows.push({ key, value, ours, ourValue: String(ourValue), status, note });
  const fixed = (key: string, value: string, note: string) => row(key, value, '(bundle)', '', 'exact', note);

  // ---- data: the bundle's files
  fixed('data.train_files', 'data/train/metadata.jsonl', 'ImageFolder metadata, read as JSON lines.');
  fixed('data.val_files', 'data/test/metadata.jsonl', 'Held-out ID prompts (data/ood holds the OOD split).');
  fixed('data.prompt_key', 'prompt', 'The question.');
  fixed('data.answer_key', 'ground_truth', 'JSON {task, answer, trace} for rewards.py:compute_score.');
  fixed('data.image_key', 'images', 'One image path per row, relative to data.image_dir.');
  fixed('data.image_dir', 'data', '');
  fixed('data.format_prompt', 'easyr1/format_prompt.jinja', 'Spells out the <think> … <answer> grammar for a real VLM.');
  row('data.max_response_length', yNum(c.sampling.maxNewTokens), 'sampling.maxNewTokens', c.sampling.maxNewTokens, 'exact', 'L_max, in the real tokenizer\'s tokens.');
  row('data.rollout_batch_size', yNum(b), 'sampling.promptsPerIter', b, 'exact', 'B: prompts per rollout batch.');
  row('data.seed', yNum(c.run.seed), 'run.seed', c.run.seed, 'approx', 'Same seed, different random streams.');

  // ---- algorithm
  switch (spec.baseline) {
    case 'group':
      row('algorithm.adv_estimator', 'grpo', 'objective.algorithm', o.algorithm, o.advantageScale === 'group' ? 'exact' : 'approx', o.advantageScale === 'group' ? '(r - group mean) / group std.' : `EasyR1's grpo always divides by the group std; this run scales by ${o.advantageScale}.`);
      break;
    case 'leave-one-out':
      row('algorithm.adv_estimator', 'rloo', 'objective.algorithm', o.algorithm, 'exact', 'Leave-one-out baseline.');
      break;
    case 'batch-mean':
      row('algorithm.adv_estimator', 'reinforce_plus_plus', 'objective.algorithm', o.algorithm, 'approx', 'REINFORCE++ whitens over the batch; this run subtracts the batch mean only.');
      break;
    case 'critic':
      row('algorithm.adv_estimator', 'gae', 'objective.algorithm', o.algorithm, 'approx', 'GAE needs a critic worker (worker.critic), which this config does not set up.');
      row('algorithm.gamma', yNum(o.gamma), 'objective.gamma', o.gamma, 'exact');
      row('algorithm.lam', yNum(o.lambda), 'objective.lambda', o.lambda, 'exact');
      break;
    case 'none':
      row('algorithm.adv_estimator', 'grpo', 'objective.algorithm', o.algorithm, 'none', `${spec.title} is supervised (cross-entropy, no advantage); EasyR1 trains with RL only.`);
      break;
  }
  const klToRef = spec.betaMeaning !== 'old-policy-kl' && o.beta > 0;
  row('algorithm.disable_kl', yBool(!klToRef), 'objective.beta', o.beta, spec.betaMeaning === 'old-policy-kl' ? 'none' : 'exact', spec.betaMeaning === 'old-policy-kl' ? `${spec.title}'s β weighs KL(π_old‖π), not KL to a reference.` : 'No reference model when β = 0.');
  row('algorithm.use_kl_loss', yBool(o.klMode === 'loss'), 'objective.klMode', o.klMode, 'exact', 'true: β·KL in the loss; false: subtracted from the reward.');
  row('algorithm.kl_penalty', KL_PENALTY[o.klEstimator], 'objective.klEstimator', o.klEstimator, o.klEstimator === 'exact' ? 'approx' : 'exact', o.klEstimator === 'exact' ? 'The exact sum over the vocabulary has no EasyR1 counterpart (150k tokens); low_var_kl (k3), its unbiased sampled estimate, stands in.' : 'k1 = kl, k2 = mse (½ log-ratio²), k3 = low_var_kl.');
  row('algorithm.kl_coef', yNum(spec.betaMeaning === 'old-policy-kl' ? 0 : o.beta), 'objective.beta', o.beta, spec.betaMeaning === 'old-policy-kl' ? 'none' : 'exact', 'β.');
  if (o.klSchedule === 'adaptive') row('algorithm.kl_type', 'adaptive', 'objective.klSchedule', o.klSchedule, 'approx', 'veRL\'s adaptive controller (kl_target, kl_horizon) is the reward-KL one.');
  else row('algorithm.kl_type', 'fixed', 'objective.klSchedule', o.klSchedule, o.klSchedule === 'fixed' ? 'exact' : 'none', o.klSchedule === 'fixed' ? '' : 'No β schedule in EasyR1.');
  if (o.klSchedule === 'adaptive') row('algorithm.kl_target', yNum(o.targetKl), 'objective.targetKl', o.targetKl, 'approx');
  const t = c.tricks;
  const filtering = t.onlineFilter || t.dynamicSampling;
  row('algorithm.online_filtering', yBool(filtering), 'tricks.onlineFilter / dynamicSampling', `${t.onlineFilter} / ${t.dynamicSampling}`, filtering && !t.onlineFilter ? 'approx' : 'exact', 'DAPO\'s filter groups: drop prompts whose mean score is outside [filter_low, filter_high].');
  if (filtering) {
    row('algorithm.filter_key', 'accuracy', '(filter on)', 'accuracy', 'exact', '');
    row('algorithm.filter_low', yNum(t.onlineFilter ? t.filterLow : 0.01), 'tricks.filterLow', t.filterLow, t.onlineFilter ? 'exact' : 'approx', t.onlineFilter ? '' : 'Dynamic sampling drops all-wrong and all-right groups.');
    row('algorithm.filter_high', yNum(t.onlineFilter ? t.filterHigh : 0.99), 'tricks.filterHigh', t.filterHigh, t.onlineFilter ? 'exact' : 'approx', '');
    row('trainer.max_try_make_batch', yNum(t.maxExtraRounds + 1), 'tricks.maxExtraRounds + 1', t.maxExtraRounds + 1, 'approx', 'Generations per batch, the first included. EasyR1 stops the run with an error when they run out short; the playground trains on the groups it has.');
  }

  // ---- actor
  const perStep = b / minibatches;
  row('worker.actor.global_batch_size', yNum(Number.isInteger(perStep) ? perStep : Math.max(1, Math.floor(perStep))), 'sampling.promptsPerIter / optim.minibatches', `${b} / ${minibatches}`, Number.isInteger(perStep) ? 'exact' : 'approx', 'Prompts per optimizer step (each with its n responses).');
  row('worker.actor.ppo_epochs', yNum(epochs), 'optim.epochs', epochs, 'exact', 'μ: passes over each rollout batch.');
  row('worker.actor.max_grad_norm', yNum(c.optim.gradClip), 'optim.gradClip', c.optim.gradClip, 'exact');
  row('worker.actor.clip_ratio_low', yNum(o.epsLow), 'objective.epsLow', o.epsLow, spec.clips ? 'exact' : 'none', spec.clips ? '' : `${spec.title} does not clip; veRL always does.`);
  row('worker.actor.clip_ratio_high', yNum(o.epsHigh), 'objective.epsHigh', o.epsHigh, spec.clips ? 'exact' : 'none', '');
  // EasyR1 always applies the dual clip (clip_ratio_dual, 3.0 by default); with ours off, a ratio bound no token reaches turns it off.
  const dual = spec.clips && o.dualClipC > 0;
  row('worker.actor.clip_ratio_dual', yNum(dual ? o.dualClipC : 1e9), 'objective.dualClipC', o.dualClipC, spec.clips ? 'exact' : 'none', dual ? 'Dual-clip PPO (arXiv:1912.09729).' : 'Off here; EasyR1 dual-clips at 3.0 unless told otherwise, so the bundle sets a bound no ratio reaches.');
  const avg = o.lossAggregation === 'token-mean' ? 'token' : 'seq';
  row('worker.actor.loss_avg_mode', avg, 'objective.lossAggregation', o.lossAggregation, o.lossAggregation === 'seq-mean-token-sum-norm' ? 'approx' : 'exact', o.lossAggregation === 'seq-mean-token-sum-norm' ? 'EasyR1 has token or seq; Dr. GRPO\'s constant normaliser has no counterpart.' : 'token = token-mean, seq = seq-mean-token-mean.');
  row('worker.actor.loss_type', o.ratioLevel === 'sequence' ? 'gspo' : 'default', 'objective.ratioLevel', o.ratioLevel, 'exact', o.ratioLevel === 'sequence' ? 'GSPO\'s sequence-level ratio.' : 'Per-token ratio.');
  row('worker.actor.optim.lr', yNum(c.optim.lr), 'optim.lr', c.optim.lr, spec.usesLearningRate ? 'exact' : 'approx', spec.usesLearningRate ? 'A real VLM wants far less (EasyR1\'s example: 1e-6).' : `${spec.title} ignores it.`);
  const sched = c.optim.lrSchedule === 'linear' ? 'constant' : c.optim.lrSchedule;
  row('worker.actor.optim.lr_scheduler_type', sched, 'optim.lrSchedule', c.optim.lrSchedule, c.optim.lrSchedule === 'linear' ? 'none' : 'exact', c.optim.lrSchedule === 'linear' ? 'EasyR1 has constant and cosine only.' : '');
  row('worker.actor.optim.lr_warmup_steps', yNum(c.optim.warmupIters * epochs * minibatches), 'optim.warmupIters × steps per iteration', `${c.optim.warmupIters} × ${epochs * minibatches}`, 'approx', 'In optimizer steps.');
  row('worker.actor.model.model_path', 'Qwen/Qwen2.5-VL-3B-Instruct', 'model.*', `${c.model.dModel}d × ${c.model.nLayers} layers`, 'none', 'Pick a real VLM.');

  // ---- rollout
  row('worker.rollout.n', yNum(g), 'sampling.groupSize', g, 'exact', 'G: responses per prompt.');
  row('worker.rollout.temperature', yNum(c.sampling.temperature), 'sampling.temperature', c.sampling.temperature, 'exact');
  row('worker.rollout.top_k', yNum(c.sampling.topK > 0 ? c.sampling.topK : -1), 'sampling.topK', c.sampling.topK, 'exact', '0 (off) here is -1 in vLLM.');
  fixed('worker.reward.reward_function', './rewards.py:compute_score', 'The weighted sum of rewards.weights, plus each function for the logs.');
  row('trainer.max_steps', yNum(c.run.iterations), 'run.iterations', c.run.iterations, 'exact', 'One step per rollout batch, as one playground iteration.');
  fixed('trainer.experiment_name', yStr(`rft-${c.preset}-${c.task.task}`), '');
  fixed('trainer.logger', '["console", "file"]', 'file writes experiment_log.jsonl, which the playground imports.');

  // ---- what has no counterpart
  const none = (ours: string, value: unknown, note: string) => row('', '', ours, value, 'none', note);
  if (o.entropyCoef > 0) none('objective.entropyCoef', o.entropyCoef, 'No entropy bonus in EasyR1\'s actor.');
  if (spec.critic) none('objective.valueCoef / valueClip / optim.valueLr', `${o.valueCoef} / ${o.valueClip} / ${c.optim.valueLr}`, 'Set up worker.critic yourself.');
  if (spec.stepControl === 'trust-region') none('objective.trpoMaxKl', o.trpoMaxKl, 'No trust region in EasyR1.');
  if (o.earlyStopKl > 0) none('objective.earlyStopKl', o.earlyStopKl, 'No KL early stopping.');
  if (c.rewards.dense && spec.perTokenCredit) none('rewards.dense', true, 'EasyR1\'s reward function returns one score per response, placed on its last token: dense step rewards would need a token-level reward manager.');
  if (t.curriculum) none('tricks.curriculum', true, 'Order the data by difficulty and set data.shuffle: false.');
  if (t.curriculum && t.curriculumRewards === 'staged') none('tricks.curriculumRewards', 'staged', 'One reward function for the whole run: train each stage as its own run with that stage\'s weights in rewards.py (src/engine/train/curriculum.ts CURR_REFT_STAGES).');
  if (t.curriculum && t.curriculumFormat === 'staged') none('tricks.curriculumFormat', 'staged', 'One data set for the whole run, asked open (the bundle\'s prompts): write each stage\'s closed questions into its own data set and run each stage in turn (src/engine/train/curriculum.ts CURR_REFT_STAGES).');
  if (t.curriculum && t.curriculumRejectIters > 0) none('tricks.curriculumRejectIters', t.curriculumRejectIters, 'No rejection-sampling SFT stage in EasyR1: sample, keep the right answers and fine-tune on them yourself.');
  if (t.noisyRollout) none('tricks.noisyRollout', t.noiseStd, 'No rollout-only image noise (NoisyRollout\'s own fork of EasyR1 has it: worker.actor.is_noisy).');
  if (t.temporalGrpo) none('tricks.temporalGrpo', t.temporalAlpha, 'No shuffled-frame rollouts in EasyR1 (Video-R1\'s T-GRPO is a fork of TRL).');
  if (t.onlineFilter && t.filterFreezeIters > 0) none('tricks.filterFreezeIters', t.filterFreezeIters, 'EasyR1 filters from the first step.');
  if (t.selectByDifficulty) none('tricks.selectByDifficulty', `${t.selectMinTries} of ${t.selectTries} tries`, 'Select the hard prompts before training (the bundle\'s data is not selected).');
  if (t.augment !== 'none') none('tricks.augment', t.augment, 'Augment the images in the data instead.');
  if (c.run.init === 'sft') none('run.init', 'sft', 'Warm-start with SFT on gold traces first.');
  return rows;
}

/** config.yaml: the rows nested by their dotted keys, each with its mapping as a comment. */
export function easyr1Yaml(c: RunConfig, header: string[] = []): string {
  const refusal = rlExportRefusal(c); // EasyR1 is RL only: a supervised run is refused, as for TRL
  if (refusal) throw new Error(refusal);
  const rows = easyr1Mapping(c).filter((r) => r.key !== '');
  type Node = { [k: string]: Node | Easyr1Row };
  const root: Node = {};
  for (const r of rows) setPath(root, r.key, r);
  const lines: string[] = [...header.map((h) => `# ${h}`)];
  const isRow = (v: Node | Easyr1Row): v is Easyr1Row => typeof (v as Easyr1Row).key === 'string' && typeof (v as Easyr1Row).status === 'string';
  const walk = (n: Node, indent: string) => {
    for (const [k, v] of Object.entries(n)) {
      if (isRow(v)) {
        const note = v.ours === '(bundle)' ? (v.note ? `  # ${v.note}` : '') : `  # ${v.ours} = ${v.ourValue}${v.status === 'exact' || !v.note ? (v.status === 'exact' ? '' : ` [${v.status}]`) : ` [${v.status}: ${v.note}]`}`;
        lines.push(`${indent}${k}: ${v.value}${note.replace(/\n/g, ' ')}`);
      } else {
        lines.push(`${indent}${k}:`);
        walk(v, `${indent}  `);
      }
    }
  };
  walk(root, '');
  const unmapped = easyr1Mapping(c).filter((r) => r.key === '');
  if (unmapped.length) lines.push('', '# Not carried over (no EasyR1 counterpart):', ...unmapped.map((r) => `#   - ${r.ours} = ${r.ourValue}: ${r.note}`));
  return `${lines.join('\n')}\n`;
}

export const FORMAT_PROMPT_JINJA = '{{ content | trim }} Answer in the form <think> your steps </think> <answer> one word </answer>.\n';
