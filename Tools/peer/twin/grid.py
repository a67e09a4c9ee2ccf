"""Discretisation in any input dimension, as the Swift `Grid`, `PixelLattice` and `pixelGrid` (numpy, no
parameters): which grid points a batch gets, their positions, and which grid cell each point of gridded data
falls in. Arithmetic follows the Swift code's precisions (float32 inputs, float64 lattice coordinates) so that
both sides pick the same grid.

A grid: along dimension d the points (start_d + j·step_d) / ppu_d, j = 0 … shape_d − 1, optionally moved per
task by `shifts` [m, dx] lattice units (gridded data: each task its own box of pixels). Flat layout [m, G, c]
with the last dimension fastest.
"""
import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Grid:
    ppu: np.ndarray        # [dx] float32
    start: np.ndarray      # [dx] float64 lattice coordinates
    step: np.ndarray       # [dx] float64
    shape: tuple
    shifts: np.ndarray = None   # [m, dx] float64 or None

    @property
    def count(self):
        return int(np.prod(self.shape))

    def positions(self, m):
        """[m, G, dx] float32, last dimension fastest (Swift `Grid.positions`)."""
        axes = [self.start[d] + np.arange(self.shape[d], dtype=np.float64) * self.step[d] for d in range(len(self.shape))]
        mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(self.shape))   # [G, dx]
        shifts = self.shifts if self.shifts is not None else np.zeros((m, len(self.shape)))
        coords = mesh[None, :, :] + shifts[:, None, :]
        return (coords / self.ppu.astype(np.float64)).astype(np.float32)

    def pooled(self, factor):
        if any(s % factor for s in self.shape):
            raise ValueError(f"grid {self.shape} cannot be pooled by {factor}")
        return Grid(self.ppu, self.start + (factor - 1) / 2 * self.step, self.step * factor,
                    tuple(s // factor for s in self.shape), self.shifts)


def covering_grid(xs, masks, ppu, margin, multiple_of=1):
    """The Swift `Grid(covering:pointsPerUnit:margin:multipleOf:)`: from ⌊(min − margin)·ppu⌋ to
    ⌈(max + margin)·ppu⌉ over every real point, each size padded up to a multiple (⌊extra/2⌋ before)."""
    ppu = np.asarray(ppu, dtype=np.float32)
    dx = len(ppu)
    margin = np.float32(margin)
    lo, hi = np.full(dx, np.inf, dtype=np.float32), np.full(dx, -np.inf, dtype=np.float32)
    for x, mask in zip(xs, masks):
        pts = np.asarray(x, dtype=np.float32).reshape(-1, dx)
        if mask is not None:
            pts = pts[np.asarray(mask).reshape(-1) != 0]
        lo, hi = np.minimum(lo, pts.min(0)), np.maximum(hi, pts.max(0))
    start, shape = [], []
    for d in range(dx):
        a = math.floor(float(np.float32(lo[d] - margin)) * float(ppu[d]))
        b = math.ceil(float(np.float32(hi[d] + margin)) * float(ppu[d]))
        n = b - a + 1
        padded = (n + multiple_of - 1) // multiple_of * multiple_of
        start.append(float(a - (padded - n) // 2))
        shape.append(padded)
    return Grid(ppu, np.array(start), np.ones(dx), tuple(shape))


class PixelLattice:
    """Pixel k sits at x_d = (k_d + offset_d) / ppu_d (the Swift `PixelLattice`)."""

    def __init__(self, points_per_unit, offset):
        self.ppu = np.asarray(points_per_unit, dtype=np.float32)
        self.offset = np.asarray(offset, dtype=np.float64)

    def pixels(self, x, mask=None):
        """Integer pixel of every point of x [m, n, dx] → [m, n, dx]; masked points get 0."""
        x = np.asarray(x, dtype=np.float32)
        u = x.astype(np.float64) * self.ppu.astype(np.float64) - self.offset
        k = np.floor(u + 0.5)
        real = np.ones(x.shape[:2], dtype=bool) if mask is None else (np.asarray(mask) != 0)
        off = np.abs(u - k)[real]
        if off.size and off.max() >= 1e-2:
            raise ValueError(f"a point is off the pixel lattice by {off.max()} pixels")
        return np.where(real[..., None], k, 0).astype(np.int64)

    def grid(self, xc, context_mask, xt, multiple_of):
        """The Swift `pixelGrid`: per task the box of pixels of its real context and all its targets, one shape for
        the batch (largest box, padded up to a multiple), each task moved to its own box."""
        kc, kt = self.pixels(xc, context_mask), self.pixels(xt)
        m, dx = kc.shape[0], kc.shape[2]
        real_c = np.ones(kc.shape[:2], dtype=bool) if context_mask is None else (np.asarray(context_mask) != 0)
        lo = np.zeros((m, dx), dtype=np.int64)
        hi = np.zeros((m, dx), dtype=np.int64)
        for b in range(m):
            pts = np.concatenate([kc[b][real_c[b]], kt[b]], axis=0)
            lo[b], hi[b] = pts.min(0), pts.max(0)
        extent = (hi - lo + 1).max(0)
        shape = tuple(int((e + multiple_of - 1) // multiple_of * multiple_of) for e in extent)
        start = np.array([self.offset[d] - float((shape[d] - extent[d]) // 2) for d in range(dx)])
        return Grid(self.ppu, start, np.ones(dx), shape, lo.astype(np.float64))

    def indices(self, x, grid, mask=None):
        """Flat grid index (within its task) of every point of x [m, n, dx] on a pixel grid: [m, n] (0 if masked)."""
        k = self.pixels(x, mask).astype(np.float64)
        j = np.floor(k + self.offset - grid.start - grid.shifts[:, None, :] + 0.5).astype(np.int64)   # [m, n, dx]
        real = np.ones(x.shape[:2], dtype=bool) if mask is None else (np.asarray(mask) != 0)
        if np.any(((j < 0) | (j >= np.array(grid.shape))).any(-1) & real):
            raise ValueError("a point lies outside its task's pixel grid")
        strides = np.cumprod((grid.shape[1:] + (1,))[::-1])[::-1]
        return np.where(real, (j * strides).sum(-1), 0)
