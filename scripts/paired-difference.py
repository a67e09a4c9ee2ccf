#!/usr/bin/env python3
"""Paired differences between committed evaluations, for results not yet in a claims table (a scale still training).

    scripts/paired-difference.py FIELD[:FIELD_B] A.json B.json [A2.json B2.json ...]

Each pair of evaluation files (`results/<experiment>/<scale>/eval/<run>.json`) is compared task by task on the
per-task field FIELD of A minus FIELD_B (default FIELD) of B, e.g. `inDistribution`, `outOfDistribution`, `test`, or
`test:equivariantComponent` for a model against its own equivariant component. Prints, per pair, the mean paired
difference ± its standard error over the test tasks, and with two or more pairs (seeds) the mean of the per-pair
differences ± its standard error over the pairs. Standard library only.
"""
import json
import math
import sys


def mean_and_error(values):
    n = len(values)
    mean = sum(values) / n
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1) / n)


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        sys.exit("usage: paired-difference.py FIELD[:FIELD_B] A.json B.json [A2.json B2.json ...]")
    field_a, _, field_b = argv[0].partition(":")
    field_b = field_b or field_a
    means = []
    for path_a, path_b in zip(argv[1::2], argv[2::2]):
        tasks = []
        for path, field in ((path_a, field_a), (path_b, field_b)):
            per_task = json.load(open(path))["perTask"]
            if per_task.get(field) is None:
                sys.exit(f"{path}: no per-task field {field!r} (has {', '.join(k for k, v in per_task.items() if v)})")
            tasks.append(per_task[field])
        if len(tasks[0]) != len(tasks[1]):
            sys.exit(f"{path_a} and {path_b} are scored on different task counts ({len(tasks[0])}, {len(tasks[1])})")
        mean, error = mean_and_error([a - b for a, b in zip(*tasks)])
        means.append(mean)
        print(f"{path_a} {field_a} − {path_b} {field_b}: {mean:+.3f} ± {error:.3f} (paired, over {len(tasks[0])} tasks)")
    if len(means) >= 2:
        mean, error = mean_and_error(means)
        print(f"across {len(means)} pairs: {mean:+.3f} ± {error:.3f} (standard error over the pairs)")


if __name__ == "__main__":
    main(sys.argv[1:])
