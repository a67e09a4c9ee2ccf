#!/usr/bin/env bash
# Checks that a pipeline run produced well-formed outputs, by file type: PNG signature and size, PDF header,
# trailer and rendering, JSON that parses, provenance sidecars naming scale, commit and runs, captions and LaTeX
# tables stating the scale, tables that compile with booktabs and fit a plain article's width (check-table-fit.sh),
# and the citation files (check-citation.sh).
# Usage: scripts/check-outputs.sh GALLERY_DIR FILE...   (the files every experiment's `targets` lists)
set -euo pipefail
gallery="$1"; shift
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }
command -v python3 >/dev/null || { echo "check-outputs.sh: python3 is needed (scripts/system-packages.txt)" >&2; exit 2; }
command -v pdflatex >/dev/null || { echo "check-outputs.sh: pdflatex is needed (scripts/system-packages.txt)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
tex_dir=$(mktemp -d); render_dir=$(mktemp -d)
trap 'rm -rf "$tex_dir" "$render_dir"' EXIT

check() {
  local f="$1"
  [ -s "$f" ] || { bad "$f missing or empty"; return; }
  case "$f" in
    *.png)
      if [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && [ "$(stat -c %s "$f")" -gt 20000 ]; then ok; else bad "$f is not a PNG of a figure"; fi ;;
    *.pdf)
      if [ "$(head -c 5 "$f")" = "%PDF-" ] && tail -c 32 "$f" | grep -q '%%EOF'; then ok; else bad "$f is not a complete PDF"; fi
      if pdftoppm -png -r 30 -singlefile "$f" "$render_dir/page" 2>/dev/null; then ok; else bad "$f does not render"; fi
      # Figures are drawn at most 6.5 in wide, so that at \textwidth their smallest text (6.5 pt ticks) prints at 6.5 pt or more.
      width=$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x.*/\1/p')
      if [ -n "$width" ] && awk -v w="$width" 'BEGIN { exit !(w <= 468.5) }'; then ok; else bad "$f is ${width:-?} pt wide (at most 468 pt, 6.5 in)"; fi ;;
    *.provenance.json)
      if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['scale'] and d['commit'] and 'runs' in d and d['configuration']" "$f" 2>/dev/null; then ok; else bad "$f lacks scale, commit, runs or configuration"; fi
      # The output it describes, relative to the output root (tables/… or figures/…), so that it stays true when
      # the file is published or the root moves.
      if python3 -c "import json,sys; o=json.load(open(sys.argv[1]))['output']; assert o.split('/')[0] in ('tables', 'figures')" "$f" 2>/dev/null; then ok; else bad "$f: its output is not a path relative to the output root"; fi ;;
    *deviation-map-*.json)
      # Every map: a model, finite correlations with elevation, a non-negative map of rows × columns values.
      if python3 -c "
import json, math, sys
maps = json.load(open(sys.argv[1]))
assert len(maps) >= 1
for m in maps:
    assert m['model'] and len(m['map']) == m['rows'] * m['columns'] and min(m['map']) >= 0
    assert math.isfinite(m['meanMapCorrelation']) and -1 <= m['meanMapCorrelation'] <= 1
    assert m['monthlyCorrelation']['count'] >= 1 and m['monthlySignedCorrelation']['count'] >= 1
" "$f" 2>/dev/null; then ok; else bad "$f is not a deviation map with correlations"; fi ;;
    *.differences.json)
      # Every paired difference: a plain and a clustered standard error, the clustered one from at least two clusters.
      if python3 -c "
import json, sys
ds = json.load(open(sys.argv[1]))
assert len(ds) >= 1
for d in ds:
    assert d['plain']['standardError'] >= 0 and d['clustered']['standardError'] >= 0 and d['clusters'] >= 2
    assert d['plain']['count'] == d['clustered']['count'] and abs(d['plain']['mean'] - d['clustered']['mean']) < 1e-9
" "$f" 2>/dev/null; then ok; else bad "$f lacks paired and clustered standard errors"; fi ;;
    *.verdicts.json)
      if python3 -c "
import json, sys
vs = json.load(open(sys.argv[1]))
assert len(vs) >= 1 and all(v['verdict'] in ('supported', 'contradicted', 'not resolved', 'not measured at this scale') and v['claim']['statement'] for v in vs)
" "$f" 2>/dev/null; then ok; else bad "$f is not a list of claim verdicts"; fi ;;
    *.json)
      if python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$f" 2>/dev/null; then ok; else bad "$f does not parse"; fi ;;
    *.caption.txt)
      if grep -q "scale" "$f"; then ok; else bad "$f does not state the scale"; fi ;;
    *.tex)
      if grep -q "at scale" "$f"; then ok; else bad "$f does not state the scale"; fi
      cp "$f" "$tex_dir/table.tex"
      printf '\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\begin{document}\n\\input{table.tex}\n\\end{document}\n' > "$tex_dir/main.tex"
      if (cd "$tex_dir" && pdflatex -interaction=nonstopmode -halt-on-error main.tex >/dev/null 2>&1); then ok; else bad "$f does not compile"; fi
      if "$here/check-table-fit.sh" "$f" >/dev/null 2>"$tex_dir/fit.err"; then ok; else bad "$f does not fit the page: $(head -n 1 "$tex_dir/fit.err")"; fi ;;
    *) ok ;;
  esac
}

[ $# -gt 0 ] || { bad "no output files to check"; }
for f in "$@"; do check "$f"; done
for f in gallery-lines.png gallery-fields.png gallery-lines.pdf gallery-fields.pdf gallery-table.tex; do [ -s "$gallery/$f" ] && ok || bad "$gallery/$f missing"; done

if "$here/check-citation.sh" >/dev/null; then ok; else bad "CITATION.bib or CITATION.cff (scripts/check-citation.sh)"; fi

echo "checks: $pass passed, $fail failed"
[ $fail = 0 ]
