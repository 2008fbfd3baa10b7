#!/usr/bin/env bash
# Produces the README's generalisation table (issue #15): SFT, RFT, GRPO and grpo-mu4 from the
# same warm start, with the same budget: B = 16 prompts per iteration (the same prompts: same
# seed), 30 iterations, one Adam step per iteration at lr 1e-4 (grpo-mu4: 2 epochs x 2
# minibatches, four), on digit-sum and count, seeds 1-3. Held-out accuracy before and after on
# 256 prompts per split (ID; OOD = novel answers), every 10 iterations on 64 in the run's log.
# Each run writes runs/gen/<task>-<arm>-s<seed>.{jsonl,txt} and its final weights to
# runs/gen/<task>-<arm>-s<seed>.ckpt/ (for evaluating a split the run did not log:
# npm run eval -- --checkpoint <dir> ...). Two runs at a time, niced. Never in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/train-run.sh
mkdir -p runs/gen
JOBS=${JOBS:-2}
ITERS=${ITERS:-30}
TASKS=${TASKS:-"digit-sum count"}
ARMS=${ARMS:-"sft rft grpo"}
COMMON="--init sft --backend wasm --eval-n 256 --quiet --set sampling.promptsPerIter=16 --set sampling.groupSize=8 --set run.evalEvery=10 --set run.evalN=64 --set run.keepBatches=0"

# Seed by seed, so a table cut short still covers the three main arms; sft-mu4 (SFT with
# grpo-mu4's four Adam steps per batch: the cheap change) after seed 2; grpo-mu4 last.
jobs() {
  for seed in 1 2 3; do
    for task in $TASKS; do
      for arm in $ARMS; do echo "$task $arm $seed"; done
    done
    if [ "$seed" = 2 ]; then for s in 1 2 3; do echo "digit-sum sft-mu4 $s"; done; fi
  done
  for task in $TASKS; do for seed in 1 2 3; do echo "$task grpo-mu4 $seed"; done; done
}

run_one() {
  local task=$1 arm=$2 seed=$3 preset=$2 extra=""
  local name="$task-$arm-s$seed"
  case "$arm" in
    # GRPO with PPO's update schedule: four Adam steps per batch (README, "Does RL learn here?").
    grpo-mu4) preset=grpo; extra="--set optim.epochs=2 --set optim.minibatches=2" ;;
    # The supervised arms with the same four steps per batch (the budget grpo-mu4 gets).
    sft-mu4) preset=sft; extra="--set optim.epochs=2 --set optim.minibatches=2" ;;
    rft-mu4) preset=rft; extra="--set optim.epochs=2 --set optim.minibatches=2" ;;
  esac
  [ -e "runs/gen/$name.jsonl" ] && return 0 # done, or running, in an earlier (or a parallel) invocation
  : > "runs/gen/$name.jsonl" # claim it at once
  # A summary only for a run that finished (train_run, scripts/train-run.sh).
  # shellcheck disable=SC2086
  train_run --save runs/gen "$name" --preset "$preset" --task "$task" --seed "$seed" --iterations "$ITERS" $COMMON $extra
}
export -f run_one train_run
export COMMON ITERS
jobs | xargs -P "$JOBS" -L 1 bash -c 'run_one $0 $1 $2'
