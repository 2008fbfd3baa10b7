import { ALGORITHM_SPECS, ignoresKnob } from '../../engine/algorithms/spec';
import type { RunConfig } from '../../engine/config';
import { getPath } from '../../engine/paths';
import { REWARD_NAMES, type RewardName } from '../../engine/rewards';
import type { QuestionFormat } from '../../engine/tasks/types';
import { CURR_REFT_STAGES } from '../../engine/train/curriculum';
import { texNum } from './tex';

/**
 * Any run's objective, written out term by term from its config: the algorithm's facts
 * (engine/algorithms/spec.ts) and the knobs it reads, with the run's numbers substituted.
 * Built from the config rather than written once per preset, so a user's mixture (GRPO with
 * a sequence ratio and clip-higher, PPO with token-mean...) gets its true objective too.
 * Every term says which knobs it comes from, which is what the diff of two configs shows.
 *
 * Sources: GRPO, Shao et al. 2024 (arXiv:2402.03300, eq. 3) as the survey writes it (Sun et
 * al. 2025, arXiv:2505.18536); PPO-Clip and PPO-Penalty (eq. 7, eq. 8), arXiv:1707.06347;
 * TRPO, arXiv:1502.05477; RLOO, arXiv:2402.14740; Dr. GRPO, arXiv:2503.20783; DAPO,
 * arXiv:2503.14476; GSPO, arXiv:2507.18071. Where the trainer departs from a paper (a
 * proportional β controller for PPO-Penalty, all-equal rewards for DAPO's filter), the term
 * says what the trainer does.
 */

export type TermId =
  | 'sampling'
  | 'perturbation'
  | 'selection'
  | 'curriculum'
  | 'filter'
  | 'temporal'
  | 'reward'
  | 'advantage'
  | 'ratio'
  | 'clip'
  | 'penalty'
  | 'surrogate'
  | 'kl'
  | 'entropy'
  | 'aggregation'
  | 'value'
  | 'constraint'
  | 'update';

/** The order terms are listed (and diffed) in: from the samples to the parameter update. */
export const TERM_ORDER: readonly TermId[] = ['sampling', 'perturbation', 'selection', 'curriculum', 'filter', 'temporal', 'reward', 'advantage', 'ratio', 'clip', 'penalty', 'surrogate', 'kl', 'entropy', 'aggregation', 'value', 'constraint', 'update'];

export interface ObjectiveTerm {
  id: TermId;
  /** What the term is for ("importance ratio", "loss aggregation"). */
  role: string;
  /** This config's variant, short: "clip-higher", "token-mean", "k3 in the loss". */
  value: string;
  /** The term's definition, with this config's numbers (TeX the app writes, never user text). */
  tex: string;
  /** The same in words (for screen readers and the diff). */
  text: string;
  /** Dotted RunConfig paths the term is built from. */
  knobs: readonly string[];
  /** Where it comes from (arXiv id). */
  source: string;
}

export interface Objective {
  title: string;
  /** The whole objective in one formula, with numbers. */
  tex: string;
  terms: ObjectiveTerm[];
}

// ---------------------------------------------------------------------------------------
// TeX pieces

const OLD = '\\pi_{\\theta_{\\text{old}}}';
const REF = '\\pi_{\\text{ref}}';
const ADV = '\\hat A_{i,t}';
const REWARD_TEX: Record<RewardName, string> = { accuracy: 'acc', format: 'fmt', step: 'step', length: 'len', hackable: 'because', stepRAR: 'RAR', stepRVR: 'RVR', action: 'act', distance: 'dist' };const KL_TEX: Record<RunConfig['objective']['klEstimator'], string> = {
  k1: `\\log\\frac{\\pi_\\theta}{${REF}}`,
  k2: `\\tfrac12\\Big(\\log\\frac{\\pi_\\theta}{${REF}}\\Big)^{2}`,
  k3: `\\frac{${REF}}{\\pi_\\theta} - \\log\\frac{${REF}}{\\pi_\\theta} - 1`,
  exact: `\\sum_{v} \\pi_\\theta(v)\\log\\frac{\\pi_\\theta(v)}{${REF}(v)}`,
};
const n = (v: number): string => texNum(v, 4);

/** β may be above 0 in some iteration, so a reference model exists (the trainer's BetaSchedule.everPositive). */
export function referenceBetaEverPositive(o: RunConfig['objective']): boolean {
  return o.beta > 0 || ((o.klSchedule === 'linear' || o.klSchedule === 'cosine') && o.betaFinal > 0);
}

function betaSchedule(o: RunConfig['objective']): { tex: string; words: string } {
  switch (o.klSchedule) {
    case 'fixed':
      return { tex: `\\beta = ${n(o.beta)}`, words: `β = ${o.beta}, fixed` };
    case 'adaptive':
      return o.klAdaptRule === 'halve-double'
        ? { tex: `\\beta_0 = ${n(o.beta)}\\ \\text{halved or doubled toward KL} = ${n(o.targetKl)}`, words: `β starts at ${o.beta} and is halved or doubled toward KL ${o.targetKl} (Schulman et al.'s rule)` }
        : { tex: `\\beta_0 = ${n(o.beta)}\\ \\text{adapted toward KL} = ${n(o.targetKl)}\\ (\\text{horizon } ${o.klHorizon})`, words: `β starts at ${o.beta} and adapts toward KL ${o.targetKl} (a proportional controller)` };
    default:
      return { tex: `\\beta: ${n(o.beta)} \\to ${n(o.betaFinal)}\\ (\\text{${o.klSchedule} over the run})`, words: `β ${o.betaFinal > o.beta ? 'rises' : 'decays'} ${o.klSchedule} from ${o.beta} to ${o.betaFinal}` };
  }
}

