"""CI test of the files the PyTorch twin reads; needs only numpy and safetensors (no torch).

    python Tools/peer/test_files.py [--runs results/gibbs1d/quick] [--batches DIR] [--peer-export PATH] [--fresh ci|quick|none]

Checks every committed run's checkpoint.safetensors (parameter names and shapes as documented in
Docs/peer-files.md and derived from config.json, float32, AdamW moments beside each parameter, finite values,
the file's byte layout) and a peer-batch.safetensors per run (names, shapes, dtypes, metadata, and numbers:
positive stds, the fixed-input switch a no-op where it must be, the stored loss equal to the Gaussian NLL of
the stored predictions). Without --batches it writes the batches into a temporary folder with peer-export
(default .build/release/peer-export; build it with `swift build -c release --product peer-export`).
With --fresh PRESET (default ci) it also exports a freshly initialised model of every 2-D CNN kind (on-grid and
SetConv paths) and every pseudo-token TNP (2-D and 4-D inputs) with `peer-export --fresh` and checks their
parameters against the documented names and shapes and their padded batches: masks, pixels on the lattice, the
masked loss and head-bias gradient recomputed from the stored predictions, and translation equivariance of the
(T)/(E) models and equivariant components between the two splits (bit-identical on the pixel lattice).
Prints `N passed, M failed` and exits non-zero on any failure.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peer_files import (BATCH_INPUTS, FORMAT_VERSION, GRADIENT_PREFIX, LOSSES, OPTIMISER_PREFIX, PATTERN_PREFIX,  # noqa: E402
                        PREDICTIONS, SPLITS, batch_shapes,
                        expected_parameters, model_object, read_header, resolved_fixed_input_count, run_dirs)

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINT_METADATA = ("step", "adamw.step", "data_rng", "dropout_rng", "log")


def check_layout(path, header):
    """Tensors are contiguous, in offset order, and fill the file exactly after the header."""
    entries = sorted((v["data_offsets"], k) for k, v in header.items() if k != "__metadata__")
    end = 0
    for (start, stop), name in entries:
        assert start == end, f"{path}: {name} starts at {start}, expected {end}"
        n = int(np.prod(header[name]["shape"])) if header[name]["shape"] else 1
        assert stop - start == 4 * n, f"{path}: {name} holds {stop - start} bytes for {n} float32 values"
        end = stop
    with open(path, "rb") as f:
        header_len = int.from_bytes(f.read(8), "little")
    assert os.path.getsize(path) == 8 + header_len + end, f"{path}: file size does not match its header"


def test_checkpoint(run):
    config = json.loads((run / "config.json").read_text())
    path = run / "checkpoint.safetensors"
    header = read_header(path)
    metadata = header.get("__metadata__", {})
    # Finished runs may have dropped the AdamW moments (RunStore.dropOptimiserState); unfinished ones keep them.
    has_state = any(k.startswith(OPTIMISER_PREFIX) for k in header if k != "__metadata__")
    if not has_state:
        assert (run / "DONE").exists(), f"{path}: an unfinished run's checkpoint lacks its optimiser state"
    for key in CHECKPOINT_METADATA:
        if key == "adamw.step" and not has_state:
            continue
        assert key in metadata, f"{path}: metadata lacks {key!r}"
    assert int(metadata["step"]) == config["schedule"]["steps"], f"{path}: step {metadata['step']} != schedule"
    expected = expected_parameters(config)
    names = {k for k in header if k != "__metadata__"}
    params = {k for k in names if not k.startswith(OPTIMISER_PREFIX)}
    assert params == set(expected), (f"{path}: parameters differ from the documented ones: missing "
                                     f"{sorted(set(expected) - params)}, unexpected {sorted(params - set(expected))}")
    moments = {f"{OPTIMISER_PREFIX}{m}.{k}" for m in ("m", "v") for k in expected} if has_state else set()
    assert names - params == moments, f"{path}: AdamW moments do not match the parameters"
    for name in names:
        shape = expected[name.split(".", 2)[2] if name.startswith(OPTIMISER_PREFIX) else name]
        assert header[name]["shape"] == shape, f"{path}: {name} has shape {header[name]['shape']}, documented {shape}"
        assert header[name]["dtype"] == "F32", f"{path}: {name} is {header[name]['dtype']}, expected F32"
    check_layout(path, header)
    values = load_file(str(path))
    bad = [k for k, v in values.items() if not np.all(np.isfinite(v))]
    assert not bad, f"{path}: non-finite values in {bad}"
    if has_state:
        assert np.all(values["adamw.v." + next(iter(expected))] >= 0), f"{path}: negative second moment"


def masked_mean(values, b, split):
    """Mean over real targets (all of them without a target mask) and output dimensions."""
    if f"{split}.target_mask" not in b:
        return float(np.mean(values))
    mask = b[f"{split}.target_mask"].astype(np.float64)[..., None]
    return float(np.sum(values * mask) / (np.sum(mask) * values.shape[-1]))


def check_batch_names(batch_path, header, config):
    """Exactly the documented tensor names, with their shapes, all float32, laid out contiguously."""
    shapes = batch_shapes(header, config)
    names = {k for k in header if k != "__metadata__"}
    assert names == set(shapes), f"{batch_path}: names differ: {sorted(names ^ set(shapes))}"
    for name, shape in shapes.items():
        assert header[name]["shape"] == shape, f"{batch_path}: {name} shape {header[name]['shape']}, expected {shape}"
        assert header[name]["dtype"] == "F32", f"{batch_path}: {name} is {header[name]['dtype']}"
    check_layout(batch_path, header)


def check_relu_patterns(batch_path, b):
    """The TE models' ReLU patterns hold 0 and 1 only, and some of each (a unit that never or always passes would
    make the pinned gradient check vacuous for it)."""
    for name, pattern in b.items():
        if name.startswith(PATTERN_PREFIX):
            values = set(np.unique(pattern).tolist())
            assert values == {0.0, 1.0}, f"{batch_path}: {name} holds {sorted(values)[:5]}, not both 0 and 1"


def gaussian_nll(mean, std, y, b=None, split=None):
    var = std.astype(np.float64) ** 2
    nll = 0.5 * np.log(2 * np.pi) + 0.5 * np.log(var) + (y - mean) ** 2 / (2 * var)
    return masked_mean(nll, b, split) if b is not None else float(np.mean(nll))


def check_head_bias_gradient(batch_path, b, floor=1e-6, std_head=False):
    """The head's last bias moves every mean (entry 0) or every raw scale (entry 1) of the batch at once, so its
    gradient follows from the stored predictions alone (means over real targets): with r = y − μ and
    s = softplus(raw) + floor the variance (σ² head) or the std (σ head), sigmoid(raw) = 1 − e^(−(s − floor)),
    ∂loss/∂b₀ = −mean(r / σ²), ∂loss/∂b₁ = mean((1/(2s) − r²/(2s²)) · sigmoid(raw)) for the σ² head and
    mean((1/s − r²/s³) · sigmoid(raw)) for the σ head."""
    r = b["id.yt"].astype(np.float64) - b["id.mean_on"]
    std = b["id.std_on"].astype(np.float64)
    v = std ** 2
    s = std if std_head else v
    d_scale = (1 / s - r * r / s ** 3) if std_head else (0.5 / v - r * r / (2 * v * v))
    dy = r.shape[-1]
    expected = np.concatenate([[-masked_mean((r / v)[..., [j]], b, "id") / dy for j in range(dy)],
                               [masked_mean((d_scale * (1 - np.exp(-(s - floor))))[..., [j]], b, "id") / dy for j in range(dy)]])
    stored = b[GRADIENT_PREFIX + "head.mlp.2.bias"].astype(np.float64)
    scale = max(np.max(np.abs(stored)), 1e-6)
    assert np.allclose(stored, expected, rtol=0, atol=1e-4 * scale), \
        f"{batch_path}: head bias gradient {stored.tolist()}, expected {expected} from the stored predictions"


def test_batch(run, batch_path):
    assert batch_path.is_file(), f"{batch_path} is missing"
    config = json.loads((run / "config.json").read_text())
    header = read_header(batch_path)
    md = header.get("__metadata__", {})
    assert md.get("format") == "peer-batch" and md.get("version") == FORMAT_VERSION and md.get("data") == "gibbs1d", \
        f"{batch_path}: metadata {md}"
    assert md.get("run") == run.name and md.get("model") == config["model"]["kind"], f"{batch_path}: metadata {md}"
    assert md.get("splits") == ",".join(SPLITS), f"{batch_path}: splits {md.get('splits')}"
    check_batch_names(batch_path, header, config)
    b = load_file(str(batch_path))
    check_relu_patterns(batch_path, b)
    data = config["data"]
    approximate = resolved_fixed_input_count(config["model"]) > 0
    for s in SPLITS:
        m, nc, _ = b[f"{s}.xc"].shape
        assert m == int(md["tasks"]) and b[f"{s}.xt"].shape[1] == data["targetCount"], f"{batch_path}: {s} sizes"
        assert data["contextCount"][0] <= nc <= data["contextCount"][1], f"{batch_path}: {s} has {nc} context points"
        lo, hi = (-7, 7) if s == "id" else (13, 27)   # centre ranges of the two splits
        half = data["targetHalfWidth"]
        assert lo - half <= b[f"{s}.xt"].min() and b[f"{s}.xt"].max() <= hi + half, f"{batch_path}: {s} targets out of range"
        for n in list(BATCH_INPUTS) + list(PREDICTIONS) + list(LOSSES):
            assert np.all(np.isfinite(b[f"{s}.{n}"])), f"{batch_path}: {s}.{n} not finite"
    gradients = {k: v for k, v in b.items() if k.startswith(GRADIENT_PREFIX)}
    assert all(np.all(np.isfinite(g)) for g in gradients.values()), f"{batch_path}: non-finite gradient"
    assert sum(float(np.abs(g).sum()) for g in gradients.values()) > 0, f"{batch_path}: every gradient is zero"
    check_head_bias_gradient(batch_path, b)
    for s in SPLITS:
        assert np.all(b[f"{s}.std_on"] > 0) and np.all(b[f"{s}.std_off"] > 0), f"{batch_path}: non-positive std"
        for w in ("on", "off"):
            nll = gaussian_nll(b[f"{s}.mean_{w}"], b[f"{s}.std_{w}"], b[f"{s}.yt"])
            stored = float(b[f"{s}.loss_{w}"][0])
            assert abs(nll - stored) <= 1e-4 * max(1.0, abs(stored)), f"{batch_path}: {s} loss {stored} vs NLL {nll}"
        # Fixed inputs are zero outside (−7, 7): out of distribution the switch changes nothing; so for models
        # without fixed inputs anywhere. In distribution it must change an approximately equivariant model.
        same = np.array_equal(b[f"{s}.mean_on"], b[f"{s}.mean_off"]) and np.array_equal(b[f"{s}.std_on"], b[f"{s}.std_off"])
        if s == "ood" or not approximate:
            assert same, f"{batch_path}: {s} predictions differ between fixed inputs on and off"
        else:
            assert not same, f"{batch_path}: {s} fixed inputs on and off give identical predictions"


def test_fresh_checkpoint(run):
    """A fresh model's checkpoint: exactly the documented parameters (names, shapes, float32), finite, laid out."""
    config = json.loads((run / "config.json").read_text())
    path = run / "checkpoint.safetensors"
    header = read_header(path)
    expected = expected_parameters(config)
    names = {k for k in header if k != "__metadata__"}
    assert names == set(expected), (f"{path}: parameters differ from the documented ones: missing "
                                    f"{sorted(set(expected) - names)}, unexpected {sorted(names - set(expected))}")
    for name, shape in expected.items():
        assert header[name]["shape"] == shape, f"{path}: {name} has shape {header[name]['shape']}, documented {shape}"
        assert header[name]["dtype"] == "F32", f"{path}: {name} is {header[name]['dtype']}"
    check_layout(path, header)
    assert all(np.all(np.isfinite(v)) for v in load_file(str(path)).values()), f"{path}: non-finite parameter"


