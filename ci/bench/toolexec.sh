#!/usr/bin/env bash
# Overhead of the injector: `go build -a` of cmd/gofmt from GOROOT with and
# without `-toolexec="qcompat toolexec"`. The two alternate (A B A B ...) in
# one run so that drift on a busy machine hits both; medians are compared.
# Goal: at most 1.03x.
source "$(dirname "$0")/common.sh"
PAIRS="${PAIRS:-8}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0
plain=(go build -a -o "$tmp/gofmt" cmd/gofmt)
injected=(go build -a -o "$tmp/gofmt" "-toolexec=$QCOMPAT toolexec" cmd/gofmt)
"${plain[@]}"; "${injected[@]}"  # warm the file system and the toolchain
: > "$OUT/toolexec.txt"
for i in $(seq "$PAIRS"); do
  echo "plain $(secs "${plain[@]}")" >> "$OUT/toolexec.txt"
  echo "injected $(secs "${injected[@]}")" >> "$OUT/toolexec.txt"
done
python3 - "$OUT/toolexec.txt" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    k, v = line.split(); t.setdefault(k, []).append(float(v))
p, q = statistics.median(t["plain"]), statistics.median(t["injected"])
print(f"go build -a cmd/gofmt, {len(t['plain'])} pairs: plain median {p:.2f} s, injected median {q:.2f} s")
print(f"with / without injector: {q/p:.3f}x (goal <= 1.03)")
PY
