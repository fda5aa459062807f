#!/usr/bin/env bash
# Installs a qcompat release binary for this machine's OS and architecture:
# downloads qcompat-VERSION-GOOS-GOARCH.tar.gz (.zip on Windows) and the
# release's SHA256SUMS, checks the archive's sha256 against that file and,
# when this folder ships a SHA256SUMS of its own (written by the commit that
# follows a release, see docs/src/release.md), against that one too; unpacks
# it and puts the binary's folder on the job's PATH. No byte of the archive
# is run or unpacked before both checks pass.
#
# The composite action (action.yml) runs it; it runs the same anywhere:
#   QCOMPAT_VERSION     version to install (0.2.0 or v0.2.0); empty: the
#                       version of the sums shipped beside this script
#   QCOMPAT_RELEASE_URL release base URL (a mirror, a test server); default
#                       https://github.com/qcompat/qcompat/releases/download/vVERSION
#   QCOMPAT_INSTALL_DIR where the versioned folder goes (default: the
#                       runner's tool cache, else ~/.cache/qcompat/release)
#   GITHUB_PATH, GITHUB_OUTPUT  appended to when set (Actions sets them)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shipped="$here/SHA256SUMS"

fail() {
  echo "qcompat install: $*" >&2
  if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::error title=qcompat install::$*"; fi
  exit 1
}

# The sha256 of a file, in hex.
sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# The hex sum that a sha256sum-format file lists for a name, or nothing.
sum_in() {
  awk -v n="$2" '{ f = $2; sub(/^\*/, "", f) } f == n { print $1; exit }' "$1"
}

# The platform as the archive names it: GOOS-GOARCH.
platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
    *) fail "no release archive for the OS '$(uname -s)': install with cargo install --locked qcompat" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no release archive for the architecture '$(uname -m)': install with cargo install --locked qcompat" ;;
  esac
  echo "$os-$arch"
}

version=${QCOMPAT_VERSION:-}
version=${version#v}
if [ -z "$version" ]; then
  [ -f "$shipped" ] || fail "input 'version' is empty and this action's folder ships no SHA256SUMS to take it from: set version (e.g. 0.2.0)"
  version=$(sed -n 's/^[0-9a-f]\{64\}  \*\{0,1\}qcompat-\(.*\)-linux-amd64\.tar\.gz$/\1/p' "$shipped" | head -n1)
  [ -n "$version" ] || fail "$shipped names no qcompat-VERSION-linux-amd64.tar.gz: set the input 'version'"
fi
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  fail "version '$version' is not a release version such as 0.2.0"
fi

plat=$(platform)
name="qcompat-$version-$plat"
case $plat in windows-*) archive="$name.zip" exe=qcompat.exe ;; *) archive="$name.tar.gz" exe=qcompat ;; esac
base=${QCOMPAT_RELEASE_URL:-https://github.com/qcompat/qcompat/releases/download/v$version}
base=${base%/}
dest=${QCOMPAT_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-$HOME/.cache/qcompat/release}/qcompat}
mkdir -p "$dest" || fail "cannot create the install folder $dest"

work=$(mktemp -d "$dest/.download.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fetch URL FILE: a whole file or a clear error (404: no such release or
# platform; the body of an error page is never kept).
fetch() {
  local code
  code=$(curl -sSL --retry 2 --connect-timeout 20 --max-time 600 -o "$2" -w '%{http_code}' "$1") ||
    fail "downloading $1 failed (curl exit $?)"
  case $code in
    200) ;;
    404) fail "$1: not found (HTTP 404): no release $version, or no archive for $plat in it; install with cargo install --locked qcompat --version $version" ;;
    *) fail "$1: HTTP $code" ;;
  esac
}

fetch "$base/SHA256SUMS" "$work/SHA256SUMS"
want=$(sum_in "$work/SHA256SUMS" "$archive")
[ -n "$want" ] || fail "$base/SHA256SUMS lists no $archive"
if [ -f "$shipped" ]; then
  vouched=$(sum_in "$shipped" "$archive")
  if [ -n "$vouched" ] && [ "$vouched" != "$want" ]; then
    fail "$base/SHA256SUMS says $want for $archive, but the sums shipped with this action ($shipped) say $vouched: refusing both"
  fi
  if [ -z "$vouched" ]; then
    echo "qcompat install: $shipped has no sum for $archive; trusting the release's SHA256SUMS alone"
  fi
fi

fetch "$base/$archive" "$work/$archive"
got=$(sha256_of "$work/$archive")
if [ "$got" != "$want" ]; then
  fail "checksum mismatch for $archive from $base: expected sha256 $want, got $got; nothing was installed"
fi

# Zip archives (Windows): unzip when there is one, else Windows' own bsdtar.
zip_list() {
  if command -v unzip >/dev/null; then unzip -Z1 "$1"; else "$(cygpath -u "$SYSTEMROOT")/System32/tar.exe" -tf "$1"; fi
}
zip_extract() {
  if command -v unzip >/dev/null; then unzip -q "$1" -d "$2"; else "$(cygpath -u "$SYSTEMROOT")/System32/tar.exe" -xf "$1" -C "$2"; fi
}

# Every entry lies in the one top folder: no absolute path, no "..".
if [[ $archive == *.zip ]]; then
  entries=$(zip_list "$work/$archive") || fail "$archive is not a readable zip archive"
else
  entries=$(tar -tzf "$work/$archive") || fail "$archive is not a readable tar.gz archive"
fi
while IFS= read -r e; do
  case "/$e/" in
    */../*) fail "$archive holds an entry that escapes its folder: $e" ;;
  esac
  case $e in
    "$name"/*) ;;
    *) fail "$archive holds an entry outside $name/: $e" ;;
  esac
done <<<"$entries"

mkdir "$work/unpacked"
if [[ $archive == *.zip ]]; then
  zip_extract "$work/$archive" "$work/unpacked" || fail "unpacking $archive failed"
else
  tar -xzf "$work/$archive" -C "$work/unpacked" --no-same-owner || fail "unpacking $archive failed"
fi
bin="$work/unpacked/$name/$exe"
if [ ! -f "$bin" ] || [ -L "$bin" ]; then fail "$archive has no regular file $name/$exe"; fi
chmod 755 "$bin"
"$bin" --version >/dev/null || fail "the unpacked $name/$exe does not run on this machine"

# Into place by rename: a reader sees the old folder or the new one, whole.
rm -rf "${dest:?}/$name"
mv "$work/unpacked/$name" "$dest/$name"
dir="$dest/$name"
echo "qcompat install: $("$dir/$exe" --version) in $dir (sha256 $got)"
if [ -n "${GITHUB_PATH:-}" ]; then echo "$dir" >>"$GITHUB_PATH"; fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "path=$dir/$exe"
    echo "version=$version"
  } >>"$GITHUB_OUTPUT"
fi
