#!/usr/bin/env bash
# End-to-end checks of the Blender bridge (bridges/blender/): installs Blender when missing
# (scripts/setup-blender.sh), then on a few small images
#   1. masks, boxes and depth of a hand-built scene against ray casting (scripts/blender/check_scene.py),
#   2. box IoU between the built-in 3D renderer and Blender on road scenes of the driving grammar
#      (scripts/blender/agreement.py, goal >= 0.9 mean),
#   3. a tiny training through a pool of two Blender workers: the camera pitch of
#      bridges/blender/examples/pitch-prior.yaml (0 degrees) moves at least half way toward the
#      target's 8 degrees.
# Exit 0 only when all pass. METASIM: the metasim binary (default .build/debug/metasim, which
# `make test` builds). OUT (optional): keep the figures, grid and run there.
set -euo pipefail
cd "$(dirname "$0")/.."
METASIM="${METASIM:-$PWD/.build/debug/metasim}"
[ -x "$METASIM" ] || { echo "check_blender: no metasim binary at $METASIM (run 'swift build' or set METASIM)" >&2; exit 1; }
bash scripts/setup-blender.sh

# The check scripts need numpy (scripts/setup-blender.sh installs python3-numpy for Blender).
PY=python3
"$PY" -c "import numpy" 2>/dev/null || PY=/usr/bin/python3
"$PY" -c "import numpy" || { echo "check_blender: no python3 with numpy" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="${OUT:-$work}"
mkdir -p "$out"
start=$SECONDS

echo "== 1. hand-built scene: masks, boxes, depth"
"$PY" scripts/blender/check_scene.py --out "$out/scene.png"

echo "== 2. same scenes, two engines (driving-target.yaml, 128x64)"
"$PY" scripts/blender/agreement.py --metasim "$METASIM" --count 6 --seed 3 --width 128 --height 64 \
    --goal 0.9 --grid "$out/agreement-grid.png" --json "$out/agreement.json"

echo "== 3. tiny training through Blender (2 workers, 64x64)"
cp bridges/blender/examples/pitch.yaml bridges/blender/examples/pitch-prior.yaml bridges/blender/examples/pitch-target.yaml "$work/"
"$METASIM" render --grammar "$work/pitch-target.yaml" --renderer "$work/pitch.yaml" --count 16 --seed 7 \
    --format jsonl --out "$work/target" --quiet
"$METASIM" train --config "$work/pitch.yaml" --out "$out/pitch-run" --quiet >/dev/null
"$PY" - "$out/pitch-run/results.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
prior, learned, target = r["prior_attribute_means"]["pitch"], r["learned_attribute_means"]["pitch"], 8.0
ok = learned - prior >= (target - prior) / 2 and abs(learned - target) < abs(prior - target)
print(f"{'ok  ' if ok else 'FAIL'} pitch prior {prior:.2f} -> learned {learned:.2f} (target {target}; must move at least half way)")
sys.exit(0 if ok else 1)
PYEOF
echo "check_blender: all passed in $((SECONDS - start)) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