// ---------------------------------------------------------------------------------------
// The terms, one builder each

function samplingTerm(c: RunConfig): ObjectiveTerm {
  const g = c.sampling.groupSize;
  return {
    id: 'sampling',
    role: 'samples',
    value: `B = ${c.sampling.promptsPerIter} prompts × G = ${g}, T = ${c.sampling.temperature}`,
    tex: `q \\sim \\mathcal D\\ (B = ${c.sampling.promptsPerIter}),\\quad \\{o_i\\}_{i=1}^{${g}} \\sim ${OLD}(\\cdot\\mid q, \\text{image}),\\quad T = ${n(c.sampling.temperature)}`,
    text: `Each iteration samples ${c.sampling.promptsPerIter} prompts and ${g} responses to each from the policy that is about to be updated, at temperature ${c.sampling.temperature}.`,
    knobs: ['sampling.promptsPerIter', 'sampling.groupSize', 'sampling.temperature'],
    source: 'arXiv:2402.03300',
  };
}

/** NoisyRollout (arXiv:2504.13055): rollouts from a noisy image, in hybrid groups or all of them; the update sees the clean image. */
function perturbationTerm(c: RunConfig): ObjectiveTerm | null {
  const t = c.tricks;
  if (!t.noisyRollout) return null;
  const g = c.sampling.groupSize;
  const noisy = t.noiseMix === 'hybrid' ? Math.floor(g / 2) : g;
  const clean = g - noisy;
  const decay = t.noiseSchedule === 'sigmoid' ? `1 - \\sigma\\big(${n(t.noiseSteepness)}\\,(t/${t.noiseAnneal} - ${n(t.noiseMidpoint)})\\big)` : `\\max(0,\\ 1 - t/${t.noiseAnneal})`;
  const split = clean > 0 ? `\\{o_i\\}_{i=1}^{${clean}} \\sim ${OLD}(\\cdot\\mid q, I),\\ \\{o_i\\}_{i=${clean + 1}}^{${g}} \\sim ${OLD}(\\cdot\\mid q, \\tilde I)` : `\\{o_i\\}_{i=1}^{${g}} \\sim ${OLD}(\\cdot\\mid q, \\tilde I)`;
  return {
    id: 'perturbation',
    role: 'rollout images',
    value: `NoisyRollout, ${t.noiseMix} (${clean} clean + ${noisy} noisy)`,
    tex: `${split},\\quad \\tilde I = \\mathrm{clip}(I + \\epsilon),\\ \\epsilon \\sim \\mathcal N(0, \\sigma_t^2),\\ \\sigma_t = ${n(t.noiseStd)}\\,\\big(${decay}\\big)`,
    text: `${clean > 0 ? `${clean} of each group's ${g} responses are sampled from the clean image and ${noisy} from a noisy copy` : `All ${g} responses are sampled from a noisy copy of the image`}, whose noise std starts at ${t.noiseStd} and falls on a ${t.noiseSchedule} schedule over ${t.noiseAnneal} iterations; the update scores every response on the clean image.`,
    knobs: ['tricks.noisyRollout', 'tricks.noiseMix', 'tricks.noiseStd', 'tricks.noiseSchedule', 'tricks.noiseAnneal', 'tricks.noiseMidpoint', 'tricks.noiseSteepness'],
    source: 'arXiv:2504.13055',
  };
}

/** T-GRPO (Video-R1, arXiv:2503.21776): a second group per prompt on shuffled frames, and a temporal reward when order helps. */
function temporalTerm(c: RunConfig): ObjectiveTerm | null {
  const t = c.tricks;
  if (!t.temporalGrpo) return null;
  const g = c.sampling.groupSize;
  return {
    id: 'temporal',
    role: 'temporal reward',
    value: `T-GRPO, α = ${t.temporalAlpha}`,
    tex: `\\tilde o_{1..${g}} \\sim ${OLD}(\\cdot\\mid q, \\text{shuffled frames}),\\quad r_i \\mathrel{+}= \\begin{cases} ${n(t.temporalAlpha)} & o_i \\text{ right and } p > \\tilde p \\\\ 0 & \\text{otherwise} \\end{cases}`,
    text: `Each prompt's ${g} responses are sampled again from its frames in a shuffled order; p and p̃ are the shares of right answers in the ordered and the shuffled group. When p > p̃, each right ordered answer earns ${t.temporalAlpha} more reward. The shuffled responses are not trained on.`,
    knobs: ['tricks.temporalGrpo', 'tricks.temporalAlpha'],
    source: 'arXiv:2503.21776',
  };
}

/** ThinkLite-VL (arXiv:2504.07934): the prompts are the ones the starting policy found hard. */
function selectionTerm(c: RunConfig): ObjectiveTerm | null {
  const t = c.tricks;
  if (!t.selectByDifficulty) return null;
  return {
    id: 'selection',
    role: 'prompts',
    value: `ThinkLite: tries >= ${t.selectMinTries} of ${t.selectTries}`,
    tex: `q \\sim \\mathcal D_{\\text{hard}} = \\{q \\in \\mathcal D_{${t.selectPool}} : \\text{tries}_{\\pi_0}(q) \\ge ${t.selectMinTries}\\},\\quad \\text{tries} \\le ${t.selectTries} \\text{ or never}`,
    text: `Prompts come only from the ${t.selectPool} candidates the starting policy needed at least ${t.selectMinTries} of ${t.selectTries} tries to solve, or never solved.`,
    knobs: ['tricks.selectByDifficulty', 'tricks.selectPool', 'tricks.selectTries', 'tricks.selectMinTries'],
    source: 'arXiv:2504.07934',
  };
}

/** How the curriculum term names each question format. */
const FORMAT_WORDS: Readonly<Record<QuestionFormat, string>> = { binary: 'a binary question (two candidate answers)', choice: 'a choice among three candidates', open: 'the open question' };

