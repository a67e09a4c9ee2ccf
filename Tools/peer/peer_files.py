"""Names, shapes and dtypes of the files the PyTorch twin reads (Docs/peer-files.md); needs numpy and
safetensors only (no torch), so that CI can check them."""
import json
import struct
from pathlib import Path

SPLITS = ("id", "ood")
BATCH_INPUTS = ("xc", "yc", "xt", "yt")
PREDICTIONS = ("mean_on", "std_on", "mean_off", "std_off")
LOSSES = ("loss_on", "loss_off")
MASKS = ("context_mask", "target_mask")   # padded batches only: [m, nc], [m, nt], 1 real, 0 padding
FORMAT_VERSION = "4"
OPTIMISER_PREFIX = "adamw."   # AdamW moments stored beside the parameters in a checkpoint


def schema1_view(model):
    """A run's `model` object in the field names of model-spec schema 1, which the rest of this module and the twin
    read. A schema-1 record (no `schema` key: the committed runs trained before schema 2) is returned as it is; a
    schema-2 record (`{"schema": 2, "kind", "inputDimension", "outputDimension", "architecture": {"family", ...},
    "fixedInputs"}`, Docs/architecture.md) is flattened into those fields. Fields the model does not read are left
    out, so readers take their defaults."""
    if "schema" not in model:
        return model
    if model["schema"] != 2:
        raise ValueError(f"model spec schema {model['schema']}; this reader knows 1 and 2")
    a, f = model["architecture"], model.get("fixedInputs")
    family = a["family"]
    v = {"kind": model["kind"], "inputDimension": model["inputDimension"], "outputDimension": model["outputDimension"],
         "preset": {"tnp": None, "convCNP": None}, "fourierRange": 1.0, "positionScale": 1.0}
    if f is not None:
        v["domain"] = f["domain"]
        v["fixedInputCount"] = f["count"]
        v.update({key: f["dropout"] for key in ("dropoutTNP", "dropoutConvCNP", "dropoutEquivCNP", "dropoutRelaxed")})
        if f.get("seenDimensions") is not None:
            v["fixedInputDimensions"] = f["seenDimensions"]
        positions = f["positions"]
        if "fourier" in positions:
            v["fourierRange"] = positions["fourier"]["range"]
        else:
            v["positionScale"] = positions["scaled"]["divisor"]
    if family in ("transformer", "pseudoTokenTransformer"):
        v["preset"]["tnp"] = a["sizes"]
    if family == "pseudoTokenTransformer":
        v["pseudoTokenCount"] = a["pseudoTokens"]
    if family == "convStack":
        v["preset"]["convCNP"] = a["sizes"]
        v["kernelShape"], v["gridPlacement"] = a["kernelShape"], a["gridPlacement"]
    if family == "gridCNN":
        backbone = a["backbone"]
        name = "unet" if "unet" in backbone else "groupCNN"
        grid = {name: backbone[name]["sizes"]}
        if "pixels" in a["input"]:
            v["pixelLattice"] = a["input"]["pixels"]["lattice"]
        else:
            s = a["input"]["setConv"]
            grid.update(pointsPerUnit=s["pointsPerUnit"], decoderLengthscales=s["decoderLengthscales"])
            v["kernelShape"] = s["kernelShape"]
        v["gridCNN"] = grid
    if family in ("pseudoTokenTransformer", "gridCNN"):
        v["scaleParameterisation"], v["scaleFloor"] = a["head"]["parameterisation"], a["head"]["floor"]
        v["initialisation"] = a["initialisation"]
    if family not in ("transformer", "pseudoTokenTransformer", "convStack", "gridCNN"):
        raise ValueError(f"unknown model family {family!r}")
    return v


def model_object(config):
    """The `model` object of a run's parsed config.json (or the object itself), in schema-1 field names."""
    return schema1_view(config.get("model", config))


def read_header(path):
    """The safetensors JSON header: {name: {dtype, shape, data_offsets}}, plus `__metadata__`."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
        (n,) = struct.unpack("<Q", raw)
        return json.loads(f.read(n))


GRADIENT_PREFIX = "id.grad_on."   # + parameter name: gradient of id.loss_on
PATTERN_PREFIX = "id.relu_pattern_on."   # + "<call>.<layer>": our TE logit MLPs' ReLU patterns (TE models only)


def is_translation_equivariant_attention(model):
    """Whether the model's attention is TE (its logits an MLP of every query–key pair)."""
    return model["kind"] in ("tnp-t", "tnp-t-approx", "pt-tnp-t", "pt-tnp-t-approx")


