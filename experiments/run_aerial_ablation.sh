#!/bin/bash
# The task-objective ablation of issue 10 on experiments/aerial-task.yaml: MMD only (no task
# section), task only (matching.mmd_weight 0) and both, each on seeds 1 2 3, one run at a time.
# Usage: experiments/run_aerial_ablation.sh METASIM OUT [SEEDS...]   (run from the repository root,
# where data/efficientnet-lite0 is found). Writes OUT/ARM-sSEED/ (run folders), OUT/ARM-sSEED.yaml
# and OUT/ARM-sSEED.log; `python3 experiments/summarise_ablation.py OUT` tabulates them. The oracle
# is trained in the mmd runs only (it is the same for every arm of a seed).
set -euo pipefail
metasim=$1; out=$2; shift 2
seeds=${*:-1 2 3}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for seed in $seeds; do
  for arm in mmd task both; do
    config="$out/$arm-s$seed.yaml"
    sed -e "s#grammar: grammars/#grammar: $here/grammars/#" -e "s/^seed: 1$/seed: $seed/" -e "s/^name: aerial-task$/name: aerial-$arm-s$seed/" \
      "$here/aerial-task.yaml" > "$config"
    case $arm in
      mmd) sed -i 's/^  estimator: attribute_moves$/  enabled: false\n  estimator: attribute_moves/' "$config" ;;
      task) sed -i 's/^  mmd_weight: 1$/  mmd_weight: 0/' "$config" ;;
    esac
    # The oracle (task network on target-grammar data) does not depend on the arm: trained once per seed, in the mmd run.
    [ "$arm" != mmd ] && sed -i 's/^  width: 8$/  width: 8\n  oracle: false/' "$config"
    [ -f "$out/$arm-s$seed/results.json" ] && continue
    rm -rf "${out:?}/$arm-s$seed"
    nice -n 5 "$metasim" train --config "$config" --out "$out/$arm-s$seed" --quiet > "$out/$arm-s$seed.log" 2>&1
  done
done
