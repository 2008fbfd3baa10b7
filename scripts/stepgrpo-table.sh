#!/usr/bin/env bash
# Produces the README's "Tricks, measured (StepGRPO rewards)" table: short runs from the digit-sum
# warm start (B = 4 prompts x G = 4, wasm, one run at a time, niced: the machine is shared), each
# trick off and on, 3 seeds. Each run writes runs/stepgrpo/<label>-s<seed>.jsonl; then
#   node scripts/stepgrpo-summary.mjs   -> the table's numbers (mean over seeds, range).
# Every reward function is computed and charted whether it is weighted or not, so the "off" arm
# reports reward/stepRVR/mean and reward/stepRAR/mean too. Usage: scripts/stepgrpo-table.sh [rvr|rvr24|dense|length ...]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs/stepgrpo
COMMON="--task digit-sum --init sft --backend wasm --quiet --set run.evalEvery=0 --set sampling.promptsPerIter=4 --set sampling.groupSize=4"
# Variable-length reasoning: verbose gold traces, and the warm start fine-tuned on them (README, Variable-length reasoning).
VERBOSE="--set task.verbose=true --warm-start public/checkpoints/digit-sum-verbose"

run() { # label preset iterations seed extra...
  local label=$1 preset=$2 iters=$3 seed=$4
  shift 4
  local out="runs/stepgrpo/$label-s$seed.jsonl"
  [ -s "$out" ] && return 0
  echo "$(date -u +%H:%M:%S) $label seed $seed" >&2
  # shellcheck disable=SC2086
  nice -n 10 npm run -s train -- --preset "$preset" --iterations "$iters" --seed "$seed" $COMMON "$@" --out "$out" >/dev/null
}

group() {
  local seed
  case $1 in
    rvr) # GRPO with its default rewards (accuracy 1, format 0.2), and with StepRVR weighted 0.5 on top
      for seed in 1 2 3; do
        run rvr-off grpo 12 "$seed"
        run rvr-on grpo 12 "$seed" --set rewards.weights.stepRVR=0.5
      done ;;
    dense) # PPO-Clip with StepRAR weighted 0.5: the whole reward at the last token, or StepRAR's key steps on their tokens
      for seed in 1 2 3; do
        run dense-off ppo 10 "$seed" --set rewards.weights.stepRAR=0.5
        run dense-on ppo 10 "$seed" --set rewards.weights.stepRAR=0.5 --set rewards.dense=true
      done ;;
    rvr24) # the same with twice the iterations and StepRVR weighted 1
      for seed in 1 2 3; do
        run rvr24-off grpo 24 "$seed"
        run rvr24-on grpo 24 "$seed" --set rewards.weights.stepRVR=1
      done ;;
    length) # task.verbose from the verbose warm start: GRPO, GRPO with the overlong penalty as a length penalty (band 12-24), Dr. GRPO
      for seed in 1 2 3; do
        run len-grpo grpo 12 "$seed" $VERBOSE
        run len-overlong grpo 12 "$seed" $VERBOSE --set rewards.weights.length=1 --set rewards.overlongCache=12
        run len-drgrpo dr-grpo 12 "$seed" $VERBOSE
      done ;;
    *) echo "unknown group $1 (rvr rvr24 dense length)" >&2; exit 2 ;;
  esac
}

if [ $# -eq 0 ]; then set -- rvr rvr24 dense length; fi
for g in "$@"; do group "$g"; done
