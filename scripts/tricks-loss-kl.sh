#!/usr/bin/env bash
# Produces the README's "Tricks, measured (loss and KL)" table: short runs from the digit-sum warm
# start (B = 4 prompts x G = 4, wasm, one run at a time: small, because the shared 2-core machine
# ran 14 s per default-size iteration when these were measured), each trick off and on, 3 seeds.
# Each run writes runs/tricks/<label>-s<seed>.jsonl; then
#   node scripts/tricks-summary.mjs   -> the table's numbers (mean over seeds, range in brackets).
# No held-out evaluation (run.evalEvery=0): the claims are about what each trick moves (β, KL,
# clip fractions), not accuracy. Usage: scripts/tricks-loss-kl.sh [group ...]
# (groups: adaptive othink dual exactkl exacttrpo; default all).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs/tricks
COMMON="--task digit-sum --init sft --backend wasm --quiet --set run.evalEvery=0 --set sampling.promptsPerIter=4 --set sampling.groupSize=4"

run() { # label preset iterations seed extra...
  local label=$1 preset=$2 iters=$3 seed=$4
  shift 4
  local out="runs/tricks/$label-s$seed.jsonl"
  [ -s "$out" ] && return 0
  echo "$(date -u +%H:%M:%S) $label seed $seed" >&2
  # shellcheck disable=SC2086
  nice -n 10 npm run -s train -- --preset "$preset" --iterations "$iters" --seed "$seed" $COMMON "$@" --out "$out" >/dev/null
}

group() {
  local seed
  case $1 in
    othink) # GRPO's fixed β = 0.04 against GRPO-D's rising 0 -> 0.08 (same mean)
      for seed in 1 2 3; do run grpo grpo 24 "$seed"; run grpo-d grpo-d 24 "$seed"; done ;;
    adaptive) # PPO-Penalty's β controller: proportional (Ziegler) against halve/double (Schulman)
      for seed in 1 2 3; do
        run pen-prop ppo-penalty 12 "$seed"
        run pen-halve ppo-penalty 12 "$seed" --set objective.klAdaptRule=halve-double
      done ;;
    dual) # PPO-Clip (2 epochs x 2 minibatches) at a learning rate that moves ratios far: dual clip off and c = 3
      for seed in 1 2 3; do
        run dual-off ppo 10 "$seed" --set optim.lr=0.0005
        run dual-c3 ppo 10 "$seed" --set optim.lr=0.0005 --set objective.dualClipC=3
      done ;;
    exactkl) # GRPO's KL to the reference in the loss: k3 on the sampled token against the exact KL over the vocabulary
      for seed in 1 2 3; do
        run grpo grpo 24 "$seed"
        run grpo-exact grpo 24 "$seed" --set objective.klEstimator=exact
      done ;;
    exacttrpo) # TRPO's constraint and PPO-Penalty's measured KL: k3 against exact
      for seed in 1 2 3; do
        run trpo-k3 trpo 6 "$seed" --set objective.policyKl=k3
        run trpo-exact trpo 6 "$seed" --set objective.policyKl=exact
      done ;;
    *) echo "unknown group $1" >&2; exit 2 ;;
  esac
}

if [ $# -eq 0 ]; then set -- adaptive othink dual exactkl exacttrpo; fi
for g in "$@"; do group "$g"; done
