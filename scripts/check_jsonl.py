#!/usr/bin/env python3
"""Checks a MetaSim JSON Lines dataset.

Usage: check_jsonl.py DIR   (DIR holds dataset.jsonl and images/)
Checks every line parses, its image opens with PIL at the stated size, and each object's RLE
mask decodes (with pycocotools when installed) to `visible_pixels` pixels inside `bbox`,
and re-encodes with pycocotools to the very same compressed string.
"""
import json
import os
import sys

from PIL import Image

try:
    import numpy as np
    from pycocotools import mask as mask_utils
except ImportError:
    mask_utils = None


def main(root):
    count = 0
    with open(os.path.join(root, "dataset.jsonl")) as lines:
        for line in lines:
            record = json.loads(line)
            with Image.open(os.path.join(root, record["image"])) as im:
                assert im.size == (record["width"], record["height"]), record["image"]
            for obj in record["objects"]:
                if obj["mask"] is None:
                    assert obj["visible_pixels"] == 0 and obj["bbox"] is None
                elif mask_utils is not None:
                    rle = {"size": obj["mask"]["size"], "counts": obj["mask"]["counts"].encode()}
                    assert int(mask_utils.area(rle)) == obj["visible_pixels"], record["image"]
                    assert [int(v) for v in mask_utils.toBbox(rle)] == obj["bbox"], record["image"]
                    # Our compressed string must be byte-identical to pycocotools' own encoding.
                    again = mask_utils.encode(np.asfortranarray(mask_utils.decode(rle)))
                    assert again["counts"] == rle["counts"], (record["image"], again["counts"], rle["counts"])
            count += 1
    print(f"jsonl ok: {count} lines" + ("" if mask_utils else " (masks not decoded: no pycocotools)"))


if __name__ == "__main__":
    main(sys.argv[1])
