#!/usr/bin/env python3
"""Checks a MetaSim KITTI dataset (`--format kitti`) against the KITTI object devkit's definitions.

Usage: check_kitti.py DIR   (DIR holds image_2/, label_2/ and, for 3D scenes, calib/)
Needs numpy and PIL. Exits 1 with the file, line and field of the first problem.

Label files (devkit_object/readme.txt), one object per line, 15 space-separated fields:
  type        one of Car, Van, Truck, Pedestrian, Person_sitting, Cyclist, Tram, Misc, DontCare
  truncated   float in [0, 1]
  occluded    integer 0 (fully visible), 1 (partly occluded), 2 (largely occluded), 3 (unknown)
  alpha       observation angle in [-pi, pi]
  bbox        left top right bottom, pixels, inside the image, left < right, top < bottom
  dimensions  height width length, metres (> 0, or -1 -1 -1 when unknown)
  location    x y z in camera coordinates, metres (z > 0, or -1000 x3 when unknown)
  rotation_y  in [-pi, pi] (or -10 when unknown)
Also checked: alpha = rotation_y - atan2(x, z) (mod 2 pi), the devkit's relation; with calib/,
the eight corners of each untruncated object's 3D box projected with P2 (the devkit's
computeBox3D / projectToImage) enclose its 2D box within 1.5 px.
Calibration files: lines P0, P1, P2, P3 (12 numbers), R0_rect (9), Tr_velo_to_cam (12),
Tr_imu_to_velo (12), as the object devkit's calib files.
"""
import math
import os
import sys

import numpy as np
from PIL import Image

TYPES = {"Car", "Van", "Truck", "Pedestrian", "Person_sitting", "Cyclist", "Tram", "Misc", "DontCare"}
CALIB = [("P0", 12), ("P1", 12), ("P2", 12), ("P3", 12), ("R0_rect", 9), ("Tr_velo_to_cam", 12), ("Tr_imu_to_velo", 12)]


def fail(where, message):
    sys.exit(f"error: {where}: {message}")


def read_calib(path):
    rows = {}
    with open(path) as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    if [line.split(":")[0] for line in lines] != [name for name, _ in CALIB]:
        fail(path, f"lines {[line.split(':')[0] for line in lines]}, expected {[n for n, _ in CALIB]}")
    for line, (name, count) in zip(lines, CALIB):
        values = [float(v) for v in line.split(":", 1)[1].split()]
        if len(values) != count:
            fail(path, f"{name} has {len(values)} numbers, expected {count}")
        rows[name] = np.array(values)
    return rows


def box_corners(h, w, l, x, y, z, ry):
    """The devkit's computeBox3D: corners in camera coordinates, 3 x 8."""
    r = np.array([[math.cos(ry), 0, math.sin(ry)], [0, 1, 0], [-math.sin(ry), 0, math.cos(ry)]])
    xs = [l / 2, l / 2, -l / 2, -l / 2, l / 2, l / 2, -l / 2, -l / 2]
    ys = [0, 0, 0, 0, -h, -h, -h, -h]
    zs = [w / 2, -w / 2, -w / 2, w / 2, w / 2, -w / 2, -w / 2, w / 2]
    return r @ np.array([xs, ys, zs]) + np.array([[x], [y], [z]])


def check_label(path, number, line, width, height, p2):
    where = f"{path}: line {number}"
    fields = line.split()
    if len(fields) != 15:
        fail(where, f"{len(fields)} fields, a KITTI label has 15")
    kind = fields[0]
    if kind not in TYPES:
        fail(where, f"type {kind!r}")
    try:
        truncated, occluded = float(fields[1]), int(fields[2])
        alpha, left, top, right, bottom = (float(v) for v in fields[3:8])
        h, w, l, x, y, z, ry = (float(v) for v in fields[8:15])
    except ValueError as e:
        fail(where, f"not a number: {e}")
    if not 0 <= truncated <= 1:
        fail(where, f"truncated {truncated} outside [0, 1]")
    if occluded not in (0, 1, 2, 3):
        fail(where, f"occluded {occluded} not 0-3")
    if not (0 <= left < right <= width and 0 <= top < bottom <= height):
        fail(where, f"bbox {left} {top} {right} {bottom} not inside the {width}x{height} image")
    if (h, w, l) == (-1, -1, -1):
        if (x, y, z, ry, alpha) != (-1000, -1000, -1000, -10, -10):
            fail(where, "unknown dimensions need unknown location, rotation_y and alpha")
        return False
    if min(h, w, l) <= 0 or z <= 0:
        fail(where, f"dimensions {h} {w} {l} or z {z} not positive")
    for name, angle in (("alpha", alpha), ("rotation_y", ry)):
        if not -math.pi - 0.01 <= angle <= math.pi + 0.01:
            fail(where, f"{name} {angle} outside [-pi, pi]")
    d = (ry - math.atan2(x, z) - alpha + math.pi) % (2 * math.pi) - math.pi
    if abs(d) > 0.011:  # fields are rounded to 2 decimals
        fail(where, f"alpha {alpha} != rotation_y - atan2(x, z) = {ry - math.atan2(x, z):.3f}")
    if p2 is None or truncated > 0 or z < 3:
        return False
    corners = box_corners(h, w, l, x, y, z, ry)
    projected = p2.reshape(3, 4) @ np.vstack([corners, np.ones(8)])
    u, v = projected[0] / projected[2], projected[1] / projected[2]
    tolerance = 1.5  # the label's numbers are rounded to 1 cm
    if not (u.min() <= left + tolerance and u.max() >= right - tolerance and v.min() <= top + tolerance and v.max() >= bottom - tolerance):
        fail(where, f"3D box projects to {u.min():.1f} {v.min():.1f} {u.max():.1f} {v.max():.1f}, not around bbox {left} {top} {right} {bottom}")
    return True


def main(root):
    images = sorted(f for f in os.listdir(os.path.join(root, "image_2")) if f.endswith(".png"))
    labels = sorted(f for f in os.listdir(os.path.join(root, "label_2")))
    if [f[:-4] for f in images] != [f[:-4] for f in labels] or not all(f.endswith(".txt") for f in labels):
        fail(root, "image_2/*.png and label_2/*.txt do not pair up")
    has_calib = os.path.isdir(os.path.join(root, "calib"))
    objects = projected = 0
    for image in images:
        stem = image[:-4]
        with Image.open(os.path.join(root, "image_2", image)) as im:
            width, height = im.size
        p2 = read_calib(os.path.join(root, "calib", stem + ".txt"))["P2"] if has_calib else None
        path = os.path.join(root, "label_2", stem + ".txt")
        with open(path) as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    objects += 1
                    projected += check_label(path, number, line, width, height, p2)
    print(f"ok: {len(images)} images, {objects} labels, {projected} 3D boxes checked against P2"
          + ("" if has_calib else " (no calib/)"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
