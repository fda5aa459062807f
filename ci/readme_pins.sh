#!/usr/bin/env bash
# Pastes `qcompat pins table` of matrix/pins.yaml between the README's
# <!-- pins-table --> markers (tests/readme.rs checks they agree).
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
text = open("README.md", encoding="utf-8").read()
start, end = "<!-- pins-table -->\n", "<!-- /pins-table -->"
a = text.index(start) + len(start)
b = text.index(end, a)
open("README.md.tmp", "w", encoding="utf-8").write(text[:a] + table + text[b:])
PY
mv README.md.tmp README.md
