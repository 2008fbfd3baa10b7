#!/usr/bin/env bash
# The click task's hackable reward, measured: GRPO from the click warm start paid only the
# distance reward (1 - d/16 to the gold click; accuracy unpaid), 60 iterations, 3 seeds, one at
# a time, niced. Each run writes runs/click/hack-s<seed>.jsonl and .txt; a finished run is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/train-run.sh
for seed in 1 2 3; do
  train_run runs/click "hack-s$seed" --preset grpo --seed "$seed" --iterations 60 --task click --init sft --backend wasm --eval-n 128 --quiet \
    --set run.evalEvery=20 --set run.evalN=128 --set rewards.weights.accuracy=0 --set rewards.weights.distance=1
done
