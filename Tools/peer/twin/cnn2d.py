"""The 2-D convolutional NPs (the Swift `ConvCNP` with a U-Net or group-CNN backbone, `ModelSpec.grid2D`):
encoder (context → grid) → (+ fixed inputs t(grid)) → backbone → decoder (grid → targets) → Gaussian head.

* Encoders: on-grid (gridded data with a pixel lattice): per pixel [Σ y·m_c, Σ m_c] of the real context points
  on it, then a pointwise MLP [dy + 1, c, c]; off-grid: the SetConv in 2-D (one lengthscale per dimension, or
  one isotropic lengthscale for the EquivCNPs) on a grid covering the batch, masked context points ignored.
* Backbones: U-Net (ConvCNP (T)/(T̃); relaxed for the RelaxedConvCNP (T̃): every convolution sees f ⊙ (1 + t(v)),
  t an MLP of the positions of the grid it runs on) and the D_N group CNN (EquivCNP (E)/(Ẽ)): a lifting layer,
  group convolutions, invariant pooling (mean over the group axis).
* Decoders: on-grid: the value at each target's pixel; off-grid: the SetConv decoder with several lengthscales.

Parameter names as the Swift store: encoder.mlp.{0,1}, encoder.log_lengthscale, fixed_inputs.mlp.*,
unet.conv{i}.{weight [k, k, cin, cout], bias}, unet.relax{i}.mlp.*, group_cnn.gconv{i}.{weight, bias} (lifting
[k·k, cin, F], regular [k·k·|G|, F_in, F_out]; output channel g·F + f), decoder.log_lengthscale_{k}, head.mlp.*.
"""
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .fixed_inputs import FixedInputs, keep_mask
from .grid import PixelLattice, covering_grid
from .layers import MLP, GaussianHead, pairwise_squared_distances, rbf_weights

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from peer_files import unet_channels  # noqa: E402  (Tools/peer/peer_files.py: numpy only, shared with CI)


# ---------------------------------------------------------------- encoders and decoders

def gaussian_weights(a, b, log_lengthscales):
    """exp(−Σ_d (a_d − b_d)² / (2ℓ_d²)) [m, n, k]: one lengthscale ([1]) on the full distance, or one per dimension
    ([dx]) as a product of per-dimension weights (each cut at exponents below −80, as the Swift code)."""
    if a.shape[-1] == 1 or log_lengthscales.shape[0] == 1:
        return rbf_weights(pairwise_squared_distances(a, b), log_lengthscales)
    w = None
    for d in range(a.shape[-1]):
        wd = rbf_weights(pairwise_squared_distances(a[..., d:d + 1], b[..., d:d + 1]), log_lengthscales[d:d + 1])
        w = wd if w is None else w * wd
    return w


class SetConvEncoder2D(nn.Module):
    def __init__(self, dy, channels, lengthscales):
        super().__init__()
        self.log_lengthscale = nn.Parameter(torch.zeros(lengthscales))
        self.mlp = MLP([dy + 1, channels, channels])

    def forward(self, xc, yc, context_mask, positions):
        keep = torch.ones_like(yc[..., :1]) if context_mask is None else context_mask[..., None].to(yc.dtype)
        h = torch.cat([yc * keep, keep], dim=-1)                                    # [m, nc, dy + 1]
        return self.mlp(gaussian_weights(positions, xc, self.log_lengthscale) @ h)


class SetConvDecoder2D(nn.Module):
    """Each kernel's sum times 1 / ∏ ppu, or (`normalised`, the calibrated initialisation) times 1 / its mass at the
    initial lengthscales, ∏_d √(2π) ℓ₀_d ppu_d, with ℓ₀ = 10^(log10(2 / ppu) − 0.5 + k / (K − 1)) (float32, as Swift)."""

    def __init__(self, kernels, lengthscales, ppu, normalised=False):
        super().__init__()
        self.kernels = kernels
        for k in range(kernels):
            self.register_parameter(f"log_lengthscale_{k}", nn.Parameter(torch.zeros(lengthscales)))
        ppu = np.asarray(ppu, dtype=np.float32)
        plain = float(np.float32(1) / np.prod(ppu, dtype=np.float32))
        self.scales = []
        for k in range(kernels):
            if not normalised:
                self.scales.append(plain)
                continue
            dims = ppu[:1] if lengthscales == 1 else ppu
            logs = []
            for p in dims:
                centre = np.float32(np.log10(np.float32(2) / p))
                e = centre if kernels == 1 else np.float32(centre - np.float32(0.5) + np.float32(k) / np.float32(kernels - 1))
                logs.append(np.float32(e * np.float32(np.log(10))))
            mass = np.float32(1)
            for d in range(len(ppu)):
                mass = np.float32(mass * np.float32(np.sqrt(np.float32(2 * np.pi))) * np.float32(np.exp(logs[0 if len(logs) == 1 else d])) * ppu[d])
            self.scales.append(float(np.float32(1) / mass))

    def forward(self, z, positions, xt):
        parts = [(gaussian_weights(xt, positions, getattr(self, f"log_lengthscale_{k}")) @ z) * self.scales[k] for k in range(self.kernels)]
        return torch.cat(parts, dim=-1)


