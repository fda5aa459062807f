#!/usr/bin/env bash
# `qcompat probe` (static) and `qcompat doctor` against `go env -json`, side
# by side in one hyperfine run; then `doctor --deep` with a warm cache.
# Goals: probe <= 1.5x go env -json; doctor <= 1.5x; doctor --deep < 1.5 s.
# A warm probe takes `go tool dist list` from qcompat's cache (facts/).
# Raw output: ci/bench/results/probe-<commit>.txt. RUNS=N (default 40).
source "$(dirname "$0")/common.sh"
RAW="$ROOT/ci/bench/results/probe-$(git rev-parse --short=7 HEAD).txt"
{
  echo "# ci/bench/probe.sh at $(git rev-parse --short=7 HEAD), $(go version), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$QCOMPAT" doctor --deep >/dev/null  # warm the build cache
  "$QCOMPAT" probe --json >/dev/null   # and the dist-list cache
  hyperfine -N --warmup 5 --runs "${RUNS:-40}" --export-json "$OUT/probe.json" \
    'go env -json' "$QCOMPAT probe --json" "$QCOMPAT doctor --json" "$QCOMPAT doctor --deep --json"
  base=$(mean_of "$OUT/probe.json" 0)
  echo
  echo "probe  / go env -json: $(ratio "$(mean_of "$OUT/probe.json" 1)" "$base")x (goal <= 1.5)"
  echo "doctor / go env -json: $(ratio "$(mean_of "$OUT/probe.json" 2)" "$base")x (goal <= 1.5)"
  echo "doctor --deep (warm):  $(python3 -c "print(f'{$(mean_of "$OUT/probe.json" 3):.3f}')") s (goal < 1.5 s)"
} 2>&1 | tee "$RAW"
