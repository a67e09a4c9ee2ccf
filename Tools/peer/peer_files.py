"""Names, shapes and dtypes of the files the PyTorch twin reads (Docs/peer-files.md); needs numpy and
safetensors only (no torch), so that CI can check them."""
import json
import struct
from pathlib import Path

SPLITS = ("id", "ood")
BATCH_INPUTS = ("xc", "yc", "xt", "yt")
PREDICTIONS = ("mean_on", "std_on", "mean_off", "std_off")
LOSSES = ("loss_on", "loss_off")


def read_header(path):
    """The safetensors JSON header: {name: {dtype, shape, data_offsets}}, plus `__metadata__`."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
        (n,) = struct.unpack("<Q", raw)
        return json.loads(f.read(n))


def batch_shapes(header):
    """Expected {name: shape} of a peer-batch file, from the shapes of its own xc and xt."""
    shapes = {}
    for s in SPLITS:
        m, nc, dx = header[f"{s}.xc"]["shape"]
        nt = header[f"{s}.xt"]["shape"][1]
        dy = header[f"{s}.yc"]["shape"][2]
        shapes.update({f"{s}.xc": [m, nc, dx], f"{s}.yc": [m, nc, dy], f"{s}.xt": [m, nt, dx], f"{s}.yt": [m, nt, dy]})
        shapes.update({f"{s}.{p}": [m, nt, dy] for p in PREDICTIONS})
        shapes.update({f"{s}.{p}": [1] for p in LOSSES})
    return shapes


def is_run(path):
    path = Path(path)
    return (path / "config.json").is_file() and (path / "checkpoint.safetensors").is_file()


def run_dirs(root):
    """Run folders under a scale folder (or its runs/), or the folder itself if it is a run."""
    root = Path(root)
    if is_run(root):
        return [root]
    base = root / "runs" if (root / "runs").is_dir() else root
    runs = sorted(p for p in base.iterdir() if is_run(p))
    if not runs:
        raise FileNotFoundError(f"no run folders (config.json + checkpoint.safetensors) under {root}")
    return runs
