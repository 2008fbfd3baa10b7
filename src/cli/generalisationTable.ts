/**
 * The README's generalisation table (issue #15) from the runs scripts/generalisation-table.sh
 * leaves behind: for each task and arm (sft, rft, grpo, grpo-mu4, ...), held-out greedy accuracy
 * before and after on ID, visual-shift and novel-answer (OOD) prompts, mean (min–max) over seeds.
 * A summary from before the shift split existed has no shift row: its after-value then comes
 * from `npm run eval -- --split shift` on the run's saved weights (`<name>.shift.json`), and its
 * before-value from another run of the same task (the same warm start on the same prompts).
 */
import { meanRange } from './learningTable';

export const SPLIT_ROWS = ['ID', 'shift', 'OOD'] as const;
export type SplitRow = (typeof SPLIT_ROWS)[number];

export interface GenRun {
  task: string;
  arm: string;
  seed: number;
  /** before/after accuracy per split (0-1); a split is absent when the summary has no row for it. */
  splits: Partial<Record<SplitRow, { before: number; after: number }>>;
  secondsPerIteration: number;
}

/** The split rows of `npm run train`'s summary ("  ID   (n=256)   47.7% ->  48.4%  ..."), snapped to k/n. */
export function parseSummarySplits(summary: string): GenRun['splits'] {
  const out: GenRun['splits'] = {};
  for (const name of SPLIT_ROWS) {
    const m = new RegExp(String.raw`^\s*${name}\s+\(n=(\d+)\)\s+(-?[\d.]+)%\s+->\s+(-?[\d.]+)%`, 'm').exec(summary);
    if (!m) continue;
    const n = Number(m[1]);
    const share = (pct: string) => Math.round((Number(pct) / 100) * n) / n;
    out[name] = { before: share(m[2]!), after: share(m[3]!) };
  }
  return out;
}

/** Fill a run's missing shift row: after from its own evaluation, before from a run of its task that has one. */
export function fillShift(runs: GenRun[], shiftAfter: (r: GenRun) => number | undefined): GenRun[] {
  return runs.map((r) => {
    if (r.splits.shift) return r;
    const after = shiftAfter(r);
    const before = runs.find((o) => o.task === r.task && o.splits.shift)?.splits.shift?.before;
    return after === undefined || before === undefined ? r : { ...r, splits: { ...r.splits, shift: { before, after } } };
  });
}

const LABEL: Record<SplitRow, string> = { ID: 'ID', shift: 'visual shift', OOD: 'novel answers' };

/** One Markdown table: a row per task and arm (in first-seen order), before / after / Δ per split. */
export function generalisationTable(runs: readonly GenRun[]): string {
  const head = ['Task', 'Arm', 'Seeds', ...SPLIT_ROWS.flatMap((s) => [`${LABEL[s]} before`, `${LABEL[s]} after`, `Δ ${LABEL[s]}`]), 's / iteration'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const keys = [...new Set(runs.map((r) => `${r.task}\u0000${r.arm}`))];
  for (const key of keys) {
    const [task, arm] = key.split('\u0000') as [string, string];
    const rs = runs.filter((r) => r.task === task && r.arm === arm);
    const cells = SPLIT_ROWS.flatMap((s) => {
      const have = rs.filter((r) => r.splits[s]);
      const before = [...new Set(have.map((r) => r.splits[s]!.before))];
      return [meanRange(before), meanRange(have.map((r) => r.splits[s]!.after)), meanRange(have.map((r) => r.splits[s]!.after - r.splits[s]!.before), true)];
    });
    const sec = rs.reduce((a, r) => a + r.secondsPerIteration, 0) / rs.length;
    lines.push(`| ${[task, arm, rs.map((r) => r.seed).join(', '), ...cells, sec.toFixed(2)].join(' | ')} |`);
  }
  return lines.join('\n');
}