def pattern_shapes(header, config):
    """{name: shape} of the ReLU patterns: for TE models every `PATTERN_PREFIX<call>.<layer>` the file holds, which
    must be calls 0…C−1 (C ≥ 1) with hidden layers 0 and 1 each, [m, nq, nk, width] with m the batch's task count
    and width the model's; for other models none. (How many calls a forward pass makes, the twin's check counts.)"""
    model = model_object(config)
    names = [k for k in header if k.startswith(PATTERN_PREFIX)]
    if not is_translation_equivariant_attention(model):
        return {}
    indices = sorted(tuple(int(i) for i in k[len(PATTERN_PREFIX):].split(".")) for k in names)
    calls = len({c for c, _ in indices})
    expected = [(c, l) for c in range(max(calls, 1)) for l in range(2)]
    if indices != expected:
        return {f"{PATTERN_PREFIX}{c}.{l}": None for c, l in expected}   # reported as missing or unexpected names
    m, width = header["id.xc"]["shape"][0], model["preset"]["tnp"]["width"]
    shapes = {}
    for c, l in indices:
        shape = header[f"{PATTERN_PREFIX}{c}.{l}"]["shape"]
        ok = len(shape) == 4 and shape[0] == m and shape[3] == width
        shapes[f"{PATTERN_PREFIX}{c}.{l}"] = shape if ok else [m, "nq", "nk", width]
    return shapes


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
        if f"{s}.context_mask" in header:
            shapes[f"{s}.context_mask"] = [m, nc]
        if f"{s}.target_mask" in header:
            shapes[f"{s}.target_mask"] = [m, nt]
    shapes.update({GRADIENT_PREFIX + name: shape for name, shape in expected_parameters(config).items()})
    shapes.update(pattern_shapes(header, config))
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


def convolutional_channels(model):
    """C of a convolutional model (the Swift `ModelSpec.convolutionalChannels`)."""
    model = schema1_view(model)
    grid = model.get("gridCNN")
    if grid is None:   # None for the attention models (a schema-2 record has no CNN sizes for them)
        return (model["preset"].get("convCNP") or {}).get("channels")
    return grid["groupCNN" if model["kind"].startswith("equivcnp") else "unet"]["channels"]


def resolved_fixed_input_count(model):
    """B as built (the Swift `ModelSpec.resolvedFixedInputCount`); `model` is config.json's `model` object."""
    model = schema1_view(model)
    kind, b, c = model["kind"], model.get("fixedInputCount"), convolutional_channels(model)
    if kind == "tnp-t-approx":
        return 4 if b is None else b
    if kind == "pt-tnp-t-approx":
        return model["preset"]["tnp"]["width"] if b is None else b
    if kind.startswith("pt-tnp"):
        return 0
    if kind in ("convcnp-t-approx", "equivcnp-e-approx"):
        return c if b is None else b
    return c if kind == "relaxedconvcnp-t-approx" else 0


def _attention_block(name, d, heads, dh, te, dx):
    shapes = {}
    for norm in ("norm1", "norm2"):
        shapes.update({f"{name}.{norm}.weight": [d], f"{name}.{norm}.bias": [d]})
    for proj in ("q", "k", "v"):
        shapes.update(_linear(f"{name}.attention.{proj}", d, heads * dh, bias=False))
    shapes.update(_linear(f"{name}.attention.out", heads * dh, d))
    if te:
        shapes.update(_mlp(f"{name}.attention.logits", [dx + heads, d, d, heads]))
    shapes.update(_mlp(f"{name}.ff", [d, d, d, d]))
    return shapes


def unet_channels(channels, levels, max_channels=256):
    """(inputs, outputs) of every U-Net convolution: down blocks, bottleneck, up blocks (Swift `convolutionChannels`)."""
    down_out = [min(channels << (i + 1), max_channels) for i in range(levels)]
    down = [(channels if i == 0 else down_out[i - 1], down_out[i]) for i in range(levels)]
    bottom = channels if levels == 0 else down_out[-1]
    up, below = [], bottom
    for i in reversed(range(levels)):
        out = channels if i == 0 else down_out[i - 1]
        up.append((below + down_out[i], out))
        below = out
    return down + [(bottom, bottom)] + up