def relative(a, b):
    return float(np.max(np.abs(a.astype(np.float64) - b)) / max(np.max(np.abs(a)), 1e-30))


def test_fresh_batch(run, batch_path):
    """A padded batch of a 2-D/4-D model (`peer-export --fresh`): names, shapes, dtypes, metadata, masks, the
    data's own rules, and numbers recomputed from the stored tensors."""
    config = json.loads((run / "config.json").read_text())
    model = model_object(config)
    header = read_header(batch_path)
    md = header.get("__metadata__", {})
    data = "gridded" if model.get("pixelLattice") else "stations" if model.get("gridCNN") else "points"
    scale = model.get("scaleParameterisation", "varianceSoftplus")
    assert (md.get("format"), md.get("version"), md.get("run"), md.get("model"), md.get("data"), md.get("scale")) == \
        ("peer-batch", FORMAT_VERSION, run.name, model["kind"], data, scale), f"{batch_path}: metadata {md}"
    check_batch_names(batch_path, header, config)
    b = load_file(str(batch_path))
    check_relu_patterns(batch_path, b)
    dx = model.get("inputDimension", 1)
    assert b["id.xc"].shape[2] == dx and int(md["tasks"]) == b["id.xc"].shape[0], f"{batch_path}: dx or task count"
    for s in SPLITS:
        for mask_name, n in (("context_mask", "xc"), ("target_mask", "xt")):
            key = f"{s}.{mask_name}"
            assert key in b, f"{batch_path}: {key} missing (tasks of unequal sizes must be padded)"
            mask = b[key]
            assert set(np.unique(mask)) <= {0.0, 1.0} and np.all(mask[:, 0] == 1), f"{batch_path}: {key} is not 0/1 with a real first point"
            counts = mask.sum(1).astype(int)
            assert np.all(mask == (np.arange(mask.shape[1])[None, :] < counts[:, None])), f"{batch_path}: {key}: real points are not first"
            assert len(set(counts)) > 1, f"{batch_path}: {key}: every task has the same size (no padding tested)"
            assert np.all(b[f"{s}.{n}"] == np.take_along_axis(b[f"{s}.{n}"], np.minimum(np.arange(mask.shape[1])[None, :], counts[:, None] - 1)[..., None], 1)), \
                f"{batch_path}: {s}.{n}: padded entries do not repeat the last real point"
        for n in list(BATCH_INPUTS) + list(PREDICTIONS) + list(LOSSES):
            assert np.all(np.isfinite(b[f"{s}.{n}"])), f"{batch_path}: {s}.{n} not finite"
        assert np.all(b[f"{s}.std_on"] > 0) and np.all(b[f"{s}.std_off"] > 0), f"{batch_path}: non-positive std"
        for w in ("on", "off"):
            nll = gaussian_nll(b[f"{s}.mean_{w}"], b[f"{s}.std_{w}"], b[f"{s}.yt"], b, s)
            stored = float(b[f"{s}.loss_{w}"][0])
            assert abs(nll - stored) <= 1e-4 * max(1.0, abs(stored)), f"{batch_path}: {s} masked loss {stored} vs NLL {nll}"
    if data == "gridded":   # every real point on the pixel lattice, one pixel per point, patches of 32 × 32
        lattice = model["pixelLattice"]
        ppu, offset = np.float64(np.float32(lattice["pointsPerUnit"])), np.array(lattice["offset"])
        for s in SPLITS:
            pixels = []
            for n, key in (("xc", "context_mask"), ("xt", "target_mask")):
                u = b[f"{s}.{n}"].astype(np.float64) * ppu - offset
                assert np.max(np.abs(u - np.round(u))) < 1e-2, f"{batch_path}: {s}.{n} off the pixel lattice"
                pixels.append((np.round(u).astype(int), b[f"{s}.{key}"] != 0))
            for t in range(b["id.xc"].shape[0]):
                real = np.concatenate([p[t][m[t]] for p, m in pixels])
                assert len({tuple(r) for r in real}) == len(real), f"{batch_path}: {s} task {t} repeats a pixel"
                assert np.all(real.max(0) - real.min(0) < 32), f"{batch_path}: {s} task {t} is not within a 32 × 32 patch"
    # The ood split lies outside the fixed-input domain: the switch changes nothing there. In distribution it must
    # change an approximately equivariant model and nothing else.
    approximate = resolved_fixed_input_count(model) > 0
    for w in ("mean", "std"):
        assert np.array_equal(b[f"ood.{w}_on"], b[f"ood.{w}_off"]), f"{batch_path}: ood {w} differs between fixed inputs on and off"
    same = np.array_equal(b["id.mean_on"], b["id.mean_off"]) and np.array_equal(b["id.std_on"], b["id.std_off"])
    assert same != approximate, f"{batch_path}: fixed inputs on and off {'agree' if same else 'differ'} in distribution"
    if "domain" in model:   # a model with fixed inputs (a schema-2 spec records a box only for those)
        lower = np.array(model["domain"]["lower"], dtype=np.float32)
        assert np.all(b["ood.xc"] > np.array(model["domain"]["upper"], dtype=np.float32)) and np.all(b["id.xc"] > lower), \
            f"{batch_path}: the ood split is not beyond the domain's upper corner"
    # The ood split is the id batch moved by one vector (whole pixels / grid steps): the models' equivariant
    # components (fixed inputs off) predict the same there: bit-identical on the pixel lattice, to float32
    # rounding otherwise; the non-equivariant PT-TNP does not.
    shift = (b["ood.xc"].astype(np.float64) - b["id.xc"]).reshape(-1, dx)
    assert np.allclose(shift, shift[0], atol=1e-4), f"{batch_path}: ood is not one shift of id"
    if model["kind"] == "pt-tnp":
        assert relative(b["id.mean_off"], b["ood.mean_off"]) > 1e-2, f"{batch_path}: the plain PT-TNP looks translation equivariant"
    elif data == "gridded":
        for w in ("mean", "std"):
            assert np.array_equal(b[f"id.{w}_off"], b[f"ood.{w}_off"]), f"{batch_path}: {w} changes under a whole-pixel shift"
    else:
        for w in ("mean", "std"):
            assert relative(b[f"id.{w}_off"], b[f"ood.{w}_off"]) < 1e-4, \
                f"{batch_path}: {w} changes by {relative(b[f'id.{w}_off'], b[f'ood.{w}_off']):.1e} under a shift"
    gradients = {k: v for k, v in b.items() if k.startswith(GRADIENT_PREFIX)}
    assert all(np.all(np.isfinite(g)) for g in gradients.values()), f"{batch_path}: non-finite gradient"
    assert sum(float(np.abs(g).sum()) for g in gradients.values()) > 0, f"{batch_path}: every gradient is zero"
    check_head_bias_gradient(batch_path, b, floor=float(np.float32(model.get("scaleFloor", 1e-6))),
                             std_head=scale == "standardDeviationSoftplus")