/** Curr-ReFT (arXiv:2503.07065): the level steps up on mastery, each stage pays its own reward weights and may ask its own question format, and the last iterations are rejection-sampling self-improvement. */
function curriculumTerm(c: RunConfig): ObjectiveTerm | null {
  const t = c.tricks;
  if (!t.curriculum) return null;
  const staged = t.curriculumRewards === 'staged';
  const formats = t.curriculumFormat === 'staged';
  const w = (k: 'accuracy' | 'format' | 'step', stage: (typeof CURR_REFT_STAGES)[number]) => n(stage.weights[k] ?? c.rewards.weights[k]);
  const weights = CURR_REFT_STAGES.map((s) => `(${w('accuracy', s)}, ${w('format', s)}, ${w('step', s)})`).join(',\\ ');
  const tex = [`\\text{level} \\mathrel{+}= 1 \\text{ when } \\mathrm{EMA}(\\text{acc}) \\ge ${n(t.curriculumThreshold)}`];
  if (staged) tex.push(`(w^{\\text{acc}}, w^{\\text{fmt}}, w^{\\text{step}})_{s=1..${CURR_REFT_STAGES.length}} = ${weights}`);
  if (formats) tex.push(`q_s \\in (${CURR_REFT_STAGES.map((s) => `\\text{${s.format}}`).join(',\\ ')})`);
  if (t.curriculumRejectIters > 0) tex.push(`t > T - ${t.curriculumRejectIters}:\\ \\max_\\theta \\sum_{i:\\ o_i \\text{ right}} \\log \\pi_\\theta(o_i \\mid q, I)`);
  const words = [`The task level steps up once smoothed train accuracy reaches ${t.curriculumThreshold}`];
  if (staged) words.push(`each stage (level from the start) pays its own accuracy, format and step weights: ${CURR_REFT_STAGES.map((s, i) => `stage ${i + 1} ${w('accuracy', s)}, ${w('format', s)}, ${w('step', s)}`).join('; ')}`);
  if (formats) words.push(`each stage asks its own question: ${CURR_REFT_STAGES.map((s, i) => `stage ${i + 1} ${FORMAT_WORDS[s.format]}`).join('; ')} (held-out evaluation always asks the open one)`);
  if (t.curriculumRejectIters > 0) words.push(`the last ${t.curriculumRejectIters} iterations keep only the right samples and fine-tune on them (rejection-sampling self-improvement)`);
  return {
    id: 'curriculum',
    role: 'curriculum',
    value: `Curr-ReFT${staged ? ', staged rewards' : ''}${formats ? ', staged formats' : ''}${t.curriculumRejectIters > 0 ? ` + ${t.curriculumRejectIters} self-improvement iterations` : ''}`,
    tex: tex.join(',\\quad '),
    text: `${words.join('; ')}.`,
    knobs: ['tricks.curriculum', 'tricks.curriculumThreshold', 'tricks.curriculumRewards', 'tricks.curriculumFormat', 'tricks.curriculumRejectIters'],
    source: 'arXiv:2503.07065',
  };
}

/** DAPO's dynamic sampling and MM-EUREKA's online filter: groups that teach nothing are dropped. */
function filterTerm(c: RunConfig): ObjectiveTerm | null {
  const t = c.tricks;
  const g = c.sampling.groupSize;
  const parts: string[] = [];
  const words: string[] = [];
  const knobs: string[] = [];
  if (t.dynamicSampling) {
    parts.push(`0 < \\big|\\{o_i : r_i \\text{ correct}\\}\\big| < ${g}`);
    words.push(`dynamic sampling keeps only groups whose ${g} rewards are not all equal (DAPO: 0 < correct < G), sampling up to ${t.maxExtraRounds} extra rounds to refill the batch`);
    knobs.push('tricks.dynamicSampling', 'tricks.maxExtraRounds');
  }
  if (t.onlineFilter) {
    parts.push(`${n(t.filterLow)} < \\overline{\\text{acc}}(q) < ${n(t.filterHigh)}`);
    const freeze = t.filterFreezeIters > 0 ? ` from iteration ${t.filterFreezeIters + 1} on` : '';
    const refill = t.dynamicSampling ? '' : `, sampling up to ${t.maxExtraRounds} extra rounds to refill the batch`;
    words.push(`online filtering keeps groups whose mean accuracy is strictly between ${t.filterLow} and ${t.filterHigh}${freeze}${refill}`);
    knobs.push('tricks.onlineFilter', 'tricks.filterLow', 'tricks.filterHigh', 'tricks.filterFreezeIters', 'tricks.maxExtraRounds');
  }
  if (parts.length === 0) return null;
  return {
    id: 'filter',
    role: 'group filter',
    value: [t.dynamicSampling ? 'dynamic sampling' : '', t.onlineFilter ? `online filter (${t.filterLow}, ${t.filterHigh})` : ''].filter(Boolean).join(' + '),
    tex: `\\text{s.t.}\\ ${parts.join(',\\quad ')}`,
    text: `${words.join('; ')}.`,
    knobs,
    source: t.dynamicSampling ? 'arXiv:2503.14476' : 'arXiv:2503.07365',
  };
}

