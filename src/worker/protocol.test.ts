import { describe, expect, it } from 'vitest';
import { WorkerEventSchema } from './protocol';

// An Inspect event's sample with 3 response tokens; the page sums tokenRewards and runs GAE over them.
const sample = (extra: Record<string, unknown> = {}) => ({ promptIndex: 0, tokens: [5, 6, 1], reward: 1, advantage: 0.5, logp: [-1, -1, -1], ...extra });
const event = (samples: unknown[]) => ({ type: 'inspect', runId: 'r', batch: { iteration: 1, groupSize: 1, prompts: [], samples, groupStats: [] } });

describe('WorkerEventSchema: the Inspect batch', () => {
  it('takes samples without token rewards (critic-free runs) and with one per token', () => {
    expect(WorkerEventSchema.safeParse(event([sample()])).success).toBe(true);
    expect(WorkerEventSchema.safeParse(event([sample({ tokenRewards: [0, 0.5, 0.5], gaeRewards: [-0.1, 0.5, 0.6] })])).success).toBe(true);
  });

  it('refuses token rewards that are not one number per token, naming them', () => {
    for (const bad of [{ tokenRewards: [0, 1] }, { gaeRewards: [0, 1, 2, 3] }, { tokenRewards: [0, '1', 0] }, { tokenRewards: 1 }]) {
      const r = WorkerEventSchema.safeParse(event([sample(bad)]));
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues[0]?.message).toContain('tokenRewards, gaeRewards');
    }
    expect(WorkerEventSchema.safeParse(event([{ reward: 1 }])).success).toBe(false); // no tokens
  });
});
