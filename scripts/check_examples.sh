#!/usr/bin/env bash
# Builds and runs the two library examples (Examples/) at tiny sizes; exits non-zero when a
# build or a run fails, or when training does not find the target.
#   1. RenderFromCode renders its built-in grammar (a string in code) as COCO and ImageFolder
#      datasets, and examples/grammars/shapes.yaml (a square at x = 8, y = 16) as COCO;
#   2. TrainOnFolder trains on those square images, in memory and into a run folder, and must
#      move its prior square from (20, 20) to within 2 px of (8, 16).
# Usage: scripts/check_examples.sh [debug|release]   (default: debug; seconds either way)
# With EXAMPLES_BIN=DIR, runs the RenderFromCode and TrainOnFolder found there instead of
# building them (scripts/check_consumer.sh builds them in a package of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
configuration="${1:-debug}"
if [ -n "${EXAMPLES_BIN:-}" ]; then
    bin="$EXAMPLES_BIN"
else
    bash scripts/setup.sh
    swift build -c "$configuration" --product RenderFromCode
    swift build -c "$configuration" --product TrainOnFolder
    bin="$(swift build -c "$configuration" --show-bin-path)"
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

"$bin/RenderFromCode" --count 24 --seed 3 --format coco --out "$scratch/coco"
"$bin/RenderFromCode" --count 24 --seed 3 --format imagefolder --out "$scratch/imagefolder"
for f in "$scratch/coco/annotations.json" "$scratch/coco/metasim-dataset.json" "$scratch/imagefolder/metasim-dataset.json"; do
    [ -s "$f" ] || { echo "check_examples: missing $f" >&2; exit 1; }
done

"$bin/RenderFromCode" --grammar examples/grammars/shapes.yaml --count 32 --out "$scratch/squares"
"$bin/TrainOnFolder" "$scratch/squares/images" 2>/dev/null | tee "$scratch/in-memory.txt"
"$bin/TrainOnFolder" "$scratch/squares/images" --epochs 1 --steps 5 --out "$scratch/run" 2>/dev/null
for f in results.json metrics.jsonl transformer.json transformer.safetensors checkpoints/epoch-001.json grids/learned.png; do
    [ -s "$scratch/run/$f" ] || { echo "check_examples: the run folder lacks $f" >&2; exit 1; }
done

# "learned means: loc_x 8.28, loc_y 15.91" must be within 2 px of (8, 16).
awk '/^learned means:/ {
        for (i = 1; i <= NF; i++) { gsub(",", "", $(i + 1)); if ($i == "loc_x") x = $(i + 1) + 0; if ($i == "loc_y") y = $(i + 1) + 0 }
        found = 1
     }
     END {
        if (!found || x < 6 || x > 10 || y < 14 || y > 18) { print "check_examples: learned square at (" x ", " y "), expected about (8, 16)" > "/dev/stderr"; exit 1 }
     }' "$scratch/in-memory.txt"
echo "check_examples: ok"
