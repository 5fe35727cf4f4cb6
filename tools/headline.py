#!/usr/bin/env python3
"""Prints the headline numbers of a finished stroma run (used by `make demo`): tumour burden, the stroma and
immune cast, the pathology (virtual IHC), the plasma biomarkers against their healthy levels and the indices.
Usage: headline.py OUTDIR"""
import json
import os
import sys


def main(d):
    s = json.load(open(os.path.join(d, "summary.json")))
    days = s["time"] / 1440
    c, T, P = s["cells"], s.get("tissue", {}), s.get("plasma", {})
    ihc, I = s.get("ihc", {}), s.get("indices", {})
    print(f"after {days:g} simulated days:")
    if "tumour_cells" in T:
        area = T.get("tumour_area_mm2", T.get("tumour_volume_mm3"))
        unit = "mm2" if "tumour_area_mm2" in T else "mm3"
        print(f"  tumour: {T['tumour_cells']} viable cancer cells, {area:.3f} {unit}; "
              f"median pO2 {T.get('median_po2_tumour', float('nan')):.1f} mmHg (normal tissue "
              f"{T.get('median_po2_normal', float('nan')):.1f})")
    print("  cells: " + ", ".join(f"{k} {v}" for k, v in c.items()))
    if "cd8_in_tumour_per_mm2" in T:
        print(f"  CD8 T cells: {T['cd8_in_tumour_per_mm2']:.0f}/mm2 inside the tumour, "
              f"{T['cd8_margin_per_mm2']:.0f}/mm2 at its margin")
    for pop, marks in ihc.items():
        pos = {m: f for m, f in marks.items() if f}
        if pos and pop in ("cancer", "CAF", "fibroblasts", "macrophages", "CD8_T_cells"):
            print(f"  IHC {pop}: " + ", ".join(f"{m} {100 * f:.0f}%" for m, f in pos.items()))
    if P:
        print("  plasma: " + ", ".join(f"{k} {v['value']:.3g} {v['unit']} (healthy {v['healthy']:g})"
                                       for k, v in P.items()))
    if I:
        print("  indices: " + ", ".join(f"{k} {v:.2f}" for k, v in I.items()))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
