import { ALGORITHM_SPECS } from '../../engine/algorithms/spec';
import type { RunConfig } from '../../engine/config';
import { REWARD_NAMES } from '../../engine/rewards';
import { TASKS } from '../../engine/tasks';
import { ANSWER, ANSWER_END, EOS, THINK, THINK_END, id as tokenId } from '../../engine/tokenizer';
import type { MetricsRecord } from '../../engine/train/metrics';
import type { InspectBatch } from '../../engine/train/types';
import type { LearnTopic } from '../lessons';
import { fmt } from './format';
import { questionText, words } from './inspect';
import { lossAdvantages } from './objective';
import { buildObjective, referenceBetaEverPositive } from './objectives';
import { aggregate, besselStd, clipState, tokenObjective, groupAdvantages, groupIsZeroVariance, isZeroVariance, klEstimate, mean, reinforceAdvantages, rlooAdvantages, tokenWeights } from '../../engine/rl/host';
import { texNum } from './tex';

/**
 * One iteration of a run, step by step: the data behind the Learn view's walk-through, from
 * the run's newest Inspect batch or else a worked example. Pure: the component only shows
 * the steps this module derives.
 */

// ---------------------------------------------------------------------------------------
// What the walk reads of a batch. The InspectBatch's internals are being reshaped on another
// branch: `fromInspectBatch` is the only function here that touches its fields.

export interface WalkSample {
  promptIndex: number;
  tokens: number[];
  reward: number;
  rewardByFn: Record<string, number>;
  /** The response's advantage (PPO: its mean token advantage before whitening). */
  advantage: number;
  logp: number[];
  ratio: number[];
  /** -1 clipped low, +1 clipped high, 0 not (empty where the algorithm does not clip). */
  clipped: number[];
  /** Per-token KL estimate to the reference (empty without one). */
  kl: number[];
  /** Per-token entropy of the policy (nats). */
  entropy: number[];
  /** PPO/TRPO: GAE's per-token advantages before whitening. */
  tokenAdvantages?: number[];
}

export interface WalkPrompt {
  image: Float32Array;
  imageSize: number;
  promptTokens: number[];
  answer: string;
}

export interface WalkBatch {
  iteration: number;
  groupSize: number;
  prompts: WalkPrompt[];
  samples: WalkSample[];
}

