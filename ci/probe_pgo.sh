#!/usr/bin/env bash
# Makes fallback-go/cmd/qcompat-probe/testdata/probe.pgo, the CPU profile the
# pgo build kind passes as -pgo=PATH: BenchmarkProbe (probe_test.go) run for
# a few seconds through qcompat's injector with go1.26.8, -cpuprofile.
# Usage: ci/probe_pgo.sh [QCOMPAT]   (default: target/release/qcompat)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
qcompat=${1:-$root/target/release/qcompat}
[ -x "$qcompat" ] || { echo "ci/probe_pgo.sh: no qcompat at $qcompat: cargo build --release first, or name it" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$root/fallback-go/cmd/qcompat-probe/testdata/probe.pgo
mkdir -p "$(dirname "$out")"
cd fallback-go
# A GOCACHE of its own: the injector's runtime is never mixed with a plain one.
GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOCACHE=$work/cache CGO_ENABLED=0 \
  go test -toolexec="$qcompat toolexec" -o "$work/probe.test" -run='^$' \
  -bench='^BenchmarkProbe$' -benchtime=3s -cpuprofile="$work/probe.pgo" ./cmd/qcompat-probe
mv "$work/probe.pgo" "$out"
echo "wrote $out ($(wc -c <"$out") bytes)"
