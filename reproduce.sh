#!/usr/bin/env bash
# Reproduce "Approximately Equivariant Neural Processes" (Ashman et al., NeurIPS 2024) with this Swift package.
# Every experiment has a CLI (an executable of the same name) that lists its outputs (`targets`) and training runs
# (`runs`) and builds outputs by name (`build TARGET`); this script drives them all the same way. The experiments
# and their outputs come from the registry (`np-report experiments`, `np-report targets`).
set -euo pipefail
CALLER_DIR=$PWD
cd "$(dirname "$0")"

usage() {
  cat <<'USAGE'
usage: ./reproduce.sh [options] [target ...]

  target ...        outputs to build (default: all): table1 … table9, figure1 … figure6, claims, differences, …
                    (--list names them all), gallery, report (report/reproduction-<scale>.pdf), all; only what they
                    need is trained
  --scale S         ci, quick (default), standard (about a day per experiment on 2 cores) or paper; each writes
                    outputs/<scale>/, then tables/ and figures/ get every output at the largest scale that has it
  --jobs N          first train the missing runs N at a time, each with its share of the cores
  --force           move the scale's cached results aside (renamed, not deleted) and recompute them
  --list            every table and figure in tables/ and figures/ (with --scale: in outputs/<scale>/), read from
                    their provenance records (paper item, scale, date, commit, file), without building anything
  --dry-run         print the commands instead of running them
  --emit-jobs       one self-contained shell command per training run, quoted for sh -c (Slurm, GNU parallel,
                    xargs -d '\n' -P N -I{} sh -c '{}'; split the lines on newlines only)
  --slurm [FILE]    with --emit-jobs: instead of the lines, a Slurm array job script (one array task per run, each
                    with its time and memory estimated from measured step times) on standard output, or in FILE;
                    `bash FILE submit` submits it, one array per resource class (Docs/cluster.md)
  --test            the test command: unit tests, then every experiment at ci scale with every output checked
  --no-install      never call apt-get
  --peer            the PyTorch twin: a virtualenv with torch from PyPI, our predictions against the twin's for every
                    cached quick run, and the side-by-side step times (Tools/peer/README.md)
  -h, --help        this text
USAGE
}

die() { echo "reproduce.sh: $*" >&2; exit 2; }

SCALE=quick; SCALE_GIVEN=0; JOBS=1; FORCE=0; LIST=0; DRY=0; EMIT=0; TEST=0; INSTALL=1; PEER=0; SLURM=0; SLURM_FILE=
TARGETS=()

while [ $# -gt 0 ]; do
  case "$1" in
    --scale) [ $# -ge 2 ] || die "--scale needs a value (ci, quick, standard or paper)"; SCALE="$2"; SCALE_GIVEN=1; shift 2 ;;
    --scale=*) SCALE="${1#*=}"; SCALE_GIVEN=1; shift ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; JOBS="$2"; shift 2 ;;
    --jobs=*) JOBS="${1#*=}"; shift ;;
    --force) FORCE=1; shift ;;
    --list) LIST=1; shift ;;
    --dry-run) DRY=1; shift ;;
    --emit-jobs) EMIT=1; shift ;;
    --slurm=*) SLURM=1; SLURM_FILE="${1#*=}"; [ -n "$SLURM_FILE" ] || die "--slurm= needs a file name"; shift ;;
    --slurm) SLURM=1; shift
             if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then SLURM_FILE="$1"; shift; fi ;;
    --test) TEST=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    --peer) PEER=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ $SLURM = 0 ] || [ $EMIT = 1 ] || die "--slurm goes with --emit-jobs (./reproduce.sh --emit-jobs --slurm [FILE] --scale S)"
