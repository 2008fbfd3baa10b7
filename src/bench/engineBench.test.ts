import { describe, expect, it } from 'vitest';
import { SCRATCH_DEPS, tinyConfig } from '../engine/train/testing';
import { createTrainer } from '../engine/train/trainer';
import { countDuring } from './counters';
import { iterationShape, trackPhases } from './engineBench';

describe('iterationShape', () => {
  it('counts the passes the trainer runs before the update', () => {
    expect(iterationShape(tinyConfig('grpo')).logprobPasses).toBe(1); // the reference (beta 0.04)
    expect(iterationShape(tinyConfig('dapo')).logprobPasses).toBe(0); // beta 0: no reference, no critic
    expect(iterationShape(tinyConfig('ppo')).logprobPasses).toBe(2); // the reference and the critic's V_old / log pi_old
    expect(iterationShape(tinyConfig('ppo')).epochs).toBe(2);
  });
});

describe('trackPhases', () => {
  it('splits an iteration\'s dispatches into rollout, log-prob passes and update, and restores Policy', async () => {
    const { Policy } = await import('../engine/model');
    const proto = Policy.prototype as unknown as Record<'sample' | 'forward', unknown>; // compared, never called
    const { sample, forward } = proto;
    const trainer = await createTrainer(tinyConfig('grpo'), SCRATCH_DEPS);
    const phases = trackPhases();
    try {
      const c = await countDuring(() => trainer.step(), phases.phase);
      expect(c.byPhase['rollout']).toBeGreaterThan(0);
      expect(c.byPhase['logprob']).toBeGreaterThan(0);
      expect(c.byPhase['update']).toBeGreaterThan(c.byPhase['logprob']!); // forward + backward + Adam
      expect((c.byPhase['rollout'] ?? 0) + (c.byPhase['logprob'] ?? 0) + (c.byPhase['update'] ?? 0)).toBe(c.dispatches);
      // The tokens and the metrics, and on cpu the finished flags after each decoding step but the last.
      expect(c.counts.readbacks).toBeLessThanOrEqual(2 + tinyConfig('grpo').sampling.maxNewTokens - 1);
    } finally {
      phases.uninstall();
      trainer.dispose();
    }
    expect(proto.sample).toBe(sample);
    expect(proto.forward).toBe(forward);
  });
});
