#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The peer side of chart-scatter-vs-matplotlib.sh: matplotlib (Agg) draws
# the same CSV columns as `benchtop-cli chart --type scatter --csv`, at the
# same pixel size, marker size and opacity, one colour per group, and
# writes a PNG. The whole process is what the harness times.
import csv
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    path, xcol, ycol, gcol, out, width, height = sys.argv[1:8]
    width, height = int(width), int(height)

    with open(path, newline="") as f:
        header = next(csv.reader(f))
    xi, yi, gi = header.index(xcol), header.index(ycol), header.index(gcol)
    groups = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(gi,), dtype=str)
    xy = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(xi, yi))

    dpi = 100
    fig, ax = plt.subplots(figsize=(width / dpi, height / dpi), dpi=dpi)
    # Benchtop draws discs of 3 px radius at 70% opacity without edges:
    # s is the marker area in points^2 (1 pt = dpi/72 px).
    diameter_pt = 6 * 72 / dpi
    for g in dict.fromkeys(groups):
        sel = groups == g
        ax.scatter(xy[sel, 0], xy[sel, 1], s=diameter_pt ** 2, alpha=0.7,
                   linewidths=0, label=g)
    ax.set_xlabel(xcol)
    ax.set_ylabel(ycol)
    ax.set_title(f"{ycol} against {xcol}")
    ax.legend(loc="upper left", bbox_to_anchor=(0, 1.12), ncol=4, frameon=False)
    fig.savefig(out, dpi=dpi)


if __name__ == "__main__":
    main()
