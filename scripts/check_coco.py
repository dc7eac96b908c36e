#!/usr/bin/env python3
"""Checks a MetaSim COCO dataset with pycocotools (a check tool, never a product dependency).

Usage: check_coco.py DIR   (DIR holds annotations.json and images/)
Needs pycocotools, numpy and PIL, for example in a venv made with --system-site-packages:
    python3 -m venv --system-site-packages /tmp/cocovenv && /tmp/cocovenv/bin/pip install pycocotools
Checks: the file loads with pycocotools.coco.COCO; ids unique; categories from 1; every image
opens with its stated size; every annotation's RLE decodes to a mask whose pixel count is
`area` and whose box (pycocotools.mask.toBbox) is `bbox`. Exits 1 on the first failure.
"""
import os
import sys

import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO


def main(root):
    coco = COCO(os.path.join(root, "annotations.json"))
    cat_ids = sorted(coco.getCatIds())
    assert cat_ids == list(range(1, len(cat_ids) + 1)), f"category ids {cat_ids}"
    ann_ids = [a["id"] for a in coco.dataset["annotations"]]
    assert len(ann_ids) == len(set(ann_ids)), "annotation ids are not unique"
    for image in coco.dataset["images"]:
        with Image.open(os.path.join(root, image["file_name"])) as im:
            assert im.size == (image["width"], image["height"]), f"{image['file_name']} size {im.size}"
    for ann in coco.dataset["annotations"]:
        assert ann["iscrowd"] == 0 and ann["category_id"] in cat_ids, ann["id"]
        mask = coco.annToMask(ann)
        assert int(mask.sum()) == ann["area"], f"annotation {ann['id']}: area {ann['area']} vs {mask.sum()}"
        rle = coco.annToRLE(ann)
        box = [int(v) for v in mask_utils.toBbox(rle)]
        assert box == [int(v) for v in ann["bbox"]], f"annotation {ann['id']}: bbox {ann['bbox']} vs {box}"
        ys, xs = np.nonzero(mask)
        assert [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1] == box
    print(f"coco ok: {len(coco.dataset['images'])} images, {len(ann_ids)} annotations, {len(cat_ids)} categories")


if __name__ == "__main__":
    main(sys.argv[1])