function rewardTerm(c: RunConfig): ObjectiveTerm {
  const w = c.rewards.weights;
  const used = REWARD_NAMES.filter((f) => w[f] !== 0);
  const tex = used.length === 0 ? '0' : used.map((f) => `${n(w[f])}\\, r^{\\text{${REWARD_TEX[f]}}}_i`).join(' + ').replace(/\+ -/g, '- ');
  const lengthNote = w.length !== 0 ? `,\\quad r^{\\text{len}}: \\text{soft overlong penalty in the last } ${c.rewards.overlongCache} \\text{ of } L_{\\max} = ${c.sampling.maxNewTokens}` : '';
  // Dense step rewards (read only where the algorithm credits tokens one by one, and refused elsewhere).
  const dense = c.rewards.dense && w.stepRAR !== 0 && !ignoresKnob(c.objective.algorithm, 'rewards.dense');
  const denseText = dense ? ' StepRAR is paid where it is earned: each key step\'s share on the token that completes it, the rest of r_i on the last token, so GAE credits the steps.' : '';
  return {
    id: 'reward',
    role: 'reward',
    value: used.length === 0 ? 'none' : used.map((f) => `${f} × ${w[f]}`).join(' + '),
    tex: `r_i = ${tex}${lengthNote}`,
    text: used.length === 0 ? 'Every reward weight is 0: nothing is paid.' : `Each response is scored by rule: ${used.map((f) => `${w[f]} × ${f}`).join(' + ')}.${denseText}`,
    knobs: [...used.map((f) => `rewards.weights.${f}`), ...(w.length !== 0 ? ['rewards.overlongCache', 'sampling.maxNewTokens'] : []), ...(dense ? ['rewards.dense'] : [])],
    source: dense ? 'arXiv:2503.12937' : w.length !== 0 ? 'arXiv:2503.14476' : 'arXiv:2505.18536',
  };
}

function advantageTerm(c: RunConfig): ObjectiveTerm {
  const o = c.objective;
  const g = c.sampling.groupSize;
  const group = `\\{r_j\\}_{j=1}^{${g}}`;
  switch (ALGORITHM_SPECS[o.algorithm].baseline) {
    case 'group': {
      const scale = o.advantageScale;
      const tex =
        scale === 'none'
          ? `\\hat A_{i,t} = r_i - \\operatorname{mean}(${group})`
          : `\\hat A_{i,t} = \\frac{r_i - \\operatorname{mean}(${group})}{\\operatorname{std}(${scale === 'batch' ? '\\text{batch}' : group}) + 10^{-4}}`;
      const value = scale === 'none' ? 'group mean, no std (Dr. GRPO)' : scale === 'batch' ? 'group mean / batch std' : 'group mean / group std';
      return {
        id: 'advantage',
        role: 'advantage',
        value,
        tex,
        text:
          scale === 'none'
            ? `Each response's reward minus its group's mean, with no division by the std (Dr. GRPO: the std favours too-easy and too-hard prompts), the same for every token.`
            : `Each response's reward minus the mean of its group of ${g}, divided by the ${scale} std, the same for every token.`,
        knobs: ['objective.advantageScale', 'sampling.groupSize'],
        source: scale === 'none' ? 'arXiv:2503.20783' : 'arXiv:2402.03300',
      };
    }
    case 'leave-one-out':
      return {
        id: 'advantage',
        role: 'advantage',
        value: 'leave-one-out (RLOO)',
        tex: `\\hat A_{i,t} = r_i - \\frac{1}{${g - 1}}\\sum_{j \\ne i} r_j`,
        text: `Each response's reward minus the mean of the other ${g - 1} responses to its prompt: an unbiased baseline.`,
        knobs: ['sampling.groupSize'],
        source: 'arXiv:2402.14740',
      };
    case 'batch-mean':
      return {
        id: 'advantage',
        role: 'advantage',
        value: 'batch mean',
        tex: `\\hat A_{i,t} = r_i - \\frac{1}{${c.sampling.promptsPerIter * g}}\\sum_{j} r_j`,
        text: 'Each response\'s reward minus the mean reward of the whole batch.',
        knobs: ['sampling.promptsPerIter', 'sampling.groupSize'],
        source: 'Williams 1992',
      };
    case 'critic':
      return {
        id: 'advantage',
        role: 'advantage',
        value: `GAE γ = ${o.gamma}, λ = ${o.lambda}${o.whitenAdvantages ? ', whitened' : ''}`,
        tex:
          `\\hat A_{i,t} = \\sum_{l \\ge 0} (${n(o.gamma)}\\cdot ${n(o.lambda)})^{l}\\, \\delta_{t+l},\\quad \\delta_t = r_t + ${n(o.gamma)}\\, V(s_{t+1}) - V(s_t)` +
          (o.whitenAdvantages ? ',\\quad \\text{then whitened over the batch}' : ''),
        text: `GAE over the value head's per-token predictions (γ = ${o.gamma}, λ = ${o.lambda}): the reward arrives on the last token, the critic spreads the credit${o.whitenAdvantages ? '; advantages are then normalised to mean 0, std 1' : ''}.`,
        knobs: ['objective.gamma', 'objective.lambda', 'objective.whitenAdvantages'],
        source: 'arXiv:1506.02438',
      };
    case 'none':
      return ALGORITHM_SPECS[o.algorithm].trainsOn === 'accepted-samples'
        ? {
            id: 'advantage',
            role: 'advantage',
            value: 'none: 1 if right, else dropped (RFT)',
            tex: `w_i = \\mathbb{1}[\\text{answer}_i \\text{ right}]`,
            text: `No advantage: of the ${g} samples per prompt, the right ones are kept (weight 1) and the wrong ones dropped (weight 0), and the kept ones are imitated by cross-entropy.`,
            knobs: ['sampling.groupSize'],
            source: 'arXiv:2304.06767',
          }
        : {
            id: 'advantage',
            role: 'advantage',
            value: 'none: gold traces (SFT)',
            tex: `w_i = 1`,
            text: 'No advantage and no sampling: every prompt\'s gold trace is imitated by cross-entropy.',
            knobs: [],
            source: 'supervised fine-tuning (the warm start\'s own objective)',
          };
  }
}

