import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../engine/config';
import { EVAL_SPLITS, EvaluateRunRequestSchema, ForkRequestSchema, OwnRequestSchema } from './toolsProtocol';

describe('the tools\' requests, checked at the worker boundary', () => {
  it('offers every split, in order', () => {
    expect(EVAL_SPLITS).toEqual(['id', 'shift', 'ood']);
  });
  it('evaluateRun: k <= n, a known split, nothing else', () => {
    expect(EvaluateRunRequestSchema.parse({ split: 'ood', n: 8, k: 4 })).toEqual({ split: 'ood', n: 8, k: 4 });
    expect(EvaluateRunRequestSchema.safeParse({ split: 'ood', n: 2, k: 4 }).error?.issues[0]?.message).toMatch(/k must be at most n/);
    expect(EvaluateRunRequestSchema.safeParse({ split: 'train', n: 2, k: 1 }).success).toBe(false);
    expect(EvaluateRunRequestSchema.safeParse({ split: 'id', n: 2, k: 1, extra: 1 }).success).toBe(false);
  });
  it('sampleOwn: a Float32Array image and a bounded question', () => {
    const ok = { image: new Float32Array(3), imageSize: 1, question: 'sum of digits ?' };
    expect(OwnRequestSchema.safeParse(ok).success).toBe(true);
    expect(OwnRequestSchema.safeParse({ ...ok, image: [0, 0, 0] }).success).toBe(false);
    expect(OwnRequestSchema.safeParse({ ...ok, question: '' }).success).toBe(false);
  });
  it('forkRun: B\'s config goes through the config schema', () => {
    const run = { id: 'a', name: 'A', color: '#000' };
    const req = { a: run, b: { ...run, id: 'b', config: DEFAULT_RUN_CONFIG }, group: 'fork-1', knob: 'x', extra: 3 };
    expect(ForkRequestSchema.safeParse(req).success).toBe(true);
    const bad = { ...req, b: { ...req.b, config: { ...DEFAULT_RUN_CONFIG, sampling: { ...DEFAULT_RUN_CONFIG.sampling, groupSize: 0 } } } };
    expect(ForkRequestSchema.safeParse(bad).success).toBe(false);
    expect(ForkRequestSchema.safeParse({ ...req, extra: 0 }).success).toBe(false);
  });
});
