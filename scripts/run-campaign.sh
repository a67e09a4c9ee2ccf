#!/usr/bin/env bash
# Runs the shell command lines on standard input (one per line, each quoted for sh -c, as `<experiment> runs
# --missing` prints them), N at a time, and prints one line per finished run: "run k of N finished (what): elapsed,
# about T left" — the time left extrapolated from the runs finished so far. The runs themselves stay quiet, so the
# lines of parallel runs never overwrite each other. Exits non-zero if any run failed (after all have ended).
#
#   <experiment> runs --missing --scale S | scripts/run-campaign.sh JOBS
set -uo pipefail
jobs=${1:?usage: run-campaign.sh JOBS < lines}
[[ "$jobs" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "run-campaign.sh: JOBS must be a whole number from 1 to 9999, got '$jobs'" >&2; exit 2; }
mapfile -t lines
n=${#lines[@]}
[ "$n" -gt 0 ] || exit 0
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
export CAMPAIGN_STATE=$state CAMPAIGN_TOTAL=$n CAMPAIGN_START=$(date +%s)
echo "run-campaign.sh: $n runs, $jobs at a time"
printf '%s\n' "${lines[@]}" | xargs -d '\n' -P "$jobs" -I{} bash -c '
  sh -c "$1"; status=$?
  k=$( { flock 9; echo "$status" >> "$CAMPAIGN_STATE/finished"; wc -l < "$CAMPAIGN_STATE/finished"; } 9>"$CAMPAIGN_STATE/lock" )
  elapsed=$(( $(date +%s) - CAMPAIGN_START )); left=$(( elapsed * (CAMPAIGN_TOTAL - k) / k ))
  what=$(printf "%s\n" "$1" | sed -n "s/^[^ ]*\/\([^ /]*\) [a-z]* .*--model \([^ ]*\)\(.*\)/\1 \2\3/p" | sed "s/ --quiet//; s/ --scale [^ ]*//; s/ --results [^ ]*//; s/ --data [^ ]*//; s/ --kernel [^ ]*//")
  [ "$status" = 0 ] && verdict=finished || verdict="FAILED (exit $status)"
  printf "run-campaign.sh: run %d of %d %s (%s): %dm%02ds elapsed, about %dm left\n" "$k" "$CAMPAIGN_TOTAL" "$verdict" "${what:-$1}" \
    $((elapsed / 60)) $((elapsed % 60)) $(( (left + 59) / 60 ))
  exit $(( status == 0 ? 0 : 1 ))' _ {}
status=$?
failed=$(grep -cv '^0$' "$state/finished" 2>/dev/null || true)
[ "${failed:-0}" = 0 ] || { echo "run-campaign.sh: $failed of $n runs failed" >&2; exit 1; }
exit $status
