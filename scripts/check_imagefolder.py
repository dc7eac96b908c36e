#!/usr/bin/env python3
"""Checks that a folder loads as torchvision.datasets.ImageFolder.

Usage: check_imagefolder.py DIR
Uses torchvision when it is installed; otherwise applies its rules (classes = sorted
subfolders, each with at least one .png/.jpg/.jpeg file) and opens every image with PIL.
"""
import os
import sys

from PIL import Image

EXTENSIONS = (".png", ".jpg", ".jpeg")


def main(root):
    try:
        from torchvision.datasets import ImageFolder
        dataset = ImageFolder(root)
        print(f"torchvision ImageFolder ok: {len(dataset)} images, classes {dataset.classes}")
        return
    except ImportError:
        pass
    classes = sorted(e.name for e in os.scandir(root) if e.is_dir())
    assert classes, "no class folders"
    total = 0
    for name in classes:
        files = sorted(f for f in os.listdir(os.path.join(root, name)) if f.lower().endswith(EXTENSIONS))
        assert files, f"class folder {name} has no image"
        for f in files:
            with Image.open(os.path.join(root, name, f)) as im:
                im.load()
        total += len(files)
    print(f"imagefolder layout ok (torchvision not installed): {total} images, classes {classes}")


if __name__ == "__main__":
    main(sys.argv[1])
