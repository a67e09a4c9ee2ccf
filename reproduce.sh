#!/usr/bin/env bash
# Reproduce "Approximately Equivariant Neural Processes" (Ashman et al., NeurIPS 2024) with this Swift package.
#
#   ./reproduce.sh                       everything at the default scale (quick)
#   ./reproduce.sh figure1 table3        only those outputs (training only what they need)
#   ./reproduce.sh --scale ci|quick|paper
#   ./reproduce.sh --jobs N              train independent runs N at a time first
#   ./reproduce.sh --force               set the scale's cached results aside (renamed, not deleted) and redo them
#   ./reproduce.sh --list                every target, what it needs, whether it is up to date
#   ./reproduce.sh --dry-run             print the commands instead of running them
#   ./reproduce.sh --emit-jobs           one shell command per training run (for Slurm, GNU parallel, xargs -P)
#   ./reproduce.sh --test                the test suite, then the whole pipeline at ci scale, checking every output
#   ./reproduce.sh --no-install          never call apt-get
set -euo pipefail
cd "$(dirname "$0")"

SCALE=quick
JOBS=1
FORCE=0
LIST=0
DRY=0
EMIT=0
TEST=0
INSTALL=1
TARGETS=()
ALL_TARGETS=(table1 table3 table4 table5 figure1 figure3 figure4 ground-truth gallery)

die() { echo "reproduce.sh: $*" >&2; exit 2; }
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --scale) [ $# -ge 2 ] || die "--scale needs a value (ci, quick or paper)"; SCALE="$2"; shift 2 ;;
    --scale=*) SCALE="${1#*=}"; shift ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; JOBS="$2"; shift 2 ;;
    --jobs=*) JOBS="${1#*=}"; shift ;;
    --force) FORCE=1; shift ;;
    --list) LIST=1; shift ;;
    --dry-run) DRY=1; shift ;;
    --emit-jobs) EMIT=1; shift ;;
    --test) TEST=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    all) TARGETS+=("${ALL_TARGETS[@]}"); shift ;;
    *) found=0; for t in "${ALL_TARGETS[@]}"; do [ "$t" = "$1" ] && found=1; done
       [ $found = 1 ] || die "unknown target '$1'; targets: all ${ALL_TARGETS[*]}"
       TARGETS+=("$1"); shift ;;
  esac
done
case "$SCALE" in ci|quick|paper) ;; *) die "unknown scale '$SCALE'; choose ci, quick or paper" ;; esac
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive integer, got '$JOBS'"
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")

run() { if [ $DRY = 1 ]; then echo "$*"; else "$@"; fi; }

# 1. System packages.
PACKAGES=(libopenblas-dev libcairo2-dev fonts-dejavu-core texlive-latex-base texlive-latex-recommended poppler-utils)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "reproduce.sh: missing system packages: ${missing[*]}" >&2
  if [ $INSTALL = 1 ] && [ "$(id -u)" = 0 ]; then
    echo "reproduce.sh: installing them with apt-get (running as root)" >&2
    run apt-get update -qq
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    die "install them first (needs root): sudo apt-get install -y ${missing[*]}"
  fi
fi

# 2. The test mode: unit tests, then the ci-scale pipeline into a scratch folder, then checks on every output.
if [ $TEST = 1 ]; then
  run swift test
  run swift build -c release
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  run .build/release/gibbs1d all --scale ci --results "$scratch/results" --out "$scratch/out" --quiet
  run .build/release/plot-gallery "$scratch/gallery" >/dev/null
  [ $DRY = 1 ] && exit 0
  exec ./scripts/check-outputs.sh "$scratch/out" "$scratch/gallery"
fi

# 3. Build.
if [ $LIST = 1 ] || [ $EMIT = 1 ]; then
  [ -x .build/release/gibbs1d ] || swift build -c release >/dev/null
else
  run swift build -c release
fi
G=(.build/release/gibbs1d)
OUT_FLAGS=(--scale "$SCALE")

if [ $EMIT = 1 ]; then
  "${G[@]}" runs "${OUT_FLAGS[@]}"
  exit 0
fi

