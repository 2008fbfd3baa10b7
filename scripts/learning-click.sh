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
mkdir -p runs/click
ITERS=${ITERS:-60}
COMMON="--task click --init sft --backend wasm --eval-n 128 --quiet --set run.evalEvery=20 --set run.evalN=128"
for seed in 1 2 3; do
  for preset in grpo ppo grpo-mu4; do
    name="$preset-s$seed"
    [ -s "runs/click/$name.txt" ] && continue
    extra=""
    p=$preset
    if [ "$preset" = grpo-mu4 ]; then p=grpo; extra="--set optim.epochs=2 --set optim.minibatches=2"; fi
    # shellcheck disable=SC2086
    nice -n 10 npx tsx src/cli/train.ts --preset "$p" --seed "$seed" --iterations "$ITERS" $COMMON $extra \
      --out "runs/click/$name.jsonl" > "runs/click/$name.txt.part" 2> "runs/click/$name.err"
    mv "runs/click/$name.txt.part" "runs/click/$name.txt"
  done
done
