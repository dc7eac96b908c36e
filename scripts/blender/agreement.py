#!/usr/bin/env python3
"""Same scenes, two engines: renders graphs of a 3D road-scene grammar with MetaSim's built-in
3D renderer (`metasim render --format jsonl`) and through the Blender bridge, and measures the
per-object box IoU between the two engines' ground truth (objects matched by graph node).

An object counts when either engine sees at least --min-pixels of it (IoU 0 when only one
does); the mean is over those objects. Writes a side-by-side grid (built-in left, Blender right,
one graph per row) with --grid. Exit 0 when the mean IoU reaches --goal.

Usage: agreement.py --metasim BIN [--grammar G] [--count N] [--width W --height H]
                    [--samples S] [--workers N] [--grid OUT.png] [--goal 0.9] [--json OUT]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "bridges", "blender"))
from client import BridgeClient, decode, read_png, write_png  # noqa: E402


def iou(a, b):
    if a is None or b is None:
        return 0.0
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw, ih = max(0, min(ax1, bx1) - max(a[0], b[0])), max(0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--metasim", required=True)
    ap.add_argument("--grammar", default=os.path.join(ROOT, "experiments", "grammars", "driving-target.yaml"))
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--width", type=int, default=None)
    ap.add_argument("--height", type=int, default=None)
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--min-pixels", type=int, default=1)
    ap.add_argument("--grid", default=None)
    ap.add_argument("--goal", type=float, default=0.9)
    ap.add_argument("--json", default=None, help="write the figures here")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        grammar = args.grammar
        if args.width or args.height:
            text = open(grammar).read()
            text, n = re.subn(r"^canvas:.*$", f"canvas: {{width: {args.width}, height: {args.height}, channels: 3}}", text, flags=re.M)
            if n != 1:
                sys.exit(f"error: {grammar}: canvas: expected one top-level canvas line")
            grammar = os.path.join(tmp, "grammar.yaml")
            open(grammar, "w").write(text)
        out = os.path.join(tmp, "builtin")
        subprocess.run([args.metasim, "render", "--grammar", grammar, "--count", str(args.count), "--seed", str(args.seed),
                        "--format", "jsonl", "--out", out, "--quiet"], check=True)
        records = [json.loads(line) for line in open(os.path.join(out, "dataset.jsonl"))]
        width, height = records[0]["width"], records[0]["height"]
        classes = sorted({o["class"] for r in records for o in r["objects"]} | {"road", "car", "building", "tree"})
        with BridgeClient(["--samples", str(args.samples)]) as bridge:
            reply = bridge.request({"width": width, "height": height, "channels": 3}, classes, [r["graph"] for r in records])
            if "images" not in reply:
                sys.exit(f"error: the Blender bridge failed: {reply.get('error')}\n{bridge.stderr_tail()}")
        per_class, rows = {}, []
        for record, item in zip(records, reply["images"]):
            image, truth = decode(item)
            blender = {o["node"]: o for o in truth["objects"]}
            for o in record["objects"]:
                b = blender.get(o["node"])
                box_a = o.get("bbox")
                box_b = (b["bbox"]["x"], b["bbox"]["y"], b["bbox"]["width"], b["bbox"]["height"]) if b and b.get("bbox") else None
                if max(o["visible_pixels"], b["visiblePixels"] if b else 0) < args.min_pixels:
                    continue
                per_class.setdefault(o["class"], []).append(iou(box_a, box_b))
            rows.append(np.concatenate([read_png(os.path.join(out, record["image"])), np.full((height, 2, 3), 255, np.uint8), image], axis=1))
    every = [v for values in per_class.values() for v in values]
    mean = float(np.mean(every)) if every else 0.0
    figures = {"graphs": len(records), "canvas": f"{width}x{height}", "samples": args.samples, "objects": len(every),
               "mean_iou": round(mean, 4),
               "per_class": {c: {"objects": len(v), "mean_iou": round(float(np.mean(v)), 4)} for c, v in sorted(per_class.items())}}
    print(json.dumps(figures, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=1)
    if args.grid:
        gap = np.full((2, rows[0].shape[1], 3), 255, np.uint8)
        write_png(args.grid, np.concatenate([x for r in rows for x in (r, gap)][:-1], axis=0))
    ok = mean >= args.goal
    print(f"box IoU built-in vs Blender: mean {mean:.3f} over {len(every)} objects ({'>=' if ok else '<'} goal {args.goal})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
