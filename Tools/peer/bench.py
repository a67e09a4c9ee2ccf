"""Side-by-side training-step times: each PyTorch twin and our `npbench` for the same model, interleaved.

    python Tools/peer/bench.py [--sections 1d mlp grid2d stations2d pt-tnp] [--runs-dir results/gibbs1d/quick] [--threads 1 2]
                               [--rounds 1] [--models KIND...]

Sections: `1d` (default) the eight 1-D models below; `mlp` npbench's MLP step (3 × Linear 128→128, ReLU, MSE, batch 1024,
Adam lr 1e-3, median of 200 after 20) and the same in PyTorch; `grid2d` the 2-D CNN models at the smoke experiment's quick
sizes (`GridCNNPreset.quick`: U-Net C 16, 4 poolings, kernel 5; D8 group CNN, C 16, 1 field, 5 layers, kernel 5),
on-grid path, σ = softplus(raw) head, as `npbench grid-models quick gridded KIND`: 16 tasks of 32 × 32 patches of
the 128 × 128 frame with 10–250 context pixels and the other pixels as targets (padded), median of 3 steps after 1
warm-up on both sides (the twin draws its own patches of the same distribution; the grid is 32 × 32 for every
batch, so the convolutions, which dominate, are the same work); `stations2d` the same models through the 2-D
SetConv encoder and decoder (no pixel lattice, variance head), as `npbench grid-models quick stations KIND`: 16
tasks of 100 context and 50 target points uniform on [−2, 2] × [−1.3, 1.3] (each side draws its own; the SetConv
grid spans the points, 8 per unit, so its size varies a little between draws); `pt-tnp` the three pseudo-token TNPs at the quick
preset with 2-D inputs, as `npbench pt-tnp-child quick KIND` (16 tasks × 256 context / 256 targets, median of 5
after 1; `bench_pttnp.py`). The 2-D twins are freshly initialised (`ModelSpec` as npbench builds it); parameter
counts are checked equal. The CPU columns (2-D sections; process CPU time per step, warm-up included, all threads)
are what a step costs when the process is not waiting for a core: on a shared machine the 1-thread CPU ratio is
the steadier comparison.

Workload (as `npbench models`): 16 tasks of the 1-D experiment's distribution: per task a centre c ~ U[−7, 7],
a context count uniform on 1–64 with inputs U[c − 2, c + 2], 128 targets U[c − 3, c + 3]; the contexts padded to
the batch's largest count by repeating the last point (ours: `TaskBatch(padding:)` with a context mask, the
y values GP draws; the twin: outputs N(0, 1), and it runs the padded batch unmasked, as the 1-D twin takes no
context mask: the same tensor shapes, without the mask's multiplications). The twin pads to the count npbench
reports for its batch (ours is timed first for each row, so the shapes match). One step = forward, Gaussian NLL, backward, gradient clipping by value at 0.5 (our schedule's clipping), AdamW
(lr 5e-4, weight decay 0.01); fixed inputs dropped per task with the model's training probability. The twin
is built from the committed quick-scale run of each kind (default fixed-input count) with its trained weights.
Median of 7 timed steps after 1 warm-up, for both frameworks. For each model and thread count the PyTorch
timing runs in this process (torch.set_num_threads) and ours as a subprocess (ours first in the 1-D section, so
the twin can pad to our batch's count; `AENP_THREADS=t .build/release/npbench models quick KIND`), so both see the same machine state. With
--rounds N the whole sweep repeats N times and the table keeps each side's smallest median, with the range of
the 1-minute load average seen when that row was measured.
Build ours first: `swift build -c release --product npbench`. PyTorch's OpenMP threads spin while they wait;
on a machine shared with other work, `OMP_WAIT_POLICY=PASSIVE` (set before starting Python) makes them sleep
instead (the header prints the policy in force).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peer_files import model_object, run_dirs  # noqa: E402
from twin import build_model, load_run  # noqa: E402
from twin.grid import PixelLattice  # noqa: E402
from twin.layers import gaussian_nll  # noqa: E402
from twin.models import CNN_KINDS, DISPLAY_NAMES, KINDS  # noqa: E402
import bench_pttnp  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_B = {"tnp-t-approx": 4}   # other approximately equivariant kinds default to B = C



def time_steps(step, warmup, runs):
    """Median wall-clock ms of `runs` calls of `step` after `warmup` untimed ones, and the process CPU ms per call
    over all of them."""
    cpu0 = time.process_time()
    for _ in range(warmup):
        step()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, (time.process_time() - cpu0) / (warmup + runs) * 1e3

def default_runs(runs_dir):
    """{kind: run folder} with the kind's default fixed-input count (the run npbench's model matches)."""
    chosen = {}
    for d in run_dirs(runs_dir):
        config = json.loads((d / "config.json").read_text())
        m = model_object(config)
        kind, b = m["kind"], m.get("fixedInputCount")
        default = DEFAULT_B.get(kind, m["preset"]["convCNP"]["channels"])
        if b is None or b == default:
            chosen[kind] = d
    return chosen


TASKS_1D = "Gibbs 1-D tasks: c ~ U[−7, 7], per task 1–64 context points U[c − 2, c + 2] (padded to the batch max), 128 targets U[c − 3, c + 3]"


def gibbs_batch(rng, pad_to=None, tasks=16, targets=128):
    """The 1-D experiment's task inputs (GibbsGPConfig.inDistribution): centre c ~ U[−7, 7], context count uniform
    on 1–64, context U[c − 2, c + 2], targets U[c − 3, c + 3]; contexts padded by repeating the last point to the
    largest count (or to `pad_to`, npbench's padded count, when given). y ~ N(0, 1): timing does not depend on it."""
    counts = rng.integers(1, 65, size=tasks)
    n = int(pad_to) if pad_to else int(counts.max())
    counts = np.minimum(counts, n)
    xc, xt = np.empty((tasks, n, 1), np.float32), np.empty((tasks, targets, 1), np.float32)
    for i, nc in enumerate(counts):
        c = rng.uniform(-7, 7)
        x = rng.uniform(c - 2, c + 2, size=nc)
        xc[i, :, 0] = np.concatenate([x, np.repeat(x[-1:], n - nc)])
        xt[i, :, 0] = rng.uniform(c - 3, c + 3, size=targets)
    yc = rng.standard_normal((tasks, n, 1)).astype(np.float32)
    yt = rng.standard_normal((tasks, targets, 1)).astype(np.float32)
    return tuple(torch.from_numpy(a) for a in (xc, yc, xt, yt))


def torch_step_ms(run_dir, threads, warmup=1, runs=7, seed=4, pad_to=None):
    torch.set_num_threads(threads)
    spec, model = load_run(run_dir)
    model.train()
    g = torch.Generator().manual_seed(seed)
    xc, yc, xt, yt = gibbs_batch(np.random.default_rng(seed), pad_to)
    p = spec.fixed_input_dropout

    def loss():
        keep = "on" if p is None else (torch.rand(16, generator=g) >= p).float()
        mean, variance = model(xc, yc, xt, fixed_inputs=keep)
        return gaussian_nll(mean, variance, yt)

    return training_step_ms(model, loss, warmup, runs)


def training_step_ms(model, loss_fn, warmup, runs):
    """(median ms of `runs` training steps after `warmup`, parameter count, process CPU ms per step with the
    warm-up included, as npbench counts it): loss, backward, clipping by value at 0.5, AdamW (lr 5e-4, weight
    decay 0.01)."""
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    def step():
        loss = loss_fn()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), 0.5)
        opt.step()

    ms, cpu = time_steps(step, warmup, runs)
    return ms, sum(q.numel() for q in model.parameters()), cpu


