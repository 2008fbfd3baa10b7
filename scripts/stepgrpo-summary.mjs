// The numbers of README's "Tricks, measured (StepGRPO rewards)" table from runs/stepgrpo/*.jsonl
// (written by scripts/stepgrpo-table.sh): per label, a few statistics per seed, then their mean
// over seeds and the range. Usage: node scripts/stepgrpo-summary.mjs
import { col, fmt, loadRuns, mean } from './runStats.mjs';

const runs = loadRuns('runs/stepgrpo'); // label -> seed -> records
/** Mean of a metric over iterations from..to (1-based, inclusive). */
const over = (key, from, to) => (r) => mean(col(r, key).slice(from - 1, to));

function stat(label, f) {
  const bySeed = Object.entries(runs[label] ?? {}).map(([seed, r]) => [seed, f(r)]).filter(([, v]) => Number.isFinite(v));
  if (bySeed.length === 0) return '–';
  const vs = bySeed.map(([, v]) => v);
  return `${fmt(mean(vs))} (${fmt(Math.min(...vs))}–${fmt(Math.max(...vs))}), ${vs.length} seeds [${bySeed.map(([s, v]) => `s${s} ${fmt(v)}`).join(', ')}]`;
}

const ROWS = {
  'rvr-off / rvr-on (GRPO, StepRVR weight 0 / 0.5, 12 iterations)': [
    ['StepRVR mean, iterations 1-3', over('reward/stepRVR/mean', 1, 3)],
    ['StepRVR mean, iterations 10-12', over('reward/stepRVR/mean', 10, 12)],
    ['train accuracy, iterations 1-3', over('acc/train', 1, 3)],
    ['train accuracy, iterations 10-12', over('acc/train', 10, 12)],
    ['StepRAR mean, iterations 10-12', over('reward/stepRAR/mean', 10, 12)],
  ],
  'rvr24-off / rvr24-on (GRPO, StepRVR weight 0 / 1, 24 iterations)': [
    ['StepRVR mean, iterations 1-4', over('reward/stepRVR/mean', 1, 4)],
    ['StepRVR mean, iterations 21-24', over('reward/stepRVR/mean', 21, 24)],
    ['train accuracy, iterations 1-4', over('acc/train', 1, 4)],
    ['train accuracy, iterations 21-24', over('acc/train', 21, 24)],
    ['format rate, iterations 21-24', over('format/rate', 21, 24)],
  ],
  'dense-off / dense-on (PPO-Clip, StepRAR weight 0.5, 10 iterations)': [
    ['StepRAR mean, iterations 1-3', over('reward/stepRAR/mean', 1, 3)],
    ['StepRAR mean, iterations 8-10', over('reward/stepRAR/mean', 8, 10)],
    ['train accuracy, iterations 1-3', over('acc/train', 1, 3)],
    ['train accuracy, iterations 8-10', over('acc/train', 8, 10)],
    ['value explained variance, mean', (r) => mean(col(r, 'value/explained_var'))],
    ['advantage std (before whitening), mean', (r) => mean(col(r, 'adv/std'))],
  ],
  'len-grpo / len-overlong / len-drgrpo (task.verbose, 12 iterations)': [
    ['len/mean, iteration 1 (same seed, same warm start: the same samples in every arm)', over('len/mean', 1, 1)],
    ['len/mean, iterations 1-3', over('len/mean', 1, 3)],
    ['len/mean, iterations 10-12', over('len/mean', 10, 12)],
    ['len/max, iterations 10-12', over('len/max', 10, 12)],
    ['length reward mean, iterations 10-12', over('reward/length/mean', 10, 12)],
    ['train accuracy, iterations 1-3', over('acc/train', 1, 3)],
    ['train accuracy, iterations 10-12', over('acc/train', 10, 12)],
    ['format rate, iterations 10-12', over('format/rate', 10, 12)],
  ],
};

for (const [title, rows] of Object.entries(ROWS)) {
  const labels = title.split(' (')[0].split(' / ');
  console.log(`\n## ${title}`);
  for (const [name, f] of rows) console.log(`${name}\n${labels.map((l) => `  ${l}: ${stat(l, f)}`).join('\n')}`);
}