/** The adapter: an InspectBatch as the walk reads it. */
export function fromInspectBatch(b: InspectBatch): WalkBatch {
  return {
    iteration: b.iteration,
    groupSize: b.groupSize,
    prompts: b.prompts.map((p) => ({ image: p.image, imageSize: p.imageSize, promptTokens: p.promptTokens, answer: p.answer })),
    samples: b.samples.map((s) => ({
      promptIndex: s.promptIndex,
      tokens: s.tokens,
      reward: s.reward,
      rewardByFn: { ...s.rewardByFn },
      advantage: s.advantage,
      logp: s.logp,
      ratio: s.ratio,
      clipped: s.clipped,
      kl: s.kl,
      entropy: s.entropy,
      ...(s.tokenAdvantages ? { tokenAdvantages: s.tokenAdvantages } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------------------
// A worked example, for when there is no run yet

/** Deterministic small numbers in [-1, 1) (a hash, not Math.random: the example never changes). */
const wobble = (i: number, t: number): number => ((Math.sin(i * 12.9898 + t * 78.233) * 43758.5453) % 1);

/**
 * One prompt of the config's task with G made-up responses: half right, the rest wrong or
 * malformed, with rewards, advantages, ratios and KLs computed the way the config says. The
 * numbers are invented; the arithmetic on them is the run's.
 */
export function workedExample(config: RunConfig): WalkBatch {
  const task = TASKS[config.task.task];
  const inst = task.generate({ seed: 7, split: 'id', difficulty: 1, imageSize: config.task.imageSize, jitter: config.task.jitter });
  const g = Math.max(2, Math.min(8, config.sampling.groupSize));
  const wrong = inst.answer === '0' ? '1' : /^\d+$/.test(inst.answer) ? String(Number(inst.answer) - 1) : inst.answer === 'red' ? 'blue' : 'red';
  const w = config.rewards.weights;
  const o = config.objective;
  const hasRef = ALGORITHM_SPECS[o.algorithm].usesReference && referenceBetaEverPositive(o);
  const samples: WalkSample[] = Array.from({ length: g }, (_, i) => {
    const right = i % 2 === 0 && i < g - 1;
    const malformed = i === g - 1;
    const trace = inst.goldTrace.slice(0, right ? inst.goldTrace.length : Math.max(1, inst.goldTrace.length - (i % 3)));
    const answer = right ? inst.answer : wrong;
    const tokens = malformed
      ? [THINK, ...trace.map(tokenId), tokenId(answer), EOS]
      : [THINK, ...trace.map(tokenId), THINK_END, ANSWER, tokenId(answer), ANSWER_END, EOS];
    const rewardByFn: Record<string, number> = Object.fromEntries(REWARD_NAMES.map((f) => [f, 0]));
    rewardByFn.accuracy = right ? 1 : 0;
    rewardByFn.format = malformed ? 0 : 1;
    rewardByFn.step = right ? 1 : 0.5;
    const reward = REWARD_NAMES.reduce((a, f) => a + w[f] * (rewardByFn[f] ?? 0), 0);
    const logp = tokens.map((_, t) => -0.05 - 0.6 * Math.abs(wobble(i, t)));
    const many = config.optim.epochs * config.optim.minibatches > 1;
    // After more than one update the policy has moved a little: ratios off 1 by up to ±30%.
    const ratio = tokens.map((_, t) => (many ? Math.exp(0.3 * wobble(i + 3, t)) : 1));
    // The worked example has no whole distributions: 'exact' shows k3, its one-sample estimate.
    const kl = hasRef ? tokens.map((_, t) => klEstimate(0.15 * wobble(i + 5, t), o.klEstimator === 'exact' ? 'k3' : o.klEstimator)) : [];
    const entropy = tokens.map((_, t) => 0.4 + 0.3 * Math.abs(wobble(i + 7, t)));
    return { promptIndex: 0, tokens, reward, rewardByFn, advantage: 0, logp, ratio, clipped: [], kl, entropy };
  });
  const adv = exampleAdvantages(samples.map((s) => s.reward), g, config);
  samples.forEach((s, i) => {
    s.advantage = adv[i]!;
    s.clipped = ALGORITHM_SPECS[o.algorithm].clips ? s.ratio.map((r) => clipState(r, s.advantage, o.epsLow, o.epsHigh)) : [];
  });
  return { iteration: 0, groupSize: g, prompts: [{ image: inst.image, imageSize: inst.imageSize, promptTokens: inst.promptTokens, answer: inst.answer }], samples };
}

/** The config's baseline on one group of rewards; GAE needs a critic, so the example stands in r − mean for it. */
function exampleAdvantages(rewards: number[], g: number, config: RunConfig): number[] {
  switch (ALGORITHM_SPECS[config.objective.algorithm].baseline) {
    case 'group':
      return groupAdvantages(rewards, g, config.objective.advantageScale);
    case 'leave-one-out':
      return rlooAdvantages(rewards, g);
    case 'batch-mean':
    case 'critic':
      return reinforceAdvantages(rewards);
    case 'none':
      return rewards.map(() => 0); // SFT / RFT take cross-entropy steps: no advantage
  }
}

// ---------------------------------------------------------------------------------------
// The steps

export type WalkStepId = 'prompt' | 'samples' | 'rewards' | 'group' | 'advantages' | 'tokens' | 'aggregation' | 'update' | 'metrics';

export interface WalkTable {
  caption: string;
  columns: string[];
  rows: string[][];
  /** Row to mark (the response the later steps follow). */
  focusRow?: number;
}

export interface WalkStep {
  id: WalkStepId;
  title: string;
  /** One paragraph: what happens here, with this batch's numbers. */
  text: string;
  /** The explainer that goes deeper. */
  topic: LearnTopic;
  tex?: string;
  table?: WalkTable;
  facts?: { label: string; value: string }[];
}

export interface Walk {
  source: 'run' | 'example';
  iteration: number;
  /** Every prompt of the batch, for the first step's thumbnails. */
  prompts: WalkPrompt[];
  /** The prompt the walk follows, and its response that later steps zoom into. */
  prompt: WalkPrompt;
  promptIndex: number;
  focusSample: number;
  steps: WalkStep[];
}

/** A batch the walk can follow: at least one prompt with a response (else the worked example). */
export const walkable = (b: WalkBatch | null): b is WalkBatch => b !== null && b.samples.some((s) => b.prompts[s.promptIndex] !== undefined);

/** The batch's iteration's metrics record, if it is among the records given. */
export const recordFor = (records: readonly MetricsRecord[] | undefined, iteration: number): MetricsRecord | null => records?.find((r) => r.iteration === iteration) ?? null;

const responseText = (tokens: readonly number[]): string => words(tokens).join(' ');

/** Build the walk of one batch under a config; `record` is that iteration's metrics (null for the example). */
export function buildWalk(batch: WalkBatch, config: RunConfig, record: MetricsRecord | null, source: 'run' | 'example'): Walk {
  const o = config.objective;
  const spec = ALGORITHM_SPECS[o.algorithm];
  const objective = buildObjective(config);
  const term = (id: string) => objective.terms.find((t) => t.id === id);
  const g = batch.groupSize;
  const b = batch.prompts.length;

  // The prompt to follow: the first whose rewards differ (a zero-variance group teaches nothing).
  const groups = batch.prompts.map((_, p) => batch.samples.map((s, i) => ({ s, i })).filter((x) => x.s.promptIndex === p));
  const spread = groups.findIndex((gr) => gr.some((x) => x.s.reward !== gr[0]?.s.reward));
  const promptIndex = spread >= 0 ? spread : Math.max(0, groups.findIndex((gr) => gr.length > 0));
  const group = groups[promptIndex] ?? [];
  const rewards = group.map((x) => x.s.reward);
  const focus = group.reduce((best, x) => (Math.abs(x.s.advantage) > Math.abs(best.s.advantage) ? x : best), group[0]!);
  const focusPos = group.indexOf(focus);
  const prompt = batch.prompts[promptIndex]!;
  const zeroGroups = groups.filter((gr) => groupIsZeroVariance(gr.map((x) => x.s.reward))).length;
  const m = mean(rewards);
  const std = besselStd(rewards);
  const maxLen = config.sampling.maxNewTokens;
  const v = (key: string): number | undefined => record?.values[key];

  // Per-token objective, as the loss adds it up: the surrogate (clipped or not), minus β·KL to
  // the reference where that KL is in the loss, minus PPO-Penalty's β·KL(π_old‖π_θ) (its k3
  // estimate ρ − 1 − log ρ, as engine/algorithms/ppo.ts), plus the entropy bonus.
  const tokenAdv = lossAdvantages(batch, config);
  const klInLoss = term('kl') !== undefined && o.klMode === 'loss';
  const penalty = spec.stepControl === 'kl-penalty';
  const beta = v('kl/beta') ?? o.beta;
  // The objective is minus the loss term engine/rl/host.ts's tokenObjective writes out (weight 1 here: aggregate weighs).
  const perToken = batch.samples.map((s, i) =>
    s.tokens.map((_, t) => {
      const r = s.ratio[t] ?? 1;
      return -tokenObjective({
        ratio: r,
        advantage: tokenAdv[i]![t]!,
        epsLow: spec.clips ? o.epsLow : Infinity,
        epsHigh: spec.clips ? o.epsHigh : Infinity,
        beta: klInLoss ? beta : 0,
        kl: s.kl[t] ?? 0,
        entropyCoef: o.entropyCoef,
        entropy: s.entropy[t] ?? 0,
        // PPO-Penalty's β·KL(π_old‖π_θ), its k3 estimate at x = log π_old − log π_θ = −log ρ (engine/algorithms/ppo.ts).
        oldPolicyPenalty: penalty ? beta * klEstimate(-Math.log(Math.max(r, 1e-12)), 'k3') : 0,
        weight: 1,
      }).total;
    }),
  );
  const objectiveValue = aggregate(perToken, o.lossAggregation, maxLen);
  const allTokens = batch.samples.reduce((a, s) => a + s.tokens.length, 0);
  const clippedTokens = batch.samples.reduce((a, s) => a + s.clipped.filter((c) => c !== 0).length, 0);
  const klTokens = batch.samples.flatMap((s) => s.kl);
  const weights = tokenWeights(batch.samples.map((s) => s.tokens.length), o.lossAggregation, maxLen);

  const rewardFns = REWARD_NAMES.filter((f) => config.rewards.weights[f] !== 0);
  const fs = focus.s;
  const steps: WalkStep[] = [
    {
      id: 'prompt',
      title: 'Prompts and images',
      topic: 'mdp',
      text:
        `The iteration draws B = ${b} prompt${b > 1 ? 's' : ''} of the ${config.task.task} task, each an image and a question. ` +
        `We follow prompt ${promptIndex + 1}${spread < 0 ? '' : ', the first whose answers scored differently'}: the model reads the image's patches and the question's tokens, then writes its answer one token at a time, each token an action of the MDP.`,
      facts: [
        { label: 'question', value: questionText(prompt.promptTokens) },
        { label: 'gold answer', value: prompt.answer },
        { label: 'prompts this iteration', value: String(b) },
      ],
    },
    {
      id: 'samples',
      title: `G = ${g} samples`,
      topic: 'mdp',
      text: `The policy that is about to be updated (π_old) samples ${g} responses to this prompt at temperature ${config.sampling.temperature}, each at most L_max = ${maxLen} tokens. They differ only by chance: that spread is what the update learns from. Response ${focusPos + 1} (marked) is the one later steps zoom into.`,
      table: {
        caption: `The ${g} responses to prompt ${promptIndex + 1}`,
        columns: ['#', 'response', 'tokens'],
        rows: group.map((x, k) => [String(k + 1), responseText(x.s.tokens), String(x.s.tokens.length)]),
        focusRow: focusPos,
      },
    },
    {
      id: 'rewards',
      title: 'Rewards by function',
      topic: 'objectives',
      text: `Rule-based functions score each response, and the reward is their weighted sum${rewardFns.length > 0 ? ` (${rewardFns.map((f) => `${config.rewards.weights[f]} × ${f}`).join(' + ')})` : ''}. No reward model: the answer is checked against the gold one, the format against the grammar.`,
      tex: `${term('reward')?.tex.split(',\\quad')[0] ?? 'r_i'},\\qquad r_{${focusPos + 1}} = ${rewardFns.map((f) => `${texNum(config.rewards.weights[f])}\\cdot ${texNum(fs.rewardByFn[f] ?? 0)}`).join(' + ') || '0'} = ${texNum(fs.reward, 4)}`,
      table: {
        caption: 'Reward of each response, by function',
        columns: ['#', ...rewardFns, 'reward r'],
        rows: group.map((x, k) => [String(k + 1), ...rewardFns.map((f) => fmt(x.s.rewardByFn[f] ?? 0, 3)), fmt(x.s.reward, 4)]),
        focusRow: focusPos,
      },
    },
    {
      id: 'group',
      title: 'Group statistics',
      topic: 'grpo',
      text:
        `The ${g} rewards of the group have mean ${fmt(m, 4)} and std ${fmt(std, 4)} (Bessel). ` +
        (isZeroVariance(std, m) ? 'They are all equal, so this group teaches nothing: every advantage is 0. ' : '') +
        `${zeroGroups} of the ${b} groups in this batch ${zeroGroups === 1 ? 'has' : 'have'} all rewards equal and give no gradient${config.tricks.dynamicSampling ? ' (dynamic sampling drops them and samples more prompts)' : ''}.`,
      tex: `\\operatorname{mean}(r) = ${texNum(m, 4)},\\qquad \\operatorname{std}(r) = ${texNum(std, 4)},\\qquad \\text{zero-variance groups: } ${zeroGroups} / ${b}`,
    },
    {
      id: 'advantages',
      title: 'Advantages',
      topic: spec.critic ? 'gae' : 'grpo',
      text: spec.critic
        ? `${spec.title} asks its critic: GAE turns the value head's per-token predictions and the final reward into a per-token advantage${o.whitenAdvantages ? ', whitened over the batch' : ''}. The table shows each response's mean token advantage.${source === 'example' ? ' (The worked example has no critic and uses r − mean instead.)' : ''}`
        : `${term('advantage')?.text ?? ''} Positive: make this response more likely; negative: less likely.`,
      tex: term('advantage')?.tex,
      table: {
        caption: 'Reward and advantage of each response',
        columns: ['#', 'reward r', 'advantage Â'],
        rows: group.map((x, k) => [String(k + 1), fmt(x.s.reward, 4), fmt(x.s.advantage, 4)]),
        focusRow: focusPos,
      },
    },
    {
      id: 'tokens',
      title: 'Token objectives',
      topic: 'ppo-clip',
      text:
        `Every token of response ${focusPos + 1} gets its ratio ρ = π_θ/π_old${spec.clips ? `, clipped to [${1 - o.epsLow}, ${1 + o.epsHigh}] where the advantage pushes it out` : ''}` +
        `${klInLoss ? `, minus β = ${fmt(beta, 3)} times its KL to the reference` : ''}` +
        `${penalty ? `, minus β = ${fmt(beta, 3)} times its KL from π_old (ρ − 1 − log ρ)` : ''}` +
        `${o.entropyCoef > 0 ? `, plus ${o.entropyCoef} × its entropy` : ''}. ` +
        (config.optim.epochs * config.optim.minibatches === 1 && spec.usesLearningRate ? 'With one update per rollout every ratio is exactly 1 and nothing is clipped. ' : '') +
        `The ratios shown are from the iteration's last update.`,
      tex: term(spec.clips ? 'clip' : spec.stepControl === 'kl-penalty' ? 'penalty' : 'surrogate')?.tex,
      table: {
        caption: `Token by token, response ${focusPos + 1}`,
        columns: ['token', 'log π', 'ratio ρ', 'clipped', 'KL', 'objective'],
        rows: fs.tokens.map((tok, t) => [
          words([tok])[0] ?? '?',
          fmt(fs.logp[t], 3),
          fmt(fs.ratio[t], 4),
          fs.clipped[t] === 1 ? 'high' : fs.clipped[t] === -1 ? 'low' : 'no',
          fs.kl.length > 0 ? fmt(fs.kl[t], 3) : '–',
          fmt(perToken[focus.i]![t], 4),
        ]),
      },
    },
    {
      id: 'aggregation',
      title: 'Aggregation',
      topic: 'length',
      text:
        `The token objectives of all ${batch.samples.length} responses (${allTokens} tokens) are summed with a weight per response: ${term('aggregation')?.text ?? ''} ` +
        `Here a token of response ${focusPos + 1} (${fs.tokens.length} tokens) weighs ${fmt(weights[focus.i], 3)}.` +
        (record ? ` The trainer logged loss/policy = ${fmt(v('loss/policy'), 4)} (the loss is −J, averaged over its updates${o.entropyCoef > 0 ? ', with the entropy bonus' : ''}).` : ''),
      tex: `J = ${term('aggregation')?.tex.split(',\\quad')[0] ?? ''} \\big(\\ldots\\big) = ${texNum(objectiveValue, 4)}`,
    },
    {
      id: 'update',
      title: 'The update',
      topic: 'ppo-clip',
      text:
        spec.stepControl === 'trust-region'
          ? `TRPO takes one natural-gradient step: conjugate gradient finds F⁻¹g, the step is scaled to the KL boundary δ = ${o.trpoMaxKl} and halved until the real KL fits.${record ? ` It kept ${fmt(v('trpo/step_frac'), 3)} of the full step.` : ''} Then the value head is fitted to the returns.`
          : `Gradient ascent on J: ${config.optim.epochs} epoch${config.optim.epochs > 1 ? 's' : ''} × ${config.optim.minibatches} minibatch${config.optim.minibatches > 1 ? 'es' : ''} of Adam steps at lr ${config.optim.lr}, the gradient norm clipped to ${config.optim.gradClip}${spec.critic ? ', the value head trained alongside' : ''}. Each step moves π_θ away from π_old; the ratios, the clip and the approx KL measure how far.`,
      tex: term('update')?.tex,
      facts: record
        ? [
            { label: 'gradient norm', value: fmt(v('grad/norm'), 4) },
            { label: 'approx KL(π_old‖π_θ)', value: fmt(v('policy/approx_kl'), 4) },
            ...(spec.clips ? [{ label: 'clip fraction', value: fmt(v('clip/region'), 4) }] : []),
            ...(v('kl/beta') !== undefined ? [{ label: 'β', value: fmt(v('kl/beta'), 4) }] : []),
            { label: 'learning rate', value: fmt(v('lr'), 4) },
          ]
        : [{ label: 'clipped tokens in this batch', value: `${clippedTokens} of ${allTokens}` }],
    },
    {
      id: 'metrics',
      title: 'The new metrics point',
      topic: 'objectives',
      text: record
        ? `Iteration ${batch.iteration} adds one point to every chart of the Train view: reward ${fmt(v('reward/mean'), 3)}, train accuracy ${fmt(v('acc/train'), 3)}, KL to the reference ${fmt(v('kl/ref'), 3)}. Then the next iteration samples again from the updated policy.`
        : 'A run would now add one point to every chart of the Train view, computed from this batch as below. Start a run and this walk follows its newest iteration.',
      facts: [
        { label: 'reward/mean', value: fmt(record ? v('reward/mean') : mean(batch.samples.map((s) => s.reward)), 4) },
        { label: 'acc/train', value: fmt(record ? v('acc/train') : mean(batch.samples.map((s) => s.rewardByFn.accuracy ?? 0)), 4) },
        { label: 'kl/ref', value: record ? fmt(v('kl/ref'), 4) : klTokens.length > 0 ? fmt(mean(klTokens), 4) : '–' },
        { label: 'clip/region', value: fmt(record ? v('clip/region') : allTokens > 0 ? clippedTokens / allTokens : 0, 4) },
        { label: 'len/mean', value: fmt(record ? v('len/mean') : allTokens / Math.max(1, batch.samples.length), 4) },
        { label: 'groups/zero_std_frac', value: fmt(record ? v('groups/zero_std_frac') : zeroGroups / Math.max(1, b), 4) },
      ],
    },
  ];
  return { source, iteration: batch.iteration, prompts: batch.prompts, prompt, promptIndex, focusSample: focus.i, steps };
}

/** The next step index when playing: stops at the last. */
export const nextStep = (i: number, count: number): number => Math.min(count - 1, i + 1);
export const prevStep = (i: number): number => Math.max(0, i - 1);