[ $((LIST + EMIT + TEST + PEER)) -le 1 ] || die "--list, --emit-jobs, --test and --peer are separate modes; give one at a time"
[ $((LIST + EMIT + TEST + PEER)) -eq 0 ] || [ ${#TARGETS[@]} -eq 0 ] || die "targets (${TARGETS[*]}) go with a build, not with --list, --emit-jobs, --test or --peer"
case "$SCALE" in ci|quick|standard|paper) ;; *) die "unknown scale '$SCALE'; choose ci, quick, standard or paper" ;; esac
[[ "$JOBS" =~ ^[1-9][0-9]{0,3}$ ]] || die "--jobs needs a whole number from 1 to 9999, got '$JOBS'"

run() { if [ $DRY = 1 ]; then echo "$*"; else "$@"; fi; }
bin() { echo ".build/release/$1"; }
out_root() { echo "outputs/$SCALE"; }

# --emit-jobs --slurm: a Slurm array job script with one array task per training run. Each run's time limit is
# estimated as  steps × seconds per step × 1.5 + 1 h (evaluation), in whole hours, where
#   steps:            the run's config.json (results/<experiment>/<scale>/runs/<key>/) when it exists, else
#                     scripts/step-times.tsv;
#   seconds per step: the run's own train-log.csv (last line: step, …, seconds) when it has trained at this scale,
#                     else the measured step time in scripts/step-times.tsv for the longest matching key prefix;
# and its memory as twice the measured peak RSS in scripts/step-times.tsv, at least 2 GB (4 GB when not measured).
# A run with no estimate at all gets the longest limit of the others (24 h if none has one). Submitted with
# `bash FILE submit`, runs of equal time and memory share one array (per-run limits); `sbatch FILE` submits one
# array with the largest limits.
SLURM_CPUS=2
slurm_estimate() {   # $1 experiment, $2 run key → "hours memory_gb how"
  local e="$1" key="$2" dir="results/$1/$SCALE/runs/$2" steps="" ms="" mem="" how=""
  if [ -f "$dir/config.json" ]; then
    steps=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["schedule"]["steps"])' "$dir/config.json" 2>/dev/null || true)
  fi
  if [ -f "$dir/train-log.csv" ]; then
    ms=$(tail -n 1 "$dir/train-log.csv" | awk -F, '$1 > 0 && $NF > 0 { printf "%.1f", 1000 * $NF / $1 }')
    [ -n "$ms" ] && how="own log"
  fi
  local row
  row=$(awk -F'\t' -v e="$e" -v s="$SCALE" -v k="$key" '!/^#/ && $1 == e && $2 == s && index(k, $3) == 1 && length($3) > best { best = length($3); r = $4 "\t" $5 "\t" $6 } END { print r }' scripts/step-times.tsv)
  if [ -n "$row" ]; then
    IFS=$'\t' read -r t_ms t_steps t_mem <<<"$row"
    [ -n "$ms" ] || { ms="$t_ms"; how="step-times.tsv"; }
    [ -n "$steps" ] || [ "$t_steps" = - ] || steps="$t_steps"
    [ "$t_mem" = - ] || mem="$t_mem"
  fi
  local gb=4
  [ -z "$mem" ] || gb=$(awk -v m="$mem" 'BEGIN { g = int((2 * m + 1023) / 1024); print (g < 2 ? 2 : g) }')
  if [ -z "$steps" ] || [ -z "$ms" ]; then echo "- $gb none"; return; fi
  echo "$(awk -v n="$steps" -v ms="$ms" 'BEGIN { h = n * ms / 1000 * 1.5 / 3600; h = (h == int(h) ? h : int(h) + 1); print h + 1 }') $gb ${steps}-steps-at-${ms}ms-(${how})"
}
slurm_time() { printf '%d-%02d:00:00' $(($1 / 24)) $(($1 % 24)); }
slurm_script() {
  local cmds=() hours=() mems=() hows=() e i
  for e in "${EXPERIMENTS[@]}"; do
    local lines keys
    mapfile -t lines < <("$(bin "$e")" runs --scale "$SCALE")
    mapfile -t keys < <("$(bin "$e")" runs --status --scale "$SCALE" | awk '{ print $2 }')
    [ ${#lines[@]} = ${#keys[@]} ] || die "$e: 'runs' and 'runs --status' disagree on the number of runs"
    for i in "${!lines[@]}"; do
      read -r h g how <<<"$(slurm_estimate "$e" "${keys[$i]}")"
      cmds+=("${lines[$i]}"); hours+=("$h"); mems+=("$g"); hows+=("$e ${keys[$i]}: $how")
    done
  done
  local n=${#cmds[@]} max_h=0 max_g=0
  [ "$n" -gt 0 ] || die "no training runs at scale $SCALE"
  for i in "${!cmds[@]}"; do
    [ "${hours[$i]}" = - ] || [ "${hours[$i]}" -le "$max_h" ] || max_h=${hours[$i]}
    [ "${mems[$i]}" -le "$max_g" ] || max_g=${mems[$i]}
  done
  [ "$max_h" -gt 0 ] || max_h=24
  for i in "${!cmds[@]}"; do [ "${hours[$i]}" != - ] || { hours[$i]=$max_h; hows[$i]="${hows[$i]} (no estimate: the longest limit)"; }; done
  cat <<HEAD
#!/bin/bash
# Slurm array job: every training run of "Approximately Equivariant Neural Processes" at scale $SCALE, one array task
# per run (written by ./reproduce.sh --emit-jobs --slurm --scale $SCALE; Docs/cluster.md).
#   bash THIS_FILE submit   one array per resource class, each with its runs' own time and memory (preferred)
#   sbatch THIS_FILE        one array of all $n runs with the largest time and memory
# Time per run: steps × seconds per step × 1.5 + 1 h for evaluation; seconds per step from the run's own training
# log at this scale when it has one, else the measured step times in scripts/step-times.tsv. Memory: twice the
# measured peak RSS (at least 2 GB; 4 GB where none was measured). A run that stops at its limit resumes from its
# checkpoint when its task is submitted again; a finished run exits at once.
#SBATCH --job-name=aenp-$SCALE
#SBATCH --array=0-$((n - 1))
#SBATCH --cpus-per-task=$SLURM_CPUS
#SBATCH --time=$(slurm_time "$max_h")
#SBATCH --mem=${max_g}G
#SBATCH --output=slurm-logs/%x-%A_%a.out
set -euo pipefail
cd $(printf '%q' "$PWD")
HEAD
  echo '# task	hours	memory	estimate'
  for i in "${!cmds[@]}"; do printf '#   %d\t%s\t%sG\t%s\n' "$i" "${hours[$i]}" "${mems[$i]}" "${hows[$i]}"; done
  echo 'if [ "${1:-}" = submit ]; then'
  echo '  mkdir -p slurm-logs'
  local classes
  classes=$(for i in "${!cmds[@]}"; do echo "${hours[$i]} ${mems[$i]} $i"; done \
    | awk '{ k = $1 " " $2; if (k in t) t[k] = t[k] "," $3; else t[k] = $3 } END { for (k in t) print k, t[k] }' | sort -n)
  while read -r h g list; do
    echo "  sbatch --parsable --array=$list --time=$(slurm_time "$h") --mem=${g}G \"\$0\""
  done <<<"$classes"
  echo '  exit 0'
  echo 'fi'
  echo 'mkdir -p slurm-logs'
  echo 'export AENP_THREADS=${SLURM_CPUS_PER_TASK:-1}'
  echo 'case "${SLURM_ARRAY_TASK_ID:?not an array task: submit with sbatch, or bash this file submit}" in'
  for i in "${!cmds[@]}"; do echo "  $i) ${cmds[$i]} ;;"; done
  echo '  *) echo "no run for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;'
  echo 'esac'
}

# --list: the outputs present at this scale, from their provenance records alone (no packages, no build), so that a
# fresh clone lists what is committed.
if [ $LIST = 1 ]; then
  if [ $SCALE_GIVEN = 1 ]; then root=$(out_root); where="scale $SCALE"; else root=.; where="the largest scale of each output"; fi
  field() { sed -n "s/^  \"$1\" : \"\(.*\)\",\{0,1\}\$/\1/p" "$2" | head -n 1 | sed 's#\\/#/#g'; }
  rows=()
  for f in "$root"/tables/*.provenance.json "$root"/figures/*.provenance.json; do
    [ -f "$f" ] || continue
    item=$(field paperItem "$f"); output=$(field output "$f"); created=$(field created "$f"); commit=$(field commit "$f")
    file=$root/$output; file=${file#./}
    state=present; [ -f "$file" ] || state=missing
    rows+=("$item"$'\t'"$(field scale "$f")"$'\t'"${created%%T*}"$'\t'"${commit:0:10}"$'\t'"$state"$'\t'"$file")
  done
  if [ ${#rows[@]} -eq 0 ]; then
    echo "reproduce.sh: no outputs at scale $SCALE yet (in $root/tables and $root/figures); ./reproduce.sh --scale $SCALE builds them"
    exit 0
  fi
  echo "Outputs at $where (${root#./}/tables, ${root#./}/figures), from their provenance records:" | sed 's#(\./#(#; s# \./# #'
  printf '%-62s  %-8s  %-10s  %-10s  %-7s  %s\n' "paper item" scale date commit state file
  printf '%s\n' "${rows[@]}" | sort -t$'\t' -k6,6 | while IFS=$'\t' read -r item scale date commit state file; do
    printf '%-62s  %-8s  %-10s  %-10s  %-7s  %s\n' "${item:0:62}" "$scale" "$date" "$commit" "$state" "$file"
  done
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
  mapfile -t EXPERIMENTS < <("$(bin np-report)" experiments --scale ci)
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
  ./scripts/check-cli-errors.sh .build/release || status=$?
  ./scripts/check-slurm-emit.sh || status=$?
  ./scripts/check-report.sh "$scratch/report/reproduction-ci.pdf" ${#EXPERIMENTS[@]} || status=$?
  # The files the PyTorch twin reads (names, shapes, dtypes), with numpy and safetensors only (no torch).
  bash Tools/peer/setup.sh --minimal >/dev/null || status=$?
  .venv-peer/bin/python Tools/peer/test_files.py || status=$?
  # …and on the runs just trained at ci scale, whose config.json is the current model-spec schema.
  .venv-peer/bin/python Tools/peer/test_files.py --runs "$scratch/results/gibbs1d/ci" --fresh none || status=$?
  exit $status
fi

if [ $PEER = 1 ]; then run bash Tools/peer/run.sh; exit 0; fi

# 3. Build (its progress on standard error, so that standard output carries only what was asked for), then read the
#    registry: the experiments that have this scale, and every output they make (experiment, target, paper item,
#    needs, state, files).
swift build -c release >&2
mapfile -t EXPERIMENTS < <("$(bin np-report)" experiments --scale "$SCALE")
[ ${#EXPERIMENTS[@]} -gt 0 ] || die "no experiment has the scale '$SCALE'"
CATALOGUE=$("$(bin np-report)" targets --scale "$SCALE")
# Experiments that make target $1.
makers() { awk -F'\t' -v t="$1" '$2 == t { print $1 }' <<<"$CATALOGUE" | awk '!seen[$0]++'; }

# The targets: nothing or `all` means every target some experiment makes, then the gallery and the report.
for t in "${TARGETS[@]}"; do
  [ "$t" = all ] || [ "$t" = gallery ] || [ "$t" = report ] || [ -n "$(makers "$t")" ] \
    || die "unknown target '$t' at scale $SCALE; targets: all gallery report $(cut -f2 <<<"$CATALOGUE" | awk '!seen[$0]++' | tr '\n' ' ')"
done
if [ ${#TARGETS[@]} -eq 0 ] || printf '%s\n' "${TARGETS[@]}" | grep -qx all; then
  TARGETS=($(cut -f2 <<<"$CATALOGUE" | awk '!seen[$0]++') gallery report)
fi

if [ $EMIT = 1 ] && [ $SLURM = 1 ]; then
  # Resolved before the build's working directory matters: a relative FILE is relative to where the script was called.
  if [ -n "$SLURM_FILE" ]; then
    case "$SLURM_FILE" in /*) ;; *) SLURM_FILE="$CALLER_DIR/$SLURM_FILE" ;; esac
    slurm_script > "$SLURM_FILE.tmp.$$" && mv "$SLURM_FILE.tmp.$$" "$SLURM_FILE"
    echo "reproduce.sh: wrote $SLURM_FILE; submit with: bash $SLURM_FILE submit (Docs/cluster.md)" >&2
  else
    slurm_script
  fi
  exit 0
fi
if [ $EMIT = 1 ]; then
  for e in "${EXPERIMENTS[@]}"; do "$(bin "$e")" runs --scale "$SCALE"; done
  exit 0
fi

# The experiments this invocation touches.
mapfile -t USED < <(for t in "${TARGETS[@]}"; do [ "$t" = gallery ] || makers "$t"; done | awk '!seen[$0]++')

# Inputs that are set up on demand: the real station data of the environmental experiment (Debian's r-cran-fields,
# checksummed; the smoke data set is generated by smoke2d itself when missing).
for e in "${USED[@]}"; do
  if [ "$e" = environment ] && [ ! -f data/stations/manifest.json ] && [ -z "${STATION_DATA_DIR:-}" ]; then
    run ./scripts/setup-station-data.sh data/stations
  fi
done

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
# 4. Independent training runs in parallel (each with its share of the cores), every experiment's in one campaign
#    that prints a line per finished run with the time left.
if [ "$JOBS" -gt 1 ]; then
  threads=$(( $(nproc) / JOBS )); [ $threads -ge 1 ] || threads=1
  echo "reproduce.sh: training missing runs, $JOBS at a time, $threads thread(s) each"
  for e in "${USED[@]}"; do
    if [ $DRY = 1 ]; then "$(bin "$e")" runs --missing --scale "$SCALE"
    else "$(bin "$e")" runs --missing --scale "$SCALE"; fi
  done | { if [ $DRY = 1 ]; then cat; else AENP_THREADS=$threads ./scripts/run-campaign.sh "$JOBS"; fi; }
fi

# 5. The outputs.
for t in "${TARGETS[@]}"; do
  if [ "$t" = gallery ]; then run "$(bin plot-gallery)" Docs/gallery >/dev/null; continue; fi
  if [ "$t" = report ]; then run "$(bin np-report)" pdf --scale "$SCALE"; continue; fi
  for e in $(makers "$t"); do run "$(bin "$e")" build "$t" --scale "$SCALE"; done
  # The README's claim tables: every scale's verdicts (largest first), regenerated with any scale's claims.
  if [ "$t" = claims ] && [ "$SCALE" != ci ]; then run "$(bin np-report)" readme; fi
done
# tables/ and figures/: every output at the largest scale that has it.
[ "$SCALE" = ci ] || run "$(bin np-report)" publish
[ $DRY = 1 ] && exit 0
elapsed=$(( $(date +%s) - start ))
echo
echo "reproduce.sh: done in $((elapsed / 60))m$((elapsed % 60))s at scale $SCALE: ${TARGETS[*]}"
echo "  tables:  $(out_root)/tables/   (.tex, .md, .json, .provenance.json)"
echo "  figures: $(out_root)/figures/  (.png, .pdf, .caption.txt, .provenance.json)"
[ "$SCALE" = ci ] || echo "  tables/ and figures/: every output at the largest scale that has it (see ./reproduce.sh --list)"
echo "  cache:   results/<experiment>/$SCALE/ (runs, checkpoints, metrics)"