def _pseudo_token_parameters(model, b, dx, dy):
    t = model["preset"]["tnp"]
    d, heads, dh, te = t["width"], t["heads"], t["headWidth"], model["kind"] != "pt-tnp"
    tokens = model.get("pseudoTokenCount") or d
    shapes = _mlp("tokens", [dy if te else dx + dy + 1, d, d, d])
    if te:
        shapes["target_token"] = [d]
    shapes["pseudo_tokens"] = [tokens, d]
    if te:
        shapes["pseudo_locations"] = [tokens, dx]
    if b > 0:
        # The fixed inputs see `fixedInputDimensions` of the inputs when set (4-D: lon, lat, elevation).
        seen = len(model["fixedInputDimensions"]) if model.get("fixedInputDimensions") else dx
        shapes.update(_mlp("fixed_inputs.mlp", [seen, d, d, b]))
        if b != d:
            shapes.update(_linear("fixed_inputs.projection", b, d))
    for i in range(t["layers"]):
        for block in ("context_to_pseudo", "pseudo_to_context", "pseudo_to_targets"):
            shapes.update(_attention_block(f"layer{i}.{block}", d, heads, dh, te, dx))
    shapes.update(_mlp("head.mlp", [d, d, d, 2 * dy]))
    return shapes


def _grid_cnn_parameters(model, b, dy):
    """The 2-D convolutional models (U-Net or D_N group CNN; on-grid or SetConv encoder and decoder)."""
    kind, grid = model["kind"], model["gridCNN"]
    symmetric = kind.startswith("equivcnp")
    c = convolutional_channels(model)
    shapes = _mlp("encoder.mlp", [dy + 1, c, c])
    on_grid = model.get("pixelLattice") is not None
    kernels = 1 if on_grid else grid.get("decoderLengthscales", 5)
    if not on_grid:
        iso = (model.get("kernelShape") or ("isotropic" if symmetric else "perDimension")) == "isotropic"
        lengthscales = 1 if iso else 2
        shapes["encoder.log_lengthscale"] = [lengthscales]
        shapes.update({f"decoder.log_lengthscale_{j}": [lengthscales] for j in range(kernels)})
    if kind in ("convcnp-t-approx", "equivcnp-e-approx") and b > 0:
        shapes.update(_mlp("fixed_inputs.mlp", [2, c, c, b]))
        if b != c:
            shapes.update(_linear("fixed_inputs.projection", b, c))
    if symmetric:
        g = grid["groupCNN"]
        k, order = g["kernel"], 2 * g.get("rotations", 8)
        for i in range(g["layers"]):
            rows = k * k if i == 0 else k * k * order
            cin = g["channels"] if i == 0 else g["fields"]
            cout = g["channels"] if i == g["layers"] - 1 else g["fields"]
            shapes.update({f"group_cnn.gconv{i}.weight": [rows, cin, cout], f"group_cnn.gconv{i}.bias": [cout]})
    else:
        u = grid["unet"]
        for i, (cin, cout) in enumerate(unet_channels(u["channels"], u["levels"], u.get("maxChannels", 256))):
            shapes.update({f"unet.conv{i}.weight": [u["kernel"], u["kernel"], cin, cout], f"unet.conv{i}.bias": [cout]})
            if kind == "relaxedconvcnp-t-approx":
                shapes.update(_mlp(f"unet.relax{i}.mlp", [2, c, c, cin]))
    shapes.update(_mlp("head.mlp", [kernels * c, c, c, 2 * dy]))
    return shapes


def expected_parameters(config):
    """{name: shape} of every trainable parameter of the run's model (float32 in the checkpoint)."""
    model = model_object(config)
    kind, b = model["kind"], resolved_fixed_input_count(model)
    dx, dy = model.get("inputDimension", 1), model.get("outputDimension", 1)
    if kind.startswith("pt-tnp"):
        return _pseudo_token_parameters(model, b, dx, dy)
    if model.get("gridCNN") is not None:
        return _grid_cnn_parameters(model, b, dy)
    if kind.startswith("tnp"):
        t = model["preset"]["tnp"]
        d, heads, dh, te = t["width"], t["heads"], t["headWidth"], kind != "tnp"
        shapes = _mlp("tokens", [dy if te else dx + dy + 1, d, d, d])
        if te:
            shapes["target_token"] = [d]
        if kind == "tnp-t-approx" and b > 0:
            shapes.update(_mlp("fixed_inputs.mlp", [2 * b * dx, d, d, d]))
        for i in range(t["layers"]):
            shapes.update(_attention_block(f"layer{i}", d, heads, dh, te, dx))
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
