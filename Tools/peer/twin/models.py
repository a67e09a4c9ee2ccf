"""Builds the PyTorch twin of a run from its `config.json` (the Swift `ModelSpec.build`) and loads its
`checkpoint.safetensors` by name, without conversion."""
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file

from .cnn2d import GridConvCNP
from .convcnp import ConvCNP
from .pttnp import PseudoTokenTNP
from .tnp import TNP

from peer_files import model_object  # the Tools/peer folder is on sys.path for every twin script

KINDS = ("tnp", "tnp-t", "tnp-t-approx", "convcnp-t", "convcnp-t-approx", "relaxedconvcnp-t-approx",
         "equivcnp-e", "equivcnp-e-approx", "pt-tnp", "pt-tnp-t", "pt-tnp-t-approx")
CNN_KINDS = ("convcnp-t", "convcnp-t-approx", "relaxedconvcnp-t-approx", "equivcnp-e", "equivcnp-e-approx")
# The paper's names as the Swift `ModelKind.displayName` prints them: a combining tilde (U+0303) after T or E.
DISPLAY_NAMES = {"tnp": "TNP", "tnp-t": "TNP (T)", "tnp-t-approx": "TNP (T\u0303)", "convcnp-t": "ConvCNP (T)",
                 "convcnp-t-approx": "ConvCNP (T\u0303)", "relaxedconvcnp-t-approx": "RelaxedConvCNP (T\u0303)",
                 "equivcnp-e": "EquivCNP (E)", "equivcnp-e-approx": "EquivCNP (E\u0303)", "pt-tnp": "PT-TNP",
                 "pt-tnp-t": "PT-TNP (T)", "pt-tnp-t-approx": "PT-TNP (T\u0303)"}
OPTIMISER_PREFIX = "adamw."   # AdamW moments stored beside the parameters in a checkpoint


@dataclass
class ModelSpec:
    """The `model` object of a run's config.json."""
    kind: str
    tnp: dict
    convcnp: dict
    fixed_input_count: object   # int or None (the kind's default)
    domain: dict | None   # the fixed inputs' open box; None for a model without fixed inputs
    fourier_range: float
    position_scale: float
    dropout: dict
    dx: int = 1
    dy: int = 1
    grid_cnn: dict = None        # 2-D CNN sizes (U-Net, group CNN); None: the 1-D ConvStack models
    pixel_lattice: dict = None   # gridded data: the on-grid encoder/decoder; None: SetConv
    kernel_shape: str = None     # "perDimension" | "isotropic" | None (the kind's default)
    pseudo_tokens: int = None
    scale: str = "varianceSoftplus"
    scale_floor: float = 1e-6    # the head's floor on σ or σ² (`HeadSpec.floor`)
    initialisation: str = "kaiming"   # `ModelSpec.initialisation`: "calibrated" also changes two forward maps
    fixed_input_dims: list = None  # the input dimensions the fixed inputs see (`FixedInputSpec.seenDimensions`)
    grid_placement: str = "batch"  # the SetConv grid: "batch" (one for the batch) | "perTask" (`ConvStackArchitecture.gridPlacement`)

    @property
    def channels(self):
        """C of a convolutional model (the Swift `convolutionalChannels`)."""
        if self.grid_cnn is None:   # None for the attention models (a schema-2 record has no CNN sizes for them)
            return (self.convcnp or {}).get("channels")
        return self.grid_cnn["groupCNN" if self.kind.startswith("equivcnp") else "unet"]["channels"]

    @property
    def resolved_fixed_input_count(self):
        """B as built (the Swift `ModelSpec.resolvedFixedInputCount`)."""
        c = self.channels
        if self.kind == "tnp-t-approx":
            return 4 if self.fixed_input_count is None else self.fixed_input_count
        if self.kind == "pt-tnp-t-approx":
            return self.tnp["width"] if self.fixed_input_count is None else self.fixed_input_count
        if self.kind.startswith("pt-tnp"):
            return 0
        if self.kind in ("convcnp-t-approx", "equivcnp-e-approx"):
            return c if self.fixed_input_count is None else self.fixed_input_count
        return c if self.kind == "relaxedconvcnp-t-approx" else 0

    @property
    def fixed_input_dropout(self):
        """Probability of dropping the fixed inputs of a task in training (None: the model has none)."""
        if self.resolved_fixed_input_count == 0:
            return None
        return {"tnp-t-approx": self.dropout["tnp"], "pt-tnp-t-approx": self.dropout["tnp"], "convcnp-t-approx": self.dropout["convcnp"],
                "equivcnp-e-approx": self.dropout["equivcnp"], "relaxedconvcnp-t-approx": self.dropout["relaxed"]}[self.kind]


def model_spec(config):
    """`config` is a run's parsed config.json (or just its `model` object)."""
    m = model_object(config)
    if m["kind"] not in KINDS:
        raise ValueError(f"unknown model kind {m['kind']!r}; known: {', '.join(KINDS)}")
    return ModelSpec(kind=m["kind"], tnp=m["preset"]["tnp"], convcnp=m["preset"]["convCNP"],
                     fixed_input_count=m.get("fixedInputCount"), domain=m.get("domain"),
                     fourier_range=m["fourierRange"], position_scale=m.get("positionScale", 7.0),
                     dropout={"tnp": m.get("dropoutTNP", 0.5), "convcnp": m.get("dropoutConvCNP", 0.1),
                              "equivcnp": m.get("dropoutEquivCNP", 0.1), "relaxed": m.get("dropoutRelaxed", 0.5)},
                     dx=m.get("inputDimension", 1), dy=m.get("outputDimension", 1), grid_cnn=m.get("gridCNN"),
                     pixel_lattice=m.get("pixelLattice"), kernel_shape=m.get("kernelShape"), pseudo_tokens=m.get("pseudoTokenCount"),
                     scale=m.get("scaleParameterisation", "varianceSoftplus"), scale_floor=m.get("scaleFloor", 1e-6),
                     fixed_input_dims=m.get("fixedInputDimensions"), grid_placement=m.get("gridPlacement", "batch"),
                     initialisation=m.get("initialisation", "kaiming"))


