"""Symmetry tests of the PyTorch twin itself (needs torch): the twin must have the symmetries the paper
claims for each model, independently of our Swift code.

    .venv-peer/bin/python Tools/peer/test_twin.py [--runs results/gibbs1d/quick] [--fresh outputs/peer/fresh-quick]

For every model kind (one committed run each, with its trained weights), on a batch drawn here:
context-permutation invariance (all); translation equivariance for shifts on the grid lattice (the (T) models,
and the approximately equivariant ones with fixed inputs off or outside the domain box); reflection
equivariance (EquivCNPs); and measurable non-equivariance of the TNP and of approximately equivariant models
with fixed inputs on.

With --fresh DIR (folders written by `peer-export --fresh`, 2-D and 4-D models with padded batches), on the
folder's own `id` batch: context-permutation invariance (masks permuted with the points), padding invariance
(extra masked context points change nothing), translation equivariance of the (T)/(E) models and equivariant
components (whole pixels on the lattice, whole grid steps on the SetConv path, any shift for the PT-TNP (T)),
broken with fixed inputs on and for the plain PT-TNP, and the 8 lattice symmetries of the square (90° rotations,
reflections) for the EquivCNPs (on the pixel lattice one task at a time, so that its pixel box is the grid).
Prints `N passed, M failed`.
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from safetensors.numpy import load_file  # noqa: E402

from peer_files import run_dirs  # noqa: E402
from twin import load_run  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-4   # relative, float32
BROKEN = 1e-3      # a symmetry counts as broken above this


def batch(seed, centre=0.0):
    g = torch.Generator().manual_seed(seed)
    xc = torch.rand(4, 20, 1, generator=g) * 4 - 2 + centre
    xt = torch.rand(4, 30, 1, generator=g) * 6 - 3 + centre
    return xc, torch.randn(4, 20, 1, generator=g), xt


def rel(a, b):
    return float((a - b).abs().max() / b.abs().max())


def predict(model, xc, yc, xt, switch):
    with torch.no_grad():
        mean, var = model(xc, yc, xt, fixed_inputs=switch)
    return torch.cat([mean, var], dim=-1)


def lattice_shift(spec):
    """A shift that moves the SetConv grid by whole points (5 / ppu), or any shift for the TNPs."""
    return 5.0 / spec.convcnp["pointsPerUnit"] if not spec.kind.startswith("tnp") else 0.37


def tests_for(spec, model):
    kind = spec.kind
    approx = spec.resolved_fixed_input_count > 0
    xc, yc, xt = batch(1)
    out = []

    def permutation():
        p = torch.randperm(xc.shape[1], generator=torch.Generator().manual_seed(2))
        for sw in ("on", "off"):
            d = rel(predict(model, xc[:, p], yc[:, p], xt, sw), predict(model, xc, yc, xt, sw))
            assert d < TOLERANCE, f"context permutation changes the prediction by {d:.1e} (fixed inputs {sw})"
    out.append(("context-permutation invariance", permutation))

    s = lattice_shift(spec)
    if kind != "tnp":
        def translation_off():
            d = rel(predict(model, xc + s, yc, xt + s, "off"), predict(model, xc, yc, xt, "off"))
            assert d < TOLERANCE, f"shift by {s} changes the prediction by {d:.1e} (fixed inputs off)"
        out.append(("translation equivariance, fixed inputs off", translation_off))

        def translation_outside_box():
            oc, _, ot = batch(3, centre=20.0)
            d = rel(predict(model, oc + s, yc, ot + s, "on"), predict(model, oc, yc, ot, "on"))
            assert d < TOLERANCE, f"outside the domain box a shift changes the prediction by {d:.1e}"
        out.append(("translation equivariance outside the domain box, fixed inputs on", translation_outside_box))

    if kind == "tnp" or approx:
        def broken():
            d = rel(predict(model, xc + s, yc, xt + s, "on"), predict(model, xc, yc, xt, "on"))
            assert d > BROKEN, f"a shift changes the prediction by only {d:.1e}; expected a non-equivariant model"
        out.append(("not translation equivariant (fixed inputs on / plain TNP)", broken))

    if kind.startswith("equivcnp"):
        def reflection():
            d = rel(predict(model, -xc, yc, -xt, "off"), predict(model, xc, yc, xt, "off"))
            assert d < TOLERANCE, f"reflection changes the prediction by {d:.1e} (fixed inputs off)"
        out.append(("reflection equivariance, fixed inputs off", reflection))
    return out


def fresh_tests(spec, model, batch):
    """Symmetry tests of a 2-D/4-D twin on its peer-export batch (padded, with a context mask)."""
    xc, yc, xt = (torch.from_numpy(batch[f"id.{n}"]) for n in ("xc", "yc", "xt"))
    mask = torch.from_numpy(batch["id.context_mask"])
    approx = spec.resolved_fixed_input_count > 0
    gridded = spec.pixel_lattice is not None
    out = []

    def run(xc_, yc_, xt_, mask_, sw):
        with torch.no_grad():
            mean, var = model(xc_, yc_, xt_, fixed_inputs=sw, context_mask=mask_)
        return torch.cat([mean, var], dim=-1)

    def permutation():
        p = torch.randperm(xc.shape[1], generator=torch.Generator().manual_seed(2))
        for sw in ("on", "off"):
            d = rel(run(xc[:, p], yc[:, p], xt, mask[:, p], sw), run(xc, yc, xt, mask, sw))
            assert d < TOLERANCE, f"permuting the context (with its mask) changes the prediction by {d:.1e} (fixed inputs {sw})"
    out.append(("context-permutation invariance", permutation))

    def padding():
        extra = 7   # masked points repeating the first context point, with other outputs
        xc2 = torch.cat([xc, xc[:, :1].expand(-1, extra, -1)], dim=1)
        yc2 = torch.cat([yc, torch.full_like(yc[:, :extra], 3.0)], dim=1)
        mask2 = torch.cat([mask, torch.zeros(mask.shape[0], extra)], dim=1)
        for sw in ("on", "off"):
            d = rel(run(xc2, yc2, xt, mask2, sw), run(xc, yc, xt, mask, sw))
            assert d < TOLERANCE, f"masked context points change the prediction by {d:.1e} (fixed inputs {sw})"
    out.append(("padding invariance (masked context points)", padding))

    dx = xc.shape[-1]
    if gridded:
        # `steps` pixels along every axis, positions recomputed from the pixels (exactly the lattice's).
        ppu = np.float32(spec.pixel_lattice["pointsPerUnit"]).astype(np.float64)
        off = np.array(spec.pixel_lattice["offset"])

        def shift(x, steps=3):
            k = np.round(x.numpy().astype(np.float64) * ppu - off) + steps
            return torch.from_numpy(((k + off) / ppu).astype(np.float32))
    else:
        unit = 1.0 / spec.grid_cnn["pointsPerUnit"] if spec.grid_cnn else 0.125   # a grid step; any shift for PT-TNPs

        def shift(x, steps=3):
            return x + steps * unit
    if spec.kind != "pt-tnp":
        def translation_off():
            d = rel(run(shift(xc), yc, shift(xt), mask, "off"), run(xc, yc, xt, mask, "off"))
            assert d < TOLERANCE, f"a lattice shift changes the prediction by {d:.1e} (fixed inputs off)"
        out.append(("translation equivariance, fixed inputs off", translation_off))
    if spec.kind == "pt-tnp" or approx:
        def broken():   # 16 steps (2 units off the grid, 0.43 on the pixel lattice): still inside the domain box
            d = rel(run(shift(xc, 16), yc, shift(xt, 16), mask, "on"), run(xc, yc, xt, mask, "on"))
            assert d > BROKEN, f"a shift changes the prediction by only {d:.1e}; expected a non-equivariant model"
        out.append(("not translation equivariant (fixed inputs on / plain PT-TNP)", broken))

    if spec.kind.startswith("equivcnp") and dx == 2:
        def lattice_symmetries():
            if gridded:   # one task at a time, real points only: its pixel box is then the whole grid
                tasks = []
                for t in range(xc.shape[0]):
                    nc = int(mask[t].sum())
                    tasks.append((xc[t:t + 1, :nc], yc[t:t + 1, :nc], xt[t:t + 1]))
            else:
                tasks = [(xc, yc, xt)]
            worst = 0.0
            for a, y, b in tasks:
                m = None if gridded else mask
                base = run(a, y, b, m, "off")
                for name, g in (("rot90", lambda x: torch.stack([-x[..., 1], x[..., 0]], -1)),
                                ("rot180", lambda x: -x), ("flip", lambda x: torch.stack([-x[..., 0], x[..., 1]], -1)),
                                ("transpose", lambda x: x.flip(-1))):
                    worst = max(worst, rel(run(g(a), y, g(b), m, "off"), base))
            assert worst < TOLERANCE, f"a symmetry of the square changes the prediction by {worst:.1e} (fixed inputs off)"
        out.append(("90° rotations and reflections (D4 ⊂ D8), fixed inputs off", lattice_symmetries))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", default=str(ROOT / "results/gibbs1d/quick"), help="1-D runs ('none' to skip)")
    p.add_argument("--fresh", help="folders written by peer-export --fresh (config, checkpoint and peer batch each)")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    seen, passed, failed = set(), 0, 0
    cases = []
    for run in ([] if a.runs == "none" else run_dirs(a.runs)):
        spec, model = load_run(run)
        if spec.kind not in seen:
            seen.add(spec.kind)
            cases.append((run, tests_for(spec, model)))
    for run in (run_dirs(a.fresh) if a.fresh else []):
        spec, model = load_run(run)
        cases.append((run, fresh_tests(spec, model, load_file(str(run / "peer-batch.safetensors")))))
    for run, tests in cases:
        for name, fn in tests:
            try:
                fn()
                passed += 1
                print(f"ok   {run.name}: {name}")
            except AssertionError as e:
                failed += 1
                print(f"FAIL {run.name}: {name}: {e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
