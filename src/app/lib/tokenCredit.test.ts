import { describe, expect, it } from 'vitest';
import { applyPreset } from '../../engine/presets';
import { encode } from '../../engine/tokenizer';
import type { InspectSample } from '../../engine/train/types';
import { tokenCredit } from './tokenCredit';

// "<think> 3 + 4 = 7 </think> <answer> 7 </answer> <eos>": 11 tokens, "7" of the trace is token 5.
const TOKENS = encode('<think> 3 + 4 = 7 </think> <answer> 7 </answer> <eos>');
const n = TOKENS.length;
const zeros = () => new Array<number>(n).fill(0);

function sample(extra: Partial<InspectSample>): InspectSample {
  return {
    promptIndex: 0,
    tokens: TOKENS,
    reward: 1.4,
    rewardByFn: { accuracy: 1, format: 0, step: 0, length: 0, hackable: 0, stepRAR: 1, stepRVR: 0, action: 0, distance: 0 },
    advantage: 0,
    logp: zeros(),
    oldLogp: zeros(),
    ratio: zeros().map(() => 1),
    clipped: zeros(),
    kl: zeros(),
    entropy: zeros(),
    ...extra,
  };
}

/** GAE by hand at V = 0, γ = 1: Â_t = Σ_{k >= t} λ^(k-t) r_k. */
const byHand = (r: number[], lambda: number) => r.map((_, t) => r.slice(t).reduce((a, x, j) => a + lambda ** j * x, 0));

describe('tokenCredit', () => {
  const ppo = applyPreset('ppo'); // γ 1, λ 0.95
  const dense = { ...ppo, rewards: { ...ppo.rewards, dense: true, weights: { ...ppo.rewards.weights, stepRAR: 0.4 } } };

  it('dense: 0.4 on "7" (token 5), the rest 1.0 on <eos> (token 10); they sum to the reward; GAE recomputed from them equals the recorded Â', () => {
    const r = zeros();
    r[5] = 0.4;
    r[10] = 1;
    // λ = 0.95: Â_10 = 1, Â_5 = 0.4 + 0.95^5 · 1 = 1.1737809..., Â_0 = 0.95^5 · 0.4 + 0.95^10 · 1 = 0.9081...
    const adv = byHand(r, 0.95);
    expect(adv[5]).toBeCloseTo(0.4 + 0.95 ** 5, 12);
    const c = tokenCredit(sample({ tokenRewards: r, values: zeros(), tokenAdvantages: adv, returns: adv }), dense)!;
    expect(c.dense).toBe(true);
    expect(c.sum).toBeCloseTo(1.4, 12);
    expect(c.inside.map((x) => [x.t, x.word, x.reward])).toEqual([[5, '7', 0.4]]);
    expect([c.last.t, c.last.word, c.last.reward]).toEqual([10, '<eos>', 1]);
    expect(c.gaeAgrees).toBe(true);
    expect(c.text).toMatch(/^Dense rewards: StepRAR paid 0\.4 on “7” \(token 5\) for key steps, the rest, 1, on the last token “<eos>” \(token 10\); together the response's reward, 1\.4\./);
    expect(c.text).toContain('✓');
  });

  it('scalar: the whole reward on the last token, said so; a recorded Â that is not GAE of the rows is caught', () => {
    const r = zeros();
    r[10] = 1.4;
    const adv = byHand(r, 0.95);
    const c = tokenCredit(sample({ tokenRewards: r, values: zeros(), tokenAdvantages: adv, returns: adv }), ppo)!;
    expect(c.dense).toBe(false);
    expect(c.inside).toEqual([]);
    expect(c.text).toMatch(/^Scalar reward \(rewards\.dense off\): all of it, 1\.4, on the last token “<eos>” \(token 10\), 0 elsewhere; GAE \(γ 1, λ 0\.95\) turns r_t and V into Â_t/);
    const wrong = tokenCredit(sample({ tokenRewards: r, values: zeros(), tokenAdvantages: adv.map((a, t) => (t === 3 ? a + 0.01 : a)), returns: adv }), ppo)!;
    expect(wrong.gaeAgrees).toBe(false);
  });

  it('with the KL in the reward, GAE is recomputed from r_t − β·KL_t, not from r_t; V enters as δ_t = r_t + γV_{t+1} − V_t', () => {
    // Two tokens, λ = 0.95, γ = 1: gaeRewards [-0.1, 0.9], V [0.5, 0.2]:
    // δ_1 = 0.9 - 0.2 = 0.7, Â_1 = 0.7; δ_0 = -0.1 + 0.2 - 0.5 = -0.4, Â_0 = -0.4 + 0.95 · 0.7 = 0.265.
    const two = encode('7 <eos>');
    const s = { ...sample({}), tokens: two, reward: 1, tokenRewards: [0, 1], gaeRewards: [-0.1, 0.9], values: [0.5, 0.2], tokenAdvantages: [0.265, 0.7], returns: [0.765, 0.9] };
    const c = tokenCredit(s, ppo)!;
    expect(c.tokens.map((x) => x.recomputed)).toEqual([expect.closeTo(0.265, 12), expect.closeTo(0.7, 12)]);
    expect(c.gaeAgrees).toBe(true);
    expect(c.text).toContain('turns r_t − β·KL_t and V into Â_t');
    expect(tokenCredit({ ...s, gaeRewards: undefined }, ppo)!.gaeAgrees).toBe(false); // from r_t alone Â_0 would be 0.365
  });

  it('null without token rewards (a critic-free algorithm, or a batch stored before they were kept)', () => {
    expect(tokenCredit(sample({}), ppo)).toBeNull();
    expect(tokenCredit(sample({ values: zeros(), tokenAdvantages: zeros(), returns: zeros() }), ppo)).toBeNull();
  });
});
