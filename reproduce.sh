#!/usr/bin/env bash
# Reproduce "Approximately Equivariant Neural Processes" (Ashman et al., NeurIPS 2024) with this Swift package.
# Every experiment has a CLI (an executable of the same name) that lists its outputs (`targets`) and training runs
# (`runs`) and builds outputs by name (`build TARGET`); this script drives them all the same way.
# scripts/paper-items.tsv lists every table and figure of the paper and which experiment makes it.
set -euo pipefail
cd "$(dirname "$0")"

# Experiments whose CLI exists, in the order they run.
EXPERIMENTS=(gibbs1d smoke2d environment)
ITEMS=scripts/paper-items.tsv

usage() {
  cat <<'USAGE'
usage: ./reproduce.sh [options] [target ...]

  target ...        outputs to build (default: all that exist): table1 … table9, figure1 … figure6, ground-truth,
                    deviation-map, differences, claims, gallery, report (report/reproduction-<scale>.pdf), all; only what they need is trained
  --scale S         ci, quick (default), standard (the 1-D experiment only, ~6 h) or paper; quick writes figures/
                    and tables/, other scales outputs/<scale>/
  --jobs N          first train the missing runs N at a time, each with its share of the cores
  --force           move the scale's cached results aside (renamed, not deleted) and recompute them
  --list            every table and figure of the paper, which experiment makes it and whether it exists
  --dry-run         print the commands instead of running them
  --emit-jobs       one self-contained shell command per training run (Slurm, GNU parallel, xargs -P)
  --test            the test command: unit tests, then every experiment at ci scale with every output checked
  --no-install      never call apt-get
  --peer            the PyTorch twin: a virtualenv with torch from PyPI, our predictions against the twin's for every
                    cached quick run, and the side-by-side step times (Tools/peer/README.md)
  -h, --help        this text
USAGE
}

die() { echo "reproduce.sh: $*" >&2; exit 2; }

SCALE=quick; JOBS=1; FORCE=0; LIST=0; DRY=0; EMIT=0; TEST=0; INSTALL=1; PEER=0
TARGETS=()
# item<TAB>experiment<TAB>target<TAB>pending, without comments.
items() { grep -v '^#' "$ITEMS"; }
known_target() { [ "$1" = gallery ] || [ "$1" = report ] || items | cut -f3 | grep -qxF "$1"; }
is_experiment() { local e; for e in "${EXPERIMENTS[@]}"; do [ "$e" = "$1" ] && return 0; done; return 1; }
# Experiments (with a CLI) that make target $1.
# (Rows whose last column names a pending issue are not built yet.)
makers() { items | awk -F'\t' -v t="$1" '$3 == t && $4 == "-" { print $2 }' | sort -u | while read -r e; do is_experiment "$e" && echo "$e"; done; true; }

while [ $# -gt 0 ]; do
  case "$1" in
    --scale) [ $# -ge 2 ] || die "--scale needs a value (ci, quick, standard or paper)"; SCALE="$2"; shift 2 ;;
    --scale=*) SCALE="${1#*=}"; shift ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; JOBS="$2"; shift 2 ;;
    --jobs=*) JOBS="${1#*=}"; shift ;;
    --force) FORCE=1; shift ;;
    --list) LIST=1; shift ;;
    --dry-run) DRY=1; shift ;;
    --emit-jobs) EMIT=1; shift ;;
    --test) TEST=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    --peer) PEER=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    all) TARGETS+=(all); shift ;;
    *) known_target "$1" || die "unknown target '$1'; targets: all gallery $(items | cut -f3 | sort -u | tr '\n' ' ')"
       TARGETS+=("$1"); shift ;;
  esac
done
case "$SCALE" in ci|quick|paper) ;; standard) EXPERIMENTS=(gibbs1d) ;;   # only the 1-D experiment has a standard scale
  *) die "unknown scale '$SCALE'; choose ci, quick, standard or paper" ;; esac
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive integer, got '$JOBS'"

