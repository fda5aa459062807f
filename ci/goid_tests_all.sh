#!/usr/bin/env bash
# Issue #27's "done when", second half: fallback-go's goid tests (10,000
# goroutines against runtime.Stack, init, finalizers, the calibrated path)
# with no injector on every toolchain of ci/toolchains.txt for amd64 and 386
# natively and arm64, riscv64, ppc64le, s390x, loong64 and mips* under
# qemu-user (`go test -c`, the binary run under the emulator). One line per
# toolchain and GOARCH; exits 1 when any fails. Raw output:
# ci/results/goid-tests-all-COMMIT.txt (OUT=- for stdout only; GOS and ARCHES
# narrow it, see ci/lib.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# one GO VERSION GOARCH: builds goid's test binary and runs it.
one() {
  local go=$1 v=$2 arch=$3 exe=$work/goid-$2-$3.test msg q got rc=0
  if ! msg=$(cd fallback-go && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$go" test -c -o "$exe" ./goid 2>&1); then
    echo "$v linux/$arch: not built: $(echo "$msg" | tail -1)"
    return 1
  fi
  q=$(qemu_user "$arch")
  if got=$(${q:+$q} "$exe" -test.count=1 2>&1); then
    echo "$v linux/$arch: $(echo "$got" | tail -1)"
  else
    echo "$v linux/$arch: FAIL: $(echo "$got" | grep -m3 -E 'FAIL|panic|---' | tr '\n' ' ')"
    rc=1
  fi
  rm -f "$exe"
  return "$rc"
}

results goid-tests-all "go test -c ./goid (no injector, CGO_ENABLED=0), run natively or under qemu-user" each_go_arch one