/** Whether the algorithm reads ratioLevel at all (TRPO's surrogate is always per token). */
const readsRatioLevel = (c: RunConfig): boolean => (ALGORITHM_SPECS[c.objective.algorithm].knobs as readonly string[]).includes('objective.ratioLevel');
const sequenceRatio = (c: RunConfig): boolean => c.objective.ratioLevel === 'sequence' && readsRatioLevel(c);

function ratioTerm(c: RunConfig): ObjectiveTerm {
  const one = c.optim.epochs * c.optim.minibatches === 1 && ALGORITHM_SPECS[c.objective.algorithm].usesLearningRate;
  const oneNote = one ? ' With one update per rollout it is exactly 1 (π_old is π_θ, detached): the gradient is the plain policy gradient.' : '';
  if (sequenceRatio(c)) {
    return {
      id: 'ratio',
      role: 'importance ratio',
      value: 'sequence-level (GSPO)',
      tex: `s_i(\\theta) = \\Big(\\frac{\\pi_\\theta(o_i\\mid q)}{${OLD}(o_i\\mid q)}\\Big)^{1/|o_i|} = \\exp\\Big(\\frac{1}{|o_i|}\\sum_{t=1}^{|o_i|} \\log\\frac{\\pi_\\theta(o_{i,t}\\mid q, o_{i,<t})}{${OLD}(o_{i,t}\\mid q, o_{i,<t})}\\Big)`,
      text: `One ratio per response, the geometric mean of its token ratios (length-normalised), shared by all its tokens (GSPO).${oneNote}`,
      knobs: ['objective.ratioLevel'],
      source: 'arXiv:2507.18071',
    };
  }
  return {
    id: 'ratio',
    role: 'importance ratio',
    value: 'token-level',
    tex: `\\rho_{i,t}(\\theta) = \\frac{\\pi_\\theta(o_{i,t}\\mid q, o_{i,<t})}{${OLD}(o_{i,t}\\mid q, o_{i,<t})}`,
    text: `One ratio per token: how much more likely the policy being trained makes it than the policy that sampled it.${oneNote}`,
    knobs: readsRatioLevel(c) ? ['objective.ratioLevel'] : [],
    source: 'arXiv:1707.06347',
  };
}

const ratioSym = (c: RunConfig): string => (sequenceRatio(c) ? 's_i(\\theta)' : '\\rho_{i,t}(\\theta)');

function clipName(epsLow: number, epsHigh: number): string {
  if (epsHigh > epsLow) return 'clip-higher';
  if (epsHigh < epsLow) return 'asymmetric clip';
  return 'symmetric clip';
}

/** The policy term inside the sum: PPO-Clip's min, PPO-Penalty's penalised ratio, or TRPO's plain ratio. */
function surrogateTerm(c: RunConfig): { term: ObjectiveTerm; slot: string } {
  const o = c.objective;
  const spec = ALGORITHM_SPECS[o.algorithm];
  const r = ratioSym(c);
  if (spec.clips) {
    const name = clipName(o.epsLow, o.epsHigh);
    const clip = `\\operatorname{clip}\\big(${r},\\, 1 - ${n(o.epsLow)},\\, 1 + ${n(o.epsHigh)}\\big)`;
    const plain = `\\min\\Big(${r}\\,${ADV},\\; ${clip}\\,${ADV}\\Big)`;
    const dual = o.dualClipC > 0;
    // Dual clip (arXiv:1912.09729): for A < 0 the objective is at least c·A, so the loss at most c·|A|.
    const slot = dual ? `\\max\\Big(${plain},\\; ${n(o.dualClipC)}\\,${ADV}\\Big)_{A < 0}` : plain;
    return {
      slot,
      term: {
        id: 'clip',
        role: 'clipped surrogate',
        value: `${name} [1 − ${o.epsLow}, 1 + ${o.epsHigh}]${dual ? `, dual clip c = ${o.dualClipC}` : ''}`,
        tex: slot,
        text: `${name === 'clip-higher' ? 'Clip-higher (DAPO): the upper bound is looser than the lower, so unlikely tokens can still be raised. ' : ''}A token stops pulling once its ratio leaves [${1 - o.epsLow}, ${1 + o.epsHigh}] in the direction its advantage pushes.${dual ? ` Dual clip: a token with a negative advantage loses at most ${o.dualClipC}·|A|, however far its ratio ran past ${o.dualClipC}.` : ''}`,
        knobs: ['objective.epsLow', 'objective.epsHigh', ...(dual ? ['objective.dualClipC'] : [])],
        source: name === 'clip-higher' ? 'arXiv:2503.14476' : 'arXiv:1707.06347',
      },
    };
  }
  if (spec.stepControl === 'kl-penalty') {
    const sched = betaSchedule(o);
    const slot = `${r}\\,${ADV} - \\beta\\, \\mathrm{KL}\\big[${OLD}(\\cdot\\mid s_t)\\,\\|\\,\\pi_\\theta(\\cdot\\mid s_t)\\big]`;
    return {
      slot,
      term: {
        id: 'penalty',
        role: 'KL-penalised surrogate',
        value: `β on KL(π_old‖π_θ), ${o.klSchedule}`,
        tex: `${slot},\\quad ${sched.tex}`,
        text: `No clip: the ratio times the advantage, minus β times the KL from the sampling policy (estimated per token as ρ − 1 − log ρ); ${sched.words}.`,
        knobs: ['objective.beta', 'objective.klSchedule', ...(o.klSchedule === 'adaptive' ? ['objective.klAdaptRule', 'objective.targetKl', 'objective.klHorizon'] : o.klSchedule === 'fixed' ? [] : ['objective.betaFinal'])],
        source: 'arXiv:1707.06347 eq. 8',
      },
    };
  }
  const slot = `${r}\\,${ADV}`;
  return {
    slot,
    term: {
      id: 'surrogate',
      role: 'surrogate',
      value: 'unclipped ratio × advantage',
      tex: slot,
      text: 'The plain importance-weighted advantage, no clip: the trust-region constraint keeps the step small instead.',
      knobs: [],
      source: 'arXiv:1502.05477',
    },
  };
}

