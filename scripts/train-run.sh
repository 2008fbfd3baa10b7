# Sourced by the learning scripts (scripts/learning-*.sh): one headless training run each.
#
# train_run DIR NAME ARGS...  runs `src/cli/train.ts ARGS... --out DIR/NAME.jsonl`, nice'd (the
# machine is shared), and keeps its summary as DIR/NAME.txt only once the run finished: a killed
# or failed run leaves DIR/NAME.txt.part and DIR/NAME.err, and a finished one is skipped when the
# script is run again, so a table cut short resumes where it stopped.
train_run() {
  local dir=$1 name=$2
  shift 2
  [ -s "$dir/$name.txt" ] && return 0
  mkdir -p "$dir"
  nice -n 10 npx tsx src/cli/train.ts "$@" --out "$dir/$name.jsonl" > "$dir/$name.txt.part" 2> "$dir/$name.err"
  mv "$dir/$name.txt.part" "$dir/$name.txt"
}

# GRPO with PPO's update schedule, 2 epochs x 2 minibatches: four Adam steps per batch
# (README, "Does RL learn here?"), the label grpo-mu4 in every table.
MU4_SETTINGS=(--set optim.epochs=2 --set optim.minibatches=2)
