#!/usr/bin/env bash
# Issue #27's "done when", second half: fallback-go's goid tests (10,000
# goroutines against runtime.Stack, init, finalizers, the calibrated path)
# with no injector on every toolchain of ci/toolchains.txt for amd64 and 386
# natively and arm64, riscv64, ppc64le, s390x, loong64 and mips* under
# qemu-user (`go test -c`, the binary run under the emulator). One line per
# toolchain and GOARCH; exits 1 when any fails. Raw output:
# ci/results/goid-tests-all-COMMIT.txt (OUT=- for stdout only).
set -uo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
commit=$(git rev-parse --short=12 HEAD)
out=${OUT:-ci/results/goid-tests-all-$commit.txt}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  bad=0
  echo "# ci/goid_tests_all.sh at $commit: go test -c ./goid (no injector, CGO_ENABLED=0), run natively or under qemu-user"
  for go in $(toolchain_gos); do
    v=$("$go" env GOVERSION)
    for arch in amd64 386 arm64 riscv64 ppc64le s390x loong64 mips mipsle mips64 mips64le; do
      exe=$work/goid-$v-$arch.test
      if ! msg=$(cd fallback-go && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$go" test -c -o "$exe" ./goid 2>&1); then
        echo "$v linux/$arch: not built: $(echo "$msg" | tail -1)"
        bad=1
        continue
      fi
      q=$(qemu_user "$arch")
      env=()
      [ "$arch" = arm ] && env=(GODEBUG=asyncpreemptoff=1)
      if got=$(env "${env[@]}" ${q:+$q} "$exe" -test.count=1 2>&1); then
        echo "$v linux/$arch: $(echo "$got" | tail -1)"
      else
        echo "$v linux/$arch: FAIL: $(echo "$got" | grep -m3 -E 'FAIL|panic|---' | tr '\n' ' ')"
        bad=1
      fi
      rm -f "$exe"
    done
  done
  echo "# exit $bad"
  exit "$bad"
} | if [ "$out" = - ]; then cat; else tee "$out"; fi
exit "${PIPESTATUS[0]}"
