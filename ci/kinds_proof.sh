#!/usr/bin/env bash
# Proof for issue #25's build kinds: builds the probe programs of fallback-go
# (cmd/qcompat-probe, its TestProbe, cmd/qcompat-probe-lib with its C host,
# cmd/qcompat-probe-plugin with its Go host) in every kind through qcompat's
# injector with go1.19.8 and go1.26.8, runs them (linux/amd64 here; the cgo
# kinds also for linux/arm64 with aarch64-linux-gnu-gcc under qemu), then
# builds them WITHOUT the injector and prints the failure's telling line, and
# asks each toolchain what it says about -race, -cover, pie and plugin where
# they are not supported.
#
# Usage: ci/kinds_proof.sh [QCOMPAT]   (default: target/release/qcompat)
# Writes its output to stdout and to ci/results/kinds-proof-<commit>.txt.
# Every step prints "$ command", then "rc=N" and either the probe's line or
# the lines that tell why it failed. Takes about 15 minutes on 2 cores cold.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source ci/lib.sh
qcompat=${1:-$root/target/release/qcompat}
[ -x "$qcompat" ] || { echo "ci/kinds_proof.sh: no qcompat at $qcompat: cargo build --release first, or name it" >&2; exit 2; }
commit=$(git rev-parse --short=12 HEAD)
dirty=$(git status --porcelain -- fallback-go ci/kinds_proof.sh | head -1)
mkdir -p ci/results
out=$root/ci/results/kinds-proof-$commit.txt
exec > >(tee "$out") 2>&1

work=$(mktemp -d /tmp/kinds-proof.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false"
unset GOOS GOARCH CC CGO_ENABLED GOCACHE
cd fallback-go
inj="-toolexec=$qcompat toolexec"
# The lines that say why a build, link or load failed.
telling='final link failed|undefined reference|undefined symbol|relocation target|not defined|not supported|requires cgo|unsupported|flag provided but not defined|unknown flag|different version|ThreadSanitizer|FATAL|panic:|Segmentation|error:|go: '

# step NAME CMD...: runs CMD with its output in a log; prints it, rc and the
# probe line or the telling lines.
step() {
  local name=$1
  shift
  local log=$work/log.$RANDOM
  echo "\$ $*" | sed -e "s#$work#\$W#g" -e "s#$qcompat#qcompat#g"
  local t0=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  echo "  [$name] rc=$rc ($((SECONDS - t0)) s)"
  if grep -q '^qcompat-probe ' "$log"; then
    grep '^qcompat-probe \|^PASS$\|^FAIL' "$log" | sed 's/^/  | /'
  fi
  if [ $rc != 0 ]; then
    grep -E "$telling" "$log" | grep -v '^qcompat-probe ' | sed -e "s#$work#\$W#g" -e 's/^/  ! /' | head -12
    [ -s "$log" ] && ! grep -qE "$telling" "$log" && tail -5 "$log" | sed 's/^/  ! /'
  fi
  return $rc
}

# kinds GO PLATFORM MODE: MODE is injected or plain (no -toolexec).
kinds() {
  local go=$1 platform=$2 mode=$3
  local goos=${platform%/*} goarch=${platform#*/}
  local v
  v=$("$go" env GOVERSION)
  local o=$work/$v-$goos-$goarch-$mode
  mkdir -p "$o"
  local t=("$inj")
  [ "$mode" = plain ] && t=()
  local cc=gcc run=()
  if [ "$goarch" = arm64 ]; then
    cc=aarch64-linux-gnu-gcc
    run=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)
  fi
  # A GOCACHE per toolchain and mode: plain and injected builds never share one.
  export GOCACHE=$work/cache-$v-$mode GOOS=$goos GOARCH=$goarch CC=$cc
  echo
  echo "=== $v $platform $mode"
  if [ "$goarch" = amd64 ]; then
    export CGO_ENABLED=0
    step build "$go" build "${t[@]}" -o "$o/build" ./cmd/qcompat-probe && step build "$o/build"
    step test "$go" test -c "${t[@]}" -o "$o/test" ./cmd/qcompat-probe && step test "$o/test" '-test.run=^TestProbe$'
    step debug "$go" build "${t[@]}" '-gcflags=all=-N -l' -o "$o/debug" ./cmd/qcompat-probe && step debug "$o/debug"
    step trimpath "$go" build "${t[@]}" -trimpath -o "$o/trimpath" ./cmd/qcompat-probe && step trimpath "$o/trimpath"
    step pie "$go" build "${t[@]}" -buildmode=pie -o "$o/pie" ./cmd/qcompat-probe && step pie "$o/pie"
    step pgo "$go" build "${t[@]}" "-pgo=$PWD/cmd/qcompat-probe/testdata/probe.pgo" -o "$o/pgo" ./cmd/qcompat-probe && step pgo "$o/pgo"
    step cover "$go" build "${t[@]}" -cover -o "$o/cover" ./cmd/qcompat-probe && step cover "$o/cover"
    step cover-test "$go" test -c "${t[@]}" -cover -o "$o/cover.test" ./cmd/qcompat-probe && step cover-test "$o/cover.test" '-test.run=^TestProbe$'
    # -race with cgo off first: does this toolchain need cgo for it?
    step race-nocgo "$go" build "${t[@]}" -race -o "$o/race-nocgo" ./cmd/qcompat-probe && step race-nocgo "$o/race-nocgo"
    export CGO_ENABLED=1
    step race "$go" build "${t[@]}" -race -o "$o/race" ./cmd/qcompat-probe && step race "$o/race"
    step race-test "$go" test -c "${t[@]}" -race -o "$o/race.test" ./cmd/qcompat-probe && step race-test "$o/race.test" '-test.run=^TestProbe$'
  else
    export CGO_ENABLED=1
    step build "$go" build "${t[@]}" -o "$o/build" ./cmd/qcompat-probe && step build "${run[@]}" "$o/build"
    step race "$go" build "${t[@]}" -race -o "$o/race" ./cmd/qcompat-probe && step race "${run[@]}" "$o/race"
  fi
  cgo_kinds "$go" "$o" "$mode"
}

