#!/usr/bin/env python3
"""Tabulates a task-objective ablation written by run_task_ablation.sh.

Usage: python3 experiments/summarise_ablation.py OUT [METRIC]

For each arm (mmd, task, both) and seed, from each run's results.json: METRIC (default: the
one `metasim_<metric>` score in results.json that is not KID, e.g. target_accuracy or car_iou)
of the task network trained on learned data, with the prior's and the oracle's beside it (the
oracle, the same for every arm of a seed, is trained in the mmd run), and the learned median
and 5-95 % width of every attribute whose target quantiles are known, the target's beside
them; then, per arm, the means over seeds of the metric and of each attribute's
|learned median − target median|.
"""
import json
import os
import sys

ARMS = ("mmd", "task", "both")


def main(out, metric=None):
    results = {name: json.load(open(os.path.join(out, name, "results.json"))) for name in sorted(os.listdir(out))
               if name.split("-s")[0] in ARMS and os.path.isfile(os.path.join(out, name, "results.json"))}
    runs = {arm: [(name, r) for name, r in results.items() if name.split("-s")[0] == arm] for arm in ARMS}
    first = next((r for arm in ARMS for _, r in runs[arm]), None)
    if first is None:
        sys.exit(f"summarise_ablation: no results.json under {out}")
    if metric is None:
        metric = next(k[len("metasim_"):] for k in sorted(first) if k.startswith("metasim_") and k != "metasim_kid")
    attributes = sorted(first.get("target_attribute_quantiles", {}))
    levels = first["attribute_quantile_levels"]
    low, middle, high = levels.index(0.05), levels.index(0.5), levels.index(0.95)
    width = lambda q: q[high] - q[low]
    print(f"| run | {metric} % (prior / oracle) | " + " | ".join(f"{a} median (target) | {a} 5-95 % width (target)" for a in attributes) + " | wall s |")
    print("| --- | --- | " + " | ".join("--- | ---" for _ in attributes) + " | --- |")
    summary = {}
    for arm in ARMS:
        for name, r in runs[arm]:
            mmd_run = results.get("mmd-" + name.split("-", 1)[1], {})
            oracle = r.get("oracle_" + metric, mmd_run.get("oracle_" + metric, float("nan")))
            learned, target = r["learned_attribute_quantiles"], r["target_attribute_quantiles"]
            medians = [(learned[a][middle], target[a][middle]) for a in attributes]
            widths = [(width(learned[a]), width(target[a])) for a in attributes]
            score = 100 * r["metasim_" + metric]
            summary.setdefault(arm, []).append((score, [abs(l - t) for l, t in medians]))
            print(f"| {name} | {score:.1f} ({100 * r['prior_' + metric]:.1f} / {100 * oracle:.1f}) | "
                  + " | ".join(f"{l:.2f} ({t:.2f}) | {wl:.2f} ({wt:.2f})" for (l, t), (wl, wt) in zip(medians, widths))
                  + f" | {r['wall_seconds']:.0f} |")
    print()
    print(f"| arm | seeds | mean {metric} % | " + " | ".join(f"{a}: mean abs(median − target)" for a in attributes) + " |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in attributes) + " |")
    for arm, rows in summary.items():
        n = len(rows)
        gaps = [sum(d[k] for _, d in rows) / n for k in range(len(attributes))]
        print(f"| {arm} | {n} | {sum(s for s, _ in rows) / n:.1f} | " + " | ".join(f"{g:.2f}" for g in gaps) + " |")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
