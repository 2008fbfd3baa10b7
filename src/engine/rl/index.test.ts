import { describe, expect, it } from 'vitest';
import * as rl from './index';

describe('engine/rl contract', () => {
  it('exports every name docs/ARCHITECTURE.md promises', () => {
    for (const name of ['groupAdvantages', 'rlooAdvantages', 'gae', 'klPenalty', 'policyLoss', 'valueLoss', 'explainedVariance'] as const) {
      expect(typeof rl[name]).toBe('function');
    }
  });
});
