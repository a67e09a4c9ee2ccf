#!/usr/bin/env bash
# Checks that a pipeline run produced every table and figure, well formed:
#   PNG signature and size, PDF header and trailer, JSON that parses, LaTeX tables that compile with booktabs,
#   and a provenance sidecar naming the scale next to each output.
# Usage: scripts/check-outputs.sh OUTPUT_ROOT [GALLERY_DIR]
set -euo pipefail
root="$1"; gallery="${2:-}"
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }

for n in 1 3 4; do
  f="$root/figures/figure$n-gibbs1d"
  if [ "$(head -c 8 "$f.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && [ "$(stat -c %s "$f.png")" -gt 20000 ]; then ok; else bad "$f.png missing or not a PNG"; fi
  if [ "$(head -c 5 "$f.pdf" 2>/dev/null)" = "%PDF-" ] && tail -c 32 "$f.pdf" | grep -q '%%EOF'; then ok; else bad "$f.pdf missing or not a complete PDF"; fi
  if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['scale'] and d['commit'] and d['runs']" "$f.provenance.json" 2>/dev/null; then ok; else bad "$f.provenance.json"; fi
  if grep -q "scale" "$f.caption.txt" 2>/dev/null; then ok; else bad "$f.caption.txt does not state the scale"; fi
  if command -v pdftoppm >/dev/null; then
    if pdftoppm -png -r 30 -singlefile "$f.pdf" "$root/.pdfcheck" 2>/dev/null; then ok; else bad "$f.pdf does not render"; fi
  fi
done

tex_dir=$(mktemp -d)
for t in table1-gibbs1d table3-gibbs1d-context table4-gibbs1d-deviation table5-gibbs1d-fixed-inputs; do
  f="$root/tables/$t"
  for ext in tex md json provenance.json; do [ -s "$f.$ext" ] && ok || bad "$f.$ext missing"; done
  python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$f.json" 2>/dev/null && ok || bad "$f.json does not parse"
  grep -q "at scale" "$f.tex" && ok || bad "$f.tex does not state the scale"
  if command -v pdflatex >/dev/null; then
    cp "$f.tex" "$tex_dir/table.tex"
    printf '\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\begin{document}\n\\input{table.tex}\n\\end{document}\n' > "$tex_dir/main.tex"
    if (cd "$tex_dir" && pdflatex -interaction=nonstopmode -halt-on-error main.tex >/dev/null 2>&1); then ok; else bad "$f.tex does not compile"; fi
  else
    bad "pdflatex not installed: cannot check that the tables compile"
  fi
done
rm -rf "$tex_dir" "$root/.pdfcheck.png"

if [ -n "$gallery" ]; then
  for f in gallery-lines.png gallery-fields.png gallery-lines.pdf gallery-fields.pdf gallery-table.tex; do [ -s "$gallery/$f" ] && ok || bad "$gallery/$f missing"; done
fi

echo "checks: $pass passed, $fail failed"
[ $fail = 0 ]
