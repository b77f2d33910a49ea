#!/usr/bin/env python3
"""Independent numbers for `evalens compare` (test/cli/compare-command.test.ts).

Reads JSON on stdin: {"seed", "resamples", "benchmarks": [{"name", "classes", "truthA", "truthB",
"predictedA", "predictedB"}]} (the paired samples, in the order the runs recorded them) and
prints, per benchmark: McNemar's b and c, scipy's binomtest p-value and statsmodels'
mcnemar(exact=True), scikit-learn's accuracy and macro F1 of each run, and the paired
bootstrap's percentile interval of each delta (numpy.percentile, linear), drawing the
resamples with its own mulberry32 as Evalens documents it: index = floor(u * n) for each
of the n draws of a resample. Needs Debian's /usr/bin/python3 (python3-sklearn, -scipy,
-statsmodels).
"""
import json
import sys

import numpy as np
from scipy.stats import binomtest
from sklearn.metrics import accuracy_score, f1_score
from statsmodels.stats.contingency_tables import mcnemar

MASK = 0xFFFFFFFF


def mulberry32(seed):
    state = seed & MASK

    def imul(a, b):
        return (a * b) & MASK

    def random():
        nonlocal state
        state = (state + 0x6D2B79F5) & MASK
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    return random


def scores(truth, predicted, labels):
    return accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro", labels=labels, zero_division=0)


def main():
    request = json.load(sys.stdin)
    out = []
    for bench in request["benchmarks"]:
        truth_a, truth_b = np.array(bench["truthA"]), np.array(bench["truthB"])
        pred_a, pred_b = np.array(bench["predictedA"]), np.array(bench["predictedB"])
        labels = list(range(bench["classes"]))
        right_a, right_b = pred_a == truth_a, pred_b == truth_b
        b = int(np.sum(right_a & ~right_b))
        c = int(np.sum(~right_a & right_b))
        n = len(truth_a)
        random = mulberry32(request["seed"])
        deltas = []
        for _ in range(request["resamples"]):
            idx = np.array([int(random() * n) for _ in range(n)])
            sa = scores(truth_a[idx], pred_a[idx], labels)
            sb = scores(truth_b[idx], pred_b[idx], labels)
            deltas.append([sb[0] - sa[0], sb[1] - sa[1]])
        deltas = np.array(deltas)
        low = np.percentile(deltas, 2.5, axis=0)
        high = np.percentile(deltas, 97.5, axis=0)
        observed_a, observed_b = scores(truth_a, pred_a, labels), scores(truth_b, pred_b, labels)
        out.append({
            "name": bench["name"],
            "b": b,
            "c": c,
            "scipy": 1.0 if b + c == 0 else float(binomtest(min(b, c), b + c, 0.5).pvalue),
            "statsmodels": float(mcnemar([[0, b], [c, 0]], exact=True).pvalue),
            "intervals": [
                {"metric": metric, "a": float(observed_a[k]), "b": float(observed_b[k]), "low": float(low[k]), "high": float(high[k])}
                for k, metric in enumerate(["accuracy", "f1_macro"])
            ],
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
