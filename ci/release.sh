#!/usr/bin/env bash
# ci/release.sh OUTDIR: packs qcompat for this machine's platform as a
# release archive, qcompat-VERSION-GOOS-GOARCH.tar.gz (.zip on windows),
# into OUTDIR, and rewrites OUTDIR/SHA256SUMS over every archive there.
#
# The binary is a release build of this checkout, or the one named by
# QCOMPAT_RELEASE_BIN (already built, e.g. the tests' debug binary);
# QCOMPAT_RELEASE_PLATFORM=GOOS-GOARCH names the platform of such a binary
# when it is not this machine's (a cross build). The archive holds one top
# folder with the binary, README.md and the licence files; entries are
# sorted, owned by 0, dated SOURCE_DATE_EPOCH (default: the last commit's
# time), so packing the same binary twice gives the same bytes.
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: ci/release.sh OUTDIR (QCOMPAT_RELEASE_BIN=PATH packs that binary instead of a release build)" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"

version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)
if [ -z "$version" ]; then
  echo "ci/release.sh: no version line in $root/Cargo.toml" >&2
  exit 1
fi

# The Go names (GOOS-GOARCH) of a Rust host triple.
go_platform() {
  local arch os
  case $1 in
    x86_64-*) arch=amd64 ;;
    aarch64-*) arch=arm64 ;;
    *) echo "ci/release.sh: no Go name for the architecture of $1" >&2; return 1 ;;
  esac
  case $1 in
    *-linux-*) os=linux ;;
    *-apple-darwin) os=darwin ;;
    *-windows-*) os=windows ;;
    *) echo "ci/release.sh: no Go name for the system of $1" >&2; return 1 ;;
  esac
  echo "$os-$arch"
}

platform=${QCOMPAT_RELEASE_PLATFORM:-}
if [ -z "$platform" ]; then
  host=$(rustc -vV | sed -n 's/^host: //p')
  platform=$(go_platform "$host")
fi
case $platform in
  linux-amd64 | linux-arm64 | darwin-amd64 | darwin-arm64) exe=qcompat ext=tar.gz ;;
  windows-amd64) exe=qcompat.exe ext=zip ;;
  *) echo "ci/release.sh: QCOMPAT_RELEASE_PLATFORM=$platform is not a release platform (linux-amd64, linux-arm64, darwin-amd64, darwin-arm64, windows-amd64)" >&2; exit 2 ;;
esac

bin=${QCOMPAT_RELEASE_BIN:-}
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release --locked --quiet)
  bin="$root/target/release/$exe"
fi
if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
  echo "ci/release.sh: $bin is not an executable file (QCOMPAT_RELEASE_BIN names a built qcompat)" >&2
  exit 1
fi

name="qcompat-$version-$platform"
files=("$exe=$bin" "README.md=$root/README.md")
for l in LICENSE-MIT LICENSE-APACHE; do
  if [ -f "$root/$l" ]; then
    files+=("$l=$root/$l")
  else
    echo "ci/release.sh: warning: $l is missing in $root; the archive goes without it" >&2
  fi
done
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}

# Python's tarfile, gzip and zipfile are on every release runner and let the
# script fix what GNU and BSD tar set differently (order, owners, dates).
python3 - "$out/$name.$ext" "$name" "$exe" "$epoch" "${files[@]}" <<'EOF'
import gzip, io, os, sys, tarfile, time, zipfile
dest, top, exe, epoch, entries = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
entries = sorted(e.split("=", 1) for e in entries)
tmp = dest + ".tmp"
if dest.endswith(".zip"):
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
        for name, path in entries:
            info = zipfile.ZipInfo(f"{top}/{name}", stamp)
            info.external_attr = (0o755 if name == exe else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
else:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        d = tarfile.TarInfo(top)
        d.type, d.mode, d.mtime = tarfile.DIRTYPE, 0o755, epoch
        t.addfile(d)
        for name, path in entries:
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = os.path.getsize(path)
            info.mode = 0o755 if name == exe else 0o644
            info.mtime = epoch
            with open(path, "rb") as f:
                t.addfile(info, f)
    with open(tmp, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=epoch, compresslevel=6) as g:
            g.write(raw.getvalue())
os.replace(tmp, dest)
EOF

# SHA256SUMS over every archive in OUTDIR, in sha256sum's format.
sum() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
(
  cd "$out"
  shopt -s nullglob
  archives=(qcompat-*.tar.gz qcompat-*.zip)
  sum "${archives[@]}" | LC_ALL=C sort -k2 >SHA256SUMS.tmp
  mv SHA256SUMS.tmp SHA256SUMS
)
echo "$out/$name.$ext"
