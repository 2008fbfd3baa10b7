import { describe, expect, it } from 'vitest';
import { TEMPORAL_ALPHA, temporalBonus, temporalReward } from './index';

describe('T-GRPO temporal reward (Video-R1, arXiv:2503.21776, eq. 1)', () => {
  it('pays α only when ordered-frame accuracy beats shuffled-frame accuracy, strictly', () => {
    expect(TEMPORAL_ALPHA).toBe(0.3);
    expect(temporalReward(0.5, 0.25)).toBe(0.3);
    expect(temporalReward(0.5, 0.5)).toBe(0); // a tie is no evidence the order helped
    expect(temporalReward(0.25, 0.5)).toBe(0);
    expect(temporalReward(0, 0)).toBe(0);
    expect(temporalReward(1, 0.75, 0.1)).toBe(0.1);
  });

  it('adds r_t to the right ordered answers of the groups that earned it, and to nothing else (worked by hand)', () => {
    // B = 2 prompts, G = 4 ordered rollouts each, G~ = 2 shuffled rollouts each.
    // Group 0: ordered right, wrong, right, wrong -> p = 2/4 = 0.5; shuffled wrong, wrong -> p~ = 0.
    //   0.5 > 0, so r_t = 0.3 goes to rollouts 0 and 2: rewards 1.2 + 0.3 = 1.5 and 1.0 + 0.3 = 1.3.
    // Group 1: ordered right, wrong, wrong, wrong -> p = 0.25; shuffled right, wrong -> p~ = 0.5.
    //   0.25 < 0.5: no bonus, rewards unchanged (the right rollout 4 keeps its 1.2).
    const rewards = [1.2, 0.2, 1.0, 0.0, 1.2, 0.2, 0.2, 0.0];
    const correct = [true, false, true, false, true, false, false, false];
    const shuffled = [false, false, true, false];
    const out = temporalBonus(rewards, correct, shuffled, 4, 2);
    expect(out.groups).toEqual([
      { pOrdered: 0.5, pShuffled: 0, bonus: 0.3 },
      { pOrdered: 0.25, pShuffled: 0.5, bonus: 0 },
    ]);
    const expected = [1.5, 0.2, 1.3, 0.0, 1.2, 0.2, 0.2, 0.0];
    out.rewards.forEach((r, k) => expect(r).toBeCloseTo(expected[k]!, 12));
    expect(rewards[0]).toBe(1.2); // the input is not touched
  });

  it('refuses answers that do not make whole groups', () => {
    expect(() => temporalBonus([1, 0, 1], [true, false, true], [true, false], 2, 1)).toThrow(/groups of 2 and 1/);
    expect(() => temporalBonus([1, 0], [true, false], [true], 2, 2)).toThrow(/1 shuffled/);
  });
});