class OnGridEncoder(nn.Module):
    def __init__(self, dy, channels):
        super().__init__()
        self.mlp = MLP([dy + 1, channels, channels])

    def forward(self, yc, context_mask, cells, grid_count):
        """cells [m, nc] flat grid index of each context point (numpy); → [m, G, c]."""
        m, nc, dy = yc.shape
        keep = torch.ones(m, nc, 1, dtype=yc.dtype) if context_mask is None else context_mask[..., None].to(yc.dtype)
        values = torch.cat([yc * keep, keep], dim=-1)                                 # [m, nc, dy + 1]
        index = torch.from_numpy(cells).long()[..., None].expand(m, nc, dy + 1)
        image = torch.zeros(m, grid_count, dy + 1, dtype=yc.dtype).scatter_add(1, index, values)
        return self.mlp(image)


# ---------------------------------------------------------------- U-Net

def conv2d_channels_last(h, weight, bias):
    """Stride-1 'same' cross-correlation of h [m, s0, s1, cin] with our weight [k, k, cin, cout]."""
    k = weight.shape[0]
    before = (k - 1) // 2
    x = F.pad(h.permute(0, 3, 1, 2), (before, k - 1 - before, before, k - 1 - before))
    return F.conv2d(x, weight.permute(3, 2, 0, 1), bias).permute(0, 2, 3, 1)


class Conv2d(nn.Module):
    def __init__(self, kernel, cin, cout):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(kernel, kernel, cin, cout))
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, h):
        return conv2d_channels_last(h, self.weight, self.bias)


class UNet(nn.Module):
    """ReLU before every convolution; max-pool 2 after each down block; bilinear up-sampling (aligned corners) to
    the skip's size, concatenation [up-sampled, skip]; relaxed: f ⊙ (1 + t) at that level's grid positions."""

    def __init__(self, channels, levels, kernel, max_channels=256, relax=None, relaxation_scale=1.0):
        super().__init__()
        self.levels = levels
        self.relaxation_scale = relaxation_scale   # t's factor: 1, or 1/3 with the calibrated initialisation
        self.io = unet_channels(channels, levels, max_channels)
        for i, (cin, cout) in enumerate(self.io):
            self.add_module(f"conv{i}", Conv2d(kernel, cin, cout))
            if relax is not None:
                self.add_module(f"relax{i}", FixedInputs(**dict(relax, count=cin, out_channels=cin)))
        self.relaxed = relax is not None

    def block(self, i, h, grid, keep):
        h = F.relu(h)
        if self.relaxed:
            m = h.shape[0]
            pos = torch.from_numpy(grid.positions(m)).to(h.dtype)
            t = getattr(self, f"relax{i}")(pos, keep).reshape(h.shape)
            if self.relaxation_scale != 1:
                t = t * self.relaxation_scale
            h = h + h * t
        return getattr(self, f"conv{i}")(h)

    def forward(self, z, grid, keep):
        m, c = z.shape[0], z.shape[-1]
        grids = [grid]
        for _ in range(self.levels):
            grids.append(grids[-1].pooled(2))
        h = z.reshape(m, *grid.shape, c)
        skips = []
        for i in range(self.levels):
            h = self.block(i, h, grids[i], keep)
            skips.append(h)
            h = F.max_pool2d(h.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)
        h = self.block(self.levels, h, grids[self.levels], keep)
        for j, i in enumerate(reversed(range(self.levels))):
            skip = skips[i]
            up = F.interpolate(h.permute(0, 3, 1, 2), size=skip.shape[1:3], mode="bilinear", align_corners=True).permute(0, 2, 3, 1)
            h = self.block(self.levels + 1 + j, torch.cat([up, skip], dim=-1), grids[i], keep)
        return h.reshape(m, grid.count, -1)