# cgo_kinds GO OUT MODE: c-shared, c-archive and plugin, host and library.
cgo_kinds() {
  local go=$1 o=$2 mode=$3
  export CGO_ENABLED=1
  local t=("$inj")
  [ "$mode" = plain ] && t=()
  local run=()
  [ "$GOARCH" = arm64 ] && run=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)
  mkdir -p "$o/shared" "$o/archive" "$o/plugin"
  step c-shared "$go" build "${t[@]}" -buildmode=c-shared -o "$o/shared/libqprobe.so" ./cmd/qcompat-probe-lib &&
    step c-shared "$CC" -o "$o/shared/host" -DQPROBE_DLOPEN cmd/qcompat-probe-lib/host/host.c -ldl -lpthread &&
    step c-shared "${run[@]}" "$o/shared/host" "$o/shared/libqprobe.so"
  step c-archive "$go" build "${t[@]}" -buildmode=c-archive -o "$o/archive/libqprobe.a" ./cmd/qcompat-probe-lib &&
    step c-archive "$CC" -o "$o/archive/host" -I "$o/archive" cmd/qcompat-probe-lib/host/host.c "$o/archive/libqprobe.a" -lpthread &&
    step c-archive "${run[@]}" "$o/archive/host"
  step plugin "$go" build "${t[@]}" -buildmode=plugin -o "$o/plugin/probe.so" ./cmd/qcompat-probe-plugin &&
    step plugin "$go" build "${t[@]}" -o "$o/plugin/host" ./cmd/qcompat-probe-pluginhost &&
    step plugin "${run[@]}" "$o/plugin/host" "$o/plugin/probe.so"
}

