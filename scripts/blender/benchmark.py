#!/usr/bin/env python3
"""Throughput of the Blender bridge: images/s of one worker at each canvas size, and of two
workers rendering at once (1 -> 2 workers), on road scenes of the driving grammar (Cycles on
the CPU, --samples, one render thread per worker). Rounds alternate one and two workers so that
both see the same machine load; prints the load average with the figures, and images per
CPU-second of the one worker's Blender process (what one idle core would give).

Usage: benchmark.py --metasim BIN [--sizes 128x128 256x256] [--images 24] [--rounds 2] [--samples 8]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "bridges", "blender"))
from client import BridgeClient  # noqa: E402

CLASSES = ["environment", "camera", "road", "lane", "car", "building", "tree"]


def cpu_seconds(bridge):
    """User + system CPU seconds the bridge's Blender process has used (Linux /proc)."""
    fields = open(f"/proc/{bridge.process.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(bridges, canvas, graphs):
    """Seconds for `bridges` to render `graphs` split evenly among them, all at once."""
    n = len(bridges)
    parts = [graphs[len(graphs) * i // n:len(graphs) * (i + 1) // n] for i in range(n)]
    start = time.perf_counter()
    ids = [b.send(canvas, CLASSES, p) for b, p in zip(bridges, parts)]
    for b, rid in zip(bridges, ids):
        reply = b.receive(rid)
        if "images" not in reply:
            sys.exit(f"error: {reply.get('error')}")
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--metasim", required=True)
    ap.add_argument("--grammar", default=os.path.join(ROOT, "experiments", "grammars", "driving-target.yaml"))
    ap.add_argument("--sizes", nargs="+", default=["128x128", "256x256"])
    ap.add_argument("--images", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--samples", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([args.metasim, "render", "--grammar", args.grammar, "--count", str(args.images), "--seed", "5",
                        "--format", "jsonl", "--out", os.path.join(tmp, "d"), "--quiet"], check=True, stdout=subprocess.DEVNULL)
        graphs = [json.loads(line)["graph"] for line in open(os.path.join(tmp, "d", "dataset.jsonl"))]
    flags = ["--samples", str(args.samples), "--threads", "1"]
    results = {}
    with BridgeClient(flags) as a, BridgeClient(flags) as b:
        for size in args.sizes:
            w, h = map(int, size.split("x"))
            canvas = {"width": w, "height": h, "channels": 3}
            timed([a, b], canvas, graphs[:4])   # warm up both (kernels, first scene)
            one, two, per_cpu = [], [], []
            for _ in range(args.rounds):
                cpu = cpu_seconds(a)
                one.append(len(graphs) / timed([a], canvas, graphs))
                per_cpu.append(len(graphs) / (cpu_seconds(a) - cpu))
                two.append(len(graphs) / timed([a, b], canvas, graphs))
            results[size] = {"one_worker_images_per_s": [round(x, 2) for x in one],
                             "one_worker_images_per_cpu_s": [round(x, 2) for x in per_cpu],
                             "two_workers_images_per_s": [round(x, 2) for x in two],
                             "speedup_1_to_2": round(sum(two) / sum(one), 2)}
    load = open("/proc/loadavg").read().split()[:3]
    print(json.dumps({"samples": args.samples, "images": len(graphs), "cores": os.cpu_count(), "load_average": load,
                      "results": results}, indent=1))


if __name__ == "__main__":
    main()
