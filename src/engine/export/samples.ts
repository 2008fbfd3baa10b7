/**
 * Sampled responses for the reward parity check: for each task instance, the gold response
 * and its usual failures (wrong answer, missing tags, empty answer, extra tokens, a garbled or
 * half-right trace, truncation, "because", padding after <eos>, random token soup), scored by
 * the TypeScript rewards. The bundle ships them as tests/reward_cases.jsonl, and check_rewards.py
 * re-scores them with rewards.py.
 */
import { Rng } from '../random';
import { BOX_REWARDS, REWARD_NAMES, boxAccuracy, combineRewards, scoreSample, type BoxReward, type RewardCombination, type RewardName } from '../rewards';
import type { TaskInstance } from '../tasks/types';
import { EOS, PAD, VOCAB, answerWords, decode, formatResponse, id } from '../tokenizer';
import { getTask } from '../tasks';

export interface RewardCase {
  kind: string;
  task: string;
  answer: string;
  /** The gold trace, words separated by spaces. */
  trace: string;
  /** The response as text: its words, <pad> included, separated by spaces. */
  text: string;
  max_new_tokens: number;
  cache: number;
  /** Every reward function's unweighted value (scoreSample's byFn). */
  scores: Record<RewardName, number>;
  /** The reward under a few combinations (gated terms, sum or product), by combineRewards: check_rewards.py re-combines them. */
  /** A box task's (locate's) accuracy under every box reward (rewards.box); absent for other tasks. */
  box?: Partial<Record<BoxReward, number>>;
  combos: { weights: Partial<Record<RewardName, number>>; gated: string[]; combine: 'sum' | 'product'; total: number }[];
}

/** The combinations every case is re-combined under: plain sum, a step bonus gated on the answer, accuracy × format. */
const COMBOS: readonly RewardCombination[] = [
  { weights: { accuracy: 1, format: 0.2, step: 0.5, length: 1, hackable: 0.1 }, combine: 'sum' },
  { weights: { accuracy: 1, format: 0.2, step: 0.5 }, gated: { step: true, format: true }, combine: 'sum' },
  { weights: { accuracy: 1, format: 0.5, step: 2 }, gated: { step: true }, combine: 'product' },
];

const ALL_WEIGHTS = Object.fromEntries(REWARD_NAMES.map((n) => [n, 1])) as Record<RewardName, number>;

