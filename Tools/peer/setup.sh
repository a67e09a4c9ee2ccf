#!/usr/bin/env bash
# Creates the Python virtualenv for the PyTorch twin (Tools/peer) in .venv-peer/
# at the repository root. torch comes from PyPI (the download is large).
# Usage: bash Tools/peer/setup.sh [--minimal]
#   --minimal  only safetensors and numpy (enough for Tools/peer/test_files.py)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv-peer"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --upgrade pip >/dev/null
if [ "${1:-}" = "--minimal" ]; then
  "$venv/bin/pip" install safetensors numpy
else
  "$venv/bin/pip" install torch safetensors numpy
fi
"$venv/bin/python" -c 'import safetensors, numpy; print("peer venv ready:", "'"$venv"'")'
