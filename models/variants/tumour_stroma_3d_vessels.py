#!/usr/bin/env python3
"""Writes models/tumour_stroma_3d_vessels.csv, the capillary bed of models/tumour_stroma_3d.yaml: the default
scenario's random bed (each 20 um voxel gets a vessel with probability 0.25, density 0.06: mean volume fraction
1.5 %) in the 600 um cube, outside a ball of radius 190 um around the spheroid (centre 300, 300, 300), which
grew avascular as spheroids do. Deterministic (fixed seed): rerun it only to change the bed."""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE, VOXEL, CENTRE, FREE, FRACTION, DENSITY = 600, 20, 300, 190, 0.25, 0.06


def main():
    rng = random.Random(20260)
    n = SIZE // VOXEL
    rows = ["x,y,z,density"]
    for k in range(n):
        for j in range(n):
            for i in range(n):
                x, y, z = (VOXEL * (a + 0.5) for a in (i, j, k))
                if (x - CENTRE) ** 2 + (y - CENTRE) ** 2 + (z - CENTRE) ** 2 <= FREE ** 2:
                    continue
                if rng.random() < FRACTION:
                    rows.append(f"{x:g},{y:g},{z:g},{DENSITY:g}")
    with open(os.path.join(os.path.dirname(HERE), "tumour_stroma_3d_vessels.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
