#!/bin/bash
# The task-objective ablation of issue 10: one experiment file with a `task:` section run as MMD
# only (the task section off), task only (matching.mmd_weight 0) and both, on each seed, one run
# at a time. The file must hold the lines `seed: 1`, `  estimator: ...` (in `task:`),
# `  mmd_weight: 1` and `  width: N` (in `task_network:`), as experiments/mnist-task.yaml and
# experiments/aerial-task.yaml do.
# Usage: experiments/run_task_ablation.sh CONFIG METASIM OUT [SEEDS...]   (from the repository
# root). Writes OUT/ARM-sSEED/ (run folders), OUT/ARM-sSEED.yaml and OUT/ARM-sSEED.log; runs whose
# results.json exists are skipped; `python3 experiments/summarise_ablation.py OUT` tabulates them.
# The oracle is trained in the mmd runs only (it does not depend on the arm).
set -euo pipefail
source=$1; metasim=$2; out=$3; shift 3
seeds=${*:-1 2 3}
here=$(cd "$(dirname "$source")" && pwd)
base=$(basename "$source" .yaml)
mkdir -p "$out"
for seed in $seeds; do
  for arm in mmd task both; do
    config="$out/$arm-s$seed.yaml"
    sed -e "s#grammar: grammars/#grammar: $here/grammars/#" -e "s/^seed: 1$/seed: $seed/" -e "s/^name: .*$/name: $base-$arm-s$seed/" \
      "$source" > "$config"
    [ "$arm" != mmd ] && sed -i 's/^  width: \([0-9]*\)$/  width: \1\n  oracle: false/' "$config"
    # Each arm's edit, and the line it must have written: a file without it would run the wrong arm silently.
    case $arm in
      mmd) sed -i 's/^  estimator: \(.*\)$/  enabled: false\n  estimator: \1/' "$config"; expected="enabled: false" ;;
      task) sed -i 's/^  mmd_weight: 1$/  mmd_weight: 0/' "$config"; expected="mmd_weight: 0" ;;
      both) expected="oracle: false" ;;
    esac
    grep -q "^  $expected$" "$config" || { echo "run_task_ablation: $source lacks the line the $arm arm edits ($expected)" >&2; exit 2; }
    [ -f "$out/$arm-s$seed/results.json" ] && continue
    rm -rf "${out:?}/$arm-s$seed"
    nice -n 5 "$metasim" train --config "$config" --out "$out/$arm-s$seed" --quiet > "$out/$arm-s$seed.log" 2>&1
  done
done
