#!/usr/bin/env bash
# Reads a run's TensorBoard event files with TensorBoard's own EventAccumulator and checks that
# scalars, images and histograms are there. Usage: scripts/check_tensorboard.sh RUN
# Installs the `tensorboard` pip package when missing (a check tool, never a MetaSim dependency).
set -euo pipefail
run=${1:?usage: scripts/check_tensorboard.sh RUN}
python=${PYTHON:-python3}
if ! "$python" -c "import tensorboard" 2>/dev/null; then
    echo "check_tensorboard: installing tensorboard"
    "$python" -m pip install -q tensorboard || "$python" -m pip install -q --break-system-packages tensorboard
fi
"$python" - "$run/tensorboard" <<'PY'
import sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

acc = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "images": 0, "histograms": 0})
acc.Reload()
tags = acc.Tags()
scalars, images, histograms = tags["scalars"], tags["images"], tags["histograms"]
assert "matching/mmd" in scalars, f"no MMD scalar: {scalars}"
assert "reconstruction/attribute_mse" in scalars, scalars
mmd = acc.Scalars("matching/mmd")
assert len(mmd) > 0 and all(e.value == e.value for e in mmd), "MMD values"
assert [e.step for e in mmd] == sorted(e.step for e in mmd), "MMD steps in order"
epochs = [t for t in images if t.startswith("grids/epoch-")]
assert epochs and "grids/target" in images, f"image grids: {images}"
img = acc.Images(epochs[-1])[-1]
assert img.encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n" and img.width > 0 and img.height > 0, "PNG grid"
learned = [t for t in histograms if t.startswith("histogram/learned/")]
assert learned and any(t.startswith("histogram/prior/") for t in histograms), f"histograms: {histograms}"
h = acc.Histograms(learned[0])[-1].histogram_value
assert h.num > 0 and len(h.bucket) == len(h.bucket_limit), "histogram buckets"
print(f"check_tensorboard: ok: {len(scalars)} scalar tags ({len(mmd)} MMD steps), {len(images)} image tags, "
      f"{len(histograms)} histogram tags (e.g. {learned[0]}: {int(h.num)} values)")
PY