function klTerm(c: RunConfig): { term: ObjectiveTerm; slot: string } | null {
  const o = c.objective;
  const spec = ALGORITHM_SPECS[o.algorithm];
  if (!spec.usesReference || spec.betaMeaning !== 'reference-kl' || !referenceBetaEverPositive(o)) return null;
  const sched = betaSchedule(o);
  const d = `\\hat{\\mathbb D}_{\\mathrm{KL}}[\\pi_\\theta\\|${REF}]`;
  const def = `${d}_{i,t} = ${KL_TEX[o.klEstimator]}`;
  const knobs = ['objective.beta', 'objective.klEstimator', 'objective.klMode', 'objective.klSchedule', ...(o.klSchedule === 'adaptive' ? ['objective.klAdaptRule', 'objective.targetKl', 'objective.klHorizon'] : o.klSchedule === 'fixed' ? [] : ['objective.betaFinal'])];
  const beta = o.klSchedule === 'fixed' ? n(o.beta) : '\\beta';
  if (o.klMode === 'loss') {
    return {
      slot: `- ${beta}\\, ${d}_{i,t}`,
      term: {
        id: 'kl',
        role: 'KL to the reference',
        value: `${o.klEstimator} in the loss, ${sched.words}`,
        tex: `${def},\\quad ${sched.tex}`,
        text: `The objective subtracts β times a ${o.klEstimator} estimate of the KL to the frozen starting model, per token (${sched.words}).`,
        knobs,
        source: 'arXiv:2402.03300',
      },
    };
  }
  const rewardTex = spec.critic ? `r_{i,t} \\leftarrow r_i\\,[t = |o_i|] - ${beta}\\, ${d}_{i,t}` : `r_i \\leftarrow r_i - ${beta} \\sum_{t=1}^{|o_i|} ${d}_{i,t}`;
  return {
    slot: '',
    term: {
      id: 'kl',
      role: 'KL to the reference',
      value: `${o.klEstimator} in the reward, ${sched.words}`,
      tex: `${rewardTex},\\quad ${def},\\quad ${sched.tex}`,
      text: `β times a ${o.klEstimator} estimate of the KL to the frozen starting model is subtracted from the ${spec.critic ? 'per-token reward' : 'response\'s reward'} before the advantage (${sched.words}).`,
      knobs,
      source: spec.critic ? 'arXiv:1909.08593' : 'arXiv:2402.14740',
    },
  };
}

function entropyTerm(c: RunConfig): { term: ObjectiveTerm; slot: string } | null {
  const coef = c.objective.entropyCoef;
  if (coef <= 0) return null;
  const slot = `+ ${n(coef)}\\, \\mathcal H\\big[\\pi_\\theta(\\cdot\\mid q, o_{i,<t})\\big]`;
  return {
    slot,
    term: { id: 'entropy', role: 'entropy bonus', value: `c_H = ${coef}`, tex: slot, text: `A bonus of ${coef} × the policy's entropy per token keeps it exploring.`, knobs: ['objective.entropyCoef'], source: 'arXiv:1707.06347' },
  };
}

function aggregationTerm(c: RunConfig): { term: ObjectiveTerm; sum: string } {
  const g = c.sampling.groupSize;
  const lMax = c.sampling.maxNewTokens;
  switch (c.objective.lossAggregation) {
    case 'seq-mean-token-mean': {
      const sum = `\\frac{1}{${g}}\\sum_{i=1}^{${g}} \\frac{1}{|o_i|}\\sum_{t=1}^{|o_i|}`;
      return {
        sum,
        term: { id: 'aggregation', role: 'loss aggregation', value: 'per-sequence mean (1/|o_i|)', tex: sum, text: 'Average each response over its own tokens, then over responses: a token of a long response weighs less.', knobs: ['objective.lossAggregation'], source: 'arXiv:2402.03300' },
      };
    }
    case 'token-mean': {
      const sum = `\\frac{1}{\\sum_{i=1}^{${g}} |o_i|}\\sum_{i=1}^{${g}} \\sum_{t=1}^{|o_i|}`;
      return {
        sum,
        term: { id: 'aggregation', role: 'loss aggregation', value: 'token-mean (1/Σ|o_i|)', tex: sum, text: 'Average over every token of the batch alike (DAPO\'s token-level loss): long responses count in proportion to their length.', knobs: ['objective.lossAggregation'], source: 'arXiv:2503.14476' },
      };
    }
    case 'seq-mean-token-sum-norm': {
      const sum = `\\frac{1}{${g}}\\sum_{i=1}^{${g}} \\frac{1}{${lMax}}\\sum_{t=1}^{|o_i|}`;
      return {
        sum,
        term: {
          id: 'aggregation',
          role: 'loss aggregation',
          value: `token sum / L_max (no 1/|o_i|)`,
          tex: `${sum},\\quad L_{\\max} = ${lMax}`,
          text: `Sum each response's tokens and divide by the constant L_max = ${lMax}, not by its own length (Dr. GRPO): no length bias either way.`,
          knobs: ['objective.lossAggregation', 'sampling.maxNewTokens'],
          source: 'arXiv:2503.20783',
        },
      };
    }
  }
}

