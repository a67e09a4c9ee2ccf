"""PyTorch twin of the package's eight 1-D models (Tools/peer).

Written from the paper and this repository's Swift sources and run configurations, not from the authors' code.
A run's `config.json` builds the module (`build_model`), and its `checkpoint.safetensors` loads into it by the
same parameter names and shapes, without conversion (`load_checkpoint`). See Docs/peer-files.md.
"""
from .models import build_model, load_checkpoint, load_run, model_spec, ModelSpec  # noqa: F401
