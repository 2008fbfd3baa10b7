import { describe, expect, it } from 'vitest';
import { forkAndRun } from './forkCheck';
import { tinyConfig } from './testing';

/**
 * Forking a run (the page's Fork panel: worker/tools.ts forkRun) on the cpu backend. Both
 * branches resume from one checkpoint with the same seed and fresh Adam moments.
 */
describe('forking a run at a checkpoint (cpu)', () => {
  // GRPO with one update per rollout: every ratio is exactly 1, so the clip range never acts.
  const base = tinyConfig('grpo', { run: { iterations: 5 } });

  it('A and B are identical while the knob is inert (epsHigh with one update per rollout)', async () => {
    const b = { ...base, objective: { ...base.objective, epsHigh: 0.28 } };
    const { a, b: bRuns } = await forkAndRun(base, b, 2, 3);
    expect(bRuns).toEqual(a);
  });

  it('A and B part once the knob acts (lr x 10): same first rollout, different from the second on', async () => {
    const b = { ...base, optim: { ...base.optim, lr: base.optim.lr * 10 } };
    const { a, b: bRuns } = await forkAndRun(base, b, 2, 2);
    expect(bRuns[0]!['reward/mean']).toBe(a[0]!['reward/mean']);
    expect(bRuns[0]!['len/mean']).toBe(a[0]!['len/mean']);
    expect(bRuns[0]!['lr']).not.toBe(a[0]!['lr']);
    expect(bRuns[1]).not.toEqual(a[1]);
  });

  it("A's first iteration samples exactly what the uninterrupted run did; its Adam moments restart, so later ones may differ", async () => {
    const { original, a } = await forkAndRun(base, base, 2, 2);
    for (const key of ['reward/mean', 'len/mean', 'acc/train', 'loss/policy', 'grad/norm']) {
      expect(a[0]![key], key).toBe(original[0]![key]);
    }
    // The update itself differs (Adam's first step from zero moments): weights, so the next rollout, part.
    expect(a[1]).not.toEqual(original[1]);
  });
});
