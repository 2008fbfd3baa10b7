#!/usr/bin/env bash
# The README's "motion: does RL learn?" rows: GRPO, grpo-mu4 (GRPO with PPO's 2 x 2 update
# schedule) and PPO from the motion warm start, 3 seeds each, B = 8, G = 8 (the presets'
# defaults), level 1. Held-out accuracy (greedy, the trainer's own evaluation, 128 prompts per
# split: ID, visual shift, novel answers) before and after, from each run's summary.
# One run at a time (the machine is shared), seed by seed, so a table cut short still covers
# every preset; then GRPO with T-GRPO (tricks.temporalGrpo), 3 seeds, and GRPO again (its
# checkpoint for src/cli/motionShortcut.ts). Each run writes runs/motion/<label>-s<seed>.jsonl (metrics), .txt (summary) and .ckpt/ (the policy);
# a run whose .txt exists is skipped, so the script can be re-invoked to finish a table.
# Each run goes through scripts/train-run.sh's train_run (nice'd there).
#   ITERS=60 bash scripts/learning-motion.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/train-run.sh
ITERS=${ITERS:-60}
COMMON=(--task motion --init sft --backend wasm --eval-n 128 --quiet --set run.evalEvery=0)

# `bash scripts/learning-motion.sh table`: the README's rows from the finished runs' summaries:
# mean (min-max) over seeds of held-out ID accuracy before and after, the gain, and the visual
# shift and novel-answer accuracy after; missing runs are named.
if [ "${1:-}" = table ]; then
  for label in grpo grpo-mu4 ppo grpo-tgrpo grpo-mu4-tgrpo grpo-again grpo-mu4-again; do
    awk -v label="$label" '
      FNR == 1 { files++ }
      /^  ID / { gsub("%", ""); b[files] = $3; a[files] = $5 }
      /^  shift / { gsub("%", ""); sh[files] = $5 }
      /^  OOD / { gsub("%", ""); o[files] = $5 }
      /s\/iteration/ { t[files] = $5 }
      function stat(x, n,   i, s, lo, hi) { s = 0; lo = 1e9; hi = -1e9; for (i = 1; i <= n; i++) { s += x[i]; if (x[i] < lo) lo = x[i]; if (x[i] > hi) hi = x[i] } return sprintf("%.1f (%.1f-%.1f)", s / n, lo, hi) }
      END {
        if (files == 0) { printf "| %s | none finished | | | | | | |\n", label; exit }
        for (i = 1; i <= files; i++) d[i] = a[i] - b[i]
        printf "| %s | %d | %s | %s | %s | %s | %s | %s |\n", label, files, stat(b, files), stat(a, files), stat(d, files), stat(sh, files), stat(o, files), stat(t, files)
      }' runs/motion/"$label"-s*.txt 2>/dev/null || printf '| %s | none finished | | | | | | |\n' "$label"
  done
  exit 0
fi

# `bash scripts/learning-motion.sh temporal`: for the T-GRPO runs, the mean over seeds (min-max)
# of temporal/acc_ordered, temporal/acc_shuffled and temporal/bonus_frac over iterations 1-10 and 31-40.
if [ "${1:-}" = temporal ]; then
  node -e '
    const fs = require("fs");
    for (const label of ["grpo-tgrpo", "grpo-mu4-tgrpo"]) {
      const files = fs.readdirSync("runs/motion").filter((f) => f.startsWith(label + "-s") && f.endsWith(".jsonl") && fs.existsSync("runs/motion/" + f.replace(".jsonl", ".txt")));
      if (files.length === 0) { console.log(`| ${label} | none finished | | | |`); continue; }
      const recs = files.map((f) => fs.readFileSync("runs/motion/" + f, "utf8").trim().split("\n").map((l) => JSON.parse(l)));
      const stat = (xs) => `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
      for (const [lo, hi] of [[1, 10], [31, 40]]) {
        const per = (key) => recs.map((r) => { const v = r.filter((m) => m.iteration >= lo && m.iteration <= hi).map((m) => m.values[key]); return v.reduce((a, b) => a + b, 0) / v.length; });
        console.log(`| ${label} | ${files.length} | ${lo}-${hi} | ${stat(per("temporal/acc_ordered"))} | ${stat(per("temporal/acc_shuffled"))} | ${stat(per("temporal/bonus_frac"))} |`);
      }
    }'
  exit 0
fi

run_one() {
  local label=$1 seed=$2 preset=grpo extra=()
  case "$label" in
    # GRPO with T-GRPO's temporal contrast (a second group per prompt on shuffled frames).
    grpo-tgrpo) extra=(--set tricks.temporalGrpo=true) ;;
    # T-GRPO on grpo-mu4's schedule (the one that learned most here).
    grpo-mu4-tgrpo) extra=("${MU4_SETTINGS[@]}" --set tricks.temporalGrpo=true) ;;
    # grpo-mu4 once more, the same seeds: its checkpoint for src/cli/motionShortcut.ts.
    grpo-mu4-again) extra=("${MU4_SETTINGS[@]}") ;;
    # GRPO once more, the same seeds: its checkpoint (below) for src/cli/motionShortcut.ts.
    grpo-again) ;;
    # Four Adam steps per batch (2 epochs x 2 minibatches), as in the digit-sum table.
    grpo-mu4) extra=("${MU4_SETTINGS[@]}") ;;
    *) preset=$label ;;
  esac
  train_run --save runs/motion "$label-s$seed" --preset "$preset" --seed "$seed" --iterations "$ITERS" "${COMMON[@]}" ${extra[@]+"${extra[@]}"}
}

for seed in 1 2 3; do
  for label in grpo ppo grpo-mu4; do run_one "$label" "$seed"; done
done
# Then T-GRPO against the GRPO rows above (same seeds, prompts and budget).
for seed in 1 2 3; do run_one grpo-tgrpo "$seed"; done
# Plain GRPO again with its checkpoint, for the shortcut check against T-GRPO's:
#   npx tsx src/cli/motionShortcut.ts --checkpoints public/checkpoints/motion,runs/motion/grpo-again-s1.ckpt,runs/motion/grpo-tgrpo-s1.ckpt,...
for seed in 1 2 3; do run_one grpo-again "$seed"; done
# Last, T-GRPO on grpo-mu4's schedule.
for seed in 1 2 3; do run_one grpo-mu4-tgrpo "$seed"; done
# And grpo-mu4 again with its checkpoint, the shortcut check's comparison for it.
for seed in 1 2 3; do run_one grpo-mu4-again "$seed"; done
