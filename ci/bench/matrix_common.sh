# Shared by matrix.sh, matrix_all.sh and matrix_paired.sh (source after
# common.sh): the toolchains of ci/toolchains.txt, the same-flags loop's build, and a timer that puts
# CPU time beside wall time.
bash ci/toolchains.sh >/dev/null
mapfile -t gos < <(toolchain_gos)
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
probe="$ROOT/fallback-go"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export QCOMPAT_CACHE_DIR="$work/qcompat-cache"

build_lean() { # go, goos/goarch: one cell with the runner's flags
  local goos=${2%/*} goarch=${2#*/} flags=()
  # As the runner does: no -gcflags where Go <= 1.19 ships a precompiled std.
  [ -f "$("$1" env GOROOT)/pkg/${goos}_${goarch}/runtime.a" ] ||
    flags=(-gcflags=all=-dwarf=false "-ldflags=-s -w")
  # A subshell: the caller keeps its directory (go1.19 has no `build -C`).
  (cd "$probe" && GOOS=$goos GOARCH=$goarch GOGC=off GOMEMLIMIT=1GiB "$1" build \
    -o "$work/lean-$(basename "$(dirname "$(dirname "$1")")")-$goos-$goarch" \
    "-toolexec=$QCOMPAT toolexec" "${flags[@]}" ./cmd/qcompat-probe >/dev/null 2>&1) || true
}
export -f build_lean; export probe work QCOMPAT

# timed NAME COMMAND...: runs it, appends "NAME wall_s cpu_s" (CPU = user +
# sys of it and its children, from /usr/bin/time) to $work/results.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err-$name" || true
  read -r wall user sys < <(tail -1 "$work/time")
  echo "$name $wall $(python3 -c "print(f'{$user+$sys:.1f}')")" | tee -a "$work/results"
}
echo "variant wall_s cpu_s" > "$work/results"