/** The kinds of response made per instance, and how. */
function variants(inst: TaskInstance, rng: Rng, maxNewTokens: number): [string, number[]][] {
  const gold = formatResponse(inst.goldTrace, inst.answer);
  const [THINK, THINK_END, ANSWER, ANSWER_END] = ['<think>', '</think>', '<answer>', '</answer>'].map(id) as [number, number, number, number];
  const trace = inst.goldTrace.map(id);
  // Only words the task's model can say: a base task's cases stay as they were before words were appended.
  const plainIds = VOCAB.map((_, i) => i).filter((i) => i > 6 && i < getTask(inst.taskId).vocabSize);
  const other = (w: string): number => {
    let t: number;
    do t = rng.pick(plainIds);
    while (VOCAB[t] === w);
    return t;
  };
  const answer = answerWords(inst.answer);
  const ans = answer.map(id);
  // The last word changed (a wrong number, a wrong coordinate).
  const wrong = [...ans.slice(0, -1), other(answer.at(-1)!)];
  const garble = trace.map((t) => (rng.next() < 0.4 ? other(VOCAB[t]!) : t));
  const one = trace.slice();
  if (one.length > 0) {
    const k = rng.int(0, one.length - 1);
    one[k] = other(VOCAB[one[k]!]!);
  }
  const out: [string, number[]][] = [
    ['correct', gold],
    ['wrong-answer', [THINK, ...trace, THINK_END, ANSWER, ...wrong, ANSWER_END, EOS]],
    ['missing-think', [ANSWER, ...ans, ANSWER_END, EOS]],
    ['missing-answer-tags', [THINK, ...trace, THINK_END, ...ans, EOS]],
    ['no-tags', [...trace, ...ans, EOS]],
    ['empty-answer', [THINK, ...trace, THINK_END, ANSWER, ANSWER_END, EOS]],
    // The answer said twice: one word too many for a one-word answer, twice the words for a longer one.
    ['two-word-answer', [THINK, ...trace, THINK_END, ANSWER, ...ans, ...ans, ANSWER_END, EOS]],
    ['extra-after', [...gold.slice(0, -1), other(''), EOS]],
    ['extra-before', [other(''), ...gold]],
    ['because', [THINK, id('because'), ...trace, THINK_END, ANSWER, ...ans, ANSWER_END, EOS]],
    ['garbled-trace', [THINK, ...garble, THINK_END, ANSWER, ...ans, ANSWER_END, EOS]],
    ['one-step-wrong', [THINK, ...one, THINK_END, ANSWER, ...ans, ANSWER_END, EOS]],
    // The trace backwards: StepRAR's key steps of one word still match anywhere, StepRVR's order breaks.
    ['reversed-trace', [THINK, ...trace.slice().reverse(), THINK_END, ANSWER, ...ans, ANSWER_END, EOS]],
    // A redundant check "= <answer>" after the trace (digit-sum's verbose style): StepRVR accepts it there only.
    ['check-after', [THINK, ...trace, id('='), ...ans, THINK_END, ANSWER, ...ans, ANSWER_END, EOS]],
    ['empty-trace', [THINK, THINK_END, ANSWER, ...ans, ANSWER_END, EOS]],
    ['out-of-order', [ANSWER, ...ans, ANSWER_END, THINK, ...trace, THINK_END, EOS]],
    ['pad-inside', [THINK, ...trace, THINK_END, ANSWER, PAD, ANSWER_END, EOS]],
    ['junk-after-eos', [...gold, id('because'), ANSWER, ANSWER_END]],
    ['truncated', gold.slice(0, rng.int(1, Math.max(1, gold.length - 1)))],
    ['no-eos', gold.slice(0, -1)],
    ['empty', []],
    ['eos-only', [EOS]],
    ['soup', Array.from({ length: rng.int(1, maxNewTokens) }, () => rng.int(0, VOCAB.length - 1))],
    ['long-trace', [THINK, ...trace, ...Array.from({ length: maxNewTokens }, () => rng.pick(plainIds)), THINK_END, ANSWER, ...ans, ANSWER_END, EOS]],
  ];
  const box = getTask(inst.taskId).goldBox?.(inst);
  if (box) {
    // Boxes the box rewards tell apart: the whole image (recall 1, IoU small), one cell over, grown, empty, off the grid.
    const said = (words: string): number[] => [THINK, ...trace, THINK_END, ANSWER, ...answerWords(words).map(id), ANSWER_END, EOS];
    const { x, y, w, h } = box;
    out.push(
      ['box-whole-image', said('0 0 8 8')],
      ['box-shifted', said(`${x + w < 8 ? x + 1 : x - 1} ${y} ${w} ${h}`)],
      ['box-grown', said(`${x} ${y} ${Math.min(8 - x, w + 1)} ${Math.min(8 - y, h + 2)}`)],
      ['box-empty', said(`${x} ${y} 0 ${h}`)],
      ['box-off-grid', said(`7 ${y} ${w + 1} ${h}`)],
    );
  }
  if (answer.length > 1) {
    // Multi-word answers (a click, a box): six with each number moved by -3..+4 (inside the box,
    // on its edges, outside it), one by +6..+9 (off a click's screen), and the words in reverse
    // order (the action in the wrong place).
    const move = (lo: number, hi: number) => answer.map((w) => (/^\d+$/.test(w) ? String(Math.max(0, Number(w) + rng.int(lo, hi))) : w));
    for (let k = 0; k < 6; k++) out.push(['moved-answer', [THINK, ...trace, THINK_END, ANSWER, ...move(-3, 4).map(id), ANSWER_END, EOS]]);
    out.push(['far-answer', [THINK, ...trace, THINK_END, ANSWER, ...move(6, 9).map(id), ANSWER_END, EOS]]);
    out.push(['reversed-answer', [THINK, ...trace, THINK_END, ANSWER, ...ans.slice().reverse(), ANSWER_END, EOS]]);
  }
  return out;
}

/** A response as the sampler returns it: at most maxNewTokens ids, <pad> after <eos>. */
function asSampled(tokens: number[], maxNewTokens: number): number[] {
  const cut = tokens.slice(0, maxNewTokens);
  return cut.includes(EOS) ? [...cut, ...new Array<number>(maxNewTokens - cut.length).fill(PAD)] : cut;
}

/** Cases for the given instances, scored by src/engine/rewards. */
export function rewardCases(instances: readonly TaskInstance[], opts: { maxNewTokens: number; cache: number; seed?: number; box?: BoxReward }): RewardCase[] {
  const rng = new Rng(opts.seed ?? 7);
  const out: RewardCase[] = [];
  for (const inst of instances) {
    for (const [kind, raw] of variants(inst, rng, opts.maxNewTokens)) {
      const tokens = asSampled(raw, opts.maxNewTokens);
      const sample = { tokens, maxNewTokens: opts.maxNewTokens };
      const { byFn } = scoreSample(sample, inst, ALL_WEIGHTS, { lengthCache: opts.cache, box: opts.box });
      // Only the accuracy term under each box reward (not every reward function for each).
      const boxes = getTask(inst.taskId).goldBox ? { box: Object.fromEntries(BOX_REWARDS.map((how) => [how, boxAccuracy(how)(sample, inst)])) } : {};
      out.push({
        kind,
        task: inst.taskId,
        answer: inst.answer,
        trace: inst.goldTrace.join(' '),
        text: decode(tokens, { keepPad: true }),
        max_new_tokens: opts.maxNewTokens,
        cache: opts.cache,
        scores: byFn,
        ...boxes,
        combos: COMBOS.map((c) => ({
          weights: c.weights,
          gated: Object.entries(c.gated ?? {}).filter(([, on]) => on).map(([name]) => name),
          combine: c.combine ?? 'sum',
          total: combineRewards(byFn, c),
        })),
      });
    }
  }
  return out;
}
