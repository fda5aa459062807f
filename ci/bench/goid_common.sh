# Shared set-up for the goid scripts that build through qcompat's injector:
# QCOMPAT names a qcompat binary to use (made absolute and checked), or, when
# unset, common.sh builds this checkout's release binary. Leaves the shell in
# the repository root with OUT (BENCH_OUT or target/bench) made.
if [ -n "${QCOMPAT:-}" ]; then
  set -euo pipefail
  QCOMPAT="$(realpath "$QCOMPAT")"
  [ -x "$QCOMPAT" ] || { echo "QCOMPAT=$QCOMPAT is not an executable qcompat" >&2; exit 1; }
  cd "$(dirname "${BASH_SOURCE[0]}")/../.."
  OUT="${BENCH_OUT:-$PWD/target/bench}"
  mkdir -p "$OUT"
else
  source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fi
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
GO="${GO:-go}"