if [ $LIST = 1 ]; then
  [ "$SCALE" = quick ] && root=. || root="outputs/$SCALE"
  done_runs=$("${G[@]}" runs --status "${OUT_FLAGS[@]}" | grep -c '^done' || true)
  all_runs=$("${G[@]}" runs --status "${OUT_FLAGS[@]}" | wc -l)
  echo "scale $SCALE: $done_runs of $all_runs training runs finished (results/gibbs1d/$SCALE)"
  printf '%-13s %-62s %s\n' target "needs" "output"
  for t in "${ALL_TARGETS[@]}"; do
    case "$t" in
      table1) needs="8 models (ID and OOD metrics) + ground truth"; f="$root/tables/table1-gibbs1d.tex" ;;
      table3) needs="8 models (context-set metrics) + ground truth (both kernels)"; f="$root/tables/table3-gibbs1d-context.tex" ;;
      table4) needs="4 approximately equivariant models (deviation)"; f="$root/tables/table4-gibbs1d-deviation.tex" ;;
      table5) needs="TNP (T~), ConvCNP (T~) at B = 0,1,2,4,8,16 (10 runs)"; f="$root/tables/table5-gibbs1d-fixed-inputs.tex" ;;
      figure1|figure3|figure4) needs="8 trained models"; f="$root/figures/${t}-gibbs1d.png" ;;
      ground-truth) needs="nothing (exact GP predictor)"; f="results/gibbs1d/$SCALE/ground-truth-*.json" ;;
      gallery) needs="nothing"; f="docs/gallery/gallery-lines.png" ;;
    esac
    if compgen -G "$f" >/dev/null; then state="exists"; else state="missing"; fi
    [ "$done_runs" != "$all_runs" ] && [ "$state" = exists ] && [ "$t" != gallery ] && [ "$t" != ground-truth ] && state="exists (some runs unfinished)"
    printf '%-13s %-62s %s: %s\n' "$t" "$needs" "$f" "$state"
  done
  exit 0
fi

if [ $FORCE = 1 ] && [ -d "results/gibbs1d/$SCALE" ]; then
  aside="results/gibbs1d/$SCALE.set-aside-$(date +%Y%m%d-%H%M%S)"
  echo "reproduce.sh: --force: moving results/gibbs1d/$SCALE to $aside"
  run mv "results/gibbs1d/$SCALE" "$aside"
fi

start=$(date +%s)
# 4. Independent training runs in parallel (each with its share of the cores).
if [ "$JOBS" -gt 1 ]; then
  cores=$(nproc)
  threads=$(( cores / JOBS )); [ $threads -ge 1 ] || threads=1
  echo "reproduce.sh: training missing runs, $JOBS at a time, $threads thread(s) each"
  if [ $DRY = 1 ]; then "${G[@]}" runs --missing "${OUT_FLAGS[@]}"
  else "${G[@]}" runs --missing "${OUT_FLAGS[@]}" | AENP_THREADS=$threads xargs -P "$JOBS" -I{} sh -c '{}'; fi
fi

# 5. The outputs.
produced=()
for t in "${TARGETS[@]}"; do
  case "$t" in
    table*) run "${G[@]}" table "${t#table}" "${OUT_FLAGS[@]}"; produced+=("$t") ;;
    figure*) run "${G[@]}" figure "${t#figure}" "${OUT_FLAGS[@]}"; produced+=("$t") ;;
    ground-truth) run "${G[@]}" ground-truth "${OUT_FLAGS[@]}"; produced+=("$t") ;;
    gallery) run .build/release/plot-gallery docs/gallery >/dev/null; produced+=("$t") ;;
  esac
done
[ $DRY = 1 ] && exit 0
elapsed=$(( $(date +%s) - start ))
[ "$SCALE" = quick ] && root=. || root="outputs/$SCALE"
echo
echo "reproduce.sh: done in $((elapsed / 60))m$((elapsed % 60))s at scale $SCALE: ${produced[*]}"
echo "  tables:  $root/tables/   (.tex, .md, .json, .provenance.json)"
echo "  figures: $root/figures/  (.png, .pdf, .caption.txt, .provenance.json)"
echo "  cache:   results/gibbs1d/$SCALE/ (runs, checkpoints, metrics)"
