"""Transformer neural processes (the Swift `TNP`, `AttentionBlock`, `MultiHeadAttention`).

* TNP: context tokens MLP([x, y, 1]), target tokens MLP([x, 0, 0]) (one MLP), standard attention.
* TNP (T) = TE-TNP: context tokens MLP(y), one learned target token, TE attention whose logits are an MLP of
  [x_q − x_k, q·k/√dh per head] for every query–key pair.
* TNP (T̃): TE-TNP with fixed inputs t(x_c) (Fourier features + MLP) added to the context tokens.

Per layer: z_c ← block(z_c) (self-attention), then z_t ← block(z_t ← z_c) with the SAME block (shared weights).
Names: tokens.{0,1,2}, target_token, fixed_inputs.*, layer{i}.{norm1,norm2,ff.{0,1,2}},
layer{i}.attention.{q,k,v} (no bias), .out, .logits.{0,1,2} (TE only), head.mlp.{0,1,2}.
"""
import torch
import torch.nn as nn

from .fixed_inputs import FixedInputs, keep_mask
from .layers import MLP, GaussianHead


class ReluPatterns:
    """While active (`with ReluPatterns(calls):`), every TE logit MLP takes its ReLU pattern from `calls` (one entry
    per call, in call order: a list of 0/1 tensors [m, nq, nk, width], one per hidden layer) instead of the sign of
    its own pre-activations: the MLP is then the linear map of that activation region, evaluated in whatever
    precision the model runs in. The check evaluates the float64 twin at the pattern of our float32 forward pass,
    which takes out of the gradient comparison the side of a ReLU kink each float32 pass happened to land on."""

    active = None

    def __init__(self, calls):
        self.calls = list(calls)
        self.used = 0

    def __enter__(self):
        ReluPatterns.active = self
        return self

    def __exit__(self, *exc):
        ReluPatterns.active = None

    def next(self):
        """The next call's pattern."""
        if self.used >= len(self.calls):
            raise ValueError(f"more TE logit MLP calls than the {len(self.calls)} recorded ReLU patterns")
        self.used += 1
        return self.calls[self.used - 1]


class MultiHeadAttention(nn.Module):
    def __init__(self, width, heads, head_width, translation_equivariant, dx, te_hidden):
        super().__init__()
        self.heads, self.head_width = heads, head_width
        self.q = nn.Linear(width, heads * head_width, bias=False)
        self.k = nn.Linear(width, heads * head_width, bias=False)
        self.v = nn.Linear(width, heads * head_width, bias=False)
        self.out = nn.Linear(heads * head_width, width)
        self.logits = MLP([dx + heads, te_hidden, te_hidden, heads]) if translation_equivariant else None

    def split_heads(self, x):
        m, n, _ = x.shape
        return x.reshape(m, n, self.heads, self.head_width).permute(0, 2, 1, 3)   # [m, H, n, dh]

    def forward(self, queries, keys, xq=None, xk=None, key_mask=None):
        """key_mask [m, nk]: keys with 0 (padding) get zero attention weight (−10³⁰ added to their logits)."""
        m, nq, _ = queries.shape
        q, k, v = self.split_heads(self.q(queries)), self.split_heads(self.k(keys)), self.split_heads(self.v(keys))
        scale = 1.0 / float(self.head_width) ** 0.5
        dots = (q @ k.transpose(-1, -2)) * scale                       # [m, H, nq, nk]
        if self.logits is not None:
            diff = xq[:, :, None, :] - xk[:, None, :, :]                # [m, nq, nk, dx]
            pair = torch.cat([diff, dots.permute(0, 2, 3, 1)], dim=-1)  # [m, nq, nk, dx + H]
            pattern = ReluPatterns.active.next() if ReluPatterns.active is not None else None
            dots = self.logits(pair, relu_pattern=pattern).permute(0, 3, 1, 2)   # [m, H, nq, nk]
        if key_mask is not None:
            dots = dots + torch.where(key_mask == 0, -1e30, 0.0).to(dots.dtype)[:, None, None, :]
        attn = torch.softmax(dots, dim=-1)
        merged = (attn @ v).permute(0, 2, 1, 3).reshape(m, nq, self.heads * self.head_width)
        return self.out(merged)


class AttentionBlock(nn.Module):
    """Pre-norm residual block: z ← z + MHA(LN₁(z) ← LN₁(keys)); z ← z + FF(LN₂(z)); FF = MLP [d, d, d, d]."""

    def __init__(self, width, heads, head_width, translation_equivariant, dx):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=1e-5)
        self.norm2 = nn.LayerNorm(width, eps=1e-5)
        self.attention = MultiHeadAttention(width, heads, head_width, translation_equivariant, dx, te_hidden=width)
        self.ff = MLP([width, width, width, width])

    def forward(self, z, keys=None, xq=None, xk=None, key_mask=None):
        q = self.norm1(z)
        k = self.norm1(keys) if keys is not None else q
        h = z + self.attention(q, k, xq, xk if xk is not None else xq, key_mask)
        return h + self.ff(self.norm2(h))


class TNP(nn.Module):
    def __init__(self, *, width, layers, heads, head_width, translation_equivariant, fixed=None, dx=1, dy=1):
        super().__init__()
        if fixed and not translation_equivariant:
            raise ValueError("fixed inputs are added to the TE-TNP only")
        self.te = translation_equivariant
        self.tokens = MLP([dy if self.te else dx + dy + 1, width, width, width])
        if self.te:
            self.target_token = nn.Parameter(torch.zeros(width))
        self.fixed_inputs = FixedInputs(**fixed) if fixed else None
        for i in range(layers):
            self.add_module(f"layer{i}", AttentionBlock(width, heads, head_width, self.te, dx))
        self.layers = layers
        self.head = GaussianHead(width, width, dy)

    def forward(self, xc, yc, xt, fixed_inputs="on"):
        m, nt = xt.shape[0], xt.shape[1]
        if self.te:
            zc = self.tokens(yc)
            zt = self.target_token.expand(m, nt, -1)
        else:
            zc = self.tokens(torch.cat([xc, yc, torch.ones_like(yc[..., :1])], dim=-1))
            zt = self.tokens(torch.cat([xt, torch.zeros(m, nt, yc.shape[-1] + 1, dtype=xt.dtype)], dim=-1))
        if self.fixed_inputs is not None:
            zc = zc + self.fixed_inputs(xc, keep_mask(fixed_inputs, m, xc.dtype))
        for i in range(self.layers):
            block = getattr(self, f"layer{i}")
            zc = block(zc, xq=xc if self.te else None)
            zt = block(zt, keys=zc, xq=xt if self.te else None, xk=xc if self.te else None)
        return self.head(zt)
