"""Symmetry tests of the PyTorch twin itself (needs torch): the twin must have the symmetries the paper
claims for each model, independently of our Swift code.

    .venv-peer/bin/python Tools/peer/test_twin.py [--runs results/gibbs1d/quick]

For every model kind (one committed run each, with its trained weights), on a batch drawn here:
context-permutation invariance (all); translation equivariance for shifts on the grid lattice (the (T) models,
and the approximately equivariant ones with fixed inputs off or outside the domain box); reflection
equivariance (EquivCNPs); and measurable non-equivariance of the TNP and of approximately equivariant models
with fixed inputs on. Prints `N passed, M failed`.
"""
import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
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


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", default=str(ROOT / "results/gibbs1d/quick"))
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    seen, passed, failed = set(), 0, 0
    for run in run_dirs(a.runs):
        spec, model = load_run(run)
        if spec.kind in seen:
            continue
        seen.add(spec.kind)
        for name, fn in tests_for(spec, model):
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
