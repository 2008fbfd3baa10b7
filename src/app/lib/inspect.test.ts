import { describe, expect, it } from 'vitest';
import { applyPreset } from '../../engine/presets';
import { encode, id } from '../../engine/tokenizer';
import type { InspectBatch, InspectSample } from '../../engine/train/types';
import { addBatch } from '../store/runsSlice';
import { withValue } from './fields';
import { answerPosition, batchRewardMean, countClipped, expectedAdvantages, goldLoss, hasGroupBaseline, ratioPoints, groupViews, heatColor, heatScale, orderGroups, questionText, rewardRows, tokenNumbers } from './inspect';
import { groupAdvantages } from '../../engine/rl/host';

const RESPONSE = encode('<think> 3 + 4 = 7 </think> <answer> 7 </answer> <eos>');

function sample(promptIndex: number, reward: number, clipped = 0): InspectSample {
  const n = RESPONSE.length;
  return {
    promptIndex,
    tokens: RESPONSE,
    reward,
    rewardByFn: { accuracy: reward, format: 1, step: 0, length: 0, hackable: 0, stepRAR: 0, stepRVR: 0, action: 0, distance: 0 },
    advantage: 0,
    logp: new Array<number>(n).fill(-0.5),
    oldLogp: new Array<number>(n).fill(-0.5),
    ratio: new Array<number>(n).fill(1.1),
    clipped: Array.from({ length: n }, (_, t) => (t < clipped ? 1 : 0)),
    kl: new Array<number>(n).fill(0.01),
    entropy: new Array<number>(n).fill(1),
  };
}

function batch(rewards: number[][], clipped: number[][] = []): InspectBatch {
  const g = rewards[0]!.length;
  const image = new Float32Array(16 * 16 * 3);
  const samples = rewards.flatMap((rs, p) => rs.map((r, j) => sample(p, r, clipped[p]?.[j] ?? 0)));
  const advantages = groupAdvantages(samples.map((s) => s.reward), g, 'group');
  samples.forEach((s, i) => (s.advantage = advantages[i]!));
  return {
    iteration: 3,
    groupSize: g,
    prompts: rewards.map(() => ({ image, imageSize: 16, promptTokens: [id('<bos>'), ...encode('sum of digits ?')], answer: '7', difficulty: 1 })),
    samples,
    groupStats: rewards.map((rs) => ({ mean: rs.reduce((a, b) => a + b, 0) / g, std: 0 })),
  };
}