def build_model(spec):
    """The twin of `spec` (a ModelSpec), with zero-initialised parameters: load a checkpoint into it."""
    if isinstance(spec, dict):
        spec = model_spec(spec)
    b = spec.resolved_fixed_input_count
    if spec.kind.startswith("pt-tnp"):
        t = spec.tnp
        fixed = None
        if spec.kind == "pt-tnp-t-approx" and b > 0:
            fixed = dict(count=b, hidden=t["width"], dx=spec.dx, out_channels=t["width"], domain=spec.domain,
                         input_scale=spec.position_scale, dims=spec.fixed_input_dims)
        return PseudoTokenTNP(width=t["width"], layers=t["layers"], heads=t["heads"], head_width=t["headWidth"],
                              pseudo_tokens=spec.pseudo_tokens or t["width"], translation_equivariant=spec.kind != "pt-tnp",
                              fixed=fixed, dx=spec.dx, dy=spec.dy, parameterisation=spec.scale, floor=spec.scale_floor)
    if spec.grid_cnn is not None:
        return build_grid_cnn(spec)
    if spec.kind.startswith("tnp"):
        t = spec.tnp
        fixed = None
        if spec.kind == "tnp-t-approx" and b > 0:
            fixed = dict(count=t["width"], hidden=t["width"], dx=1, out_channels=t["width"], domain=spec.domain,
                         fourier=(b, spec.fourier_range))
        return TNP(width=t["width"], layers=t["layers"], heads=t["heads"], head_width=t["headWidth"],
                   translation_equivariant=spec.kind != "tnp", fixed=fixed)
    c = spec.convcnp
    ch = c["channels"]
    raw_fixed = dict(hidden=ch, dx=1, out_channels=ch, domain=spec.domain, input_scale=spec.position_scale)
    fixed = dict(count=b, **raw_fixed) if b > 0 and spec.kind in ("convcnp-t-approx", "equivcnp-e-approx") else None
    relax = dict(count=ch, **raw_fixed) if spec.kind == "relaxedconvcnp-t-approx" else None
    convolution = {"convcnp-t": "plain", "convcnp-t-approx": "plain", "relaxedconvcnp-t-approx": "relaxed",
                   "equivcnp-e": "symmetric", "equivcnp-e-approx": "symmetric"}[spec.kind]
    return ConvCNP(channels=ch, layers=c["layers"], kernel=c["kernel"], points_per_unit=c["pointsPerUnit"],
                   margin=c.get("margin", 0.1), decoder_lengthscales=c.get("decoderLengthscales", 5),
                   convolution=convolution, fixed=fixed, relax=relax, placement=spec.grid_placement)


def build_grid_cnn(spec):
    """The 2-D convolutional models (the Swift `ModelSpec.buildGridConvolutional`)."""
    if spec.dx != 2:
        raise ValueError(f"the U-Net and group-CNN models are 2-D; this spec has dx = {spec.dx}")
    c, b = spec.channels, spec.resolved_fixed_input_count
    symmetric = spec.kind.startswith("equivcnp")
    raw_fixed = dict(hidden=c, dx=2, domain=spec.domain, input_scale=spec.position_scale, dims=spec.fixed_input_dims)
    fixed = dict(count=b, out_channels=c, **raw_fixed) if b > 0 and spec.kind in ("convcnp-t-approx", "equivcnp-e-approx") else None
    relax = dict(count=c, out_channels=c, **raw_fixed) if spec.kind == "relaxedconvcnp-t-approx" else None
    shape = spec.kernel_shape or ("isotropic" if symmetric else "perDimension")
    return GridConvCNP(backbone="group_cnn" if symmetric else "unet", sizes=spec.grid_cnn, channels=c, dy=spec.dy,
                       lattice=spec.pixel_lattice, isotropic=shape == "isotropic", fixed=fixed, relax=relax,
                       parameterisation=spec.scale, floor=spec.scale_floor, calibrated=spec.initialisation == "calibrated")


def load_checkpoint(model, path):
    """Loads the parameters of a Swift checkpoint (names and shapes as stored, optimiser state skipped);
    raises if any parameter is missing, unexpected or of another shape."""
    tensors = {k: v for k, v in load_file(str(path)).items() if not k.startswith(OPTIMISER_PREFIX)}
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    wrong = sorted(k for k in set(expected) & set(tensors) if tuple(expected[k].shape) != tuple(tensors[k].shape))
    if missing or unexpected or wrong:
        raise ValueError(f"{path}: checkpoint does not match the twin: missing {missing}, unexpected {unexpected}, "
                         f"shape differs {[(k, tuple(tensors[k].shape), tuple(expected[k].shape)) for k in wrong]}")
    model.load_state_dict(tensors, strict=True)
    return model


def load_run(run_dir):
    """(spec, model with trained weights) for a run folder holding config.json and checkpoint.safetensors."""
    run_dir = Path(run_dir)
    for name in ("config.json", "checkpoint.safetensors"):
        if not (run_dir / name).is_file():
            raise FileNotFoundError(f"{run_dir / name} is missing (a run folder holds config.json and checkpoint.safetensors)")
    spec = model_spec(json.loads((run_dir / "config.json").read_text()))
    model = load_checkpoint(build_model(spec), run_dir / "checkpoint.safetensors")
    model.eval()
    return spec, model
