#!/usr/bin/env python3
"""Compare `smoke2d simulate` with PhiFlow on one initial condition (Docs/smoke-simulator.md §e).

    python3 -m venv /tmp/venv-phi && /tmp/venv-phi/bin/pip install phiflow==3.4.0
    .build/release/smoke2d simulate --radius 20 --inflow-x 64 --buoyancy 0.4 --precision float64 --out /tmp/swift-run
    /tmp/venv-phi/bin/python scripts/smoke-phiflow-compare.py --radius 20 --inflow-x 64 --buoyancy 0.4 --swift /tmp/swift-run

Runs the tutorial scaling (0.6 smoke per step on a hard disk, buoyancy B*s per step, dt 0.5) with the obstacle of
centre (64, 100) and radius 10 in PhiFlow 3.x at float64 (PhiFlow's float32 solves fail their own convergence
check here, Docs/smoke-simulator.md §a.5), about 30-40 s, and prints the relative L2 difference of smoke, vx and vy.
"""
import argparse
import numpy as np
from phi.flow import (Box, CenteredGrid, StaggeredGrid, Sphere, Obstacle, Solve, advect, extrapolation, fluid,
                      math, resample)

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('--radius', type=float, required=True)
ap.add_argument('--inflow-x', type=float, required=True)
ap.add_argument('--buoyancy', type=float, required=True)
ap.add_argument('--steps', type=int, default=35)
ap.add_argument('--swift', required=True, help='folder written by smoke2d simulate')
args = ap.parse_args()

math.set_global_precision(64)
box = Box(x=128, y=128)
smoke = CenteredGrid(0, extrapolation.BOUNDARY, x=128, y=128, bounds=box)
velocity = StaggeredGrid(0, extrapolation.ZERO, x=128, y=128, bounds=box)
inflow = 0.6 * CenteredGrid(Sphere(x=args.inflow_x, y=5, radius=args.radius), extrapolation.BOUNDARY, x=128, y=128, bounds=box)
obstacle = Obstacle(Sphere(x=64, y=100, radius=10))
pressure = None
for _ in range(args.steps):
    smoke = advect.mac_cormack(smoke, velocity, 0.5) + inflow
    force = resample(smoke * (0, args.buoyancy), to=velocity)
    velocity = advect.semi_lagrangian(velocity, velocity, 0.5) + force
    velocity, pressure = fluid.make_incompressible(velocity, (obstacle,), Solve('auto', 1e-5, 1e-5, x0=pressure))

phi = {'smoke': smoke.values.numpy('y,x'),
       'vx': velocity.vector['x'].values.numpy('y,x'),
       'vy': velocity.vector['y'].values.numpy('y,x')}
for name, ref in phi.items():
    ours = np.load(f'{args.swift}/{name}.npy').astype(np.float64)
    assert ours.shape == ref.shape, f'{name}: shape {ours.shape} vs PhiFlow {ref.shape}'
    rel = np.linalg.norm(ours - ref) / max(np.linalg.norm(ref), 1e-300)
    print(f'{name:6s} relative L2 {rel:.2e}   max |diff| {np.abs(ours - ref).max():.2e}   max |PhiFlow| {np.abs(ref).max():.3g}')
