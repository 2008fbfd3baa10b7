import { describe, expect, it } from 'vitest';
import { fillShift, generalisationTable, parseSummarySplits, type GenRun } from './generalisationTable';

const SUMMARY = `sft on digit-sum, seed 1, 30 iterations from the SFT warm start (wasm)
held-out accuracy (greedy)  before -> after  (shift: visual shift; OOD: novel answers)
  ID    (n=256)   47.7% ->  48.4%  (+0.8 points; format 100.0%)
  shift (n=256)   30.1% ->  35.2%  (+5.1 points; format 99.0%)
  OOD   (n=256)   14.8% ->  14.8%  (+0.0 points; format 95.3%)
wall time 38.8 s, 1.29 s/iteration`;

describe('the generalisation table', () => {
  it('reads every split row of a summary, snapped to k/256', () => {
    const s = parseSummarySplits(SUMMARY);
    // 47.7% of 256 = 122.1 -> 122/256; 48.4% -> 124/256.
    expect(s.ID).toEqual({ before: 122 / 256, after: 124 / 256 });
    expect(s.shift).toEqual({ before: 77 / 256, after: 90 / 256 });
    expect(s.OOD).toEqual({ before: 38 / 256, after: 38 / 256 });
    // A summary from before the shift split has no shift row.
    expect(parseSummarySplits(SUMMARY.replace(/^ {2}shift.*\n/m, '')).shift).toBeUndefined();
  });

  it('fills a missing shift row from the run\'s own evaluation and its task\'s warm start', () => {
    const run = (arm: string, splits: GenRun['splits']): GenRun => ({ task: 'digit-sum', arm, seed: 1, splits, secondsPerIteration: 1 });
    const runs = [run('sft', { ID: { before: 0.5, after: 0.6 } }), run('grpo', { shift: { before: 0.3, after: 0.4 } })];
    const filled = fillShift(runs, (r) => (r.arm === 'sft' ? 0.35 : undefined));
    expect(filled[0]!.splits.shift).toEqual({ before: 0.3, after: 0.35 });
    expect(filled[1]).toBe(runs[1]);
  });

  it('one row per task and arm: the mean (range) over seeds, Δ signed', () => {
    const run = (seed: number, after: number): GenRun => ({ task: 'count', arm: 'rft', seed, splits: { ID: { before: 0.5, after } }, secondsPerIteration: 2 });
    const table = generalisationTable([run(1, 0.6), run(2, 0.7)]);
    const row = table.split('\n')[2]!;
    // after: mean 65.0, range 60.0-70.0; Δ: +10.0 and +20.0, mean +15.0.
    expect(row).toContain('| count | rft | 1, 2 | 50.0 | 65.0 (60.0–70.0) | +15.0 (+10.0–+20.0) |');
    expect(row).toContain('| – | – | – |'); // no shift or novel-answer rows measured
    expect(row.endsWith('| 2.00 |')).toBe(true);
  });
});
