#!/usr/bin/python3
"""PyTorch CPU reference for the task-network training figures (`metasim bench --filter train.`).

Builds the same architectures as Sources/MetaSim/TaskNetworks (the classifier of
`digitClassifier`, the two-level U-Net of `SegmentationNetwork`) with the same widths, batch,
input size and class count as Sources/MetaSimBenchmarks/TaskTrainingBenchmarks.swift, and
times one training step (a shuffled batch taken from the data, forward, cross-entropy,
backward, Adam) the same way: median of rounds of one step after a warm-up step. Prints the
same JSON Lines with a `reference.torch.` prefix.

    OMP_NUM_THREADS=2 /usr/bin/python3 Benchmarks/train_reference.py [PREFIX ...]

Reference only (Debian python3-torch); not a product dependency.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))


def classifier(channels, size, classes, w):
    """`digitClassifier` for a size×size canvas of at most 32 (no extra stages)."""
    return nn.Sequential(
        nn.Conv2d(channels, w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(w, 2 * w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2 * w * (size // 4) ** 2, 128), nn.ReLU(), nn.Linear(128, classes))


class Segmenter(nn.Module):
    """`SegmentationNetwork`: two convs (w) at full size, two (2w) at half, one (4w) at quarter
    size; bilinear ×2 (half-pixel) + skip concatenation + a 3×3 conv (2w, then w); 1×1 head."""

    def __init__(self, channels, classes, w):
        super().__init__()
        conv = lambda i, o, k=3: nn.Conv2d(i, o, k, padding=k // 2)
        self.enc1a, self.enc1b = conv(channels, w), conv(w, w)
        self.enc2a, self.enc2b = conv(w, 2 * w), conv(2 * w, 2 * w)
        self.bottom = conv(2 * w, 4 * w)
        self.dec2, self.dec1 = conv(6 * w, 2 * w), conv(3 * w, w)
        self.head = conv(w, classes, 1)

    def forward(self, x):
        h, w = x.shape[2:]
        e1 = F.relu(self.enc1b(F.relu(self.enc1a(x))))
        e2 = F.relu(self.enc2b(F.relu(self.enc2a(F.max_pool2d(e1, 2)))))
        b = F.relu(self.bottom(F.max_pool2d(e2, 2)))
        up = lambda t, s: F.interpolate(t, size=s, mode="bilinear", align_corners=False)
        d2 = F.relu(self.dec2(torch.cat([up(b, (h // 2, w // 2)), e2], 1)))
        d1 = F.relu(self.dec1(torch.cat([up(d2, (h, w)), e1], 1)))
        return self.head(d1)


def training_rate(model, images, labels, batch, repeats, per_pixel):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        order = torch.randperm(images.shape[0])[:batch]
        x, y = images[order], labels[order]
        logits = model(x)
        if per_pixel:
            logits = logits.permute(0, 2, 3, 1).reshape(-1, logits.shape[1])
            y = y.reshape(-1)
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    step()
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        rounds.append(time.perf_counter() - start)
    return batch / sorted(rounds)[len(rounds) // 2]


def emit(name, value, unit):
    print(json.dumps({"name": "reference.torch." + name, "unit": unit, "value": value}, sort_keys=True))
    sys.stdout.flush()


def labels_for(count, classes):
    return torch.tensor([(i * 2654435761) % classes for i in range(count)], dtype=torch.long)


def bench_classifier():
    torch.manual_seed(7)
    images = torch.rand(64, 1, 32, 32)
    rate = training_rate(classifier(1, 32, 10, 32), images, labels_for(64, 10), 64, 5, per_pixel=False)
    emit("train.classifier_mnist32.images_per_s", rate, "images/s")


def bench_segmenter():
    torch.manual_seed(7)
    images = torch.rand(16, 3, 128, 128)
    labels = labels_for(16 * 128 * 128, 4).reshape(16, 128, 128)
    rate = training_rate(Segmenter(3, 4, 16), images, labels, 16, 3, per_pixel=True)
    emit("train.segmenter_aerial128.images_per_s", rate, "images/s")


BENCHMARKS = {"train.classifier_mnist32": bench_classifier, "train.segmenter_aerial128": bench_segmenter}

if __name__ == "__main__":
    prefixes = sys.argv[1:] or [""]
    for name, bench in BENCHMARKS.items():
        if any(name.startswith(p) or p.startswith(name) for p in prefixes):
            bench()
