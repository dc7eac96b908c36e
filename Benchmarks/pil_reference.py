#!/usr/bin/env python3
"""Reference speed of the original Meta-Sim rendering approach on MetaSim's mnist32 scenes.

Per image: a 32x32 grey background level, one 28x28 digit rotated with PIL (bilinear, canvas
not expanded), placed at an integer offset (the original truncates positions to whole pixels)
and composited with NumPy (digit intensity used as alpha over the background). The digits are
made like RenderBenchmarkScenes.strokeDigit (rings and bars, zeros elsewhere).

Prints one JSON line: {"name": "reference.pil.mnist32.images_per_s", "value": ..., "unit": "images/s"}.
Needs Debian's python3-pil and python3-numpy. Usage: pil_reference.py [--count N]
"""
import json
import math
import sys
import time

import numpy as np
from PIL import Image


def stroke_digit(k):
    y, x = np.mgrid[0:28, 0:28].astype(np.float32)
    u, v = x - 13.5, y - 13.5
    angle = k * 0.7
    ring = np.abs(np.sqrt(u * u + v * v) - 8)
    bar = np.abs(u * math.cos(angle) + v * math.sin(angle))
    return np.clip(2.2 - np.minimum(ring, bar), 0, 1)


def render(digit_image, background, loc_x, loc_y, yaw):
    canvas = np.full((32, 32), background, dtype=np.float32)
    rotated = np.asarray(digit_image.rotate(yaw, resample=Image.BILINEAR), dtype=np.float32) / 255.0
    x0, y0 = int(loc_x - 14), int(loc_y - 14)
    xs0, ys0 = max(0, -x0), max(0, -y0)
    xs1, ys1 = min(28, 32 - x0), min(28, 32 - y0)
    patch = rotated[ys0:ys1, xs0:xs1]
    region = canvas[y0 + ys0:y0 + ys1, x0 + xs0:x0 + xs1]
    canvas[y0 + ys0:y0 + ys1, x0 + xs0:x0 + xs1] = patch + (1 - patch) * region
    return canvas


def main():
    count = 4000
    if "--count" in sys.argv:
        count = int(sys.argv[sys.argv.index("--count") + 1])
    digits = [Image.fromarray((stroke_digit(k) * 255).astype(np.uint8), mode="L") for k in range(10)]
    rng = np.random.default_rng(0)
    scenes = [(digits[i % 10], rng.uniform(0, 0.3), rng.uniform(12, 20), rng.uniform(12, 20), rng.uniform(-180, 180))
              for i in range(count)]
    for s in scenes[:50]:
        render(*s)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for s in scenes:
            render(*s)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"name": "reference.pil.mnist32.images_per_s", "value": count / best, "unit": "images/s"}))


if __name__ == "__main__":
    main()
