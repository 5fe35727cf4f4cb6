#!/usr/bin/env python3
"""Steady 1D oxygen line under two ways of holding a Dirichlet value in the outermost voxels (docs/transport.md,
boundary_convention): 'held' keeps them fixed inside the implicit solve (stroma's boundary_convention voxel);
'biofvm' resets them before and after the solve but solves with them free (no-flux ends), as BioFVM's LOD solver
does (apply_dirichlet_conditions around each axis sweep; stroma's boundary_convention biofvm). The uptake here is
part of the implicit solve; stroma's cells apply theirs before the step, so stroma's figures differ slightly (min
3.29 instead of 3.19 for uptake 3, test boundary_biofvm_steady). Backward Euler, n voxels of dx um, D um^2/min, dt min,
value v at both ends, decay everywhere plus an uptake in a central band (cells). Prints min, mean and the voxel
next to the face. Usage: biofvm_boundary_1d.py [uptake ...]  (default 1 3; PhysiCell's oxygen: r = 2.5)"""
import sys


def thomas(a, b, c, d):
    n = len(d)
    cp, dp = [0.0] * n, [0.0] * n
    cp[0], dp[0] = c[0] / b[0], d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = [0.0] * n
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x


def steady(scheme, uptake, n=50, D=1e5, dx=20.0, dt=0.01, v=20.0, decay=0.1, band=(10, 40), steps=3000):
    r = D * dt / dx ** 2
    a, b, c = [0.0] * n, [0.0] * n, [0.0] * n
    for i in range(n):
        b[i] = 1 + dt * (decay + (uptake if band[0] <= i < band[1] else 0.0))
        if i > 0:
            a[i] = -r
            b[i] += r
        if i < n - 1:
            c[i] = -r
            b[i] += r
    if scheme == "held":
        for i in (0, n - 1):
            a[i] = c[i] = 0.0
            b[i] = 1.0
    x = [38.0] * n
    for _ in range(steps):
        x[0] = x[-1] = v
        x = thomas(a, b, c, x)
        x[0] = x[-1] = v
    return x


for u in [float(s) for s in sys.argv[1:]] or [1.0, 3.0]:
    for scheme in ("held", "biofvm"):
        x = steady(scheme, u)
        print(f"uptake {u:g}/min, {scheme:6s}: min {min(x):.4f}, mean {sum(x) / len(x):.4f}, voxel 1 {x[1]:.4f}")
