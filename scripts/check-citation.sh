#!/usr/bin/env bash
# Checks the citation files: CITATION.bib compiles with natbib + plainnat and with plain BibTeX (plain.bst) in a
# tiny document citing both entries (no BibTeX warning, no undefined citation), and CITATION.cff validates against
# the CFF schema when cffconvert is installed (pip install cffconvert; skipped with a note otherwise).
# Usage: scripts/check-citation.sh            (from anywhere; exit 0 when all pass)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v pdflatex >/dev/null && command -v bibtex >/dev/null || { echo "check-citation.sh: pdflatex and bibtex are needed (scripts/system-packages.txt)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$root/CITATION.bib" "$dir/refs.bib"
fail=0
compile() {   # $1: name, $2: preamble line(s), $3: bibliography style, $4: citation commands
  local name="$1"
  printf '\\documentclass{article}\n%s\n\\begin{document}\n%s\n\\bibliographystyle{%s}\n\\bibliography{refs}\n\\end{document}\n' "$2" "$4" "$3" > "$dir/$name.tex"
  if ! (cd "$dir" && pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null 2>&1 \
        && bibtex "$name" > "$name.bibtex.out" 2>&1 \
        && pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null 2>&1 \
        && pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null 2>&1); then
    echo "FAIL: CITATION.bib with $3 does not compile" >&2; cat "$dir/$name.bibtex.out" >&2 2>/dev/null || true; fail=1; return
  fi
  if grep -qi "warning\|error" "$dir/$name.bibtex.out"; then echo "FAIL: bibtex ($3) complains:" >&2; cat "$dir/$name.bibtex.out" >&2; fail=1; fi
  if grep -q "Citation .* undefined\|There were undefined" "$dir/$name.log"; then echo "FAIL: undefined citations with $3" >&2; fail=1; fi
  [ "$(grep -c '\\bibitem' "$dir/$name.bbl")" = 2 ] || { echo "FAIL: $3 bibliography does not hold both entries" >&2; fail=1; }
  [ $fail = 0 ] && echo "ok: CITATION.bib with $3"
}
compile natbib '\usepackage[numbers]{natbib}' plainnat 'The paper~\citep{ashman2024approximately}, reproduced by \citet{aenp_swift_2026}.'
compile plain '' plain 'The paper~\cite{ashman2024approximately}, reproduced by~\cite{aenp_swift_2026}.'
if command -v cffconvert >/dev/null; then
  if cffconvert --validate -i "$root/CITATION.cff" >/dev/null; then echo "ok: CITATION.cff validates"; else echo "FAIL: CITATION.cff does not validate" >&2; fail=1; fi
else
  echo "note: cffconvert not installed (pip install cffconvert); CITATION.cff not validated" >&2
fi
[ $fail = 0 ]
