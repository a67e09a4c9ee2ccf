#!/usr/bin/env bash
# Feeds every experiment CLI out-of-range and malformed options and checks that each is refused before any work
# starts: exit status 2 (usage) or 1 (an error with a message), never a crash (134, a backtrace), and nothing written.
# Usage: scripts/check-cli-errors.sh BIN_DIR   (e.g. .build/release)
set -uo pipefail
bin="$1"
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
pass=0; fail=0
expect_refused() {   # expect_refused CLI ARG…
  local out code
  out=$("$bin/$1" "${@:2}" --results "$scratch/results" 2>&1 >/dev/null); code=$?
  if { [ $code = 1 ] || [ $code = 2 ]; } && [ -n "$out" ] && ! grep -qiE 'fatal error|backtrace|Crash' <<<"$out"; then
    pass=$((pass + 1))
  else
    echo "FAIL: $1 ${*:2} exited $code: $(head -c 300 <<<"$out")" >&2; fail=$((fail + 1))
  fi
}
ci=(--scale ci --out "$scratch/out")
expect_refused gibbs1d train "${ci[@]}" --model convcnp-t-approx --fixed-inputs 100000000
expect_refused gibbs1d train "${ci[@]}" --model convcnp-t-approx --fixed-inputs -1
expect_refused gibbs1d train "${ci[@]}" --model convcnp-t --fixed-inputs 4
expect_refused gibbs1d train "${ci[@]}" --model no-such-model
expect_refused gibbs1d train "${ci[@]}" --model tnp --seed -3
expect_refused gibbs1d build "${ci[@]}" no-such-target
expect_refused gibbs1d all --scale huge
expect_refused gibbs1d all "${ci[@]}" --kernel no-such-kernel
expect_refused gibbs1d all "${ci[@]}" --no-such-option
expect_refused gibbs1d runs "${ci[@]}" --drop-weights convcnp-t-000000000000   # not a finished run
expect_refused smoke2d all --scale huge
AENP_CONVOLUTION=winograd expect_refused smoke2d train "${ci[@]}" --model convcnp-t   # not a convolution setting
expect_refused smoke2d train "${ci[@]}" --model tnp
expect_refused smoke2d evaluate "${ci[@]}" --states "$scratch/no-such-folder"
expect_refused smoke2d evaluate "${ci[@]}" --model convcnp-t --states "$scratch"
expect_refused smoke2d evaluate "${ci[@]}" --states "$scratch" --tasks 17
expect_refused smoke2d evaluate "${ci[@]}" --states "$scratch" --target-scale 0
expect_refused smoke2d evaluate "${ci[@]}" --states "$scratch" --target-scale nan
expect_refused smoke2d simulate --radius 12 --inflow-x 500 --buoyancy 0.3 --out "$scratch/sim"
expect_refused smoke2d simulate --radius 0 --inflow-x 64 --buoyancy 0.3 --out "$scratch/sim"
expect_refused smoke2d simulate --radius 12 --inflow-x 64 --buoyancy nan --out "$scratch/sim"
expect_refused smoke2d simulate --radius 12 --inflow-x 64 --buoyancy 0.3 --steps 0 --out "$scratch/sim"
expect_refused smoke2d generate --scale ci --jobs 0 --out "$scratch/data"
expect_refused environment train "${ci[@]}" --model convcnp-t-approx --dropout 1.5
expect_refused environment train "${ci[@]}" --model convcnp-t-approx --dropout nan
expect_refused environment train "${ci[@]}" --model convcnp-t-approx --fixed-inputs 100000000
expect_refused environment train "${ci[@]}" --model pt-tnp --dimension 3
expect_refused environment train "${ci[@]}" --model convcnp-t --dimension 4
expect_refused environment bench "${ci[@]}" --steps 0
expect_refused environment train "${ci[@]}" --model pt-tnp --seed 1.5
expect_refused environment train "${ci[@]}" --model pt-tnp --data "$scratch/no-stations"
expect_refused smoke2d simulate --radius 12 --inflow-x 64 --buoyancy 0.3 --scaling no-such --out "$scratch/sim"
expect_refused smoke2d simulate --radius 12 --inflow-x 64 --buoyancy 0.3 --precision float16 --out "$scratch/sim"
expect_refused smoke2d simulate --radius 12 --inflow-x 64 --buoyancy 0.3 --snapshots 99 --out "$scratch/sim"
expect_refused smoke2d generate --scale ci --scaling no-such --out "$scratch/data"
expect_refused smoke2d generate --scale huge --out "$scratch/data"
expect_refused smoke2d stats --data "$scratch/no-such-data"
expect_refused smoke2d evaluate "${ci[@]}" --states "$scratch" --task-seed -1
expect_refused smoke2d evaluate "${ci[@]}" --model convcnp-t --json --seed x
expect_refused gibbs1d evaluate "${ci[@]}" --model convcnp-t --fixed-inputs nan
expect_refused gibbs1d ground-truth --scale paperish
# reproduce.sh's own options: refused with status 2 and a message, before anything is built or run.
expect_script_refused() {
  local out code
  out=$(./reproduce.sh --no-install "$@" 2>&1 >/dev/null); code=$?
  if [ $code = 2 ] && [ -n "$out" ]; then pass=$((pass + 1)); else echo "FAIL: reproduce.sh $* exited $code: $(head -c 300 <<<"$out")" >&2; fail=$((fail + 1)); fi
}
expect_script_refused --jobs 99999999999999999999
expect_script_refused --jobs 0
expect_script_refused --scale bogus
expect_script_refused --list --test
expect_script_refused --emit-jobs --peer
expect_script_refused --list figure3
expect_script_refused --scale standard no-such-target
expect_script_refused --no-such-option
# Nothing was trained or written for any of them.
if [ -e "$scratch/results" ] || [ -e "$scratch/sim" ] || [ -e "$scratch/data" ]; then
  echo "FAIL: a refused command left files: $(cd "$scratch" && find . -mindepth 1 -maxdepth 3 | head)" >&2; fail=$((fail + 1))
else pass=$((pass + 1)); fi
echo "CLI errors: $pass passed, $fail failed"
[ $fail = 0 ]
