#!/usr/bin/env bash
# The README's click learning rows ("### click: does RL learn?"): GRPO, grpo-mu4 (GRPO with
# PPO's 2 epochs x 2 minibatches) and PPO from the click warm start, 3 seeds each, 60
# iterations at the default batch (B = 8 prompts, G = 8), held-out ID accuracy (greedy, the
# trainer's own eval, 128 prompts) every 20 iterations; the summary adds the novel-answer and
# visual-shift splits at the end. One run at a time, niced (a shared 2-core machine), seed by
# seed so that a table cut short still covers every preset. Each run writes
# runs/click/<preset>-s<seed>.jsonl (metrics) and .txt (summary); a finished run is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/train-run.sh
ITERS=${ITERS:-60}
COMMON=(--task click --init sft --backend wasm --eval-n 128 --quiet --set run.evalEvery=20 --set run.evalN=128)
for seed in 1 2 3; do
  train_run runs/click "grpo-s$seed" --preset grpo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}"
  train_run runs/click "ppo-s$seed" --preset ppo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}"
  train_run runs/click "grpo-mu4-s$seed" --preset grpo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}" "${MU4_SETTINGS[@]}"
done
