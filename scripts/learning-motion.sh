#!/usr/bin/env bash
# The README's "motion: does RL learn?" rows: GRPO, grpo-mu4 (GRPO with PPO's 2 x 2 update
# schedule) and PPO from the motion warm start, 3 seeds each, B = 8, G = 8 (the presets'
# defaults), level 1. Held-out accuracy (greedy, the trainer's own evaluation, 128 prompts per
# split: ID, visual shift, novel answers) before and after, from each run's summary.
# One run at a time (the machine is shared), seed by seed, so a table cut short still covers
# every preset; then GRPO with T-GRPO (tricks.temporalGrpo), 3 seeds. Each run writes runs/motion/<label>-s<seed>.jsonl (metrics) and .txt (summary);
# a run whose .txt exists is skipped, so the script can be re-invoked to finish a table.
#   ITERS=60 nice -n 10 bash scripts/learning-motion.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs/motion
ITERS=${ITERS:-60}
COMMON="--task motion --init sft --backend wasm --eval-n 128 --quiet --set run.evalEvery=0"

run_one() {
  local label=$1 seed=$2 preset=$1 extra=""
  if [ "$label" = grpo-tgrpo ]; then
    # GRPO with T-GRPO's temporal contrast (a second group per prompt on shuffled frames).
    preset=grpo
    extra="--set tricks.temporalGrpo=true"
  fi
  if [ "$label" = grpo-mu4 ]; then
    # Four Adam steps per batch (2 epochs x 2 minibatches), as in the digit-sum table.
    preset=grpo
    extra="--set optim.epochs=2 --set optim.minibatches=2"
  fi
  local name="$label-s$seed"
  [ -s "runs/motion/$name.txt" ] && return 0
  # shellcheck disable=SC2086
  npx tsx src/cli/train.ts --preset "$preset" --seed "$seed" --iterations "$ITERS" $COMMON $extra \
    --out "runs/motion/$name.jsonl" > "runs/motion/$name.txt.part" 2> "runs/motion/$name.err"
  mv "runs/motion/$name.txt.part" "runs/motion/$name.txt"
}

for seed in 1 2 3; do
  for label in grpo ppo grpo-mu4; do run_one "$label" "$seed"; done
done
# Then T-GRPO against the GRPO rows above (same seeds, prompts and budget).
for seed in 1 2 3; do run_one grpo-tgrpo "$seed"; done