GRID_PRESETS = {"quick": 256, "quick-smoke": 64}   # GridCNNPreset name → the U-Net's channel cap


def grid2d_spec(kind, preset="quick", stations=False):
    """`ModelSpec.grid2D(kind, sizes: .quick (or .quickSmoke), lattice: .standardisedFrame([128, 128]),
    domain: (−5, 5)², σ head)` as npbench grid-models builds it (the fields the twin reads); with `stations`, the
    SetConv path: no lattice and the default variance head (`lattice: nil, standardDeviationHead: false`)."""
    n = 128
    ppu = float(np.float32(np.sqrt((n * n - 1) / 12)))
    grid = {} if stations else {"scaleParameterisation": "standardDeviationSoftplus",
                                "pixelLattice": {"pointsPerUnit": [ppu, ppu], "offset": [-(n - 1) / 2, -(n - 1) / 2]}}
    return {"kind": kind, "preset": {"tnp": {}, "convCNP": {"channels": 32}}, "domain": {"lower": [-5, -5], "upper": [5, 5]},
            "fourierRange": 1, "positionScale": 1, "dropoutConvCNP": 0.5, "dropoutEquivCNP": 0.5, "dropoutRelaxed": 0.5,
            "inputDimension": 2, **grid,
            "gridCNN": {"name": preset, "unet": {"channels": 16, "levels": 4, "kernel": 5, "maxChannels": GRID_PRESETS[preset]},
                        "groupCNN": {"channels": 16, "fields": 1, "layers": 5, "kernel": 5, "rotations": 8},
                        "pointsPerUnit": 8, "decoderLengthscales": 5}}