def export_fresh(preset, peer_export, out_dir):
    if not Path(peer_export).is_file():
        raise FileNotFoundError(f"{peer_export} not found: build it with `swift build -c release --product peer-export`")
    r = subprocess.run([str(peer_export), "--fresh", preset, "--output", str(out_dir)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0, f"peer-export --fresh exited {r.returncode}: {r.stderr.strip()}"
    assert len(run_dirs(out_dir)) == 16, f"peer-export --fresh {preset} wrote {len(run_dirs(out_dir))} models, expected 16"


def export_batches(runs_root, peer_export, out_dir):
    if not Path(peer_export).is_file():
        raise FileNotFoundError(f"{peer_export} not found: build it with `swift build -c release --product peer-export`, "
                                "or pass --batches DIR with existing peer-batch files")
    r = subprocess.run([str(peer_export), "--all", str(runs_root), "--output", str(out_dir)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0, f"peer-export exited {r.returncode}: {r.stderr.strip()}"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", default=str(ROOT / "results/gibbs1d/quick"), help="scale folder with committed runs")
    p.add_argument("--batches", help="folder with <run>/peer-batch.safetensors (default: export into a temporary folder)")
    p.add_argument("--peer-export", default=str(ROOT / ".build/release/peer-export"))
    p.add_argument("--fresh", default="ci", choices=("ci", "quick", "none"),
                   help="also export and check fresh 2-D/4-D models of these sizes (none: skip)")
    a = p.parse_args(argv)
    runs = run_dirs(a.runs)
    tests = [(f"checkpoint {r.name}", test_checkpoint, (r,)) for r in runs]
    with tempfile.TemporaryDirectory() as tmp:
        batches = Path(a.batches) if a.batches else Path(tmp)
        if not a.batches:
            tests.append(("peer-export writes every batch", export_batches, (a.runs, a.peer_export, batches)))
        tests += [(f"peer-batch {r.name}", test_batch, (r, batches / r.name / "peer-batch.safetensors")) for r in runs]
        fresh = Path(tmp) / "fresh"
        if a.fresh != "none":
            tests.append((f"peer-export --fresh {a.fresh} writes 16 models", export_fresh, (a.fresh, a.peer_export, fresh)))
        passed = failed = 0
        for name, fn, args in tests:
            try:
                fn(*args)
                passed += 1
                print(f"ok   {name}")
            except Exception as e:  # report every failure, keep going
                failed += 1
                print(f"FAIL {name}: {e}")
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
            if fn is export_fresh and fresh.is_dir():   # the fresh models' own tests, once they are written
                for r in run_dirs(fresh):
                    tests += [(f"fresh checkpoint {r.name}", test_fresh_checkpoint, (r,)),
                              (f"fresh peer-batch {r.name}", test_fresh_batch, (r, r / "peer-batch.safetensors"))]
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
