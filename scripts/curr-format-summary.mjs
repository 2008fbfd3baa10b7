// The numbers of README's Curr-ReFT question-format row from runs/currfmt/*.jsonl (written by
// scripts/curr-format.sh): per label, each statistic's mean over seeds and its range.
// Usage: node scripts/curr-format-summary.mjs
import { col, fmt, loadRuns, mean } from './runStats.mjs';

const runs = loadRuns('runs/currfmt'); // label -> seed -> records

function stat(label, f) {
  const bySeed = Object.values(runs[label] ?? {}).map(f).filter((v) => Number.isFinite(v));
  if (bySeed.length === 0) return '–';
  return `${fmt(mean(bySeed))} (${fmt(Math.min(...bySeed))}–${fmt(Math.max(...bySeed))}), ${bySeed.length} seeds`;
}

const last = (r, key) => r.at(-1)?.values[key];
/** 1-based iteration at which a stage was first reached, or NaN. */
const firstAt = (r, stage) => r.findIndex((x) => x.values['curriculum/stage'] === stage) + 1 || NaN;
const STATS = [
  ['held-out ID accuracy after the last iteration (open question, level 1)', (r) => last(r, 'acc/eval_id')],
  ['held-out novel answers (OOD)', (r) => last(r, 'acc/eval_ood')],
  ['held-out visual shift', (r) => last(r, 'acc/eval_shift')],
  ['first iteration at stage 2', (r) => firstAt(r, 2)],
  ['first iteration at stage 3', (r) => firstAt(r, 3)],
  ['iterations at stage 1 / 2 / 3', (r) => [1, 2, 3].map((s) => r.filter((x) => x.values['curriculum/stage'] === s).length).join(' / ')],
  ['train accuracy, binary iterations', (r) => mean(col(r, 'curriculum/acc_binary'))],
  ['train accuracy, choice iterations', (r) => mean(col(r, 'curriculum/acc_choice'))],
  ['train accuracy, open iterations', (r) => mean(col(r, 'curriculum/acc_open'))],
  ['train accuracy, all iterations', (r) => mean(col(r, 'acc/train'))],
  ['answers naming a candidate, first 5 closed iterations', (r) => mean(col(r, 'curriculum/answer_in_candidates').slice(0, 5))],
  ['answers naming a candidate, last 5 closed iterations', (r) => mean(col(r, 'curriculum/answer_in_candidates').slice(-5))],
];

for (const label of Object.keys(runs).sort()) {
  console.log(`\n## ${label}`);
  for (const [name, f] of STATS) {
    if (name.startsWith('iterations at')) console.log(`${name}: ${Object.values(runs[label]).map(f).join(' | ')}`);
    else console.log(`${name}: ${stat(label, f)}`);
  }
}
