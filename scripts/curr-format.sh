#!/usr/bin/env bash
# Produces the README's Curr-ReFT question-format row ("Tricks, measured (sampling and data)"):
# short GRPO runs from the digit-sum warm start (B = 8 prompts x G = 8, wasm, one run at a time,
# nice'd: the 2-core machine is shared), the curriculum (threshold 0.2, staged rewards) asking the
# open question at every stage (curr-open, today's) against Curr-ReFT's staged formats (curr-fmt:
# binary, then 3-way choice, then open), 3 seeds. Held-out evaluation once, after the last
# iteration, on 128 open-format prompts of the starting level (run.evalEvery = iterations).
# Each run writes runs/currfmt/<label>-s<seed>.jsonl; then
#   node scripts/curr-format-summary.mjs   -> the row's numbers (mean over seeds, range).
# Usage: scripts/curr-format.sh [iterations (30)]
set -euo pipefail
cd "$(dirname "$0")/.."
ITERS=${1:-30}
mkdir -p runs/currfmt
COMMON="--preset grpo --task digit-sum --init sft --backend wasm --quiet --eval-n 1 --iterations $ITERS
  --set sampling.promptsPerIter=8 --set sampling.groupSize=8 --set run.evalEvery=$ITERS --set run.evalN=128
  --set tricks.curriculum=true --set tricks.curriculumThreshold=0.2"

run() { # label seed extra...
  local label=$1 seed=$2
  shift 2
  local out="runs/currfmt/$label-s$seed.jsonl"
  [ -s "$out" ] && return 0
  echo "$(date -u +%H:%M:%S) $label seed $seed" >&2
  # shellcheck disable=SC2086
  nice -n 10 npm run -s train -- --seed "$seed" $COMMON "$@" --out "$out" >/dev/null
}

for seed in 1 2 3; do
  run curr-open "$seed"
  run curr-fmt "$seed" --set tricks.curriculumFormat=staged
done
