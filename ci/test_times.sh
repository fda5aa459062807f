#!/usr/bin/env bash
# Where the test suite's time goes: builds the test binaries, runs each with
# libtest's per-test timing (an unstable libtest option, allowed here through
# RUSTC_BOOTSTRAP at run time only, so the build is the normal one) and prints
# the tests slowest first, with each binary's wall time.
# Usage: ci/test_times.sh [TEST-BINARY-NAME...] (default: all of them).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
export QCOMPAT_TEST_GO127="${QCOMPAT_TEST_GO127:-$(toolchain_go go1.27.3)}"
mapfile -t bins < <(cargo test --no-run --message-format=json 2>/dev/null |
  python3 -c '
import json, sys
want = set(sys.argv[1:])
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        name = m["target"]["name"]
        if not want or name in want:
            print(name, m["executable"])
' "$@")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for b in "${bins[@]}"; do
  read -r name exe <<<"$b"
  s=$(date +%s.%N)
  RUSTC_BOOTSTRAP=1 "$exe" --test-threads="${QCOMPAT_TEST_THREADS:-2}" -Z unstable-options \
    --format json --report-time 2>/dev/null | sed "s|^|$name\t|" >>"$out" || true
  printf '%s\t{"type":"binary","wall":%s}\n' "$name" "$(python3 -c "print($(date +%s.%N)-$s)")" >>"$out"
done
python3 - "$out" <<'PY'
import json, sys
tests, walls = [], {}
for line in open(sys.argv[1]):
    name, _, doc = line.rstrip("\n").partition("\t")
    try:
        e = json.loads(doc)
    except ValueError:
        continue
    if e.get("type") == "binary":
        walls[name] = e["wall"]
    elif e.get("type") == "test" and "exec_time" in e:
        tests.append((e["exec_time"], name, e["name"], e["event"]))
for t, b, n, ev in sorted(tests, reverse=True):
    print(f"{t:8.1f} s  {b}::{n}" + ("" if ev == "ok" else f"  ({ev})"))
print()
for b, w in sorted(walls.items(), key=lambda x: -x[1]):
    print(f"{w:8.1f} s  {b} (binary, wall)")
print(f"{sum(walls.values()):8.1f} s  total")
PY
