"""Names, shapes and dtypes of the files the PyTorch twin reads (Docs/peer-files.md); needs numpy and
safetensors only (no torch), so that CI can check them."""
import json
import struct
from pathlib import Path

SPLITS = ("id", "ood")
BATCH_INPUTS = ("xc", "yc", "xt", "yt")
PREDICTIONS = ("mean_on", "std_on", "mean_off", "std_off")
LOSSES = ("loss_on", "loss_off")
OPTIMISER_PREFIX = "adamw."   # AdamW moments stored beside the parameters in a checkpoint


def read_header(path):
    """The safetensors JSON header: {name: {dtype, shape, data_offsets}}, plus `__metadata__`."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
        (n,) = struct.unpack("<Q", raw)
        return json.loads(f.read(n))


GRADIENT_PREFIX = "id.grad_on."   # + parameter name: gradient of id.loss_on


def batch_shapes(header, config):
    """Expected {name: shape} of a peer-batch file, from the shapes of its own xc and xt and the run's config."""
    shapes = {}
    for s in SPLITS:
        m, nc, dx = header[f"{s}.xc"]["shape"]
        nt = header[f"{s}.xt"]["shape"][1]
        dy = header[f"{s}.yc"]["shape"][2]
        shapes.update({f"{s}.xc": [m, nc, dx], f"{s}.yc": [m, nc, dy], f"{s}.xt": [m, nt, dx], f"{s}.yt": [m, nt, dy]})
        shapes.update({f"{s}.{p}": [m, nt, dy] for p in PREDICTIONS})
        shapes.update({f"{s}.{p}": [1] for p in LOSSES})
    shapes.update({GRADIENT_PREFIX + name: shape for name, shape in expected_parameters(config).items()})
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


# --- Checkpoint parameter names and shapes, from a run's config.json (documented in Docs/peer-files.md) ---

def _linear(name, inputs, outputs, bias=True):
    shapes = {f"{name}.weight": [outputs, inputs]}
    if bias:
        shapes[f"{name}.bias"] = [outputs]
    return shapes


def _mlp(name, widths):
    shapes = {}
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        shapes.update(_linear(f"{name}.{i}", a, b))
    return shapes


def resolved_fixed_input_count(model):
    """B as built (the Swift `ModelSpec.resolvedFixedInputCount`); `model` is config.json's `model` object."""
    kind, b, c = model["kind"], model.get("fixedInputCount"), model["preset"]["convCNP"]["channels"]
    if kind == "tnp-t-approx":
        return 4 if b is None else b
    if kind in ("convcnp-t-approx", "equivcnp-e-approx"):
        return c if b is None else b
    return c if kind == "relaxedconvcnp-t-approx" else 0


def expected_parameters(config, dx=1, dy=1):
    """{name: shape} of every trainable parameter of the run's model (float32 in the checkpoint)."""
    model = config.get("model", config)
    kind, b = model["kind"], resolved_fixed_input_count(model)
    if kind.startswith("tnp"):
        t = model["preset"]["tnp"]
        d, heads, dh, te = t["width"], t["heads"], t["headWidth"], kind != "tnp"
        shapes = _mlp("tokens", [dy if te else dx + dy + 1, d, d, d])
        if te:
            shapes["target_token"] = [d]
        if kind == "tnp-t-approx" and b > 0:
            shapes.update(_mlp("fixed_inputs.mlp", [2 * b * dx, d, d, d]))
        for i in range(t["layers"]):
            s = f"layer{i}"
            for norm in ("norm1", "norm2"):
                shapes.update({f"{s}.{norm}.weight": [d], f"{s}.{norm}.bias": [d]})
            for proj in ("q", "k", "v"):
                shapes.update(_linear(f"{s}.attention.{proj}", d, heads * dh, bias=False))
            shapes.update(_linear(f"{s}.attention.out", heads * dh, d))
            if te:
                shapes.update(_mlp(f"{s}.attention.logits", [dx + heads, d, d, heads]))
            shapes.update(_mlp(f"{s}.ff", [d, d, d, d]))
        shapes.update(_mlp("head.mlp", [d, d, d, 2 * dy]))
        return shapes
    c = model["preset"]["convCNP"]
    ch, k, kernels = c["channels"], c["kernel"], c.get("decoderLengthscales", 5)
    shapes = {"encoder.log_lengthscale": [1], **_mlp("encoder.mlp", [dy + 1, ch, ch])}
    if kind in ("convcnp-t-approx", "equivcnp-e-approx") and b > 0:
        shapes.update(_mlp("fixed_inputs.mlp", [dx, ch, ch, b]))
        if b != ch:
            shapes.update(_linear("fixed_inputs.projection", b, ch))
    for i in range(c["layers"]):
        shapes.update({f"cnn.conv{i}.weight": [k, ch, ch], f"cnn.conv{i}.bias": [ch]})   # [k, cin, cout]
        if kind == "relaxedconvcnp-t-approx":
            shapes.update(_mlp(f"cnn.relax{i}.mlp", [dx, ch, ch, ch]))
    shapes.update({f"decoder.log_lengthscale_{j}": [1] for j in range(kernels)})
    shapes.update(_mlp("head.mlp", [kernels * ch, ch, ch, 2 * dy]))
    return shapes
