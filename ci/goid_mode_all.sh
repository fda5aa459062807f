#!/usr/bin/env bash
# Issue #27's "done when": with no injector, fallback-go's cmd/goid-mode
# prints mode=calibrated and the main goroutine's ID (1) on amd64 and 386
# natively and on arm64, riscv64, ppc64le, s390x, loong64 and mips* under
# qemu-user, on every toolchain of ci/toolchains.txt. One line per toolchain
# and GOARCH; exits 1 when any line is not `mode=calibrated id=1`. Raw output:
# ci/results/goid-mode-all-COMMIT.txt (pass OUT=- for stdout only).
set -uo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# one GO VERSION GOARCH: builds and runs cmd/goid-mode.
one() {
  local go=$1 v=$2 arch=$3 exe=$work/goid-mode-$2-$3 msg q got
  if ! msg=$(cd fallback-go && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$go" build -o "$exe" ./cmd/goid-mode 2>&1); then
    # A port the toolchain lacks (loong64 before Go 1.19) is not a failure of goid.
    echo "$v linux/$arch: not built: $(echo "$msg" | tail -1)"
    case $msg in *"unsupported GOOS/GOARCH"*) return 0 ;; *) return 1 ;; esac
  fi
  q=$(qemu_user "$arch")
  got=$(${q:+$q} "$exe" 2>&1)
  echo "$v linux/$arch: $got"
  [ "$got" = "mode=calibrated id=1" ]
}

results goid-mode-all "go build ./cmd/goid-mode (no injector, CGO_ENABLED=0), run natively or under qemu-user" each_go_arch one
