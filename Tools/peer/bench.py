"""Side-by-side training-step times: each PyTorch twin and our `npbench` for the same model, interleaved.

    python Tools/peer/bench.py [--runs-dir results/gibbs1d/quick] [--threads 1 2] [--rounds 1] [--models KIND...]

Workload (as `npbench models`): 16 tasks, 64 context and 128 target points, inputs U[−3, 3], outputs N(0, 1);
one step = forward, Gaussian NLL, backward, gradient clipping by value at 0.5 (our schedule's clipping), AdamW
(lr 5e-4, weight decay 0.01); fixed inputs dropped per task with the model's training probability. The twin
is built from the committed quick-scale run of each kind (default fixed-input count) with its trained weights.
Median of 7 timed steps after 1 warm-up, for both frameworks. For each model and thread count the PyTorch
timing runs in this process (torch.set_num_threads) and then ours as a subprocess
(`AENP_THREADS=t .build/release/npbench models quick KIND`), so both see the same machine state. With
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

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peer_files import run_dirs  # noqa: E402
from twin import load_run  # noqa: E402
from twin.layers import gaussian_nll  # noqa: E402
from twin.models import DISPLAY_NAMES, KINDS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_B = {"tnp-t-approx": 4}   # other approximately equivariant kinds default to B = C


def default_runs(runs_dir):
    """{kind: run folder} with the kind's default fixed-input count (the run npbench's model matches)."""
    chosen = {}
    for d in run_dirs(runs_dir):
        config = json.loads((d / "config.json").read_text())
        m = config["model"]
        kind, b = m["kind"], m.get("fixedInputCount")
        default = DEFAULT_B.get(kind, m["preset"]["convCNP"]["channels"])
        if b is None or b == default:
            chosen[kind] = d
    return chosen


def torch_step_ms(run_dir, threads, warmup=1, runs=7, seed=4):
    torch.set_num_threads(threads)
    spec, model = load_run(run_dir)
    model.train()
    g = torch.Generator().manual_seed(seed)
    xc = torch.rand(16, 64, 1, generator=g) * 6 - 3
    xt = torch.rand(16, 128, 1, generator=g) * 6 - 3
    yc, yt = torch.randn(16, 64, 1, generator=g), torch.randn(16, 128, 1, generator=g)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    p = spec.fixed_input_dropout

    def step():
        keep = "on" if p is None else (torch.rand(16, generator=g) >= p).float()
        mean, variance = model(xc, yc, xt, fixed_inputs=keep)
        loss = gaussian_nll(mean, variance, yt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), 0.5)
        opt.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, sum(p.numel() for p in model.parameters())


def ours_step_ms(npbench, kind, threads):
    env = dict(os.environ, AENP_THREADS=str(threads))
    out = subprocess.run([str(npbench), "models", "quick", kind], env=env, capture_output=True, text=True, check=True).stdout
    name = unicodedata.normalize("NFC", DISPLAY_NAMES[kind])
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] == "quick" and unicodedata.normalize("NFC", cells[1]) == name:
            ours_step_ms.blas = out.splitlines()[0] if out else ""
            return float(cells[3]), int(cells[2])
    raise RuntimeError(f"no '{DISPLAY_NAMES[kind]}' row in npbench output:\n{out}")


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
    p.add_argument("--models", nargs="+", choices=KINDS, default=list(KINDS))
    a = p.parse_args(argv)
    if not Path(a.npbench).is_file():
        p.error(f"{a.npbench} not found: build it with `swift build -c release --product npbench`")
    torch.set_num_interop_threads(1)
    runs = default_runs(a.runs_dir)
    missing = [k for k in a.models if k not in runs]
    if missing:
        p.error(f"no run with the default fixed-input count under {a.runs_dir} for {', '.join(missing)}")
    print(f"# peer bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {cpu_model()}, "
          f"torch {torch.__version__} ({torch.get_num_threads()} threads available, OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY', 'unset')}), load average before {os.getloadavg()[0]:.2f}\n", flush=True)
    results = {}
    for r in range(a.rounds):
        for kind in a.models:
            for t in a.threads:
                load = os.getloadavg()[0]
                pt, n_pt = torch_step_ms(runs[kind], t)
                ours, n_ours = ours_step_ms(a.npbench, kind, t)
                if n_pt != n_ours:
                    raise RuntimeError(f"{kind}: twin has {n_pt} parameters, npbench's model {n_ours}")
                print(f"  round {r + 1}: {DISPLAY_NAMES[kind]}, {t} thread(s): PyTorch {pt:.1f} ms, ours {ours:.1f} ms "
                      f"(load {load:.2f})", file=sys.stderr, flush=True)
                prev = results.get((kind, t))
                if prev:
                    pt, ours = min(pt, prev[0]), min(ours, prev[1])
                    loads = (min(load, prev[3][0]), max(load, prev[3][1]))
                else:
                    loads = (load, load)
                results[(kind, t)] = (pt, ours, n_pt, loads)
    print("| model | parameters | threads | PyTorch ms / step | ours ms / step | ours / PyTorch | load avg (1 min) |")
    print("|---|---|---|---|---|---|---|")
    for kind in a.models:
        for t in a.threads:
            pt, ours, n, (lo, hi) = results[(kind, t)]
            load = f"{lo:.2f}" if lo == hi else f"{lo:.2f}–{hi:.2f}"
            print(f"| {DISPLAY_NAMES[kind]} | {n:,} | {t} | {pt:.1f} | {ours:.1f} | {ours / pt:.2f} | {load} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; ours: {getattr(ours_step_ms, 'blas', '')}")


if __name__ == "__main__":
    main()