# Expand the target list: nothing or `all` means every target some built experiment makes, and the gallery.
if [ ${#TARGETS[@]} -eq 0 ] || printf '%s\n' "${TARGETS[@]}" | grep -qx all; then
  TARGETS=($(items | cut -f3 | awk '!seen[$0]++' | while read -r t; do if [ -n "$(makers "$t")" ]; then echo "$t"; fi; done) gallery report)
fi
for t in "${TARGETS[@]}"; do
  if [ "$t" != gallery ] && [ "$t" != report ] && [ -z "$(makers "$t")" ]; then
    die "$t is not built by this reproduction yet ($(items | awk -F'\t' -v t="$t" '$3 == t { print $4 }' | sort -u | tr '\n' ' '))"
  fi
done

run() { if [ $DRY = 1 ]; then echo "$*"; else "$@"; fi; }
bin() { echo ".build/release/$1"; }
out_root() { [ "$SCALE" = quick ] && echo . || echo "outputs/$SCALE"; }

# --list: read-only; never installs or builds.
if [ $LIST = 1 ]; then
  declare -A TABLE
  for e in "${EXPERIMENTS[@]}"; do
    if [ -x "$(bin "$e")" ] && TABLE[$e]=$("$(bin "$e")" targets --scale "$SCALE" 2>/dev/null); then
      status=$("$(bin "$e")" runs --status --scale "$SCALE")
      echo "$e, scale $SCALE: $(grep -c '^done' <<<"$status" || true) of $(grep -c . <<<"$status" || true) training runs finished (results/$e/$SCALE)"
    else
      echo "$e: not built, or built from older sources (swift build -c release); states unknown"
    fi
  done
  printf '%-28s %-12s %-14s %-16s %s\n' "paper item" experiment target state "needs / file"
  while IFS=$'\t' read -r item exp target pending; do
    if [ "$SCALE" = standard ] && ! is_experiment "$exp"; then state="no such scale"; detail="standard is the 1-D experiment's"
    elif ! is_experiment "$exp" || [ "$pending" != "-" ]; then state="not implemented"; detail="$pending"
    elif [ -z "${TABLE[$exp]:-}" ]; then state="unknown"; detail="build $exp first"
    else
      line=$(awk -F'\t' -v t="$target" '$1 == t' <<<"${TABLE[$exp]}")
      if [ -z "$line" ]; then state="not implemented"; detail="$exp lists no $target"
      else state=$(cut -f4 <<<"$line"); detail="$(cut -f3 <<<"$line") / $(cut -f5 <<<"$line" | cut -d, -f1)"; fi
    fi
    printf '%-28s %-12s %-14s %-16s %s\n' "$item" "$exp" "$target" "$state" "$detail"
  done < <(items)
  exit 0
fi

# 1. System packages (one list, scripts/system-packages.txt).
mapfile -t PACKAGES < <(grep -v '^#' scripts/system-packages.txt | grep .)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "reproduce.sh: missing system packages: ${missing[*]}" >&2
  if [ $DRY = 1 ]; then echo "apt-get update -qq && apt-get install -y -qq ${missing[*]}"
  elif [ $INSTALL = 1 ] && [ "$(id -u)" = 0 ]; then
    echo "reproduce.sh: installing them with apt-get (running as root)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "install them first (needs root): sudo apt-get install -y ${missing[*]}"
  fi
fi

# 2. The test mode: unit tests, then every experiment's whole pipeline at ci scale into a scratch folder that is
#    removed on exit, then checks on every output the experiments list.
if [ $TEST = 1 ]; then
  # The real station data (Debian's r-cran-fields) for the loader's tests on the real file.
  run ./scripts/setup-station-data.sh data/stations
  run swift test
  run swift build -c release
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  files=()
  for e in "${EXPERIMENTS[@]}"; do
    flags=(--scale ci --results "$scratch/results" --out "$scratch/out")
    run "$(bin "$e")" all "${flags[@]}" --quiet
    [ $DRY = 1 ] || files+=($("$(bin "$e")" targets "${flags[@]}" | cut -f5 | tr ',' ' '))
  done
  # Bring your own simulation: every trained ci smoke model on a state simulated outside the data set.
  run "$(bin smoke2d)" simulate --radius 12 --inflow-x 30 --buoyancy 0.3 --out "$scratch/own-simulation" >/dev/null
  [ $DRY = 1 ] || { mkdir -p "$scratch/own-states" && mv "$scratch/own-simulation/smoke.npy" "$scratch/own-states/"; }
  run "$(bin smoke2d)" evaluate --scale ci --results "$scratch/results" --out "$scratch/out" --states "$scratch/own-states" --tasks 32 --quiet
  [ $DRY = 1 ] || files+=("$scratch/out/tables/smoke-external.json")
  run "$(bin plot-gallery)" "$scratch/gallery" >/dev/null
  run "$(bin np-report)" pdf --scale ci --results "$scratch/results" --outputs "$scratch/out" --out "$scratch/report"
  [ $DRY = 1 ] && exit 0
  status=0
  ./scripts/check-outputs.sh "$scratch/gallery" "${files[@]}" || status=$?
  ./scripts/check-report.sh "$scratch/report/reproduction-ci.pdf" ${#EXPERIMENTS[@]} || status=$?
  # The files the PyTorch twin reads (names, shapes, dtypes), with numpy and safetensors only (no torch).
  bash Tools/peer/setup.sh --minimal >/dev/null || status=$?
  .venv-peer/bin/python Tools/peer/test_files.py || status=$?
  exit $status
fi

if [ $PEER = 1 ]; then run bash Tools/peer/run.sh; exit 0; fi

# 3. Build.
run swift build -c release

if [ $EMIT = 1 ]; then
  for e in "${EXPERIMENTS[@]}"; do "$(bin "$e")" runs --scale "$SCALE"; done
  exit 0
fi

# The experiments this invocation touches.
mapfile -t USED < <(for t in "${TARGETS[@]}"; do [ "$t" = gallery ] || makers "$t"; done | awk '!seen[$0]++')

if [ $FORCE = 1 ]; then
  for e in "${USED[@]}"; do
    if [ -d "results/$e/$SCALE" ]; then
      aside="results/$e/$SCALE.set-aside-$(date +%Y%m%d-%H%M%S)"
      echo "reproduce.sh: --force: moving results/$e/$SCALE to $aside"
      run mv "results/$e/$SCALE" "$aside"
    fi
  done
fi

start=$(date +%s)
# 4. Independent training runs in parallel (each with its share of the cores).
if [ "$JOBS" -gt 1 ]; then
  threads=$(( $(nproc) / JOBS )); [ $threads -ge 1 ] || threads=1
  echo "reproduce.sh: training missing runs, $JOBS at a time, $threads thread(s) each"
  for e in "${USED[@]}"; do
    if [ $DRY = 1 ]; then "$(bin "$e")" runs --missing --scale "$SCALE"
    else "$(bin "$e")" runs --missing --scale "$SCALE" | AENP_THREADS=$threads xargs -P "$JOBS" -I{} sh -c '{}'; fi
  done
fi

# 5. The outputs.
for t in "${TARGETS[@]}"; do
  if [ "$t" = gallery ]; then run "$(bin plot-gallery)" Docs/gallery >/dev/null; continue; fi
  if [ "$t" = report ]; then run "$(bin np-report)" pdf --scale "$SCALE"; continue; fi
  for e in $(makers "$t"); do run "$(bin "$e")" build "$t" --scale "$SCALE"; done
  # The README's claim tables: every scale's verdicts (largest first), regenerated with any scale's claims.
  if [ "$t" = claims ] && [ "$SCALE" != ci ]; then run "$(bin np-report)" readme; fi
done
[ $DRY = 1 ] && exit 0
elapsed=$(( $(date +%s) - start ))
echo
echo "reproduce.sh: done in $((elapsed / 60))m$((elapsed % 60))s at scale $SCALE: ${TARGETS[*]}"
echo "  tables:  $(out_root)/tables/   (.tex, .md, .json, .provenance.json)"
echo "  figures: $(out_root)/figures/  (.png, .pdf, .caption.txt, .provenance.json)"
echo "  cache:   results/<experiment>/$SCALE/ (runs, checkpoints, metrics)"
