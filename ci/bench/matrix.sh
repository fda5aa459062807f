#!/usr/bin/env bash
# The matrix runner against shell loops, all GOOS/GOARCH pairs of one
# toolchain (default go1.27.3) through the injector, link only, cold (fresh
# GOCACHE each) and warm (rerun). Two kinds of loop: with plain flags, and
# `xargs -P2` with the runner's own flags (-gcflags=all=-dwarf=false
# -ldflags='-s -w', GOGC=off GOMEMLIMIT=1GiB), so the ratio against the
# latter measures the runner's scheduling alone.
# Goals: cold <= 0.80x the sequential loop, warm <= 0.5x the sequential loop
# warm, and <= 0.9x the same-flags xargs loop; an exec run is reported beside.
source "$(dirname "$0")/common.sh"
GO="${GO:-$(GOTOOLCHAIN=go1.27.3 go env GOROOT)/bin/go}"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
probe="$ROOT/fallback-go"  # the same files the runner embeds
pairs=$("$GO" tool dist list)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# A cache of its own, so no binary from an earlier run makes a cold cell warm.
export QCOMPAT_CACHE_DIR="$work/qcompat-cache"
spec="$work/all.yaml"
printf 'toolchains: [local]\nplatforms: all\nverify: %s\n' link > "$spec"
printf 'toolchains: [local]\nplatforms: all\nverify: %s\n' exec > "$work/exec.yaml"

build_one() { # goos/goarch: the loop body both shell loops share
  GOOS=${1%/*} GOARCH=${1#*/} "$GO" build -C "$probe" -o "$work/bin-${1/\//-}" \
    "-toolexec=$QCOMPAT toolexec" ./cmd/qcompat-probe >/dev/null 2>&1 || true
}
build_lean() { # the same, with the runner's flags
  GOOS=${1%/*} GOARCH=${1#*/} GOGC=off GOMEMLIMIT=1GiB "$GO" build -C "$probe" -o "$work/lean-${1/\//-}" \
    "-toolexec=$QCOMPAT toolexec" -gcflags=all=-dwarf=false "-ldflags=-s -w" ./cmd/qcompat-probe >/dev/null 2>&1 || true
}
export -f build_one build_lean; export GO probe work QCOMPAT

timeit() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; python3 -c "print(f'{$(date +%s.%N)-$s:.1f}')"; }
seq_loop() { for p in $pairs; do build_one "$p"; done; }
xargs_loop() { echo "$pairs" | xargs -P2 -I{} bash -c 'build_one {}'; }
lean_loop() { echo "$pairs" | xargs -P2 -I{} bash -c 'build_lean {}'; }
runner() { "$QCOMPAT" matrix run "$1" --go "$GO" --report "$work/report-$2.json" --markdown "$OUT/matrix-$2.md"; }

declare -A t
for round in cold warm; do
  for what in seq xargs lean qcompat; do
    [ $round = cold ] && export GOCACHE="$work/cache-$what" && rm -rf "$GOCACHE"
    [ $round = warm ] && export GOCACHE="$work/cache-$what"
    case $what in
      seq) t[$what-$round]=$(timeit seq_loop) ;;
      xargs) t[$what-$round]=$(timeit xargs_loop) ;;
      lean) t[$what-$round]=$(timeit lean_loop) ;;
      qcompat) t[$what-$round]=$(timeit runner "$spec" "$round") ;;
    esac
    echo "$round $what: ${t[$what-$round]} s"
  done
done
export GOCACHE="$work/cache-qcompat"
t[exec]=$(timeit runner "$work/exec.yaml" exec)
echo
echo "pairs: $(echo "$pairs" | wc -w), toolchain: $("$GO" env GOVERSION)"
echo "cold: sequential ${t[seq-cold]} s, xargs -P2 ${t[xargs-cold]} s, qcompat ${t[qcompat-cold]} s -> $(ratio "${t[qcompat-cold]}" "${t[seq-cold]}")x sequential (goal <= 0.80)"
echo "cold: same-flags xargs -P2 ${t[lean-cold]} s -> qcompat $(ratio "${t[qcompat-cold]}" "${t[lean-cold]}")x (goal <= 0.9)"
echo "warm: sequential ${t[seq-warm]} s, xargs -P2 ${t[xargs-warm]} s, qcompat ${t[qcompat-warm]} s -> $(ratio "${t[qcompat-warm]}" "${t[seq-warm]}")x sequential (goal <= 0.5)"
echo "exec run (warm cache): ${t[exec]} s; grid: $OUT/matrix-exec.md"
