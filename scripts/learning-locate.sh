#!/usr/bin/env bash
# The README's "locate: does RL learn?" rows: GRPO, grpo-mu4 (GRPO with PPO's 2 x 2 update
# schedule) and PPO from the locate warm start, 3 seeds, then Dr. GRPO (no std scaling) to set
# against GRPO on a continuous IoU reward, then GRPO paid by the hackable recall reward.
# One run at a time (the machine is shared), nice'd.
# Each run prints held-out mean IoU and the share with IoU >= 0.5 (greedy, 128 level-1 prompts)
# before and after, on ID, visual shift and novel answers: runs/locate/<label>-s<seed>.txt.
# ITERS (default 40) sets the budget; a finished run is skipped when the script is re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/train-run.sh
ITERS=${ITERS:-40}
COMMON=(--task locate --init sft --backend wasm --eval-n 128 --quiet --set run.evalEvery=0)

for seed in 1 2 3; do
  train_run runs/locate "grpo-s$seed" --preset grpo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}"
  train_run runs/locate "ppo-s$seed" --preset ppo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}"
  train_run runs/locate "grpo-mu4-s$seed" --preset grpo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}" "${MU4_SETTINGS[@]}"
done
for seed in 1 2 3; do train_run runs/locate "dr-grpo-s$seed" --preset dr-grpo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}"; done
# The hackable box reward: GRPO paid by recall (rewards.box=recall); held-out eval is still IoU.
for seed in 1 2 3; do train_run runs/locate "recall-s$seed" --preset grpo --seed "$seed" --iterations "$ITERS" "${COMMON[@]}" --set rewards.box=recall; done