# ---------------------------------------------------------------- the dihedral group and the group CNN

class DihedralGroup:
    """D_N (order 2N): element 2r + s is R^r F^s, R the rotation by 2π/N ((t0, t1) ↦ (t0 cos − t1 sin, t0 sin +
    t1 cos)), F: t0 ↦ −t0 (the Swift `DihedralGroup`)."""

    def __init__(self, n):
        def clean(v):
            return 0.0 if abs(v) < 1e-12 else (math.copysign(1.0, v) if abs(abs(v) - 1) < 1e-12 else v)

        def mul(a, b):
            return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]

        ms = []
        for r in range(n):
            a = 2 * math.pi * r / n
            rot = [clean(v) for v in (math.cos(a), -math.sin(a), math.sin(a), math.cos(a))]
            ms += [rot, mul(rot, [-1, 0, 0, 1])]

        def index(m):
            return next(i for i, e in enumerate(ms) if all(abs(x - y) < 1e-9 for x, y in zip(e, m)))

        self.n, self.matrices = n, ms
        self.product = [[index(mul(a, b)) for b in ms] for a in ms]
        self.inverse = [index([e[0], e[2], e[1], e[3]]) for e in ms]

    @property
    def order(self):
        return len(self.matrices)

    def supported(self, k):
        p = k // 2
        return [self.n == 4 or (t // k - p) ** 2 + (t % k - p) ** 2 <= p * p + 1e-9 for t in range(k * k)]

    def resampling(self, g, k):
        """For each tap of the kernel transformed by g: [(source tap, weight)] (bilinear at g⁻¹ t; exact for
        lattice elements); taps outside the inscribed disk (D8) are zero."""
        p, m, sup = k // 2, self.matrices[self.inverse[g]], self.supported(k)

        def source(a, b):
            if abs(a) > p or abs(b) > p:
                return None
            t = (a + p) * k + (b + p)
            return t if sup[t] else None

        out = []
        for tap in range(k * k):
            if not sup[tap]:
                out.append([])
                continue
            t0, t1 = float(tap // k - p), float(tap % k - p)
            u0, u1 = m[0] * t0 + m[1] * t1, m[2] * t0 + m[3] * t1
            if abs(u0 - round(u0)) < 1e-9:
                u0 = float(round(u0))
            if abs(u1 - round(u1)) < 1e-9:
                u1 = float(round(u1))
            a, b = math.floor(u0), math.floor(u1)
            fa, fb = u0 - a, u1 - b
            corners = [(a, b, (1 - fa) * (1 - fb)), (a + 1, b, fa * (1 - fb)), (a, b + 1, (1 - fa) * fb), (a + 1, b + 1, fa * fb)]
            out.append([(source(x, y), w) for x, y, w in corners if w > 0 and source(x, y) is not None])
        return out


class GroupConv(nn.Module):
    """One ordinary convolution whose weight holds the learned filter transformed by every group element; one
    bias per field, shared by its |G| channels."""

    def __init__(self, kind, group, kernel, inputs, outputs):
        super().__init__()
        n = group.order
        rows = kernel * kernel if kind == "lifting" else kernel * kernel * n
        self.weight = nn.Parameter(torch.zeros(rows, inputs, outputs))
        self.bias = nn.Parameter(torch.zeros(outputs))
        self.kind, self.group, self.kernel = kind, group, kernel
        # For each element g a [rows, rows] matrix R_g: transformed filter = R_g @ weight (rows of taps × inputs).
        mats = []
        for g in range(n):
            taps = group.resampling(g, kernel)
            if kind == "lifting":
                terms = taps
            else:
                inv = group.inverse[g]
                terms = [[(src * n + group.product[inv][row % n], w) for src, w in taps[row // n]] for row in range(rows)]
            r = np.zeros((rows, rows), dtype=np.float32)
            for i, t in enumerate(terms):
                for src, w in t:
                    r[i, src] += np.float32(w)
            mats.append(r)
        self.register_buffer("resample", torch.from_numpy(np.stack(mats)), persistent=False)   # [n, rows, rows]

    def expanded_weight(self):
        k, n = self.kernel, self.group.order
        w = self.weight
        versions = torch.einsum("gij,jab->iagb", self.resample.to(w.dtype), w)         # [rows, cin, n, f]
        cin = w.shape[1] if self.kind == "lifting" else w.shape[1] * n
        return versions.reshape(k, k, cin, n * w.shape[2])

    def forward(self, h):
        return conv2d_channels_last(h, self.expanded_weight(), self.bias.repeat(self.group.order))


class GroupCNN(nn.Module):
    """Lifting (C scalars → F fields), group convolutions (F → F), last to C fields, ReLU before all but the first;
    then the mean over the group axis."""

    def __init__(self, channels, fields, layers, kernel, rotations):
        super().__init__()
        self.group = DihedralGroup(rotations)
        self.channels, self.layers = channels, layers
        for i in range(layers):
            self.add_module(f"gconv{i}", GroupConv("lifting" if i == 0 else "regular", self.group, kernel,
                                                   channels if i == 0 else fields, channels if i == layers - 1 else fields))

    def forward(self, z, grid, keep):
        m = z.shape[0]
        h = z.reshape(m, *grid.shape, z.shape[-1])
        for i in range(self.layers):
            if i > 0:
                h = F.relu(h)
            h = getattr(self, f"gconv{i}")(h)
        return h.reshape(m, grid.count, self.group.order, self.channels).mean(dim=2)


# ---------------------------------------------------------------- the composition

class GridConvCNP(nn.Module):
    def __init__(self, *, backbone, sizes, channels, dy, lattice=None, isotropic=False, fixed=None, relax=None,
                 parameterisation="varianceSoftplus", floor=1e-6, calibrated=False):
        super().__init__()
        c = channels
        self.lattice = PixelLattice(lattice["pointsPerUnit"], lattice["offset"]) if lattice else None
        lengthscales = 1 if isotropic else 2
        if self.lattice is None:
            self.ppu = np.float32([sizes["pointsPerUnit"]] * 2)
            self.encoder = SetConvEncoder2D(dy, c, lengthscales)
            self.decoder = SetConvDecoder2D(sizes.get("decoderLengthscales", 5), lengthscales, self.ppu, normalised=calibrated)
            features = sizes.get("decoderLengthscales", 5) * c
        else:
            self.encoder = OnGridEncoder(dy, c)
            self.decoder = None
            features = c
        self.fixed_inputs = FixedInputs(**fixed) if fixed else None
        if backbone == "unet":
            u = sizes["unet"]
            self.unet = UNet(u["channels"], u["levels"], u["kernel"], u.get("maxChannels", 256), relax,
                             relaxation_scale=float(np.float32(1) / np.float32(3)) if calibrated else 1.0)
            self.multiple = 1 << u["levels"]
        else:
            g = sizes["groupCNN"]
            self.group_cnn = GroupCNN(g["channels"], g["fields"], g["layers"], g["kernel"], g.get("rotations", 8))
            self.multiple = 1
        self.backbone_name = backbone
        self.head = GaussianHead(features, c, dy, parameterisation, floor)

    def forward(self, xc, yc, xt, fixed_inputs="on", context_mask=None):
        """xc [m, nc, 2], yc [m, nc, dy], xt [m, nt, 2], context_mask [m, nc] (1 real, 0 padding) → (mean, variance)."""
        if xc.shape[-1] != 2:
            raise ValueError(f"the 2-D CNN models take dx = 2, got {xc.shape[-1]}")
        m = xc.shape[0]
        keep = keep_mask(fixed_inputs, m, xc.dtype)
        xc_np, xt_np = xc.detach().float().numpy(), xt.detach().float().numpy()
        mask_np = None if context_mask is None else context_mask.detach().numpy()
        if self.lattice is not None:
            grid = self.lattice.grid(xc_np, mask_np, xt_np, self.multiple)
            cells = self.lattice.indices(xc_np, grid, mask_np)
            z = self.encoder(yc, context_mask, cells, grid.count)
        else:
            grid = covering_grid([xc_np, xt_np], [mask_np, None], self.ppu, 0.1, self.multiple)
        positions = torch.from_numpy(grid.positions(m)).to(xc.dtype)
        if self.lattice is None:
            z = self.encoder(xc, yc, context_mask, positions)
        if self.fixed_inputs is not None:
            z = z + self.fixed_inputs(positions, keep)   # CNN(ẽ(D) + t)
        z = getattr(self, self.backbone_name)(z, grid, keep)
        if self.lattice is not None:
            rows = torch.from_numpy(self.lattice.indices(xt_np, grid)).long()           # [m, nt]
            features = torch.gather(z, 1, rows[..., None].expand(-1, -1, z.shape[-1]))
        else:
            features = self.decoder(z, positions, xt)
        return self.head(features)
