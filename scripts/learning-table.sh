#!/usr/bin/env bash
# Produces the README's learning table: every preset from the digit-sum warm start, B=16, G=8,
# 3 seeds, held-out ID accuracy (greedy, the same 128 level-1 prompts) every 50 iterations,
# plus the reward-hacking run. Two runs at a time (2 cores), each through scripts/train-run.sh
# (nice'd); each run writes runs/table/<label>-s<seed>.jsonl (metrics) and .txt (summary).
# Then: npm run table  -> the Markdown tables (held-out accuracy at 50, 100, 200, 300).
# Takes two to three hours on a 2-core machine (about 1.5 s per GRPO iteration, 3 s per PPO
# iteration when the two runs have a core each). Never in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/train-run.sh
JOBS=${JOBS:-2}
COMMON="--task digit-sum --init sft --backend wasm --eval-n 128 --quiet --set sampling.promptsPerIter=16 --set run.evalEvery=50 --set run.evalN=128"

# Seed by seed, so that a table cut short still covers every preset. PPO runs 200 iterations
# (the +25-point target). GRPO runs 300, less wall time than PPO's 200 (a GRPO iteration has
# no critic and takes one Adam step where PPO takes four), with its accuracy at 200 in the
# table too; grpo-mu4 is GRPO with PPO's four steps per batch, 200 iterations (README, "Does
# RL learn here?"). The rest run 100 (the table's fixed budget).
jobs() {
  for seed in 1 2 3; do
    echo "grpo $seed 300"
    echo "ppo $seed 200"
    echo "grpo-mu4 $seed 200"
    for preset in reinforce rloo ppo-penalty trpo dr-grpo dapo gspo; do echo "$preset $seed 100"; done
    if [ "$seed" = 1 ]; then echo "hack 1 100"; fi # not `[ ] && echo`: its status 1 for seeds 2-3 would fail the script
  done
}

run_one() {
  local preset=$1 seed=$2 iters=$3 extra=""
  local name="$preset-s$seed"
  if [ "$preset" = hack ]; then
    # The proxy replaces the true reward: format + "says because", accuracy unpaid. At
    # temperature 1 the warm start says "because" in 0.3% of samples and never learns to
    # (tried: the hackable reward stays at 0.00 over 100 iterations); at 1.5 it says it in
    # 1-3%, which is enough for the group advantage to find.
    preset=grpo
    extra="--set rewards.weights.hackable=1 --set rewards.weights.accuracy=0 --set sampling.temperature=1.5"
  fi
  if [ "$preset" = grpo-mu4 ]; then
    # GRPO with PPO's update schedule: 2 epochs x 2 minibatches, four Adam steps per batch
    # (DeepSeekMath's mu = 2; TRL's num_iterations=2, steps_per_generation=2), so the clipped
    # ratio acts.
    preset=grpo
    extra="--set optim.epochs=2 --set optim.minibatches=2"
  fi
  # shellcheck disable=SC2086
  train_run runs/table "$name" --preset "$preset" --seed "$seed" --iterations "$iters" $COMMON $extra # skipped when done in an earlier invocation
}
export -f run_one train_run
export COMMON
jobs | xargs -P "$JOBS" -L 1 bash -c 'run_one $0 $1 $2'
