#!/usr/bin/env bash
# Overhead of the injector: `go build -a` of cmd/gofmt from GOROOT with and
# without `-toolexec="qcompat toolexec"`, alternating in one hyperfine run.
# Goal: at most 1.03x.
source "$(dirname "$0")/common.sh"
RUNS="${RUNS:-5}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0
hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/toolexec.json" \
  "go build -a -o $tmp/gofmt cmd/gofmt" \
  "go build -a -o $tmp/gofmt '-toolexec=$QCOMPAT toolexec' cmd/gofmt"
echo
echo "with / without injector: $(ratio "$(mean_of "$OUT/toolexec.json" 1)" "$(mean_of "$OUT/toolexec.json" 0)")x (goal <= 1.03)"
