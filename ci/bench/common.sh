# Shared set-up for the benchmark scripts: a release build of qcompat,
# hyperfine (installed when running as root), and a ratio helper.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source "$ROOT/ci/lib.sh"
cargo build --release --quiet
QCOMPAT="$ROOT/target/release/qcompat"
if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq hyperfine >/dev/null; else
    echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; fi
fi
OUT="${BENCH_OUT:-$ROOT/target/bench}"
mkdir -p "$OUT"

# mean_of FILE INDEX: the mean seconds of the INDEXth command in a hyperfine JSON export.
mean_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):.2f}")' "$1" "$2"; }
