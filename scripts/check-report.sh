#!/usr/bin/env bash
# Checks a reproduction report: a complete PDF that renders, with a title page and at least one page per experiment.
# Usage: scripts/check-report.sh REPORT.pdf EXPERIMENT_COUNT
set -euo pipefail
pdf="$1"; experiments="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -s "$pdf" ] || fail "$pdf missing"
[ "$(head -c 5 "$pdf")" = "%PDF-" ] || fail "$pdf is not a PDF"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
[ "${pages:-0}" -ge $((experiments + 1)) ] || fail "$pdf has $pages pages, expected at least $((experiments + 1)) (title + one per experiment)"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
pdftoppm -png -r 20 "$pdf" "$out/page" || fail "$pdf does not render"
echo "report: $pdf, $pages pages, renders: 1 passed, 0 failed"
