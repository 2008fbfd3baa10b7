import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../engine/train/metrics';
import { compactedAfterTruncate } from '../../worker/client';
import { COMPACTION, isEvalRecord, planCompaction, strideFor } from './compaction';

const rec = (iteration: number, evalEvery = 0): MetricsRecord => ({
  iteration,
  wallMs: iteration * 10,
  klEstimator: 'k3',
  difficulty: 1,
  values: { 'reward/mean': iteration / 1000, ...(evalEvery > 0 && iteration % evalEvery === 0 ? { 'acc/eval_id': 0.5, 'acc/eval_ood': 0.1 } : {}) },
});
const run = (n: number, evalEvery = 0) => Array.from({ length: n }, (_, i) => rec(i + 1, evalEvery));
const small = { maxRecords: 100, keepRecent: 20, maxOld: 30 };

describe('metrics compaction', () => {
  it('leaves a run at or under maxRecords alone', () => {
    expect(planCompaction(run(COMPACTION.maxRecords))).toBeNull();
    expect(planCompaction(run(100), small)).toBeNull();
  });

  it('keeps the recent records whole and thins the old ones to a power-of-two stride', () => {
    const plan = planCompaction(run(101), small)!;
    expect(plan.through).toBe(81);
    expect(plan.stride).toBe(4); // 81 / 2 = 40 > 30; 81 / 4 = 20 <= 30
    const kept = plan.keep.map((r) => r.iteration);
    expect(kept.filter((i) => i > 81)).toEqual(Array.from({ length: 20 }, (_, i) => 82 + i));
    expect(kept.filter((i) => i <= 81)).toEqual([1, ...Array.from({ length: 20 }, (_, i) => 4 * (i + 1))]);
    expect(plan.drop).toHaveLength(101 - kept.length);
    expect(new Set([...kept, ...plan.drop]).size).toBe(101);
  });

  it('never drops an evaluation record', () => {
    const records = run(150, 7);
    const plan = planCompaction(records, small)!;
    for (const r of records.filter(isEvalRecord)) expect(plan.keep).toContain(r);
    expect(plan.drop.some((i) => i % 7 === 0)).toBe(false);
  });

  it('compacting again keeps a subset of what was kept, and the size stays bounded', () => {
    let records = run(101, 25);
    for (let n = 102; n <= 3000; n++) {
      records.push(rec(n, 25));
      const plan = planCompaction(records, small);
      if (!plan) continue;
      const before = new Set(records.map((r) => r.iteration));
      for (const r of plan.keep) expect(before.has(r.iteration)).toBe(true);
      // What an earlier pass kept in the old part is either kept again or dropped by a coarser stride.
      for (const r of plan.keep) if (r.iteration <= plan.through && r.iteration !== 1 && !isEvalRecord(r)) expect(r.iteration % plan.stride).toBe(0);
      records = plan.keep;
    }
    const evals = records.filter(isEvalRecord).length;
    expect(records.length).toBeLessThanOrEqual(small.maxRecords + evals);
    expect(records.at(-1)!.iteration).toBe(3000);
    expect(records.slice(-small.keepRecent).map((r) => r.iteration)[0]).toBe(3000 - small.keepRecent + 1);
  });

  it('strideFor picks the smallest power of two that fits', () => {
    expect(strideFor(1000, 1000)).toBe(2);
    expect(strideFor(2000, 1000)).toBe(2);
    expect(strideFor(2002, 1000)).toBe(4);
    expect(strideFor(100_000, 1000)).toBe(128);
  });
});

describe('the thinning mark after a truncation (worker/db.ts compactedAfterTruncate)', () => {
  it('keeps the mark when the cut is past it', () => {
    expect(compactedAfterTruncate(1500, 2001)).toBe(1500);
  });

  it('pulls the mark back to the last iteration kept when the cut goes below it (a resume from an older checkpoint)', () => {
    expect(compactedAfterTruncate(1500, 1001)).toBe(1000);
  });

  it("drops the mark when nothing is kept (a reset), so the next run's gaps are reported", () => {
    expect(compactedAfterTruncate(1500, 1)).toBeUndefined();
    expect(compactedAfterTruncate(undefined, 1001)).toBeUndefined();
  });
});
