#!/usr/bin/python3
"""PyTorch CPU reference for the tensor-engine benchmarks (`metasim bench --filter tensor.`/`nn.`).

Measures the same workloads as Sources/MetaSimBenchmarks/TensorBenchmarks.swift and prints the
same JSON Lines with a `reference.torch.` prefix. Run with the machine's thread budget:

    OMP_NUM_THREADS=2 /usr/bin/python3 Benchmarks/torch_reference.py [PREFIX ...]

With PREFIX arguments, only the figures whose names start with one of them are measured.

Reference only (Debian python3-torch, numpy); not a product dependency. The EfficientNet-Lite0
weights are read from the safetensors file with numpy (no safetensors package needed).
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
WEIGHTS = os.path.join(os.environ.get("METASIM_DATA", os.path.join(ROOT, "data")),
                       "efficientnet-lite0", "efficientnet-lite0.safetensors")


def median_seconds(body, repeats=5, min_seconds=0.2):
    """Median seconds per call over `repeats` rounds, each lasting at least `min_seconds`."""
    body()
    rounds = []
    for _ in range(repeats):
        calls, start = 0, time.perf_counter()
        while True:
            body()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        rounds.append(elapsed / calls)
    return sorted(rounds)[len(rounds) // 2]


def emit(name, value, unit):
    print(json.dumps({"name": "reference.torch." + name, "unit": unit, "value": value}, sort_keys=True))
    sys.stdout.flush()


def bench_sgemm():
    n = 1024
    a, b = torch.rand(n, n) * 2 - 1, torch.rand(n, n) * 2 - 1
    out = torch.empty(n, n)
    seconds = median_seconds(lambda: torch.mm(a, b, out=out), repeats=7)
    emit("tensor.sgemm1024.engine_gflops", 2 * n ** 3 / seconds / 1e9, "GFLOP/s")


def bench_conv():
    x = (torch.rand(64, 32, 32, 32) * 2 - 1).requires_grad_()
    w = ((torch.rand(32, 32, 3, 3) * 2 - 1) * 0.1).requires_grad_()
    seed = torch.rand(64, 32, 32, 32) * 2 - 1

    def step():
        y = F.conv2d(x, w, padding=1)
        torch.autograd.grad(y, [x, w], seed)

    seconds = median_seconds(step, min_seconds=0.3)
    emit("tensor.conv3x3.fwdbwd_gflops", 3 * 2.0 * 64 * 32 * 32 * 9 * 32 * 32 / seconds / 1e9, "GFLOP/s")


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def same_pad(x, k, s):
    """TensorFlow SAME padding for a k×k window with stride s (smaller half before)."""
    h, w = x.shape[-2:]
    ph = max((-(-h // s) - 1) * s + k - h, 0)
    pw = max((-(-w // s) - 1) * s + k - w, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))


GROUPS = [(1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40)]


def folded(t, conv, bn):
    w = t[conv + ".weight"]
    scale = t[bn + ".weight"] / torch.sqrt(t[bn + ".running_var"] + 1e-3)
    return w * scale.view(-1, 1, 1, 1), t[bn + ".bias"] - t[bn + ".running_mean"] * scale


def effnet_group3(t, pixels):
    """EfficientNet-Lite0 up to group3 on grey pixels (BN folded, as the engine does)."""
    x = (pixels.repeat(1, 3, 1, 1) - 127) / 128
    w, b = folded(t, "_conv_stem", "_bn0")
    x = F.relu6(F.conv2d(same_pad(x, 3, 2), w, b, stride=2))
    index = 0
    for repeats, k, stride, expansion, cin, cout in GROUPS:
        for r in range(repeats):
            p = "_blocks.%d." % index
            s, ci = (stride, cin) if r == 0 else (1, cout)
            h = x
            if expansion != 1:
                w, b = folded(t, p + "_expand_conv", p + "_bn0")
                h = F.relu6(F.conv2d(h, w, b))
            w, b = folded(t, p + "_depthwise_conv", p + "_bn1")
            h = F.relu6(F.conv2d(same_pad(h, k, s), w, b, stride=s, groups=h.shape[1]))
            w, b = folded(t, p + "_project_conv", p + "_bn2")
            h = F.conv2d(h, w, b)
            x = h + x if s == 1 and ci == cout else h
            index += 1
    return x


def bench_effnet():
    t = load_safetensors(WEIGHTS)
    pixels = (torch.rand(200, 1, 32, 32) * 255).requires_grad_()

    def step():
        features = effnet_group3(t, pixels)
        torch.autograd.grad(features.sum(), [pixels])

    seconds = median_seconds(step, min_seconds=0.3)
    emit("nn.effnet_group3_32px.images_per_s", 200 / seconds, "images/s")


BENCHMARKS = {"tensor.sgemm1024": bench_sgemm, "tensor.conv3x3": bench_conv, "nn.effnet_group3_32px": bench_effnet}

if __name__ == "__main__":
    prefixes = sys.argv[1:] or [""]
    for name, bench in BENCHMARKS.items():
        if any(name.startswith(p) or p.startswith(name) for p in prefixes):
            bench()
