import { describe, expect, it } from 'vitest';
import { hackingSummary, labelRank, learningTable, meanRange, parseRun, windowMean } from './learningTable';

// n = 10 held-out prompts unless given: every percentage a test asserts on is then an exact share.
const summary = (before: string, after: string, ood: string, wall: string, n = 10) => `grpo on digit-sum, seed 1, 4 iterations from the SFT warm start (wasm)
held-out accuracy (greedy)  before -> after
  ID   (n=${n})   ${before} ->  ${after}  (+0.0 points; format 100.0%)
  OOD  (n=${n})    10.0% ->  ${ood}  (+0.0 points; format 100.0%)
wall time ${wall} s, 1.00 s/iteration
`;
const record = (iteration: number, values: Record<string, number>) =>
  JSON.stringify({ iteration, wallMs: iteration * 1000, klEstimator: 'k3', difficulty: 1, values });
const jsonl = (evalAt2: number, evalAt4: number) =>
  [record(1, { 'reward/mean': 0.1 }), record(2, { 'reward/mean': 0.3, 'acc/eval_id': evalAt2 }), record(3, { 'reward/mean': 0.5 }), record(4, { 'reward/mean': 0.7, 'acc/eval_id': evalAt4 })].join('\n');

describe('learning table', () => {
  it('parses the summary and the evaluations of a run', () => {
    const r = parseRun('grpo', 1, summary('50.0%', '75.0%', '12.5%', '8.0', 8), jsonl(0.6, 0.75));
    expect([r.before, r.afterId, r.afterOod, r.wallSeconds, r.iterations]).toEqual([0.5, 0.75, 0.125, 8, 4]);
    expect([...r.evalId]).toEqual([[2, 0.6], [4, 0.75]]);
  });

  it('recovers the exact share of n from the rounded percentage, so gains match the trainer', () => {
    const r = parseRun('grpo', 1, summary('50.8%', '81.3%', '12.5%', '8.0', 128), jsonl(0.6, 0.8125));
    expect([r.before, r.afterId]).toEqual([65 / 128, 104 / 128]);
    expect(meanRange([0.8125 - r.before], true)).toBe('+30.5');
  });

  it('refuses a summary without its rows, and a line that is not a metrics record', () => {
    expect(() => parseRun('grpo', 1, 'nothing', jsonl(0.6, 0.7))).toThrow('grpo-s1: no "ID" row in the summary');
    expect(() => parseRun('grpo', 2, summary('50.0%', '75.0%', '12.5%', '8.0'), '{"iteration":0}')).toThrow('grpo-s2: line 1 is not a metrics record');
  });

  it('gives mean and range over seeds, signed for differences', () => {
    expect(meanRange([0.5, 0.6, 0.7])).toBe('60.0 (50.0–70.0)');
    expect(meanRange([0.25], true)).toBe('+25.0');
    expect(meanRange([-0.1, 0.3], true)).toBe('+10.0 (-10.0–+30.0)');
    expect(meanRange([])).toBe('–');
  });

  it('tabulates each preset over its seeds at the asked iterations', () => {
    const runs = [
      parseRun('grpo', 1, summary('50.0%', '80.0%', '10.0%', '8.0'), jsonl(0.6, 0.8)),
      parseRun('grpo', 2, summary('50.0%', '70.0%', '20.0%', '12.0'), jsonl(0.5, 0.7)),
    ];
    const lines = learningTable(runs, [2, 4]).split('\n');
    expect(lines[0]).toBe('| Preset | Seeds | Warm start | ID @2 | Δ @2 | ID @4 | Δ @4 | OOD at end | s / iteration | Wall time per run |');
    // @2: 60 and 50 -> 55 (50–60), Δ +5 (+0–+10); @4: 75 (70–80), Δ +25 (+20–+30); wall 8 s and 12 s over 4 iterations.
    expect(lines[2]).toBe('| grpo | 1, 2 | 50.0 | 55.0 (50.0–60.0) | +5.0 (+0.0–+10.0) | 75.0 (70.0–80.0) | +25.0 (+20.0–+30.0) | 15.0 (10.0–20.0) | 2.50 | 10 s |');
  });

  it('summarises reward against accuracy over the first and last iterations', () => {
    const run = parseRun('hack', 1, summary('50.0%', '40.0%', '10.0%', '8.0'), jsonl(0.5, 0.4));
    expect(windowMean(run.records, 'reward/mean', 1, 2)).toBeCloseTo(0.2, 10);
    const table = hackingSummary(run, 2);
    expect(table).toContain('| reward/mean (what the policy is paid) | 0.200 | 0.600 |');
    expect(table).toContain('| held-out ID accuracy (before → after) | 50.0% | 40.0% |');
  });

  it('orders presets as introduced, each variant after its own preset, unknown labels last', () => {
    const labels = ['hack', 'gspo', 'grpo-mu4', 'ppo-penalty-x', 'grpo', 'ppo', 'reinforce', 'ppo-penalty'];
    expect([...labels].sort((a, b) => labelRank(a) - labelRank(b))).toEqual(['reinforce', 'ppo', 'ppo-penalty', 'ppo-penalty-x', 'grpo', 'grpo-mu4', 'gspo', 'hack']);
  });
});