def patch_batch(lattice, rng, tasks=16):
    """npbench's patchBatch: 32 × 32 patches at random places of the frame, 10–250 context pixels, the other
    pixels targets, padded (masks) to the batch's largest counts; outputs U[0, 1]."""
    xs, ys = [], []
    for _ in range(tasks):
        o = rng.integers(0, 97, size=2)
        pixels = np.stack(np.meshgrid(np.arange(32), np.arange(32), indexing="ij"), -1).reshape(-1, 2) + o
        pixels = pixels[rng.permutation(1024)]
        nc = int(rng.integers(10, 251))
        pos = ((pixels + lattice.offset) / lattice.ppu.astype(np.float64)).astype(np.float32)
        xs.append((pos[:nc], pos[nc:]))
        ys.append((rng.random((nc, 1), dtype=np.float32), rng.random((1024 - nc, 1), dtype=np.float32)))

    def pad(parts):
        n = max(len(p) for p in parts)
        out = np.stack([np.concatenate([p, np.repeat(p[-1:], n - len(p), 0)]) for p in parts])
        mask = np.stack([(np.arange(n) < len(p)).astype(np.float32) for p in parts])
        return torch.from_numpy(out), torch.from_numpy(mask)

    (xc, mc), (xt, mt) = pad([x[0] for x in xs]), pad([x[1] for x in xs])
    yc, yt = pad([y[0] for y in ys])[0], pad([y[1] for y in ys])[0]
    return xc, yc, xt, yt, mc, mt


def station_batch(rng, tasks=16):
    """npbench's stationBatch: 150 station-like points per task, 100 context and 50 targets, inputs uniform on
    [−2, 2] × [−1.3, 1.3], outputs N(0, 1); every task the same counts (no padding)."""
    def points(n):
        return torch.from_numpy(np.stack([rng.uniform(-2, 2, (tasks, n)), rng.uniform(-1.3, 1.3, (tasks, n))], -1).astype(np.float32))
    xc, xt = points(100), points(50)
    yc, yt = (torch.from_numpy(rng.standard_normal((tasks, n, 1)).astype(np.float32)) for n in (100, 50))
    return xc, yc, xt, yt, torch.ones(tasks, 100), torch.ones(tasks, 50)


def torch_grid2d_step_ms(kind, threads, preset="quick", warmup=1, runs=3, seed=7, stations=False):
    torch.set_num_threads(threads)
    spec = grid2d_spec(kind, preset, stations)
    torch.manual_seed(seed)
    model = build_model(spec)
    for p in model.parameters():   # any finite initialisation: timing only
        torch.nn.init.normal_(p, std=0.05)
    model.train()
    rng = np.random.default_rng(seed)
    if stations:
        xc, yc, xt, yt, mc, mt = station_batch(rng)
    else:
        lattice = PixelLattice(spec["pixelLattice"]["pointsPerUnit"], spec["pixelLattice"]["offset"])
        xc, yc, xt, yt, mc, mt = patch_batch(lattice, rng)
    has_fixed = kind not in ("convcnp-t", "equivcnp-e")

    def loss():
        keep = (torch.rand(16) >= 0.5).float() if has_fixed else "on"
        mean, variance = model(xc, yc, xt, fixed_inputs=keep, context_mask=mc)
        return gaussian_nll(mean, variance, yt, mt)

    return training_step_ms(model, loss, warmup, runs)


