"""The fixed inputs t(x) of §4 of the paper, as the Swift `FixedInputs`: an MLP of absolute position (raw
coordinates divided by `input_scale`, or Fourier features), a linear projection B → c when B ≠ c, zero outside
the open domain box, times the per-task keep mask (1 keeps, 0 forces them off)."""
import math

import numpy as np
import torch
import torch.nn as nn

from .layers import MLP


def keep_mask(fixed_inputs, tasks, dtype=torch.float32):
    """'on' → ones, 'off' → zeros, or a per-task 0/1 tensor [m]; returned as [m, 1, 1]."""
    if isinstance(fixed_inputs, str):
        if fixed_inputs not in ("on", "off"):
            raise ValueError(f"fixed_inputs must be 'on', 'off' or a per-task 0/1 tensor, got {fixed_inputs!r}")
        return torch.full((tasks, 1, 1), 1.0 if fixed_inputs == "on" else 0.0, dtype=dtype)
    keep = torch.as_tensor(fixed_inputs, dtype=dtype)
    if keep.shape != (tasks,):
        raise ValueError(f"keep mask has shape {tuple(keep.shape)} for {tasks} tasks")
    return keep.reshape(tasks, 1, 1)


def fourier_wavelengths(count, wavelength_range):
    """`count` wavelengths log-spaced from range^(1/count) to range, in float32 as the Swift code."""
    r = np.float32(wavelength_range)
    if count == 1:
        return np.array([r], dtype=np.float32)
    hi = np.float32(math.log(r))
    lo = np.float32(hi / np.float32(count))
    steps = [np.float32(np.float32(hi - lo) * np.float32(j)) / np.float32(count - 1) for j in range(count)]
    return np.array([np.exp(np.float32(lo + s)) for s in steps], dtype=np.float32)


class FixedInputs(nn.Module):
    def __init__(self, *, count, hidden, dx, out_channels, domain, input_scale=1.0, fourier=None, dims=None):
        """`fourier` = (coefficients, range) for Fourier features, None for raw positions; `dims` = the input
        dimensions the fixed inputs see (the Swift `FixedInputSpec.seenDimensions`; None: all `dx` of them); the MLP
        and the domain box then have `len(dims)` dimensions."""
        super().__init__()
        self.dims = list(dims) if dims is not None else None
        dx = len(self.dims) if self.dims is not None else dx
        self.fourier = fourier
        self.input_scale = float(input_scale)
        width = 2 * fourier[0] * dx if fourier else dx
        self.mlp = MLP([width, hidden, hidden, count])
        self.projection = nn.Linear(count, out_channels) if count != out_channels else None
        self.register_buffer("lower", torch.tensor(domain["lower"], dtype=torch.float32) if domain else None, persistent=False)
        self.register_buffer("upper", torch.tensor(domain["upper"], dtype=torch.float32) if domain else None, persistent=False)
        if fourier:
            self.register_buffer("wavelengths", torch.from_numpy(fourier_wavelengths(*fourier)), persistent=False)

    def features(self, x):
        if not self.fourier:
            return x / self.input_scale if self.input_scale != 1 else x
        a = (2 * torch.pi * x[..., None]) / self.wavelengths           # [m, n, dx, J]
        f = torch.stack([torch.sin(a), torch.cos(a)], dim=-1)       # [m, n, dx, J, 2]
        return f.reshape(*x.shape[:2], -1)

    def domain_mask(self, x):
        if self.lower is None:
            return torch.ones(*x.shape[:2], 1, dtype=x.dtype)
        inside = ((x > self.lower) & (x < self.upper)).all(dim=-1, keepdim=True)
        return inside.to(x.dtype)

    def forward(self, x, keep):
        """x [m, n, dx], keep [m, 1, 1] → t(x) ⊙ inDomain(x) ⊙ keep, [m, n, c]."""
        if self.dims is not None:
            x = x[..., self.dims]
        t = self.mlp(self.features(x))
        if self.projection is not None:
            t = self.projection(t)
        return t * self.domain_mask(x) * keep
