#!/usr/bin/env bash
# The goid fallback (default build, no injector) side by side with an earlier
# commit's: BenchmarkID at the top of the stack and at depth 50, the two
# trees alternating in each round so drift hits them alike.
# Usage: [COUNT=5] bash ci/bench/goid_ab.sh [BASE_COMMIT]   (default 2375673,
# the out-of-line ID the "fallback unchanged or better" goal refers to).
# Goal: the current tree at most 1.00x the base at both depths.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="${1:-2375673}"
COUNT="${COUNT:-5}"
OUT="${BENCH_OUT:-$ROOT/target/bench}"
mkdir -p "$OUT"
OLD="$(mktemp -d)"
trap 'git -C "$ROOT" worktree remove --force "$OLD" >/dev/null 2>&1 || rm -rf "$OLD"' EXIT
git -C "$ROOT" worktree add --detach --quiet "$OLD" "$BASE"
# Test binaries are built once, so the rounds time the benchmarks alone.
(cd "$OLD/fallback-go" && go test -c -o "$OUT/goid-old.test" ./goid)
(cd "$ROOT/fallback-go" && go test -c -o "$OUT/goid-new.test" ./goid)
bench() { # label
  "$OUT/goid-$1.test" -test.run '^$' -test.bench '^BenchmarkID(Depth50)?$' \
    -test.benchtime "${BENCHTIME:-300ms}" -test.count 1 | awk -v l="$1" '/^Benchmark/ {print l, $1, $3}'
}
{
  echo "# base $(git -C "$ROOT" rev-parse --short "$BASE"), current $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet -- fallback-go || echo '+dirty'), $(go version)"
  # The order flips every round, so neither tree always runs first.
  for round in $(seq "$COUNT"); do
    if ((round % 2)); then bench old; bench new; else bench new; bench old; fi
  done
} | tee "$OUT/goid-ab.txt"
python3 - "$OUT/goid-ab.txt" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    label, name, ns = line.split()
    rows.setdefault((label, re.sub(r"-\d+$", "", name)), []).append(float(ns))
for name in ("BenchmarkID", "BenchmarkIDDepth50"):
    old, new = (statistics.median(rows[(l, name)]) for l in ("old", "new"))
    print(f"{name}: current {new:.0f} ns, base {old:.0f} ns: {new/old:.3f}x (goal <= 1.00)")
PY
