// The numbers of README's "Tricks, measured (loss and KL)" table from runs/tricks/*.jsonl
// (written by scripts/tricks-loss-kl.sh): for each run label, a few statistics per seed, then
// their mean over seeds and the range. Usage: node scripts/tricks-summary.mjs
import { col, fmt, loadRuns, mean } from './runStats.mjs';

const runs = loadRuns('runs/tricks'); // label -> seed -> records

/** One statistic over the seeds of a label: "mean (min–max), n seeds". */
function stat(label, f) {
  const bySeed = Object.values(runs[label] ?? {}).map(f).filter((v) => Number.isFinite(v));
  if (bySeed.length === 0) return '–';
  return `${fmt(mean(bySeed))} (${fmt(Math.min(...bySeed))}–${fmt(Math.max(...bySeed))}), ${bySeed.length} seeds`;
}

const TARGET = 0.01; // the ppo-penalty preset's targetKl
const inBand = (x) => x >= TARGET / 1.5 && x <= TARGET * 1.5;
const ROWS = {
  // Iteration 1 is the same for both (β = 1 before any control): iterations 2-12.
  'pen-prop / pen-halve (PPO-Penalty, β controller)': [
    ['KL after update, mean of iterations 2-12', (r) => mean(col(r, 'policy/kl_after_update').slice(1))],
    ['|ln(KL / target)|, mean of iterations 2-12', (r) => mean(col(r, 'policy/kl_after_update').slice(1).map((x) => Math.abs(Math.log(x / TARGET))))],
    ['share of iterations 2-12 with KL in [target/1.5, 1.5 target]', (r) => mean(col(r, 'policy/kl_after_update').slice(1).map((x) => (inBand(x) ? 1 : 0)))],
    ['β, smallest', (r) => Math.min(...col(r, 'kl/beta'))],
    ['β, largest', (r) => Math.max(...col(r, 'kl/beta'))],
  ],
  'grpo / grpo-d (fixed β against OThink-MR1\'s rising β)': [
    ['β at iteration 1', (r) => col(r, 'kl/beta')[0]],
    ['β at iteration 12', (r) => col(r, 'kl/beta')[11]],
    ['β at iteration 24', (r) => col(r, 'kl/beta')[23]],
    ['KL to ref, mean of iterations 1-8', (r) => mean(col(r, 'kl/ref').slice(0, 8))],
    ['KL to ref, mean of iterations 17-24', (r) => mean(col(r, 'kl/ref').slice(16, 24))],
    ['train accuracy, mean of iterations 17-24', (r) => mean(col(r, 'acc/train').slice(16, 24))],
  ],
  'dual-off / dual-c3 (PPO-Clip at lr 5e-4)': [
    ['clip/dual, mean', (r) => mean(col(r, 'clip/dual').length ? col(r, 'clip/dual') : [0])],
    ['clip/low, mean', (r) => mean(col(r, 'clip/low'))],
    ['clip/high_max, mean', (r) => mean(col(r, 'clip/high_max'))],
    ['approx KL, mean', (r) => mean(col(r, 'policy/approx_kl'))],
    ['loss/policy, max', (r) => Math.max(...col(r, 'loss/policy'))],
  ],
  'grpo / grpo-exact (KL to the reference: k3 against exact)': [
    // Iteration 1's update is the same under both (the KL's gradient is 0 while π = π_ref), so iteration 2
    // samples the same batch from the same policy: a paired look at one estimate against the exact value.
    ['KL to ref at iteration 2 (same policy, same batch)', (r) => col(r, 'kl/ref')[1]],
    ['KL to ref at iteration 3', (r) => col(r, 'kl/ref')[2]],
    ['KL to ref, mean', (r) => mean(col(r, 'kl/ref'))],
    ['KL to ref, mean |change| between iterations', (r) => { const k = col(r, 'kl/ref'); return mean(k.slice(1).map((x, i) => Math.abs(x - k[i]))); }],
  ],
  'trpo-k3 / trpo-exact (TRPO constraint: k3 against exact)': [
    ['step fraction, mean', (r) => mean(col(r, 'trpo/step_frac'))],
    ['backtracks, mean', (r) => mean(col(r, 'trpo/backtracks'))],
    ['share of iterations whose step was accepted', (r) => mean(col(r, 'trpo/accepted'))],
    ['KL(π_old‖π) of the step, mean', (r) => mean(col(r, 'policy/approx_kl'))],
  ],
};

for (const [title, rows] of Object.entries(ROWS)) {
  const labels = title.split(' (')[0].split(' / ');
  console.log(`\n## ${title}`);
  for (const [name, f] of rows) console.log(`${name}: ${labels.map((l) => `${l} ${stat(l, f)}`).join(' | ')}`);
}
