#!/usr/bin/env python3
"""Compare live/dead counts of several stroma runs (timeseries.csv) with PhysiCell's reference_counts.csv.

TYPE names one cell type (reference columns TYPE_live_mean/_sd, stroma column cells_TYPE), or `all` for every
TYPE_live_mean column of the reference; the dead count (dead_mean/_sd against cells_dead) is always compared.
At every reference time t (hourly) the mean over the runs must lie within K combined standard errors of the
reference mean: |m - m_ref| <= K * s * sqrt(1/n_ref + 1/n), with s the larger of the two sample standard
deviations and 1 cell (a few reference seeds give an unreliable spread, and at early times both are 0).
Prints the worst time point; exit 0 if every point passes, 1 otherwise."""
import csv, math, sys

def main():
    if len(sys.argv) < 5:
        sys.exit("usage: compare_counts.py REFERENCE.csv TYPE K RUN_DIR...")
    ref_path, typ, k, runs = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
    ref = list(csv.DictReader(open(ref_path)))
    series = []
    for d in runs:
        rows = {round(float(r["time"])): r for r in csv.DictReader(open(d + "/timeseries.csv"))}
        series.append(rows)
    n = len(series)
    types = [c[:-len("_live_mean")] for c in ref[0] if c.endswith("_live_mean")] if typ == "all" else [typ]
    cols = [(t + " live", "cells_" + t, t + "_live_sd", t + "_live_mean") for t in types]
    cols.append(("dead", "cells_dead", "dead_sd", "dead_mean"))
    worst, fails = (0.0, None), []
    for r in ref:
        t = round(float(r["time_min"]))
        nref = int(r["n_seeds"])
        for col, key, sdkey, refkey in cols:
            if t not in series[0]:
                sys.exit("runs have no output at t = %d min" % t)
            v = [float(s[t][key]) for s in series]
            m = sum(v) / n
            sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1)) if n > 1 else 0.0
            s = max(sd, float(r[sdkey]), 1.0)
            se = s * math.sqrt(1.0 / nref + 1.0 / n)
            z = abs(m - float(r[refkey])) / se
            if z > worst[0]:
                worst = (z, "%s t=%d: stroma %.2f (sd %.2f, %d runs), PhysiCell %s (sd %s)" % (
                    col, t, m, sd, n, r[refkey], r[sdkey]))
            if z > k:
                fails.append("%s t=%d: |%.2f - %s| = %.1f SE > %g" % (col, t, m, r[refkey], z, k))
    print("worst: %.2f SE at %s" % worst)
    for f in fails:
        print("FAIL", f)
    sys.exit(1 if fails else 0)

main()
