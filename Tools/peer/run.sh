#!/usr/bin/env bash
# The PyTorch twin end to end: virtualenv (torch from PyPI), build, export our predictions, cross-check, bench.
#
#   bash Tools/peer/run.sh [SCALE_DIR...]      # default results/gibbs1d/quick (add e.g. results/smoke2d/quick)
#   bash Tools/peer/run.sh --no-bench [SCALE_DIR...]
#
# Writes outputs/peer/<run>/peer-batch.safetensors for every run under each SCALE_DIR, and freshly initialised
# 2-D/4-D models with their batches under outputs/peer/fresh-quick (peer-export --fresh quick: every 2-D CNN kind
# on both paths, every PT-TNP in 2-D and 4-D); prints check.py's tables of max relative differences and
# bench.py's speed table (1-D quick runs, 2-D CNNs at the smoke quick sizes, PT-TNPs quick).
# Docs/peer-check.md and Docs/peer-bench.md record the results.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bench=1
if [ "${1:-}" = "--no-bench" ]; then bench=0; shift; fi
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(results/gibbs1d/quick)
bash Tools/peer/setup.sh
swift build -c release --product peer-export
status=0
for scale in "${scales[@]}"; do
  .build/release/peer-export --all "$scale"
  .venv-peer/bin/python Tools/peer/check.py --all "$scale" || status=1
done
.build/release/peer-export --fresh quick --output outputs/peer/fresh-quick
.venv-peer/bin/python Tools/peer/check.py --all outputs/peer/fresh-quick --batches outputs/peer/fresh-quick || status=1
if [ "$bench" = 1 ]; then
  swift build -c release --product npbench
  OMP_WAIT_POLICY=PASSIVE .venv-peer/bin/python Tools/peer/bench.py --sections 1d grid2d pt-tnp --rounds 3
fi
exit $status
