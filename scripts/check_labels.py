#!/usr/bin/env python3
"""Checks that a dataset's labels agree with its class map, and loads WebDataset with PyTorch.

Usage: check_labels.py DIR   (any MetaSim format; DIR holds classes.json)
- classes.json: {"classes": [names]}, unique names.
- imagefolder: every label folder is in the map and torchvision's sorted folder order gives each
  folder the map's index (when every class has images).
- coco: categories are exactly the map, ids 1..K in its order.
- jsonl: every labelled line's label_index is the map's index of its label; object classes are in the map.
- webdataset: each .cls is the map's index of the .json label; then, when the `webdataset` pip
  package and torch (Debian python3-torch) import, `WebDataset(...).decode("pil")
  .to_tuple("png", "cls")` is read through a torch DataLoader and every label checked.
Exits 1 on the first failure.
"""
import glob
import io
import json
import os
import sys
import tarfile


def main(root):
    classes = json.load(open(os.path.join(root, "classes.json")))["classes"]
    assert len(classes) == len(set(classes)), f"duplicate classes {classes}"
    index = {name: i for i, name in enumerate(classes)}
    fmt = json.load(open(os.path.join(root, "metasim-dataset.json")))["format"]
    checked = 0
    if fmt == "imagefolder":
        folders = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        assert all(f in index for f in folders), f"folders {folders} not all in {classes}"
        if len(folders) == len(classes):
            assert folders == classes, f"torchvision order {folders} differs from classes.json {classes}"
        checked = len(folders)
    elif fmt == "coco":
        cats = json.load(open(os.path.join(root, "annotations.json")))["categories"]
        assert [(c["id"], c["name"]) for c in cats] == [(i + 1, n) for i, n in enumerate(classes)], cats
        checked = len(cats)
    elif fmt == "jsonl":
        for line in open(os.path.join(root, "dataset.jsonl")):
            record = json.loads(line)
            if record.get("label") is not None:
                assert record["label_index"] == index[record["label"]], record["image"]
                checked += 1
            for obj in record["objects"]:
                assert obj["class"] in index, obj["class"]
    elif fmt == "webdataset":
        shards = sorted(glob.glob(os.path.join(root, "*.tar")))
        for shard in shards:
            members = {}
            with tarfile.open(shard) as tar:
                for m in tar.getmembers():
                    members[m.name] = tar.extractfile(m).read()
            for name, data in members.items():
                if name.endswith(".cls"):
                    label = json.loads(members[name[:-4] + ".json"])["label"]
                    assert int(data.decode()) == index[label], f"{shard}:{name}"
                    checked += 1
        checked_torch = torch_load(shards, index, classes)
        print(f"check_labels: torch DataLoader: {checked_torch}")
    print(f"check_labels: ok: {fmt}, {len(classes)} classes, {checked} checked")


def torch_load(shards, index, classes):
    try:
        import torch
        import webdataset as wds
    except ImportError as e:
        return f"skipped ({e.name} not installed: pip install webdataset; apt-get install python3-torch)"
    import numpy as np
    dataset = wds.WebDataset(shards, shardshuffle=False).decode("pil").to_tuple("png", "cls")
    loader = torch.utils.data.DataLoader(dataset.map_tuple(lambda im: torch.from_numpy(np.asarray(im, dtype=np.uint8).copy()),
                                                           lambda c: c), batch_size=16)
    seen = 0
    for images, labels in loader:
        assert labels.dtype == torch.int64 and int(labels.min()) >= 0 and int(labels.max()) < len(classes), labels
        seen += len(labels)
    assert seen > 0, "no samples"
    return f"{seen} samples as (uint8 image tensor, int64 label) batches"


if __name__ == "__main__":
    main(sys.argv[1])