describe('Inspect: groups of a rollout batch', () => {
  const b = batch([[1, 0, 0, 1], [0, 0, 0, 0], [1, 1, 1, 0]], [[0, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0]]);

  it('splits the batch into groups with mean, Bessel std and the zero-variance flag', () => {
    const groups = groupViews(b);
    expect(groups).toHaveLength(3);
    expect(groups[0]!.samples.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(groups[0]!.mean).toBe(0.5);
    expect(groups[0]!.std).toBeCloseTo(Math.sqrt(1 / 3), 10);
    expect(groups[0]!.popStd).toBe(0.5);
    expect(groups.map((g) => g.zeroVariance)).toEqual([false, true, false]);
    expect(groups[1]!.clippedTokens).toBe(3);
    expect(batchRewardMean(b)).toBeCloseTo(5 / 12, 12);
  });

  it('sorts and filters: best, worst, clipped most, zero-variance, spread', () => {
    const groups = groupViews(b);
    expect(orderGroups(groups, 'best', 'all').map((g) => g.index)).toEqual([2, 0, 1]);
    expect(orderGroups(groups, 'worst', 'all').map((g) => g.index)).toEqual([1, 0, 2]);
    expect(orderGroups(groups, 'clipped', 'all').map((g) => g.index)[0]).toBe(1);
    expect(orderGroups(groups, 'index', 'zero-variance').map((g) => g.index)).toEqual([1]);
    expect(orderGroups(groups, 'index', 'spread').map((g) => g.index)).toEqual([0, 2]);
  });

  it('recomputes the run\'s advantages from the rewards where the algorithm allows it', () => {
    expect(expectedAdvantages(b, applyPreset('grpo'))).toEqual(b.samples.map((s) => s.advantage));
    expect(expectedAdvantages(b, applyPreset('dr-grpo'))!.slice(0, 4)).toEqual([0.5, -0.5, -0.5, 0.5]);
    expect(expectedAdvantages(b, applyPreset('ppo'))).toBeNull(); // GAE, per token
    expect(expectedAdvantages(b, applyPreset('rloo'))).toBeNull(); // KL folded into the reward
    // Each baseline of the spec: leave-one-out (RLOO without KL in the reward), the batch mean (REINFORCE).
    const rloo = withValue(applyPreset('rloo'), 'objective.beta', 0);
    const close = (got: number[] | null, want: number[]) => {
      expect(got).toHaveLength(want.length);
      want.forEach((w, i) => expect(got![i]).toBeCloseTo(w, 12));
    };
    close(expectedAdvantages(b, rloo)!.slice(0, 4), [2 / 3, -2 / 3, -2 / 3, 2 / 3]);
    const all = b.samples.map((s) => s.reward);
    const m = all.reduce((x, y) => x + y, 0) / all.length;
    close(expectedAdvantages(b, applyPreset('reinforce')), all.map((r) => r - m));
    expect(expectedAdvantages(b, withValue(applyPreset('trpo'), 'objective.beta', 0))).toBeNull(); // a critic
  });

  it('says which algorithms compare a response with its own group (so equal rewards teach nothing)', () => {
    const grouped = (['grpo', 'dapo', 'rloo', 'reinforce', 'ppo', 'ppo-penalty', 'trpo'] as const).filter((p) => hasGroupBaseline(applyPreset(p)));
    expect(grouped).toEqual(['grpo', 'dapo', 'rloo']);
  });

  it('reads tokens: question, answer position, numbers, colours', () => {
    expect(questionText(b.prompts[0]!.promptTokens)).toBe('sum of digits ?');
    expect(answerPosition(RESPONSE)).toBe(8);
    expect(answerPosition(encode('<answer> </answer> <eos>'))).toBeNull();
    const rows = tokenNumbers(b.samples[0]!, 8);
    expect(rows.find((r) => r.label === 'token')?.value).toBe('7');
    expect(rows.find((r) => r.label === 'ratio r')?.value).toBe('1.1');
    expect(heatScale(b, 'ratio')).toBeCloseTo(Math.log(1.1), 10);
    expect(heatColor('ratio', 1.1, Math.log(1.1))).toBe('rgba(26, 152, 80, 0.850)');
    expect(heatColor('clipped', 0, 1)).toBe('transparent');
    expect(heatColor('value', undefined, 1)).toBe('transparent');
    expect(rewardRows(b.samples[0]!, applyPreset('grpo').rewards.weights).map((r) => r.name).slice(0, 2)).toEqual(['accuracy', 'format']);
  });

  it('ratio points and clip counts for the PPO-Clip explainer', () => {
    const pts = ratioPoints(b);
    expect(pts).toHaveLength(12 * RESPONSE.length);
    expect(pts[0]).toEqual({ ratio: 1.1, advantage: b.samples[0]!.advantage, clipped: 0 });
    // Ratio 1.1 everywhere: clipped high for positive advantages once eps_high < 0.1.
    const positive = b.samples.filter((s) => s.advantage > 0).length * RESPONSE.length;
    expect(countClipped(pts, 0.2, 0.2)).toEqual({ low: 0, high: 0 });
    expect(countClipped(pts, 0.2, 0.05)).toEqual({ low: 0, high: positive });
    expect(countClipped([{ ratio: 0.5, advantage: -1, clipped: -1 }, { ratio: 0.5, advantage: 1, clipped: 0 }], 0.2, 0.2)).toEqual({ low: 1, high: 0 });
    // PPO: per-token GAE advantages, whitened over the batch as the loss sees them.
    const ppo: InspectBatch = { ...b, samples: b.samples.slice(0, 2).map((s, i) => ({ ...s, tokenAdvantages: s.tokens.map((_, t) => i + t) })) };
    const w = ratioPoints(ppo, true).map((p) => p.advantage);
    const raw = ppo.samples.flatMap((s) => s.tokenAdvantages!);
    const m = raw.reduce((a, x) => a + x, 0) / raw.length;
    const sd = Math.sqrt(raw.reduce((a, x) => a + (x - m) ** 2, 0) / (raw.length - 1));
    w.forEach((x, i) => expect(x).toBeCloseTo((raw[i]! - m) / sd, 6));
    expect(ratioPoints(ppo, false).map((p) => p.advantage)).toEqual(raw);
  });

  it('keeps the newest batches, one per iteration', () => {
    const at = (iteration: number) => ({ ...b, iteration });
    let list: InspectBatch[] = [];
    for (const i of [1, 2, 3, 4]) list = addBatch(list, at(i), 3);
    expect(list.map((x) => x.iteration)).toEqual([2, 3, 4]);
    list = addBatch(list, at(3), 3); // after a reset: iteration 3 again replaces 3 and 4
    expect(list.map((x) => x.iteration)).toEqual([2, 3]);
  });
});

describe('Inspect: the zero-variance badge reads rl/host isZeroVariance', () => {
  it('equal weighted rewards (1·0 + 0.2·1, 0.1 + 0.2 vs 0.3) are zero-variance; continuous rewards 1e-5 apart are not', () => {
    const w02 = 1 * 0 + 0.2 * 1;
    const b = batch([Array(8).fill(w02) as number[], [0.1 + 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3], [0.5, 0.50001, 0.49999, 0.5, 0.5, 0.5, 0.5, 0.5]]);
    expect(groupViews(b).map((g) => g.zeroVariance)).toEqual([true, true, false]);
  });
});

describe('Inspect: an SFT batch of gold traces', () => {
  it('its one-row groups are not ties, and its loss is minus the mean log π_old over the gold tokens', () => {
    const b: InspectBatch = { ...batch([[1], [1]]), source: 'gold-traces' };
    // Two rows of 11 tokens (RESPONSE); row 0 at log π_old −0.5 each, row 1 at −1.5 each:
    // L = −(11·(−0.5) + 11·(−1.5)) / 22 = 1.0.
    b.samples[1]!.oldLogp = b.samples[1]!.oldLogp.map(() => -1.5);
    expect(goldLoss(b)).toEqual({ tokens: 22, loss: 1 });
    expect(groupViews(b).map((g) => g.zeroVariance)).toEqual([false, false]);
    // The same rows as sampled rollouts of G = 1 would all tie.
    expect(groupViews({ ...b, source: undefined }).map((g) => g.zeroVariance)).toEqual([true, true]);
    expect(goldLoss({ samples: [] }).loss).toBeNaN();
  });
});