# fixed_companion GO: the plugin kind through an injector that adds the same
# companion file as qcompat's, at one fixed path instead of a fresh temporary
# directory per compile: shows what plugin.Open's "different version of
# package runtime" comes from.
fixed_companion() {
  local go=$1 v
  v=$("$go" env GOVERSION)
  local d=$work/fixed-$v o=$work/fixed-$v/out
  mkdir -p "$o"
  QCOMPAT_KEEP_TEMP=1 TMPDIR=$d GOCACHE=$d/cache0 CGO_ENABLED=0 "$go" build "$inj" -o "$o/keep" ./cmd/qcompat-probe >/dev/null 2>&1
  cp "$(head -1 "$d/qcompat-kept.log")" "$d/qcompat_goroutineid.go"
  cat >"$d/inj.sh" <<EOF
#!/usr/bin/env bash
# qcompat's injector, but the companion file at $d.
tool=\$1; shift
if [ "\$(basename "\$tool")" = compile ]; then
  [ "\$*" = -V=full ] && exec "$qcompat" toolexec "\$tool" "\$@"
  prev=; for a in "\$@"; do [ "\$prev" = -p ] && [ "\$a" = runtime ] && exec "\$tool" "\$@" "$d/qcompat_goroutineid.go"; prev=\$a; done
fi
exec "\$tool" "\$@"
EOF
  chmod +x "$d/inj.sh"
  echo
  echo "=== $v linux/amd64 plugin, companion file at a fixed path ($d/inj.sh)"
  export GOCACHE=$d/cache GOOS=linux GOARCH=amd64 CC=gcc CGO_ENABLED=1
  step plugin-fixed "$go" build "-toolexec=$d/inj.sh" -buildmode=plugin -o "$o/probe.so" ./cmd/qcompat-probe-plugin &&
    step plugin-fixed "$go" build "-toolexec=$d/inj.sh" -o "$o/host" ./cmd/qcompat-probe-pluginhost &&
    step plugin-fixed "$o/host" "$o/probe.so"
}

# unsupported GO: what the go command says for pie, plugin and -race where it
# does not support them (-n: nothing is built).
unsupported() {
  local go=$1 v
  v=$("$go" env GOVERSION)
  echo
  echo "=== $v: modes on other platforms (go build -n)"
  for p in linux/mips js/wasm windows/386; do
    export GOOS=${p%/*} GOARCH=${p#*/} GOCACHE=$work/cache-$v-injected CGO_ENABLED=0
    for flag in -buildmode=pie -buildmode=plugin -race; do
      step "$p $flag" "$go" build -n "$inj" "$flag" -o /dev/null ./cmd/qcompat-probe
    done
  done
}

echo "kinds proof at $commit${dirty:+ (fallback-go has uncommitted changes)}, $(date -u +%FT%TZ), qcompat $("$qcompat" --version 2>/dev/null)"
echo "host: $(uname -m), gcc $(gcc -dumpversion), $(aarch64-linux-gnu-gcc --version | head -1), $(qemu-aarch64-static --version | head -1)"
GO119=$(toolchain_go go1.19.8) || exit 2
GO126=$(toolchain_go go1.26.8) || exit 2
for go in "$GO119" "$GO126"; do
  kinds "$go" linux/amd64 injected
  kinds "$go" linux/arm64 injected
  fixed_companion "$go"
  kinds "$go" linux/amd64 plain
  kinds "$go" linux/arm64 plain
  unsupported "$go"
done
# golang/go#81051: go1.27's c-shared link may leave the pull undefined, so the
# failure shows only when the library is loaded.
GO127=$(GOTOOLCHAIN=go1.27.3 go env GOROOT)/bin/go
[ -x "$GO127" ] && {
  export GOOS=linux GOARCH=amd64 CC=gcc CGO_ENABLED=1 GOCACHE=$work/cache-go1.27.3-plain
  o=$work/go1.27.3-plain
  mkdir -p "$o"
  echo
  echo "=== $("$GO127" env GOVERSION) linux/amd64 plain c-shared"
  step c-shared "$GO127" build -buildmode=c-shared -o "$o/libqprobe.so" ./cmd/qcompat-probe-lib &&
    step c-shared gcc -o "$o/host" -DQPROBE_DLOPEN cmd/qcompat-probe-lib/host/host.c -ldl -lpthread &&
    step c-shared "$o/host" "$o/libqprobe.so"
}
echo
echo "done in $SECONDS s"
