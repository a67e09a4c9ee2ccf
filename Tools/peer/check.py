"""Cross-framework check: our models against their PyTorch twin on the batch peer-export wrote.

    python Tools/peer/check.py RUN_DIR... [--batches DIR]
    python Tools/peer/check.py --all SCALE_DIR [--batches DIR]

For each run: loads config.json + checkpoint.safetensors into the twin, reads
<DIR>/<run name>/peer-batch.safetensors (DIR defaults to outputs/peer; write it with
`.build/release/peer-export --all SCALE_DIR`), and compares predictive means and standard deviations for the
in- and out-of-distribution batch with fixed inputs on and forced off. A run folder may also be one that
`peer-export --fresh PRESET` or `--spec FILE` wrote (a freshly initialised model: config.json and
checkpoint.safetensors beside its batch; check them with `--all outputs/peer/fresh --batches outputs/peer/fresh`).
Padded batches (2-D and 4-D models) carry context and target masks, which both sides use. Relative difference of a tensor:
max |ours − twin| / max |ours| (see Docs/peer-check.md for why this normalisation). Fails (exit 1) if any
mean or std difference exceeds --tolerance (1e-4), or the loss gradient of any parameter differs from PyTorch
autograd's in float64 (in distribution, fixed inputs on) by more than --gradient-tolerance (1e-3): the float64 twin
is the exact reference, so the gate measures our error alone; beside it is printed our distance to the float32 twin,
and the float32 twin's own distance to float64 (two float32 sums in different orders can be further apart than
either is from the exact one). For models with TE attention the gated float64 gradient is evaluated at the ReLU
pattern of our forward pass (which hidden units of each query–key pair's logit MLP are active; peer-export records
it): a pair whose pre-activation float32 rounding puts on the other side of zero than float64 does changes the
gradient by a whole pair's contribution, which is not an error of ours (Docs/peer-check.md). Also printed, not gated: the loss's relative difference, the
worst single point (|ours − twin| / max(|ours|, 1e-3 · max|ours|)) of means and of stds, and how far our own
in-distribution means with fixed inputs on and off are apart (nonzero: the off switch really changes something),
and our means and stds against the twin run in float64 (how much of the difference is float32 rounding).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peer_files import SPLITS, expected_parameters, run_dirs  # noqa: E402
from twin import load_run  # noqa: E402
from twin.models import DISPLAY_NAMES  # noqa: E402
from twin.layers import gaussian_nll  # noqa: E402
from twin.tnp import ReluPatterns  # noqa: E402


def relative_difference(ours, twin):
    """max |ours − twin| / max |ours| over the tensor (0 when both are all zeros)."""
    scale = float(np.max(np.abs(ours)))
    diff = float(np.max(np.abs(ours.astype(np.float64) - twin.astype(np.float64))))
    return diff / scale if scale > 0 else diff


def elementwise_relative(ours, twin, floor=1e-3):
    """max |ours − twin| / max(|ours|, floor · max|ours|): the worst single point (reported, not gated)."""
    o, t = ours.astype(np.float64), twin.astype(np.float64)
    denom = np.maximum(np.abs(o), floor * np.max(np.abs(o)))
    return float(np.max(np.abs(o - t) / np.where(denom > 0, denom, 1)))


def split_tensors(batch, split, dtype=torch.float32):
    """(xc, yc, xt, yt, model keyword arguments, target mask) of one split; masks only for padded batches."""
    xc, yc, xt, yt = (torch.from_numpy(batch[f"{split}.{n}"]).to(dtype) for n in ("xc", "yc", "xt", "yt"))
    kwargs = {}
    if f"{split}.context_mask" in batch:
        kwargs["context_mask"] = torch.from_numpy(batch[f"{split}.context_mask"])
    target_mask = torch.from_numpy(batch[f"{split}.target_mask"]) if f"{split}.target_mask" in batch else None
    return xc, yc, xt, yt, kwargs, target_mask


def parameter_gradients(model, batch):
    """{name: gradient (float64 numpy)} of the in-distribution loss with fixed inputs on (zero for parameters the
    loss does not reach, e.g. the last layer's pseudo→context block of a PT-TNP)."""
    model.zero_grad(set_to_none=True)
    dtype = next(model.parameters()).dtype
    xc, yc, xt, yt, kwargs, target_mask = split_tensors(batch, "id", dtype)
    mean, variance = model(xc, yc, xt, fixed_inputs="on", **kwargs)
    gaussian_nll(mean, variance, yt, target_mask).backward()
    return {name: (p.grad if p.grad is not None else torch.zeros_like(p)).double().numpy() for name, p in model.named_parameters()}


def gradient_difference(ours, other):
    """Max over parameters of max |ours − other| / max(max |ours|, 1e-3 · G), G the model's largest gradient
    entry, and the parameter where it is largest. The floor compares a parameter whose gradient is tiny next to
    the model's largest on the model's scale: the TE attention's last logit bias has an exactly-zero gradient
    (softmax ignores a shift shared by all keys), so both frameworks return rounding noise (~1e-8) there."""
    floor = GRADIENT_FLOOR * max(float(np.max(np.abs(g))) for g in ours.values())
    worst, where = 0.0, ""
    for name, g in ours.items():
        d = float(np.max(np.abs(g.astype(np.float64) - other[name]))) / max(float(np.max(np.abs(g))), floor)
        if d >= worst:
            worst, where = d, name
    return worst, where


def our_gradients(model, batch):
    ours = {}
    for name, _ in model.named_parameters():
        key = f"id.grad_on.{name}"
        if key not in batch:
            raise KeyError(f"{key} is not in the peer batch (written by an older peer-export? re-export it)")
        ours[name] = batch[key]
    return ours


def relu_patterns(batch):
    """The TE logit MLPs' ReLU patterns of our gradient's forward pass (`id.relu_pattern_on.<call>.<layer>`), as a
    list per call of float64 tensors per hidden layer; None when the batch has none (not a TE model, or written by
    an older peer-export)."""
    keys = [k.split(".")[2:] for k in batch if k.startswith("id.relu_pattern_on.")]
    if not keys:
        return None
    calls = {}
    for c, l in keys:
        calls.setdefault(int(c), {})[int(l)] = torch.from_numpy(batch[f"id.relu_pattern_on.{c}.{l}"]).double()
    return [[calls[c][l] for l in sorted(calls[c])] for c in sorted(calls)]


def check_run(run_dir, batch_path):
    spec, model = load_run(run_dir)
    model64 = load_run(run_dir)[1].double()
    config = json.loads((Path(run_dir) / "config.json").read_text())
    documented = {k: tuple(v) for k, v in expected_parameters(config).items()}
    built = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    if built != documented:
        raise ValueError(f"{run_dir}: the twin's parameters differ from peer_files.expected_parameters: "
                         f"{sorted(set(built.items()) ^ set(documented.items()), key=str)}")
    batch = load_file(str(batch_path))
    row = {"run": Path(run_dir).name, "model": DISPLAY_NAMES[spec.kind], "B": spec.resolved_fixed_input_count}
    worst_point = {"mean": 0.0, "std": 0.0}
    with torch.no_grad():
        for split in SPLITS:
            xc, yc, xt, yt, kwargs, target_mask = split_tensors(batch, split)
            for switch in ("on", "off"):
                mean, variance = model(xc, yc, xt, fixed_inputs=switch, **kwargs)
                mean64, variance64 = model64(xc.double(), yc.double(), xt.double(), fixed_inputs=switch, **kwargs)
                std = torch.sqrt(variance)
                loss = gaussian_nll(mean, variance, yt, target_mask)
                for name, twin in (("mean", mean), ("std", std)):
                    ours = batch[f"{split}.{name}_{switch}"]
                    row[f"{split} {name} {switch}"] = relative_difference(ours, twin.numpy())
                    worst_point[name] = max(worst_point[name], elementwise_relative(ours, twin.numpy()))
                    twin64 = mean64 if name == "mean" else torch.sqrt(variance64)
                    row["vs float64"] = max(row.get("vs float64", 0.0), relative_difference(ours, twin64.numpy()))
                ours_loss = float(batch[f"{split}.loss_{switch}"][0])
                row[f"{split} loss {switch}"] = abs(ours_loss - float(loss)) / max(abs(ours_loss), 1e-12)
    ours = our_gradients(model, batch)
    twin32, twin64 = parameter_gradients(model, batch), parameter_gradients(model64, batch)
    row["gradient"], row["gradient worst"] = gradient_difference(ours, twin32)
    row["gradient vs float64"] = gradient_difference(ours, twin64)[0]
    # The same distance for PyTorch's own float32 gradient: when both float32 gradients are about as far from the
    # float64 one, the difference is float32 rounding (or a ReLU kink or max-pool tie that rounding decides).
    row["twin gradient vs float64"] = gradient_difference({k: v.astype(np.float32) for k, v in twin32.items()}, twin64)[0]
    # TE models: the float64 gradient once more, with every TE logit MLP in the activation region of OUR forward pass
    # (the ReLU patterns peer-export recorded). Gated instead of the plain float64 distance when present.
    patterns = relu_patterns(batch)
    if patterns is not None:
        with ReluPatterns(patterns) as pinned:
            twin64_pinned = parameter_gradients(model64, batch)
        if pinned.used != len(patterns):
            raise ValueError(f"{run_dir}: the twin made {pinned.used} TE logit MLP calls, peer-export recorded {len(patterns)}")
        row["gradient vs float64 at our pattern"] = gradient_difference(ours, twin64_pinned)[0]
    row["worst point mean"], row["worst point std"] = worst_point["mean"], worst_point["std"]
    # How much the switch changes OUR in-distribution prediction: shows that "off" is really tested.
    row["ours on vs off"] = relative_difference(batch["id.mean_on"], batch["id.mean_off"])
    return row


GRADIENT_FLOOR = 1e-3   # relative to the largest gradient entry of the model
COLUMNS = [f"{s} {q} {w}" for s in SPLITS for w in ("on", "off") for q in ("mean", "std")]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="*", help="run folders")
    p.add_argument("--all", metavar="SCALE_DIR", help="every run under SCALE_DIR (or SCALE_DIR/runs)")
    p.add_argument("--batches", default="outputs/peer", help="folder with <run>/peer-batch.safetensors")
    p.add_argument("--tolerance", type=float, default=1e-4, help="for predictive means and stds")
    p.add_argument("--gradient-tolerance", type=float, default=1e-3,
                   help="for the loss gradients (float32 sums over up to 2e5 query-key pairs)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    runs = [Path(r) for r in a.runs] + (run_dirs(a.all) if a.all else [])
    if not runs:
        p.error("give run folders or --all SCALE_DIR")
    rows, failures = [], []
    for run in runs:
        batch = Path(a.batches) / run.name / "peer-batch.safetensors"
        if not batch.is_file():
            failures.append(f"{run.name}: {batch} is missing; run `.build/release/peer-export {run}` first")
            continue
        row = check_run(run, batch)
        rows.append(row)
        worst = max(row[c] for c in COLUMNS)
        if worst > a.tolerance:
            failures.append(f"{run.name}: max relative difference {worst:.2e} > {a.tolerance:.0e}")
        gated = row.get("gradient vs float64 at our pattern", row["gradient vs float64"])
        if gated > a.gradient_tolerance:
            failures.append(f"{run.name}: gradient difference from the float64 twin {gated:.2e} "
                            f"> {a.gradient_tolerance:.0e} (from the float32 twin {row['gradient']:.2e}, {row['gradient worst']})")
    header = ["run", "model", "B"] + COLUMNS + ["loss", "gradient: ours vs float32 twin (worst parameter)", "gradient: ours vs float64 twin",
                                           "gradient: ours vs float64 twin at our TE ReLU pattern", "gated",
                                           "gradient: float32 twin vs float64 twin", "worst point mean", "worst point std",
                                           "ours vs float64 twin", "ours: id mean on vs off"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        loss = max(r[f"{s} loss {w}"] for s in SPLITS for w in ("on", "off"))
        cells = [r["run"], r["model"], str(r["B"])] + [f"{r[c]:.1e}" for c in COLUMNS] + [f"{loss:.1e}", f"{r['gradient']:.1e} ({r['gradient worst']})",
                                                                      f"{r['gradient vs float64']:.1e}",
                                                                      f"{r['gradient vs float64 at our pattern']:.1e}" if "gradient vs float64 at our pattern" in r else "–",
                                                                      "at our pattern" if "gradient vs float64 at our pattern" in r else "plain",
                                                                      f"{r['twin gradient vs float64']:.1e}",
                                                                      f"{r['worst point mean']:.1e}",
                                                                      f"{r['worst point std']:.1e}", f"{r['vs float64']:.1e}",
                                                                      f"{r['ours on vs off']:.1e}"]
        print("| " + " | ".join(cells) + " |")
    print()
    for f in failures:
        print("FAIL", f)
    failed_runs = {f.split(":", 1)[0] for f in failures}
    print(f"{len(runs) - len(failed_runs)} runs within {a.tolerance:.0e} (predictions) and {a.gradient_tolerance:.0e} "
          f"(gradients), {len(failed_runs)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
