# Shell helpers shared by ci/ and ci/bench/ scripts (source it).
# ci/toolchains.txt is the one list of this machine's toolchains.
QCOMPAT_CI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# toolchain_list [SOURCE]: "version source binary" lines of ci/toolchains.txt,
# optionally only those of one source (debian, sdk, path, proxy).
toolchain_list() {
  grep -v '^\s*\(#\|$\)' "$QCOMPAT_CI_DIR/toolchains.txt" | awk -v s="${1:-}" 's == "" || $2 == s'
}

# toolchain_go VERSION: the go binary of one listed toolchain (fetching a
# proxy one on first use); fails naming the list when it is not listed.
toolchain_go() {
  local line src bin
  line=$(toolchain_list | awk -v v="$1" '$1 == v') || true
  if [ -z "$line" ]; then
    echo "ci/lib.sh: $1 is not in ci/toolchains.txt" >&2
    return 1
  fi
  read -r _ src bin <<<"$line"
  case $src in
    path) command -v "$bin" ;;
    proxy) echo "$(env "$bin" go env GOROOT)/bin/go" ;;
    *) echo "${bin/#\~/$HOME}" ;;
  esac
}

# toolchain_gos: every listed toolchain's go binary, oldest first.
toolchain_gos() {
  local v
  for v in $(toolchain_list | awk '{print $1}'); do toolchain_go "$v"; done
}

# secs COMMAND...: runs it (output discarded, failure ignored) and prints its
# wall time in seconds.
secs() {
  local s
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  python3 -c "print(f'{$(date +%s.%N)-$s:.2f}')"
}

# qemu_user GOARCH: the qemu-user binary that runs linux/GOARCH binaries
# here, or nothing for amd64 and 386, which run natively.
qemu_user() {
  case $1 in
    amd64 | 386) ;;
    arm64) echo qemu-aarch64-static ;;
    mipsle) echo qemu-mipsel-static ;;
    mips64le) echo qemu-mips64el-static ;;
    loong64) echo qemu-loongarch64-static ;;
    *) echo "qemu-$1-static" ;;
  esac
}

# The GOARCHes of the goid scripts: amd64 and 386 natively, the rest under
# qemu-user (ARCHES="arm64 mips" for fewer).
goid_arches=${ARCHES:-amd64 386 arm64 riscv64 ppc64le s390x loong64 mips mipsle mips64 mips64le}

# each_go_arch COMMAND...: runs COMMAND... GO VERSION GOARCH for every
# toolchain of ci/toolchains.txt (GOS="go1.27.3 ..." for fewer) and each of
# $goid_arches; fails when any did.
each_go_arch() {
  local go v arch bad=0
  for go in $(toolchain_gos); do
    v=$("$go" env GOVERSION)
    case " ${GOS:-$v} " in *" $v "*) ;; *) continue ;; esac
    for arch in $goid_arches; do "$@" "$go" "$v" "$arch" || bad=1; done
  done
  return "$bad"
}

# results NAME TITLE COMMAND...: runs COMMAND... under a "# TITLE" header and
# an "# exit N" line, to stdout and ci/results/NAME-COMMIT.txt (OUT=F for
# another file, OUT=- for stdout only); returns COMMAND's status.
results() {
  local name=$1 title=$2 commit out
  shift 2
  commit=$(git -C "$QCOMPAT_CI_DIR" rev-parse --short=12 HEAD)
  out=${OUT:-$QCOMPAT_CI_DIR/results/$name-$commit.txt}
  {
    echo "# ci/$(basename "$0") at $commit: $title"
    "$@"
    local rc=$?
    echo "# exit $rc"
    exit "$rc"
  } | if [ "$out" = - ]; then cat; else tee "$out"; fi
  return "${PIPESTATUS[0]}"
}
