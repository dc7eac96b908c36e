#!/usr/bin/env python3
"""KITTI-style AP against pycocotools' COCOeval on a fixed detection case.

  python3 scripts/check_detection_ap.py            # recompute with COCOeval, compare to the fixture
  python3 scripts/check_detection_ap.py --write    # (re)write the fixture and its COCOeval values

The fixture (Tests/MetaSimTests/Fixtures/detection-ap.json) holds seeded random ground truth
(boxes with KITTI truncation and occlusion levels, DontCare regions) and detections for a few
images, and for each difficulty level and IoU the AP COCOeval computes. DetectionAPTests
checks that the Swift `kittiAveragePrecision` gives the same numbers.

Conventions aligned so that COCOeval computes the KITTI-style AP we define:
- recall points: COCOeval's `recThrs` set to k/40, k = 1..40 (KITTI's 40 points, not COCO's
  101 from 0); one IoU threshold; `maxDets` 1000; one area range that every box passes.
- ground truth ignored at a level (height <= minimum, occlusion or truncation above the
  maximum): COCOeval ignores a ground truth whose `area` is outside the area range, so such
  objects get area 0 with the range [1, inf).
- detections lower than the minimum height: given area 0 after loading, so an unmatched one is
  ignored (COCOeval's rule for detections outside the area range; KITTI's for low ones).
- DontCare regions: `iscrowd` ground truth; COCOeval's IoU with a crowd region is
  intersection / detection area, KITTI's overlap of a detection with a DontCare region.
- IoU: KITTI needs IoU > t, COCOeval IoU >= t; the fixture has no IoU exactly at a threshold.
- matching: both greedy by score (ties: none in the fixture).
"""
import contextlib
import io
import json
import random
import sys
from pathlib import Path

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

FIXTURE = Path(__file__).resolve().parent.parent / "Tests/MetaSimTests/Fixtures/detection-ap.json"
LEVELS = {"easy": (40, 0, 0.15), "moderate": (25, 1, 0.3), "hard": (25, 2, 0.5)}  # KITTI devkit
IMAGE_W, IMAGE_H = 1242, 375


def make_case(seed=11, images=12):
    rng = random.Random(seed)
    case = []
    score = 0.999
    for _ in range(images):
        gts, dets = [], []
        for _ in range(rng.randint(2, 7)):
            w, h = rng.uniform(20, 200), rng.uniform(15, 120)
            x, y = rng.uniform(0, IMAGE_W - w), rng.uniform(0, IMAGE_H - h)
            gt = {"box": [round(x, 2), round(y, 2), round(x + w, 2), round(y + h, 2)],
                  "truncation": rng.choice([0.0, 0.0, 0.1, 0.2, 0.4, 0.6]),
                  "occlusion": rng.choice([0, 0, 1, 2, 3]), "dont_care": False}
            gts.append(gt)
            if rng.random() < 0.85:  # a detection near it: jittered corners
                j = [rng.gauss(0, 0.08 * w), rng.gauss(0, 0.08 * h), rng.gauss(0, 0.08 * w), rng.gauss(0, 0.08 * h)]
                b = gt["box"]
                dets.append({"box": [round(b[0] + j[0], 2), round(b[1] + j[1], 2), round(b[2] + j[2], 2), round(b[3] + j[3], 2)]})
        if rng.random() < 0.5:  # a DontCare region with a detection inside
            x, y = rng.uniform(0, IMAGE_W - 100), rng.uniform(0, IMAGE_H - 60)
            gts.append({"box": [round(x, 2), round(y, 2), round(x + 100, 2), round(y + 60, 2)],
                        "truncation": 0.0, "occlusion": 0, "dont_care": True})
            dets.append({"box": [round(x + 10, 2), round(y + 10, 2), round(x + 60, 2), round(y + 50, 2)]})
        for _ in range(rng.randint(0, 3)):  # false positives, some low
            w, h = rng.uniform(15, 150), rng.uniform(10, 100)
            x, y = rng.uniform(0, IMAGE_W - w), rng.uniform(0, IMAGE_H - h)
            dets.append({"box": [round(x, 2), round(y, 2), round(x + w, 2), round(y + h, 2)]})
        for d in dets:  # distinct scores, in random order
            d["score"] = round(rng.uniform(0.05, 0.99), 6)
        case.append({"ground_truth": gts, "detections": dets})
    scores = [d["score"] for image in case for d in image["detections"]]
    assert len(set(scores)) == len(scores), "score ties"
    return case


def iou(a, b):
    iw, ih = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    i = iw * ih
    return i / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - i)


def coco_ap(case, level, threshold):
    min_height, max_occlusion, max_truncation = LEVELS[level]
    images, annotations, results = [], [], []
    for i, image in enumerate(case):
        images.append({"id": i + 1, "width": IMAGE_W, "height": IMAGE_H, "file_name": f"{i:06d}.png"})
        for g in image["ground_truth"]:
            x0, y0, x1, y1 = g["box"]
            ignored = (y1 - y0 <= min_height or g["occlusion"] > max_occlusion or g["truncation"] > max_truncation)
            for d in image["detections"]:  # no IoU exactly at a threshold (KITTI: >, COCO: >=)
                assert abs(iou(d["box"], g["box"]) - threshold) > 1e-9
            annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": 1,
                                "bbox": [x0, y0, x1 - x0, y1 - y0],
                                "area": 0.0 if ignored and not g["dont_care"] else (x1 - x0) * (y1 - y0),
                                "iscrowd": 1 if g["dont_care"] else 0})
        for d in image["detections"]:
            x0, y0, x1, y1 = d["box"]
            results.append({"image_id": i + 1, "category_id": 1, "bbox": [x0, y0, x1 - x0, y1 - y0], "score": d["score"]})
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints progress
        return evaluate(images, annotations, results, min_height, threshold)


def evaluate(images, annotations, results, min_height, threshold):
    gt = COCO()
    gt.dataset = {"images": images, "annotations": annotations, "categories": [{"id": 1, "name": "car"}]}
    gt.createIndex()
    dt = gt.loadRes(results)
    for ann in dt.anns.values():  # low detections: outside the area range (ignored when unmatched)
        if ann["bbox"][3] < min_height:
            ann["area"] = 0.0
    e = COCOeval(gt, dt, "bbox")
    e.params.iouThrs = np.array([threshold])
    e.params.recThrs = np.array([k / 40 for k in range(1, 41)])
    e.params.maxDets = [1000]
    e.params.areaRng = [[1.0, float("inf")]]
    e.params.areaRngLbl = ["all"]
    e.evaluate()
    e.accumulate()
    precision = e.eval["precision"][0, :, 0, 0, 0]
    return float(np.mean(precision))


def main():
    write = "--write" in sys.argv
    case = make_case() if write else json.loads(FIXTURE.read_text())["images"]
    expected = {f"{level}@{t}": coco_ap(case, level, t) for level in LEVELS for t in (0.7, 0.5)}
    if write:
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(json.dumps({"images": case, "cocoeval_ap": expected}, indent=1) + "\n")
        print(f"wrote {FIXTURE}")
    else:
        stored = json.loads(FIXTURE.read_text())["cocoeval_ap"]
        bad = [k for k in expected if abs(expected[k] - stored[k]) > 1e-12]
        if bad:
            sys.exit(f"error: {FIXTURE}: COCOeval now gives other values for {bad}")
    for k, v in expected.items():
        print(f"{k}: {v:.6f}")


if __name__ == "__main__":
    main()
