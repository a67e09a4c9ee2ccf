"""Pseudo-token TNPs (the Swift `PseudoTokenTNP`), induced-set-transformer style, any input dimension.

* PT-TNP: tokens as the TNP's (context MLP([x, y, 1]), targets MLP([x, 0, 0])), M learned pseudo-tokens,
  standard attention.
* PT-TNP (T): TE attention; pseudo-locations v = learned offsets + the mean of each task's context inputs.
* PT-TNP (T̃): fixed inputs t(v) (raw positions / input_scale, MLP, zero outside the box) added to the initial
  pseudo-tokens.

Per layer: u ← block_c→u(u ← z_c); z_c ← block_u→c(z_c ← u) (not in the last layer: it cannot reach the
targets); z_t ← block_u→t(z_t ← u). Names as the Swift store: tokens.*, target_token, pseudo_tokens,
pseudo_locations, fixed_inputs.*, layer{i}.{context_to_pseudo,pseudo_to_context,pseudo_to_targets}.*, head.mlp.*.
Padded batches: `context_mask` [m, nc] (1 real, 0 padding) masks padded context points as keys of the pseudo-tokens'
attention (the only place where context tokens are keys) and out of the context mean.
"""
import torch
import torch.nn as nn

from .fixed_inputs import FixedInputs, keep_mask
from .layers import MLP, GaussianHead
from .tnp import AttentionBlock


def context_mean(xc, context_mask=None):
    """Mean of each task's real context inputs, [m, 1, dx] (accumulated in float64, as the Swift code)."""
    if context_mask is None:
        return xc.double().mean(dim=1, keepdim=True).to(xc.dtype)
    w = context_mask.double()[..., None]
    return ((xc.double() * w).sum(dim=1, keepdim=True) / w.sum(dim=1, keepdim=True)).to(xc.dtype)


class PseudoTokenTNP(nn.Module):
    def __init__(self, *, width, layers, heads, head_width, pseudo_tokens, translation_equivariant, fixed=None, dx=2, dy=1,
                 parameterisation="varianceSoftplus", floor=1e-6):
        super().__init__()
        if fixed and not translation_equivariant:
            raise ValueError("fixed inputs sit at pseudo-locations, which only the PT-TNP (T) has")
        self.te = translation_equivariant
        self.tokens = MLP([dy if self.te else dx + dy + 1, width, width, width])
        if self.te:
            self.target_token = nn.Parameter(torch.randn(width))
        self.pseudo_tokens = nn.Parameter(torch.randn(pseudo_tokens, width))
        if self.te:
            self.pseudo_locations = nn.Parameter(torch.randn(pseudo_tokens, dx))
        self.fixed_inputs = FixedInputs(**fixed) if fixed else None
        for i in range(layers):
            self.add_module(f"layer{i}", nn.ModuleDict({name: AttentionBlock(width, heads, head_width, self.te, dx)
                                                        for name in ("context_to_pseudo", "pseudo_to_context", "pseudo_to_targets")}))
        self.layers = layers
        self.head = GaussianHead(width, width, dy, parameterisation, floor)

    def block(self, i, name):
        return getattr(self, f"layer{i}")[name]

    def forward(self, xc, yc, xt, fixed_inputs="on", context_mask=None):
        m, nt = xt.shape[0], xt.shape[1]
        if self.te:
            zc = self.tokens(yc)
            zt = self.target_token.expand(m, nt, -1)
        else:
            zc = self.tokens(torch.cat([xc, yc, torch.ones_like(yc[..., :1])], dim=-1))
            zt = self.tokens(torch.cat([xt, torch.zeros(m, nt, yc.shape[-1] + 1, dtype=xt.dtype)], dim=-1))
        zq = self.pseudo_tokens.expand(m, -1, -1)
        xq = self.pseudo_locations + context_mean(xc, context_mask) if self.te else None
        if self.fixed_inputs is not None:
            zq = zq + self.fixed_inputs(xq, keep_mask(fixed_inputs, m, xc.dtype))
        xc_, xt_ = (xc, xt) if self.te else (None, None)
        for i in range(self.layers):
            zq = self.block(i, "context_to_pseudo")(zq, keys=zc, xq=xq, xk=xc_, key_mask=context_mask)
            if i < self.layers - 1:
                zc = self.block(i, "pseudo_to_context")(zc, keys=zq, xq=xc_, xk=xq)
            zt = self.block(i, "pseudo_to_targets")(zt, keys=zq, xq=xt_, xk=xq)
        return self.head(zt)
