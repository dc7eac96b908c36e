#!/usr/bin/env python3
"""Checks MetaSim WebDataset shards with Python's tarfile (the same reader webdataset uses).

Usage: check_webdataset.py DIR
Checks: shards named NAME-000000.tar, NAME-000001.tar, ... in sequence; each opens as a tar;
samples group by key (name up to the first dot) with exactly one .png and one .json, and an
optional .cls; the PNG opens with PIL at the JSON's width/height.
"""
import io
import json
import os
import re
import sys
import tarfile

from PIL import Image


def main(root):
    shards = sorted(f for f in os.listdir(root) if f.endswith(".tar"))
    assert shards, "no shards"
    prefix = re.match(r"(.+)-\d{6}\.tar$", shards[0]).group(1)
    assert shards == [f"{prefix}-{i:06d}.tar" for i in range(len(shards))], shards
    samples = 0
    for shard in shards:
        groups = {}
        with tarfile.open(os.path.join(root, shard)) as tar:
            for member in tar.getmembers():
                key, ext = member.name.split(".", 1)
                groups.setdefault(key, {})[ext] = tar.extractfile(member).read()
        for key, files in groups.items():
            assert set(files) in ({"png", "json"}, {"png", "json", "cls"}), (shard, key, set(files))
            record = json.loads(files["json"])
            with Image.open(io.BytesIO(files["png"])) as im:
                assert im.size == (record["width"], record["height"]), (shard, key)
        samples += len(groups)
    print(f"webdataset ok: {len(shards)} shards, {samples} samples")


if __name__ == "__main__":
    main(sys.argv[1])