def npbench_row(npbench, arguments, kind, threads, name_column, cpu_column=None, preset="quick", extra_column=None):
    """(ms per step, parameters, CPU ms per step or None) from the row of `kind` in a `npbench ARGUMENTS` table run
    with `threads` threads: the model's display name in column `name_column`, then parameters and ms per step."""
    env = dict(os.environ, AENP_THREADS=str(threads))
    out = subprocess.run([str(npbench), *arguments], env=env, capture_output=True, text=True, check=True).stdout
    name = unicodedata.normalize("NFC", DISPLAY_NAMES[kind])
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > name_column + 2 and cells[0] == preset and unicodedata.normalize("NFC", cells[name_column]) == name:
            npbench_row.blas = out.splitlines()[0] if out else ""
            cpu = float(cells[cpu_column]) if cpu_column is not None else None
            npbench_row.extra = cells[extra_column] if extra_column is not None and len(cells) > extra_column else None
            return float(cells[name_column + 2]), int(cells[name_column + 1]), cpu
    raise RuntimeError(f"no '{DISPLAY_NAMES[kind]}' row in `npbench {' '.join(arguments)}` output:\n{out}")


def ours_grid2d_step_ms(npbench, kind, threads, preset="quick", stations=False):
    return npbench_row(npbench, ["grid-models", preset, "stations" if stations else "gridded", kind], kind, threads,
                       name_column=2, cpu_column=5, preset=preset)


def ours_step_ms(npbench, kind, threads):
    """(ms, parameters, CPU ms per step, padded context count of npbench's batch)."""
    ms, n, cpu = npbench_row(npbench, ["models", "quick", kind], kind, threads, name_column=1, cpu_column=7, extra_column=6)
    return ms, n, cpu, npbench_row.extra


