#!/usr/bin/env python3
"""Before/after benchmark figures measured in one session: runs `BINARY bench --json --filter F`
for each binary in turn (A, B, A, B, ... so that load changes hit both alike), ROUNDS times per
filter, and prints the median of each figure per binary and the ratio B/A (for rates above 1 is
faster; for times and CPU µs below 1 is faster).

    python3 Benchmarks/compare_bench.py /tmp/before/metasim .build/release/metasim \
        --filters render. tensor.conv nn.effnet metasim.dm_step --rounds 5
"""
import argparse
import json
import statistics
import subprocess
import sys


def run(binary, prefix):
    out = subprocess.run([binary, "bench", "--json", "--filter", prefix], check=True,
                         capture_output=True, text=True).stdout
    return {j["name"]: (j["value"], j["unit"]) for j in map(json.loads, filter(None, out.splitlines()))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--filters", nargs="+", required=True)
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    values = {}
    for prefix in a.filters:
        for _ in range(a.rounds):
            for label, binary in (("before", a.before), ("after", a.after)):
                for name, (value, unit) in run(binary, prefix).items():
                    values.setdefault(name, {"unit": unit, "before": [], "after": []})[label].append(value)
    print(f"{'figure':52s} {'unit':10s} {'before':>12s} {'after':>12s} {'after/before':>12s}")
    for name, v in values.items():
        if not v["before"] or not v["after"]:
            continue
        b, f = statistics.median(v["before"]), statistics.median(v["after"])
        print(f"{name:52s} {v['unit']:10s} {b:12.5g} {f:12.5g} {f / b if b else float('nan'):12.3f}")


if __name__ == "__main__":
    sys.exit(main())
