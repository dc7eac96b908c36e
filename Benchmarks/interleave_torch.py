#!/usr/bin/env python3
"""Engine figures against PyTorch CPU measured in one session: for each filter, runs
`BINARY bench --json --filter F` and `/usr/bin/python3 Benchmarks/torch_reference.py F` (or
`train_reference.py`) in turn, ROUNDS times (engine, torch, engine, torch, ... so that load
changes hit both alike), both with THREADS threads, and prints the medians and engine/torch.

    python3 Benchmarks/interleave_torch.py .build/release/metasim --filters tensor.conv3x3 --threads 2 --rounds 5

The engine's thread pool follows the cores it may use, so THREADS pins both processes to the
first THREADS cores (`taskset`), and sets OMP_NUM_THREADS for torch.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCES = {"tensor.": "torch_reference.py", "nn.effnet": "torch_reference.py", "train.": "train_reference.py"}


def figures(command, env):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return {j["name"].removeprefix("reference.torch."): (j["value"], j["unit"])
            for j in map(json.loads, filter(None, out.splitlines()))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--filters", nargs="+", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))
    pin = ["taskset", "-c", "0-%d" % (a.threads - 1)]
    values = {}
    for prefix in a.filters:
        script = next(v for k, v in REFERENCES.items() if prefix.startswith(k))
        for _ in range(a.rounds):
            for label, command in (("engine", pin + [a.binary, "bench", "--json", "--filter", prefix]),
                                   ("torch", pin + ["/usr/bin/python3", os.path.join(HERE, script), prefix])):
                for name, (value, unit) in figures(command, env).items():
                    values.setdefault(name, {"unit": unit, "engine": [], "torch": []})[label].append(value)
    print(f"{'figure':48s} {'unit':10s} {'engine':>10s} {'torch':>10s} {'engine/torch':>12s}")
    for name, v in values.items():
        if v["engine"] and v["torch"]:
            e, t = statistics.median(v["engine"]), statistics.median(v["torch"])
            print(f"{name:48s} {v['unit']:10s} {e:10.4g} {t:10.4g} {e / t:12.3f}")


if __name__ == "__main__":
    sys.exit(main())
