#!/usr/bin/env bash
# The PyTorch twin end to end: virtualenv (torch from PyPI), build, export our predictions, cross-check, bench.
#
#   bash Tools/peer/run.sh [SCALE_DIR]      # default results/gibbs1d/quick
#   bash Tools/peer/run.sh --no-bench [SCALE_DIR]
#
# Writes outputs/peer/<run>/peer-batch.safetensors; prints check.py's table of max relative differences and
# bench.py's speed table (quick preset). Docs/peer-check.md and Docs/peer-bench.md record the results.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bench=1
if [ "${1:-}" = "--no-bench" ]; then bench=0; shift; fi
scale="${1:-results/gibbs1d/quick}"
bash Tools/peer/setup.sh
swift build -c release --product peer-export
.build/release/peer-export --all "$scale"
.venv-peer/bin/python Tools/peer/check.py --all "$scale"
if [ "$bench" = 1 ]; then
  swift build -c release --product npbench
  .venv-peer/bin/python Tools/peer/bench.py --rounds 3
fi
