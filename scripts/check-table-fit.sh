#!/usr/bin/env bash
# Checks that each LaTeX table fits the page: compiles it alone in a plain `\documentclass{article}` with
# booktabs (the preamble a reader of the paper would use; \textwidth = 345pt) and fails on any
# `Overfull \hbox` in the log, printing by how much the table is too wide.
# Usage: scripts/check-table-fit.sh TABLE.tex...      (exit 0: all fit; 1: some overflow or fail to compile)
set -euo pipefail
command -v pdflatex >/dev/null || { echo "check-table-fit.sh: pdflatex is needed (scripts/system-packages.txt)" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: scripts/check-table-fit.sh TABLE.tex..." >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fit=0; bad=0
for f in "$@"; do
  [ -s "$f" ] || { echo "MISSING  $f" >&2; bad=$((bad + 1)); continue; }
  cp "$f" "$dir/table.tex"
  printf '\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\begin{document}\n\\input{table.tex}\n\\end{document}\n' > "$dir/main.tex"
  rm -f "$dir/main.log"
  if ! (cd "$dir" && pdflatex -interaction=nonstopmode -halt-on-error main.tex >/dev/null 2>&1); then
    echo "NOCOMPILE $f" >&2; bad=$((bad + 1)); continue
  fi
  # The widest overflow in the log ("Overfull \hbox (849.2pt too wide) in alignment at lines ...").
  worst=$(grep -o 'Overfull \\hbox ([0-9.]*pt too wide)' "$dir/main.log" | grep -o '[0-9.]*pt' | sort -g | tail -n 1 || true)
  if [ -n "$worst" ]; then
    echo "OVERFULL $f: $worst too wide" >&2; bad=$((bad + 1))
  else
    echo "fits     $f"; fit=$((fit + 1))
  fi
done
echo "table fit: $fit fit, $bad overflow or fail"
[ "$bad" = 0 ]
