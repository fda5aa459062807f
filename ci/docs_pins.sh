#!/usr/bin/env bash
# Pastes `qcompat pins table` of matrix/pins.yaml between the
# <!-- pins-table --> markers of the book's pins page, docs/src/pins.md
# (tests/readme.rs checks they agree).
# QCOMPAT names the binary (default: target/release/qcompat).
set -euo pipefail
cd "$(dirname "$0")/.."
q=${QCOMPAT:-target/release/qcompat}
table=$(mktemp)
trap 'rm -f "$table"' EXIT
"$q" pins table --pins matrix/pins.yaml > "$table"
python3 - "$table" <<'PY'
import sys
table = open(sys.argv[1], encoding="utf-8").read()
page = "docs/src/pins.md"
text = open(page, encoding="utf-8").read()
start, end = "<!-- pins-table -->\n", "<!-- /pins-table -->"
a = text.index(start) + len(start)
b = text.index(end, a)
open(page + ".tmp", "w", encoding="utf-8").write(text[:a] + table + text[b:])
PY
mv docs/src/pins.md.tmp docs/src/pins.md