function valueTerm(c: RunConfig): { term: ObjectiveTerm; slot: string } | null {
  const o = c.objective;
  const spec = ALGORITHM_SPECS[o.algorithm];
  if (!spec.critic) return null;
  const vClip = o.valueClip > 0 ? `\\max\\Big(\\big(V_\\phi - R_t\\big)^2,\\ \\big(\\operatorname{clip}(V_\\phi,\\, V_{\\text{old}} - ${n(o.valueClip)},\\, V_{\\text{old}} + ${n(o.valueClip)}) - R_t\\big)^2\\Big)` : '\\big(V_\\phi - R_t\\big)^2';
  const def = `L^{V} = \\tfrac12\\, \\mathbb E_t\\Big[${vClip}\\Big]`;
  if (spec.stepControl === 'trust-region') {
    return {
      slot: '',
      term: {
        id: 'value',
        role: 'value loss',
        value: `fitted after the step (Adam, lr ${c.optim.valueLr})${o.valueClip > 0 ? `, clipped ±${o.valueClip}` : ''}`,
        tex: `\\min_\\phi\\ ${def}`,
        text: `The value head is fitted to the λ-returns R_t after the trust-region step, by Adam at ${c.optim.valueLr}, outside the policy's objective.`,
        knobs: ['objective.valueClip', 'optim.valueLr'],
        source: 'arXiv:1502.05477',
      },
    };
  }
  return {
    slot: `- ${n(o.valueCoef)}\\, L^{V}`,
    term: {
      id: 'value',
      role: 'value loss',
      value: `c_V = ${o.valueCoef}${o.valueClip > 0 ? `, clipped ±${o.valueClip}` : ''}`,
      tex: `${def},\\quad c_V = ${n(o.valueCoef)}`,
      text: `The critic's squared error against the λ-returns R_t${o.valueClip > 0 ? `, pessimistically clipped to ±${o.valueClip} around the old values` : ''}, weighted ${o.valueCoef}; the value head steps at lr ${c.optim.valueLr}.`,
      knobs: ['objective.valueCoef', 'objective.valueClip', 'optim.valueLr'],
      source: 'arXiv:1707.06347',
    },
  };
}

function constraintTerm(c: RunConfig): ObjectiveTerm | null {
  if (ALGORITHM_SPECS[c.objective.algorithm].stepControl !== 'trust-region') return null;
  const delta = c.objective.trpoMaxKl;
  return {
    id: 'constraint',
    role: 'trust region',
    value: `mean KL ≤ δ = ${delta}`,
    tex: `\\text{s.t.}\\ \\mathbb E_{t}\\Big[\\mathrm{KL}\\big[${OLD}(\\cdot\\mid s_t)\\,\\|\\,\\pi_\\theta(\\cdot\\mid s_t)\\big]\\Big] \\le \\delta = ${n(delta)}`,
    text: `A hard constraint instead of a clip: the mean KL from the sampling policy may be at most ${delta} after the step.`,
    knobs: ['objective.trpoMaxKl'],
    source: 'arXiv:1502.05477',
  };
}

function updateTerm(c: RunConfig): ObjectiveTerm {
  const o = c.objective;
  const p = c.optim;
  if (ALGORITHM_SPECS[o.algorithm].stepControl === 'trust-region') {
    return {
      id: 'update',
      role: 'update',
      value: `natural gradient, ${o.trpoCgIters} CG iterations, ${o.trpoBacktracks} backtracks`,
      tex: `\\theta \\leftarrow \\theta_{\\text{old}} + \\alpha^{j} \\sqrt{\\frac{2\\cdot ${n(o.trpoMaxKl)}}{x^\\top F x}}\\; x,\\quad x \\approx F^{-1} g\\ (${o.trpoCgIters}\\ \\text{CG iterations, damping } ${n(o.trpoDamping)}),\\quad j \\le ${o.trpoBacktracks}`,
      text: `One natural-gradient step: conjugate gradient solves F x = g with Fisher-vector products on ${Math.round(o.trpoFisherFrac * 100)}% of the batch, the step is scaled to the KL boundary, then halved until the real KL fits and the surrogate improves.`,
      knobs: ['objective.trpoCgIters', 'objective.trpoDamping', 'objective.trpoBacktracks', 'objective.trpoFisherFrac'],
      source: 'arXiv:1502.05477',
    };
  }
  const stop = o.earlyStopKl > 0 ? `,\\quad \\text{stop once approx KL} > ${n(o.earlyStopKl)}` : '';
  return {
    id: 'update',
    role: 'update',
    value: `Adam lr ${p.lr}, ${p.epochs} epoch${p.epochs > 1 ? 's' : ''} × ${p.minibatches} minibatch${p.minibatches > 1 ? 'es' : ''}`,
    tex: `\\theta \\leftarrow \\operatorname{Adam}\\big(\\nabla_\\theta J,\\ \\text{lr} = ${n(p.lr)}\\big),\\quad ${p.epochs} \\times ${p.minibatches}\\ \\text{steps per batch},\\quad \\|g\\| \\le ${n(p.gradClip)}${stop}`,
    text: `${p.epochs} epoch${p.epochs > 1 ? 's' : ''} × ${p.minibatches} minibatch${p.minibatches > 1 ? 'es' : ''} of Adam steps at lr ${p.lr} per rollout batch${p.gradClip > 0 ? `, gradient norm clipped to ${p.gradClip}` : ''}.`,
    knobs: ['optim.lr', 'optim.epochs', 'optim.minibatches', 'optim.gradClip', ...(o.earlyStopKl > 0 ? ['objective.earlyStopKl'] : [])],
    source: 'arXiv:1707.06347',
  };
}

// ---------------------------------------------------------------------------------------
// The objective

/**
 * SFT and RFT: no ratio, clip, KL or value term; the token-mean cross-entropy of the traces they
 * imitate (engine/rl sftLoss), gold traces (SFT) or the right samples (RFT, weight w_i).
 */
