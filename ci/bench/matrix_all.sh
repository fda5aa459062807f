#!/usr/bin/env bash
# The matrix runner against `xargs -P2` given the runner's own flags, on all
# eight toolchains (matrix/here.yaml: go1.19.8 and 1.21-1.27), every
# GOOS/GOARCH pair, link only, through qcompat's injector, cold (a fresh
# GOCACHE each), then the runner's warm rerun. The loop runs xargs once per
# toolchain, as a shell script would; the runner keeps one pool across
# toolchains, runs the longest cells first, skips the cgo-only ports it knows
# cannot link, and also measures each toolchain's linkname policy.
# Goals: cold <= 0.9x the same-flags loop; warm rerun < 5% of the cold run.
# Takes about half an hour.
source "$(dirname "$0")/common.sh"
bash ci/toolchains.sh >/dev/null
GOTOOLCHAIN=go1.27.3 go env GOROOT >/dev/null # make sure 1.27.3 is on disk
gos=(/usr/lib/go-1.19/bin/go)
for v in 1.21.13 1.22.10 1.23.9 1.24.11 1.25.5; do gos+=("$HOME/sdk/go$v/bin/go"); done
gos+=("$(command -v go)" "$(GOTOOLCHAIN=go1.27.3 go env GOROOT)/bin/go")
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
probe="$ROOT/fallback-go"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export QCOMPAT_CACHE_DIR="$work/qcompat-cache"
spec="$work/all.yaml"
sed 's/^verify: exec/verify: link/' matrix/here.yaml > "$spec"
grep -q '^verify: link' "$spec"

build_lean() { # go, goos/goarch: one cell with the runner's flags
  local goos=${2%/*} goarch=${2#*/} flags=()
  # As the runner does: no -gcflags where Go <= 1.19 ships a precompiled std.
  [ -f "$("$1" env GOROOT)/pkg/${goos}_${goarch}/runtime.a" ] ||
    flags=(-gcflags=all=-dwarf=false "-ldflags=-s -w")
  cd "$probe" && GOOS=$goos GOARCH=$goarch GOGC=off GOMEMLIMIT=1GiB "$1" build \
    -o "$work/lean-$(basename "$(dirname "$(dirname "$1")")")-$goos-$goarch" \
    "-toolexec=$QCOMPAT toolexec" "${flags[@]}" ./cmd/qcompat-probe >/dev/null 2>&1 || true
}
export -f build_lean; export probe work QCOMPAT

timeit() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; python3 -c "print(f'{$(date +%s.%N)-$s:.1f}')"; }
lean_loop() {
  for go in "${gos[@]}"; do
    "$go" tool dist list | xargs -P2 -I{} bash -c 'build_lean "$0" {}' "$go"
  done
}
runner() { "$QCOMPAT" matrix run "$spec" --offline --report "$work/report-$1.json" --markdown "$OUT/matrix-all-$1.md"; }

export GOCACHE="$work/cache-lean"
t_lean=$(timeit lean_loop); echo "cold same-flags xargs -P2, toolchain by toolchain: $t_lean s"
export GOCACHE="$work/cache-qcompat"
t_cold=$(timeit runner cold); echo "cold qcompat matrix run: $t_cold s"
t_warm=$(timeit runner warm); echo "warm qcompat matrix run: $t_warm s"
python3 - "$work/report-cold.json" <<'PY'
import json, sys, collections
r = json.load(open(sys.argv[1]))
print("cells:", len(r["cells"]), dict(collections.Counter(c["status"] for c in r["cells"])))
print("linkname:", {t["go"]: t["linkname"] for t in r["toolchains"]})
PY
echo "toolchains: ${#gos[@]}; qcompat $(git rev-parse --short HEAD)"
echo "cold: qcompat $(ratio "$t_cold" "$t_lean")x the same-flags loop (goal <= 0.9)"
echo "warm rerun: $(python3 -c "print(f'{100*$t_warm/$t_cold:.1f}')")% of the cold run (goal < 5%)"