def torch_mlp_step_ms(threads, warmup=20, runs=200, seed=3):
    """npbench's `mlp` section in PyTorch: 3 × Linear 128→128 with ReLU between, MSE, Adam (lr 1e-3), batch 1024."""
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    mlp = torch.nn.Sequential(torch.nn.Linear(128, 128), torch.nn.ReLU(), torch.nn.Linear(128, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 128))
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
    x, y = torch.rand(1024, 128) * 2 - 1, torch.rand(1024, 128) * 2 - 1

    def step():
        loss = ((mlp(x) - y) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    ms, _ = time_steps(step, warmup, runs)
    return ms, sum(q.numel() for q in mlp.parameters()), None


def ours_mlp_step_ms(npbench, threads):
    env = dict(os.environ, AENP_THREADS=str(threads))
    out = subprocess.run([str(npbench), "mlp"], env=env, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0] == str(threads):
            npbench_row.blas = out.splitlines()[0] if out else ""
            return float(cells[1]), 3 * (128 * 128 + 128), None
    raise RuntimeError(f"no MLP row in `npbench mlp` output:\n{out}")


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        return next(l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs-dir", default=str(ROOT / "results/gibbs1d/quick"), help="committed quick-scale runs")
    p.add_argument("--npbench", default=str(ROOT / ".build/release/npbench"))
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--rounds", type=int, default=1, help="repeat the interleaved sweep; the table shows the minimum of the medians")
    p.add_argument("--models", nargs="+", choices=KINDS, help="default: every model of the chosen sections")
    p.add_argument("--sections", nargs="+", choices=("1d", "mlp", "grid2d", "stations2d", "pt-tnp"), default=["1d"])
    p.add_argument("--grid-preset", choices=list(GRID_PRESETS), default="quick",
                   help="2-D CNN sizes: quick (U-Net channels up to 256) or quick-smoke (up to 64, what the smoke experiment trains)")
    a = p.parse_args(argv)
    one_d = [k for k in KINDS if not k.startswith("pt-tnp")]
    plan = [(section, kind) for section, kinds in (("1d", one_d), ("grid2d", CNN_KINDS), ("stations2d", CNN_KINDS),
                                                  ("pt-tnp", list(bench_pttnp.KINDS)))
            if section in a.sections for kind in kinds if a.models is None or kind in a.models]
    if "mlp" in a.sections:
        plan.append(("mlp", "mlp"))
    if not Path(a.npbench).is_file():
        p.error(f"{a.npbench} not found: build it with `swift build -c release --product npbench`")
    torch.set_num_interop_threads(1)
    runs = default_runs(a.runs_dir) if "1d" in a.sections else {}
    missing = [k for section, k in plan if section == "1d" and k not in runs]
    if missing:
        p.error(f"no run with the default fixed-input count under {a.runs_dir} for {', '.join(missing)}")
    print(f"# peer bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {cpu_model()}, "
          f"torch {torch.__version__} ({torch.get_num_threads()} threads available, OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY', 'unset')}), load average before {os.getloadavg()[0]:.2f}", flush=True)
    if "1d" in a.sections:
        print(f"# 1-D workload: {TASKS_1D}", flush=True)
    print(flush=True)
    results = {}
    for r in range(a.rounds):
        for section, kind in plan:
            for t in a.threads:
                load = os.getloadavg()[0]
                if section == "1d":
                    ours, n_ours, ours_cpu, padded = ours_step_ms(a.npbench, kind, t)   # ours first: the twin pads to its count
                    pt, n_pt, pt_cpu = torch_step_ms(runs[kind], t, pad_to=padded)
                elif section == "mlp":
                    ours, n_ours, ours_cpu = ours_mlp_step_ms(a.npbench, t)
                    pt, n_pt, pt_cpu = torch_mlp_step_ms(t)
                elif section in ("grid2d", "stations2d"):
                    stations = section == "stations2d"
                    pt, n_pt, pt_cpu = torch_grid2d_step_ms(kind, t, a.grid_preset, stations=stations)
                    ours, n_ours, ours_cpu = ours_grid2d_step_ms(a.npbench, kind, t, a.grid_preset, stations=stations)
                else:
                    pt, n_pt, pt_cpu = bench_pttnp.torch_step("quick", kind, t)
                    ours, n_ours, ours_cpu = bench_pttnp.ours_step("quick", kind, t)
                if n_pt != n_ours:
                    raise RuntimeError(f"{kind}: twin has {n_pt} parameters, npbench's model {n_ours}")
                print(f"  round {r + 1}: {section} {DISPLAY_NAMES.get(kind, 'MLP')}, {t} thread(s): PyTorch {pt:.1f} ms, ours {ours:.1f} ms "
                      f"(load {load:.2f})", file=sys.stderr, flush=True)
                prev = results.get((section, kind, t))
                cpu = (pt_cpu, ours_cpu) if ours_cpu is not None else None
                if prev:
                    pt, ours = min(pt, prev[0]), min(ours, prev[1])
                    loads = (min(load, prev[3][0]), max(load, prev[3][1]))
                    cpu = (min(cpu[0], prev[4][0]), min(cpu[1], prev[4][1])) if cpu else None
                else:
                    loads = (load, load)
                results[(section, kind, t)] = (pt, ours, n_pt, loads, cpu)
    workload = {"1d": "1-D Gibbs tasks, 16 × ≤64 / 128", "grid2d": f"2-D on-grid ({a.grid_preset}), 16 × 32² patches",
                "stations2d": f"2-D SetConv ({a.grid_preset}), 16 × 100 / 50 stations", "pt-tnp": "2-D, 16 × 256 / 256",
                "mlp": "3 × Linear 128, batch 1024, Adam"}
    print("| model | workload | parameters | threads | PyTorch ms / step | ours ms / step | ours / PyTorch | "
          "CPU ms / step, PyTorch / ours | CPU ratio | load avg (1 min) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for section, kind in plan:
        for t in a.threads:
            pt, ours, n, (lo, hi), cpu = results[(section, kind, t)]
            load = f"{lo:.2f}" if lo == hi else f"{lo:.2f}–{hi:.2f}"
            cpu_cells = f"{cpu[0]:.0f} / {cpu[1]:.0f} | {cpu[1] / cpu[0]:.2f}" if cpu else "– | –"
            print(f"| {DISPLAY_NAMES.get(kind, 'MLP')} | {workload[section]} | {n:,} | {t} | {pt:.1f} | {ours:.1f} | {ours / pt:.2f} | {cpu_cells} | {load} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; ours: {getattr(npbench_row, 'blas', '')}")


if __name__ == "__main__":
    main()
