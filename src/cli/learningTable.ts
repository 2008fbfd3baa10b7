import { PRESET_IDS } from '../engine/presets';
import { MetricsRecordSchema, type MetricsRecord } from '../engine/train/metrics';

/**
 * The README's learning table from the runs `scripts/learning-table.sh` leaves behind: for each
 * `<label>-s<seed>.jsonl` (one MetricsRecord per line) and its `.txt` summary (`npm run train`'s
 * stdout), held-out ID accuracy at each evaluation, as mean (min–max) over seeds.
 */

export interface RunResult {
  label: string;
  seed: number;
  /** Held-out ID accuracy of the warm start (the summary's "before"). */
  before: number;
  /** Held-out ID / OOD accuracy at the end (the summary's "after"). */
  afterId: number;
  afterOod: number;
  /** acc/eval_id by iteration, as logged every evalEvery iterations. */
  evalId: Map<number, number>;
  iterations: number;
  wallSeconds: number;
  records: MetricsRecord[];
}

/**
 * Where a label's rows go: presets in the order they are introduced (REINFORCE ... GSPO), not
 * alphabetical; a variant (`grpo-mu4`: a preset with changed knobs) right after its preset, the
 * longest matching id winning (`ppo-penalty-x` follows ppo-penalty, not ppo); anything else last.
 */
export function labelRank(label: string): number {
  const ids: readonly string[] = PRESET_IDS;
  if (ids.includes(label)) return ids.indexOf(label);
  const parent = ids.filter((id) => label.startsWith(`${id}-`)).sort((a, b) => b.length - a.length)[0];
  return parent === undefined ? ids.length : ids.indexOf(parent) + 0.5;
}

const PCT = String.raw`(-?[\d.]+)%`;

/** One run from its summary text and its JSONL metrics. Throws with the file's label on anything malformed. */
export function parseRun(label: string, seed: number, summary: string, jsonl: string): RunResult {
  // The summary prints one decimal (50.8%); snapping to k/n recovers the exact share (65/128),
  // so a gain matches the one the trainer printed (81.25 - 50.78 = +30.5, not 81.25 - 50.8).
  const row = (name: string) => {
    const m = new RegExp(String.raw`^\s*${name}\s+\(n=(\d+)\)\s+${PCT}\s+->\s+${PCT}`, 'm').exec(summary);
    if (!m) throw new Error(`${label}-s${seed}: no "${name}" row in the summary`);
    const n = Number(m[1]);
    const share = (pct: string) => Math.round((Number(pct) / 100) * n) / n;
    return [share(m[2]!), share(m[3]!)] as const;
  };
  const [before, afterId] = row('ID');
  const [, afterOod] = row('OOD');
  const wall = /^wall time ([\d.]+) s/m.exec(summary);
  if (!wall) throw new Error(`${label}-s${seed}: no wall time in the summary`);
  const records = jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const parsed = MetricsRecordSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${label}-s${seed}: line ${i + 1} is not a metrics record`);
      return parsed.data;
    });
  const evalId = new Map<number, number>();
  for (const r of records) if (r.values['acc/eval_id'] !== undefined) evalId.set(r.iteration, r.values['acc/eval_id']);
  return { label, seed, before, afterId, afterOod, evalId, iterations: records.length, wallSeconds: Number(wall[1]), records };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pts = (x: number) => (100 * x).toFixed(1);
/** "68.0 (64.8–71.9)": mean and range over seeds, in percent; a lone seed has no range. */
export function meanRange(xs: readonly number[], signed = false): string {
  const f = (x: number) => `${signed && x >= 0 ? '+' : ''}${pts(x)}`;
  if (xs.length === 0) return '–';
  if (xs.length === 1) return f(xs[0]!);
  return `${f(mean(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

/** Mean of a metric over a window of iterations [from, to] (1-based, inclusive). */
export function windowMean(records: readonly MetricsRecord[], key: string, from: number, to: number): number {
  const xs = records.filter((r) => r.iteration >= from && r.iteration <= to).map((r) => r.values[key]).filter((v): v is number => v !== undefined);
  return xs.length ? mean(xs) : NaN;
}

/** The Markdown learning table: one row per label, in first-seen order. */
export function learningTable(runs: readonly RunResult[], checkpoints: readonly number[]): string {
  const labels = [...new Set(runs.map((r) => r.label))];
  const head = ['Preset', 'Seeds', 'Warm start', ...checkpoints.flatMap((c) => [`ID @${c}`, `Δ @${c}`]), 'OOD at end', 's / iteration', 'Wall time per run'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const label of labels) {
    const rs = runs.filter((r) => r.label === label);
    const cells = checkpoints.flatMap((c) => {
      const at = rs.filter((r) => r.evalId.has(c));
      return [meanRange(at.map((r) => r.evalId.get(c)!)), meanRange(at.map((r) => r.evalId.get(c)! - r.before), true)];
    });
    const secPerIter = mean(rs.map((r) => r.wallSeconds / r.iterations));
    lines.push(`| ${[
      label,
      rs.map((r) => r.seed).join(', '),
      meanRange([...new Set(rs.map((r) => r.before))]),
      ...cells,
      meanRange(rs.map((r) => r.afterOod)),
      secPerIter.toFixed(2),
      `${Math.round(mean(rs.map((r) => r.wallSeconds)))} s`,
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Reward against accuracy in the first and last `window` iterations of one run (the hacking demo). */
export function hackingSummary(run: RunResult, window = 10): string {
  const first = (k: string) => windowMean(run.records, k, 1, window);
  const last = (k: string) => windowMean(run.records, k, run.iterations - window + 1, run.iterations);
  const row = (name: string, key: string) => `| ${name} | ${first(key).toFixed(3)} | ${last(key).toFixed(3)} |`;
  return [
    `| Quantity (mean over ${window} iterations) | First ${window} | Last ${window} |`,
    '|---|---|---|',
    row('reward/mean (what the policy is paid)', 'reward/mean'),
    row('reward/hackable/mean (says "because")', 'reward/hackable/mean'),
    row('acc/train (answers right)', 'acc/train'),
    `| held-out ID accuracy (before → after) | ${pts(run.before)}% | ${pts(run.afterId)}% |`,
  ].join('\n');
}
