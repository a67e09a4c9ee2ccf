"""The ConvCNP family (the Swift `ConvCNP`): SetConv encoder → (+ fixed inputs) → CNN → SetConv decoder →
Gaussian head. ConvCNP (T): plain convolutions; ConvCNP (T̃): plus fixed inputs; RelaxedConvCNP (T̃): relaxed
convolutions f ⊙ (1 + t_l) before each layer; EquivCNP (E)/(Ẽ): reflection-symmetric kernels.

Parameter names: encoder.log_lengthscale, encoder.mlp.{0,1}, fixed_inputs.*, cnn.conv{i}.{weight,bias}
(weight [k, cin, cout]), cnn.relax{i}.mlp.*, decoder.log_lengthscale_{k}, head.mlp.{0,1,2}.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .fixed_inputs import FixedInputs, keep_mask
from .layers import MLP, ChannelsLastConv1d, GaussianHead, pairwise_squared_distances, rbf_weights


def grid_positions(xs, points_per_unit, margin):
    """The Swift `Grid1D`: points i / ppu for i in [⌊(min − margin)·ppu⌋, ⌈(max + margin)·ppu⌉] over every
    input of the batch; (min − margin) in float32, the product and rounding in float64. Returns [g] float32."""
    values = np.concatenate([np.asarray(x, dtype=np.float32).ravel() for x in xs])
    ppu, margin = np.float32(points_per_unit), np.float32(margin)
    first = math.floor(float(np.float32(values.min() - margin)) * float(ppu))
    last = math.ceil(float(np.float32(values.max() + margin)) * float(ppu))
    g = (np.arange(first, last + 1, dtype=np.float64) / float(ppu)).astype(np.float32)
    return torch.from_numpy(g)


def per_task_grid_positions(xc, xt, points_per_unit, margin):
    """The Swift `Grid(coveringEachTask:)` in 1-D: task b's lattice range ⌊(min_b − margin)·ppu⌋ … ⌈(max_b + margin)·ppu⌉,
    one count n for the batch (the largest range), each range padded symmetrically to n, so that a task padded
    by an odd count starts half a point off the lattice. Returns [m, n] float32."""
    xc, xt = np.asarray(xc, dtype=np.float32), np.asarray(xt, dtype=np.float32)
    ppu, margin = np.float32(points_per_unit), np.float32(margin)
    firsts, lasts = [], []
    for b in range(xc.shape[0]):
        values = np.concatenate([xc[b].ravel(), xt[b].ravel()])
        firsts.append(math.floor(float(np.float32(values.min() - margin)) * float(ppu)))
        lasts.append(math.ceil(float(np.float32(values.max() + margin)) * float(ppu)))
    n = max(l - f + 1 for f, l in zip(firsts, lasts))
    rows = [((f - (n - (l - f + 1)) / 2) + np.arange(n, dtype=np.float64)) / float(ppu) for f, l in zip(firsts, lasts)]
    return torch.from_numpy(np.stack(rows).astype(np.float32))


class SetConvEncoder(nn.Module):
    """E(g) = Σᵢ [yᵢ, 1] exp(−|g − xᵢ|² / (2ℓ²)), then a pointwise MLP [dy + 1, c, c]."""

    def __init__(self, dy, channels):
        super().__init__()
        self.log_lengthscale = nn.Parameter(torch.zeros(1))
        self.mlp = MLP([dy + 1, channels, channels])

    def forward(self, xc, yc, grid):
        w = rbf_weights(pairwise_squared_distances(grid, xc), self.log_lengthscale)   # [m, g, nc]
        h = torch.cat([yc, torch.ones_like(yc[..., :1])], dim=-1)                      # [m, nc, dy + 1]
        return self.mlp(w @ h)


class SetConvDecoder(nn.Module):
    """F(x) = concat_k Σ_g Z[g] exp(−|x − g|² / (2ℓ_k²)) / ppu, parameters log_lengthscale_0 … _{K−1}."""

    def __init__(self, kernels, points_per_unit):
        super().__init__()
        self.kernels = kernels
        for k in range(kernels):
            self.register_parameter(f"log_lengthscale_{k}", nn.Parameter(torch.zeros(1)))
        self.scale = float(np.float32(1) / np.float32(points_per_unit))

    def forward(self, z, grid, xt):
        d2 = pairwise_squared_distances(xt, grid)                                    # [m, nt, g]
        parts = [rbf_weights(d2, getattr(self, f"log_lengthscale_{k}")) @ z for k in range(self.kernels)]
        return torch.cat(parts, dim=-1) * self.scale


class ConvStack(nn.Module):
    """`layers` same-padded convolutions, ReLU before every one but the first; `kind` plain | symmetric | relaxed."""

    def __init__(self, layers, channels, kernel, kind, relax=None):
        super().__init__()
        self.kind = kind
        self.layers = layers
        for i in range(layers):
            self.add_module(f"conv{i}", ChannelsLastConv1d(kernel, channels, channels, symmetric=(kind == "symmetric")))
            if kind == "relaxed":
                self.add_module(f"relax{i}", FixedInputs(**relax))

    def forward(self, h, grid, keep):
        for i in range(self.layers):
            if i > 0:
                h = F.relu(h)
            if self.kind == "relaxed":
                h = h + h * getattr(self, f"relax{i}")(grid, keep)   # f ⊙ (1 + t), one keep draw for all layers
            h = getattr(self, f"conv{i}")(h)
        return h


class ConvCNP(nn.Module):
    def __init__(self, *, channels, layers, kernel, points_per_unit, margin, decoder_lengthscales,
                 convolution, fixed=None, relax=None, dy=1, placement="batch"):
        super().__init__()
        if placement not in ("batch", "perTask"):
            raise ValueError(f"unknown grid placement {placement!r}")
        self.points_per_unit, self.margin, self.placement = points_per_unit, margin, placement
        self.encoder = SetConvEncoder(dy, channels)
        self.fixed_inputs = FixedInputs(**fixed) if fixed else None
        self.cnn = ConvStack(layers, channels, kernel, convolution, relax)
        self.decoder = SetConvDecoder(decoder_lengthscales, points_per_unit)
        self.head = GaussianHead(decoder_lengthscales * channels, channels, dy)

    def forward(self, xc, yc, xt, fixed_inputs="on"):
        """xc [m, nc, 1], yc [m, nc, dy], xt [m, nt, 1] → (mean, variance) [m, nt, dy]."""
        if xc.shape[-1] != 1:
            raise ValueError(f"this ConvCNP is 1-D; got dx = {xc.shape[-1]}")
        m = xc.shape[0]
        keep = keep_mask(fixed_inputs, m, xc.dtype)
        if self.placement == "perTask":
            g = per_task_grid_positions(xc.detach().cpu().numpy(), xt.detach().cpu().numpy(), self.points_per_unit, self.margin)
            grid = g.to(xc.dtype).unsqueeze(-1)
        else:
            g = grid_positions([xc.detach(), xt.detach()], self.points_per_unit, self.margin)
            grid = g.to(xc.dtype).reshape(1, -1, 1).expand(m, -1, 1)
        z = self.encoder(xc, yc, grid)
        if self.fixed_inputs is not None:
            z = z + self.fixed_inputs(grid, keep)   # CNN(ẽ(D) + t)
        z = self.cnn(z, grid, keep)
        return self.head(self.decoder(z, grid, xt))