function supervisedObjective(c: RunConfig): Objective {
  const spec = ALGORITHM_SPECS[c.objective.algorithm];
  const gold = spec.trainsOn === 'gold-traces';
  const b = c.sampling.promptsPerIter;
  const sampling: ObjectiveTerm = gold
    ? {
        id: 'sampling',
        role: 'samples',
        value: `B = ${b} prompts, their gold traces`,
        tex: `q \\sim \\mathcal D\\ (B = ${b}),\\quad o = o^{\\star}(q)`,
        text: `Each iteration takes ${b} prompts (the very prompts an RL run with this seed samples) and their gold traces; nothing is sampled.`,
        knobs: ['sampling.promptsPerIter'],
        source: 'supervised fine-tuning',
      }
    : samplingTerm(c);
  const w = gold ? '' : 'w_i\\,';
  const ce = `\\frac{1}{\\sum_i ${w}|o_i|} \\sum_i ${w}\\sum_{t=1}^{|o_i|} \\log \\pi_\\theta(o_{i,t}\\mid q, o_{i,<t})`;
  const loss: ObjectiveTerm = {
    id: 'surrogate',
    role: 'cross-entropy',
    value: gold ? 'token-mean log-likelihood of the gold traces' : 'token-mean log-likelihood of the kept samples',
    tex: ce,
    text: `The mean log-probability of every ${gold ? 'gold' : 'kept'} token, at temperature 1 (the model itself): no ratio, no clip, no KL, no critic.`,
    knobs: [],
    source: gold ? 'supervised fine-tuning' : 'arXiv:2504.11343',
  };
  const terms = [sampling, gold ? null : rewardTerm(c), advantageTerm(c), loss, updateTerm(c)].filter((t): t is ObjectiveTerm => t !== null);
  return { title: spec.title, tex: `J(\\theta) = \\mathbb E_{q \\sim \\mathcal D}\\Big[${ce}\\Big]`, terms };
}

/** A config's objective: its terms in TERM_ORDER, and the whole thing as one formula. */
export function buildObjective(c: RunConfig): Objective {
  const spec = ALGORITHM_SPECS[c.objective.algorithm];
  if (spec.baseline === 'none') return supervisedObjective(c);
  const surrogate = surrogateTerm(c);
  const kl = klTerm(c);
  const entropy = entropyTerm(c);
  const agg = aggregationTerm(c);
  const value = valueTerm(c);
  const filter = filterTerm(c);
  const constraint = constraintTerm(c);
  const terms = [
    samplingTerm(c),
    perturbationTerm(c),
    selectionTerm(c),
    curriculumTerm(c),
    filter,
    temporalTerm(c),
    rewardTerm(c),
    advantageTerm(c),
    ratioTerm(c),
    surrogate.term,
    kl?.term ?? null,
    entropy?.term ?? null,
    agg.term,
    value?.term ?? null,
    constraint,
    updateTerm(c),
  ].filter((t): t is ObjectiveTerm => t !== null);

  const inner = [surrogate.slot, kl?.slot ?? '', entropy?.slot ?? ''].filter(Boolean).join(' ');
  const expectation = `\\mathbb E_{q \\sim \\mathcal D,\\ \\{o_i\\}_{i=1}^{${c.sampling.groupSize}} \\sim ${OLD}(\\cdot\\mid q)}`;
  const body = `${expectation}\\Big[${agg.sum} \\Big(${inner}\\Big)\\Big]${value?.slot ? ` ${value.slot}` : ''}`;
  const lhs = spec.stepControl === 'trust-region' ? '\\max_\\theta\\ ' : 'J(\\theta) = ';
  const conditions = [constraint?.tex, filter?.tex].filter((t): t is string => Boolean(t)).map((t) => t.replace(/^\\text\{s\.t\.\}\\ /, ''));
  const tex = `${lhs}${body}${conditions.length > 0 ? `\\quad \\text{s.t.}\\ ${conditions.join(',\\ ')}` : ''}`;
  return { title: spec.title, tex, terms };
}

// ---------------------------------------------------------------------------------------
// The diff of two objectives

export interface KnobValues {
  path: string;
  a: unknown;
  b: unknown;
  changed: boolean;
}

export interface TermDiff {
  id: TermId;
  role: string;
  a: ObjectiveTerm | null;
  b: ObjectiveTerm | null;
  /** Present in one only, or a different variant or number. */
  differs: boolean;
  /** The knobs behind the term (either side's), with both configs' values. */
  knobs: KnobValues[];
}

function knobValues(a: RunConfig, b: RunConfig, path: string): KnobValues {
  const va = getPath(a, path);
  const vb = getPath(b, path);
  return { path, a: va, b: vb, changed: va !== vb };
}

/** Term by term: which of the two configs' objective terms differ, and the knobs behind them. */
export function diffObjectives(a: RunConfig, b: RunConfig): TermDiff[] {
  const ta = new Map(buildObjective(a).terms.map((t) => [t.id, t]));
  const tb = new Map(buildObjective(b).terms.map((t) => [t.id, t]));
  return TERM_ORDER.filter((id) => ta.has(id) || tb.has(id)).map((id) => {
    const x = ta.get(id) ?? null;
    const y = tb.get(id) ?? null;
    const paths = [...new Set([...(x?.knobs ?? []), ...(y?.knobs ?? [])])];
    const knobs = paths.map((path) => knobValues(a, b, path));
    const differs = !x || !y || x.tex !== y.tex || x.value !== y.value;
    // A term that differs with none of its own knobs changed comes from the algorithm itself
    // (RLOO's baseline against GRPO's, TRPO's surrogate against PPO's clip): say so.
    if (differs && !knobs.some((k) => k.changed) && a.objective.algorithm !== b.objective.algorithm) knobs.unshift(knobValues(a, b, 'objective.algorithm'));
    return { id, role: (x ?? y)!.role, a: x, b: y, differs, knobs };
  });
}
