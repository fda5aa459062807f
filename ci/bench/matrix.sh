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
source "$(dirname "$0")/matrix_common.sh"
GO="${GO:-$(GOTOOLCHAIN=go1.27.3 go env GOROOT)/bin/go}"
pairs=$("$GO" tool dist list)
spec="$work/all.yaml"
printf 'toolchains: [local]\nplatforms: all\nverify: %s\n' link > "$spec"
printf 'toolchains: [local]\nplatforms: all\nverify: %s\n' exec > "$work/exec.yaml"

build_one() { # goos/goarch: the loop body both shell loops share
  GOOS=${1%/*} GOARCH=${1#*/} "$GO" build -C "$probe" -o "$work/bin-${1/\//-}" \
    "-toolexec=$QCOMPAT toolexec" ./cmd/qcompat-probe >/dev/null 2>&1 || true
}
export -f build_one; export GO
seq_loop() { for p in $pairs; do build_one "$p"; done; }
xargs_loop() { echo "$pairs" | xargs -P2 -I{} bash -c 'build_one {}'; }
lean_loop() { echo "$pairs" | xargs -P2 -I{} bash -c 'build_lean "$GO" {}'; }
runner() { "$QCOMPAT" matrix run "$1" --go "$GO" --report "$work/report-$2.json" --markdown "$OUT/matrix-$2.md"; }

declare -A t
for round in cold warm; do
  for what in seq xargs lean qcompat; do
    [ $round = cold ] && export GOCACHE="$work/cache-$what" && rm -rf "$GOCACHE"
    [ $round = warm ] && export GOCACHE="$work/cache-$what"
    case $what in
      seq) t[$what-$round]=$(secs seq_loop) ;;
      xargs) t[$what-$round]=$(secs xargs_loop) ;;
      lean) t[$what-$round]=$(secs lean_loop) ;;
      qcompat) t[$what-$round]=$(secs runner "$spec" "$round") ;;
    esac
    echo "$round $what: ${t[$what-$round]} s"
  done
done
export GOCACHE="$work/cache-qcompat"
t[exec]=$(secs runner "$work/exec.yaml" exec)
echo
echo "pairs: $(echo "$pairs" | wc -w), toolchain: $("$GO" env GOVERSION)"
echo "cold: sequential ${t[seq-cold]} s, xargs -P2 ${t[xargs-cold]} s, qcompat ${t[qcompat-cold]} s -> $(ratio "${t[qcompat-cold]}" "${t[seq-cold]}")x sequential (goal <= 0.80)"
echo "cold: same-flags xargs -P2 ${t[lean-cold]} s -> qcompat $(ratio "${t[qcompat-cold]}" "${t[lean-cold]}")x (goal <= 0.9)"
echo "warm: sequential ${t[seq-warm]} s, xargs -P2 ${t[xargs-warm]} s, qcompat ${t[qcompat-warm]} s -> $(ratio "${t[qcompat-warm]}" "${t[seq-warm]}")x sequential (goal <= 0.5)"
echo "exec run (warm cache): ${t[exec]} s; grid: $OUT/matrix-exec.md"
