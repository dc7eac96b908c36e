#!/usr/bin/env python3
"""Tabulates the aerial task-objective ablation written by run_aerial_ablation.sh.

Usage: python3 experiments/summarise_ablation.py OUT

For each arm (mmd, task, both) and seed (from each run's results.json): car and mean IoU of the final task network trained on learned data
(prior and oracle beside them; the oracle, the same for every arm of a seed, is trained in the
mmd run), the learned car heading's quartiles and its spread measure
`heading_mid`: the largest |quantile| of the 25 / 50 / 75 % heading quantiles, in degrees (the
middle half of the cars lies within it of the road's direction; target: ~1.4), and the learned
offset quartiles (target: -4.5 / 4.5) — then the mean over seeds per arm.
"""
import json
import os
import sys


def oracle(out, name, metric):
    """The oracle's score for run `name`: its own, else that of the mmd run of the same seed."""
    for run in (name, "mmd-" + name.split("-", 1)[1]):
        path = os.path.join(out, run, "results.json")
        if os.path.isfile(path) and "oracle_" + metric in json.load(open(path)):
            return json.load(open(path))["oracle_" + metric]
    return float("nan")


def main(out):
    rows = {}
    for arm in ("mmd", "task", "both"):
        for name in sorted(os.listdir(out)):
            if not name.startswith(arm + "-s") or not os.path.isfile(os.path.join(out, name, "results.json")):
                continue
            r = json.load(open(os.path.join(out, name, "results.json")))
            q = r["learned_attribute_quantiles"]
            heading = q["heading"][1:4]
            rows.setdefault(arm, []).append({
                "run": name,
                "car_iou": 100 * r["metasim_car_iou"], "mean_iou": 100 * r["metasim_mean_iou"],
                "prior_car_iou": 100 * r["prior_car_iou"], "oracle_car_iou": 100 * oracle(out, name, "car_iou"),
                "oracle_mean_iou": 100 * oracle(out, name, "mean_iou"),
                "heading_mid": max(abs(h) for h in heading),
                "heading_q": "/".join(f"{h:.0f}" for h in heading),
                "offset_q": "/".join(f"{o:.1f}" for o in q["offset"][1:4]),
                "setback": r["learned_attribute_means"]["setback"], "size": r["learned_attribute_means"]["size"],
                "seconds": r["wall_seconds"],
            })
    print("| run | car IoU % (prior / oracle) | mean IoU % (oracle) | heading 25/50/75 % (°) | heading_mid (°) | offset 25/50/75 % | setback | tree size | wall s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for arm, runs in rows.items():
        for x in runs:
            print(f"| {x['run']} | {x['car_iou']:.1f} ({x['prior_car_iou']:.1f} / {x['oracle_car_iou']:.1f}) | {x['mean_iou']:.1f} ({x['oracle_mean_iou']:.1f}) | "
                  f"{x['heading_q']} | {x['heading_mid']:.1f} | {x['offset_q']} | {x['setback']:.1f} | {x['size']:.1f} | {x['seconds']:.0f} |")
    print()
    print("| arm | seeds | car IoU % | mean IoU % | heading_mid (°) |")
    print("| --- | --- | --- | --- | --- |")
    for arm, runs in rows.items():
        n = len(runs)
        mean = lambda k: sum(x[k] for x in runs) / n
        print(f"| {arm} | {n} | {mean('car_iou'):.1f} | {mean('mean_iou'):.1f} | {mean('heading_mid'):.1f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarise_ablation.py OUT")
    main(sys.argv[1])
