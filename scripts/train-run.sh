# Sourced by the learning and table scripts (scripts/learning-*.sh, learning-table.sh,
# generalisation-table.sh): one headless training run each.
#
# train_run [--save] DIR NAME ARGS...  runs `src/cli/train.ts ARGS... --out DIR/NAME.jsonl`
# (and `--save DIR/NAME.ckpt`, the final weights, with --save), nice'd (the machine is shared),
# and keeps its summary as DIR/NAME.txt only once the run finished: a killed or failed run
# leaves DIR/NAME.txt.part and DIR/NAME.err and returns its status, and a finished one is
# skipped when the script is run again, so a table cut short resumes where it stopped.
# Scripts that run it under xargs (two at a time) export it: `export -f train_run`.
train_run() {
  local save=()
  if [ "$1" = --save ]; then
    save=(--save)
    shift
  fi
  local dir=$1 name=$2
  shift 2
  [ -s "$dir/$name.txt" ] && return 0
  mkdir -p "$dir"
  if [ ${#save[@]} -gt 0 ]; then save+=("$dir/$name.ckpt"); fi
  nice -n 10 npx tsx src/cli/train.ts "$@" --out "$dir/$name.jsonl" "${save[@]}" > "$dir/$name.txt.part" 2> "$dir/$name.err" || return
  mv "$dir/$name.txt.part" "$dir/$name.txt"
}

# GRPO with PPO's update schedule, 2 epochs x 2 minibatches: four Adam steps per batch
# (README, "Does RL learn here?"), the label grpo-mu4 in every table.
MU4_SETTINGS=(--set optim.epochs=2 --set optim.minibatches=2)
