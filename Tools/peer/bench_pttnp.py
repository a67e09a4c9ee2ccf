"""Side-by-side training-step times of the pseudo-token TNPs: the PyTorch twin (`twin/pttnp.py`) and our `npbench`.

    python Tools/peer/bench_pttnp.py [--preset quick] [--threads 1 2] [--models pt-tnp pt-tnp-t pt-tnp-t-approx]

Workload (as `npbench pt-tnp`): 2-D inputs U[−3, 3]², outputs N(0, 1); quick: D_z 64, 4 layers, 4 heads × 16,
M = 64, 16 tasks × 256 context / 256 targets; one step = forward, Gaussian NLL, backward, clipping by value at 0.5,
AdamW (lr 5e-4, weight decay 0.01); fixed inputs dropped per task with p = 0.5. Random initialisation (timing
only; both models have the same parameter count, printed). Median of 5 steps after 1 warm-up; for each model and
thread count PyTorch runs here, then ours as `AENP_THREADS=t .build/release/npbench pt-tnp-child PRESET KIND`.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from twin.layers import gaussian_nll  # noqa: E402
from twin.pttnp import PseudoTokenTNP  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PRESETS = {"quick": dict(width=64, layers=4, heads=4, head_width=16, pseudo_tokens=64, tasks=16, context=256, targets=256),
           "paper": dict(width=128, layers=9, heads=8, head_width=16, pseudo_tokens=128, tasks=8, context=512, targets=512)}
KINDS = {"pt-tnp": (False, False), "pt-tnp-t": (True, False), "pt-tnp-t-approx": (True, True)}


def torch_step(preset, kind, threads, warmup=1, runs=5):
    torch.set_num_threads(threads)
    p = PRESETS[preset]
    te, fixed = KINDS[kind]
    d = p["width"]
    fixed_cfg = dict(count=d, hidden=d, dx=2, out_channels=d, domain={"lower": [-7, -7], "upper": [7, 7]}, input_scale=7.0) if fixed else None
    torch.manual_seed(4)
    model = PseudoTokenTNP(width=d, layers=p["layers"], heads=p["heads"], head_width=p["head_width"], pseudo_tokens=p["pseudo_tokens"],
                           translation_equivariant=te, fixed=fixed_cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    m = p["tasks"] if preset == "quick" or kind == "pt-tnp" else p["tasks"]
    if preset == "paper" and kind == "pt-tnp":
        m = 16
    xc, xt = torch.rand(m, p["context"], 2) * 6 - 3, torch.rand(m, p["targets"], 2) * 6 - 3
    yc, yt = torch.randn(m, p["context"], 1), torch.randn(m, p["targets"], 1)
    times = []
    cpu0 = time.process_time()
    for step in range(warmup + runs):
        t0 = time.perf_counter()
        keep = (torch.rand(m) > 0.5).float() if fixed else "on"
        mean, var = model(xc, yc, xt, fixed_inputs=keep)
        loss = gaussian_nll(mean, var, yt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), 0.5)
        opt.step()
        if step >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    cpu = (time.process_time() - cpu0) / (warmup + runs) * 1e3   # warm-up included, as npbench
    return statistics.median(times), sum(q.numel() for q in model.parameters()), cpu


def ours_step(preset, kind, threads):
    env = dict(os.environ, AENP_THREADS=str(threads))
    out = subprocess.run([str(ROOT / ".build/release/npbench"), "pt-tnp-child", preset, kind], env=env, capture_output=True, text=True, check=True)
    line = [l for l in out.stdout.splitlines() if l.startswith("RESULT ")][-1].split()
    return float(line[1]), int(line[2]), float(line[4])   # ms, parameters, CPU ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="quick", choices=PRESETS)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--models", nargs="+", default=list(KINDS))
    a = ap.parse_args()
    print(f"torch {torch.__version__}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, load {os.getloadavg()[0]:.1f}")
    print("| model | threads | parameters (ours / twin) | PyTorch ms / step | ours ms / step | ours CPU ms / step | ours / PyTorch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind in a.models:
        for t in a.threads:
            torch_ms, torch_params, _ = torch_step(a.preset, kind, t)
            ours_ms, ours_params, ours_cpu = ours_step(a.preset, kind, t)
            print(f"| {kind} | {t} | {ours_params:,} / {torch_params:,} | {torch_ms:.1f} | {ours_ms:.1f} | {ours_cpu:.0f} | {ours_ms / torch_ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
