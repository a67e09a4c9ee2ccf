"""Building blocks whose parameter names match the Swift `ParameterStore` names.

* `MLP` is a ModuleList of `nn.Linear` named `0, 1, …` (ReLU between layers, none after the last), so its
  parameters are `<scope>.0.weight`, `<scope>.0.bias`, … with weights `[out, in]`, as in the Swift `MLP`.
* `ChannelsLastConv1d` keeps the weight in OUR layout `[k, cin, cout]` (the Swift `Conv`: `[k…, cin/groups,
  cout]`, channels last) so the checkpoint loads unchanged; it permutes to PyTorch's `[cout, cin, k]` in the
  forward pass, and takes and returns channels-last grids `[m, g, c]`.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.ModuleList):
    """Linear → ReLU → … → Linear; `widths` = [input, hidden…, output]."""

    def __init__(self, widths):
        super().__init__([nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:])])

    def forward(self, x, relu_pattern=None):
        """`relu_pattern`: one 0/1 tensor per hidden layer, shaped as its output, used in place of the ReLUs (the
        linear map of that activation region; `twin.tnp.ReluPatterns`)."""
        if relu_pattern is not None and len(relu_pattern) != len(self) - 1:
            raise ValueError(f"a ReLU pattern of {len(relu_pattern)} hidden layers for an MLP with {len(self) - 1}")
        for i, layer in enumerate(self):
            x = layer(x)
            if i < len(self) - 1:
                if relu_pattern is None:
                    x = F.relu(x)
                elif relu_pattern[i].shape != x.shape:
                    raise ValueError(f"recorded pattern {tuple(relu_pattern[i].shape)} for activations {tuple(x.shape)}")
                else:
                    x = x * relu_pattern[i].to(x.dtype)
        return x


class ChannelsLastConv1d(nn.Module):
    """Stride-1 'same' cross-correlation with bias over [m, g, c]; weight stored [k, cin, cout] (our layout).

    Padding (k − 1) // 2 before and the rest after, as the Swift `ConvGeometry.padBefore`.
    `symmetric=True` uses ½(w + flip(w)) along the kernel axis (the EquivCNP's reflection-symmetric kernels).
    """

    def __init__(self, kernel, cin, cout, symmetric=False):
        super().__init__()
        if symmetric and kernel % 2 == 0:
            raise ValueError("symmetric convolutions need an odd kernel")
        self.weight = nn.Parameter(torch.zeros(kernel, cin, cout))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.symmetric = symmetric

    def torch_weight(self):
        w = self.weight
        if self.symmetric:
            w = 0.5 * (w + torch.flip(w, dims=[0]))
        return w.permute(2, 1, 0)   # [k, cin, cout] → [cout, cin, k]

    def forward(self, h):
        k = self.weight.shape[0]
        before = (k - 1) // 2
        x = F.pad(h.transpose(1, 2), (before, k - 1 - before))   # [m, c, g + k − 1]
        return F.conv1d(x, self.torch_weight(), self.bias).transpose(1, 2)


def rbf_weights(d2, log_lengthscale):
    """exp(−d² / (2ℓ²)); exponents below −80 give exactly 0 (the Swift `rbfWeights`, no denormals)."""
    ell = torch.exp(log_lengthscale)
    e = d2 * (-1.0 / (2.0 * ell * ell))
    keep = (e >= -80.0).to(d2.dtype)
    return torch.exp(e.clamp_min(-80.0)) * keep


def pairwise_squared_distances(a, b):
    """a [m, n, d], b [m, k, d] → [m, n, k], computed directly (equal points give exactly 0)."""
    return ((a[:, :, None, :] - b[:, None, :, :]) ** 2).sum(-1)


class GaussianHead(nn.Module):
    """MLP with two hidden layers → mean and raw scale (the Swift `GaussianHead`); returns (mean, variance) with
    σ² = softplus(raw) + floor ("varianceSoftplus") or σ = softplus(raw) + floor ("standardDeviationSoftplus",
    the smoke experiment's head); floor = `HeadSpec.floor`, 1e-6 by default."""

    def __init__(self, inputs, hidden, dy=1, parameterisation="varianceSoftplus", floor=1e-6):
        super().__init__()
        self.floor = float(np.float32(floor))
        if parameterisation not in ("varianceSoftplus", "standardDeviationSoftplus"):
            raise ValueError(f"unknown scale parameterisation {parameterisation!r}")
        self.mlp = MLP([inputs, hidden, hidden, 2 * dy])
        self.dy = dy
        self.std_head = parameterisation == "standardDeviationSoftplus"

    def forward(self, features):
        out = self.mlp(features)
        mean, raw = out[..., : self.dy], out[..., self.dy:]
        scale = F.softplus(raw) + self.floor
        return mean, scale * scale if self.std_head else scale


def gaussian_nll(mean, variance, y, target_mask=None):
    """Minus the mean over every real target (target_mask [m, nt]: 1 real, 0 padding) and output of
    log N(y; mean, variance) (our training loss, the Swift `NeuralProcess.loss`)."""
    half_log_2pi = 0.5 * torch.log(torch.tensor(2 * torch.pi, dtype=y.dtype))
    ll = -half_log_2pi - 0.5 * torch.log(variance) - (y - mean) ** 2 / (2 * variance)
    if target_mask is None:
        return -ll.mean()
    mask = target_mask.to(ll.dtype)[..., None]
    return -(ll * mask).sum() / (mask.sum() * ll.shape[-1])
