#!/usr/bin/env bash
# The evidence behind matrix/pins.yaml: the full exec matrix of every
# platform on all eight toolchains (matrix/here.yaml), from a cold cache,
# through qcompat's own injector, with the committed code. Writes
# matrix/evidence/{report.json,grid.md,run.log} and updates the pins, one pin
# per tested minor; regenerates goid's offset table and the per-kind cost
# table from it. Takes a while (about 380 build cells and 96 of the other
# kinds, some 40 minutes on two cores); see CONTRIBUTING.md, "The evidence run".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "ci/evidence.sh: commit first: evidence must come from committed code" >&2
  exit 1
fi
bash ci/toolchains.sh
cargo build --release --locked --quiet
GOTOOLCHAIN=go1.27.3 go env GOROOT >/dev/null   # make sure 1.27.3 is on disk
commit=$(git rev-parse --short=12 HEAD)   # the code that runs, not HEAD at the end
cold=$(mktemp -d)
trap 'rm -rf "$cold"' EXIT
mkdir -p matrix/evidence
start=$(date +%s)
# Cold: a fresh GOCACHE and qcompat cache, so nothing is reused.
set +e
GOCACHE="$cold/gocache" QCOMPAT_CACHE_DIR="$cold/qcompat" \
  ./target/release/qcompat matrix run matrix/here.yaml --offline \
  --report matrix/evidence/report.json --markdown matrix/evidence/grid.md \
  2>&1 | tee matrix/evidence/run.log
rc=${PIPESTATUS[0]}
set -e
end=$(date +%s)
echo "ci/evidence.sh: commit $commit, $((end - start)) s, exit $rc" | tee -a matrix/evidence/run.log
[ "$rc" = 0 ] || exit "$rc"
# Pins claim only what was run: start from the rules (no evidence) and let
# the run create one pin per tested minor.
./target/release/qcompat pins update --from matrix/evidence/report.json --pins matrix/pins.yaml
# What the run proved, as the repository uses it: goid's offset table (one
# file per minor), the cold cost of a cell per build kind, and the book's
# pins table.
python3 ci/goid_offsets.py matrix/evidence/report.json
python3 ci/kind_costs.py matrix/evidence/report.json > matrix/evidence/kind-costs.md
bash ci/docs_pins.sh
