#!/usr/bin/env python3
"""Builds an MNIST target set made outside MetaSim's renderer (issue 10).

Real MNIST *test* digits, rotated by scipy (``--yaw`` degrees counter-clockwise, bilinear) and
moved so that their centre sits at (``--x``, ``--y``) pixels, composited as white ink
(alpha = grey level / 255) over a grey background with per-pixel uniform noise:
``background = level + amplitude * (u - 0.5)``, ``u ~ U[0, 1)``, clipped to [0, 1].

Writes OUT/images/NNNNN.png (unlabelled, for matching), OUT/validation/<digit>/NNNNN.png and
OUT/test/<digit>/NNNNN.png (labelled, ImageFolder layout), 8-bit grey PNGs of ``--canvas`` px.
The three sets use disjoint test digits (a permutation of the 10,000 drawn from ``--seed``);
every random draw comes from ``numpy.random.default_rng(seed)``, so the same arguments give
byte-identical files. Needs numpy, scipy and PIL only.

    python3 experiments/make_mnist_external_target.py --mnist ../shared/data/mnist \
        --out experiments/data/mnist-external
"""
import argparse
import gzip
import os
import struct
import sys

import numpy as np
from PIL import Image
from scipy import ndimage


def read_idx(path):
    """An IDX file (gzip-compressed) as a numpy uint8 array of its declared shape."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def compose(digit, yaw, cx, cy, canvas, level, amplitude, rng):
    """One target image (float32 [canvas, canvas] in [0, 1]) from a 28x28 uint8 digit."""
    ink = ndimage.rotate(digit.astype(np.float32) / 255.0, yaw, reshape=False, order=1, mode="constant", cval=0.0)
    alpha = np.zeros((canvas, canvas), np.float32)
    size = ink.shape[0]
    x0, y0 = int(round(cx - size / 2)), int(round(cy - size / 2))
    # paste with cropping at the canvas edges
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    w = min(size - sx0, canvas - dx0)
    h = min(size - sy0, canvas - dy0)
    if w > 0 and h > 0:
        alpha[dy0:dy0 + h, dx0:dx0 + w] = ink[sy0:sy0 + h, sx0:sx0 + w]
    alpha = np.clip(alpha, 0.0, 1.0)
    background = np.clip(level + amplitude * (rng.random((canvas, canvas), dtype=np.float32) - 0.5), 0.0, 1.0)
    return background * (1 - alpha) + alpha


def save(image, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(np.round(image * 255).astype(np.uint8), mode="L").save(path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mnist", required=True, help="folder with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz")
    p.add_argument("--out", required=True, help="output folder (must not exist or be empty)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--canvas", type=int, default=32, help="canvas side, px [32]")
    p.add_argument("--yaw", type=float, default=135, help="rotation, degrees counter-clockwise [135]")
    p.add_argument("--x", type=float, default=12, help="digit centre x, px [12]")
    p.add_argument("--y", type=float, default=19, help="digit centre y, px [19]")
    p.add_argument("--level", type=float, default=0.12, help="background grey level in [0, 1] [0.12]")
    p.add_argument("--amplitude", type=float, default=0.16, help="background noise amplitude [0.16]")
    p.add_argument("--images", type=int, default=200, help="unlabelled images [200]")
    p.add_argument("--validation", type=int, default=200, help="labelled validation images [200]")
    p.add_argument("--test", type=int, default=2000, help="labelled test images [2000]")
    a = p.parse_args()
    if os.path.exists(a.out) and os.listdir(a.out):
        sys.exit(f"error: {a.out}: exists and is not empty")
    images = read_idx(os.path.join(a.mnist, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(a.mnist, "t10k-labels-idx1-ubyte.gz"))
    total = a.images + a.validation + a.test
    if total > len(images):
        sys.exit(f"error: --images + --validation + --test = {total} exceeds the {len(images)} MNIST test digits")
    rng = np.random.default_rng(a.seed)
    order = rng.permutation(len(images))[:total]
    for k, index in enumerate(order):
        image = compose(images[index], a.yaw, a.x, a.y, a.canvas, a.level, a.amplitude, rng)
        if k < a.images:
            path = os.path.join(a.out, "images", f"{k:05d}.png")
        elif k < a.images + a.validation:
            path = os.path.join(a.out, "validation", str(labels[index]), f"{k:05d}.png")
        else:
            path = os.path.join(a.out, "test", str(labels[index]), f"{k:05d}.png")
        save(image, path)
    print(f"{a.out}: {a.images} unlabelled, {a.validation} validation, {a.test} test images, yaw {a.yaw}, centre ({a.x}, {a.y})")


if __name__ == "__main__":
    main()
