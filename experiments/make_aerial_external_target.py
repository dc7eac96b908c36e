#!/usr/bin/env python3
"""Builds an aerial-like segmentation target set drawn outside MetaSim's renderer (issue 10).

Top-down 128x128 RGB scenes drawn with PIL and numpy: green grass with per-pixel noise, 1-3
straight or bent grey roads 18 px wide, cars (10 x 5 px rectangles in random colours) aligned
with their road and centred in a lane (4.5 px either side of the centre line), houses (10-18 px
brown rectangles) 3 px back from a road's edge, and 4-14 dark green trees ~12 px across that
keep off roads and houses. The same geometry is drawn, without anti-aliasing, into a class-index
mask: 0 ground, 1 road, 2 car, 3 house, 4 tree (the aerial experiment's class list).

Writes OUT/images/NNNNN.png (unlabelled, for matching) and OUT/validation/{images,masks}/NNNNN.png
and OUT/test/{images,masks}/NNNNN.png (SegmentationFolderReader's layout: masks are 8-bit grey
PNGs of class indices). Every draw comes from numpy.random.default_rng(seed): the same arguments
give byte-identical files. Needs numpy and PIL only.

    python3 experiments/make_aerial_external_target.py --out experiments/data/aerial-external
"""
import argparse
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ["ground", "road", "car", "house", "tree"]
SIZE = 128
ROAD_WIDTH = 18


def rectangle(cx, cy, length, width, angle):
    """Corners of a length x width rectangle centred at (cx, cy), long side along `angle` (rad)."""
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + c * dx - s * dy, cy + s * dx + c * dy)
            for dx, dy in [(-length / 2, -width / 2), (length / 2, -width / 2), (length / 2, width / 2), (-length / 2, width / 2)]]


def road_points(rng):
    """A road through the canvas: a straight line or one bend, as points 2 px apart."""
    cx, cy = rng.uniform(28, 100, 2)
    angle = rng.uniform(0, math.pi)
    bend = rng.choice([0.0, 0.0, -0.006, 0.006])  # curvature, 1/px
    points, heading = [], angle
    x, y = cx - math.cos(angle) * 150, cy - math.sin(angle) * 150
    for _ in range(151):
        points.append((x, y, heading))
        x += 2 * math.cos(heading)
        y += 2 * math.sin(heading)
        heading += 2 * bend
    return points


def scene(rng):
    """One (RGB uint8 image, class-index uint8 mask) pair."""
    grass = np.array([rng.uniform(0.24, 0.32), rng.uniform(0.42, 0.52), rng.uniform(0.16, 0.22)], np.float32)
    noise = 0.18 * (rng.random((SIZE, SIZE, 1), dtype=np.float32) - 0.5)
    base = np.clip(grass + noise, 0, 1)
    image = Image.fromarray(np.round(base * 255).astype(np.uint8), "RGB")
    mask = Image.new("L", (SIZE, SIZE), 0)
    draw, label = ImageDraw.Draw(image), ImageDraw.Draw(mask)
    occupied = Image.new("L", (SIZE, SIZE), 0)  # roads and houses, for keeping trees off them
    taken = ImageDraw.Draw(occupied)
    roads = [road_points(rng) for _ in range(rng.integers(1, 4))]
    for points in roads:
        grey = int(round(255 * rng.uniform(0.30, 0.40)))
        line = [(x, y) for x, y, _ in points]
        draw.line(line, fill=(grey, grey, grey), width=ROAD_WIDTH, joint="curve")
        label.line(line, fill=1, width=ROAD_WIDTH, joint="curve")
        taken.line(line, fill=1, width=ROAD_WIDTH)
    for points in roads:
        for _ in range(rng.integers(2, 7)):  # houses beside the road
            x, y, heading = points[rng.integers(0, len(points))]
            side = rng.choice([-1, 1])
            length, depth = rng.uniform(10, 18), rng.uniform(10, 16)
            setback = float(np.clip(rng.normal(3, 0.5), 2, 4))
            d = ROAD_WIDTH / 2 + setback + depth / 2
            hx, hy = x - side * math.sin(heading) * d, y + side * math.cos(heading) * d
            corners = rectangle(hx, hy, length, depth, heading)
            colour = tuple(int(round(255 * rng.uniform(a, b))) for a, b in [(0.55, 0.75), (0.25, 0.40), (0.18, 0.28)])
            draw.polygon(corners, fill=colour)
            label.polygon(corners, fill=3)
            taken.polygon(corners, fill=1)
        for _ in range(rng.integers(2, 7)):  # cars in a lane, along the road
            x, y, heading = points[rng.integers(0, len(points))]
            offset = rng.choice([-4.5, 4.5])
            heading += math.radians(rng.normal(0, 2))
            cx, cy = x - math.sin(heading) * offset, y + math.cos(heading) * offset
            corners = rectangle(cx, cy, 10, 5, heading)
            colour = tuple(int(round(255 * rng.uniform(0.05, 1))) for _ in range(3))
            draw.polygon(corners, fill=colour)
            label.polygon(corners, fill=2)
    blocked = np.asarray(occupied) > 0
    for _ in range(rng.integers(4, 15)):  # trees off roads and houses
        for _attempt in range(20):
            cx, cy = rng.uniform(0, SIZE, 2)
            r = float(np.clip(rng.normal(12, 1), 10, 14)) / 2
            ys, xs = np.ogrid[:SIZE, :SIZE]
            disc = (xs - cx) ** 2 + (ys - cy) ** 2 <= r * r
            if not (disc & blocked).any():
                break
        else:
            continue
        colour = tuple(int(round(255 * rng.uniform(a, b))) for a, b in [(0.08, 0.14), (0.24, 0.34), (0.06, 0.12)])
        box = [cx - r, cy - r, cx + r, cy + r]
        draw.ellipse(box, fill=colour)
        label.ellipse(box, fill=4)
    return image, mask


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output folder (must not exist or be empty)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--images", type=int, default=200, help="unlabelled images [200]")
    p.add_argument("--validation", type=int, default=100, help="labelled validation images [100]")
    p.add_argument("--test", type=int, default=300, help="labelled test images [300]")
    a = p.parse_args()
    if os.path.exists(a.out) and os.listdir(a.out):
        sys.exit(f"error: {a.out}: exists and is not empty")
    rng = np.random.default_rng(a.seed)
    for k in range(a.images + a.validation + a.test):
        image, mask = scene(rng)
        name = f"{k:05d}.png"
        if k < a.images:
            os.makedirs(os.path.join(a.out, "images"), exist_ok=True)
            image.save(os.path.join(a.out, "images", name))
            continue
        split = "validation" if k < a.images + a.validation else "test"
        for sub, picture in [("images", image), ("masks", mask)]:
            os.makedirs(os.path.join(a.out, split, sub), exist_ok=True)
            picture.save(os.path.join(a.out, split, sub, name))
    print(f"{a.out}: {a.images} unlabelled, {a.validation} validation, {a.test} test scenes; classes {', '.join(CLASSES)}")


if __name__ == "__main__":
    main()
