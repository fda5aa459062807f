#!/usr/bin/env bash
# The runner against the same-flags `xargs -P2` loop, paired toolchain by
# toolchain so that this shared VM's drift (the same work has taken 616 s
# and 821 s within an hour) cancels out. For each of the eight toolchains
# the two run back to back in an ABBA block (runner, loop, loop, runner; the
# next toolchain BAAB), each cold: a fresh GOCACHE and qcompat cache. Drift
# slower than a block (about 6 minutes) hits both sides alike.
# Each runner run covers one toolchain, so the runner's one pool across
# toolchains brings it nothing here: against matrix_all.sh's eight-toolchain
# run this favours the loop. Both build every pair, link only, through
# qcompat's injector, with the runner's flags.
# Goal (from #10): the runner's total <= 0.9x the loop's. About 50 minutes;
# REPEATS=1 runs AB/BA only (about 25); ONLY="0 6" runs the first and the
# seventh toolchain only; FLIP=1 starts every block with the other variant.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/matrix_common.sh"

loop() { "$1" tool dist list | xargs -P2 -I{} bash -c 'build_lean "$0" {}' "$1"; }
runner() { # go, name
  printf 'toolchains:\n  - path: %s\nplatforms: all\nverify: link\n' \
    "$("$1" env GOROOT)" > "$work/spec.yaml"
  "$QCOMPAT" matrix run "$work/spec.yaml" --offline --report "$work/report-$2.json"
}
export -f loop runner
cold() { # variant, toolchain index
  export GOCACHE="$work/cache"; rm -rf "$GOCACHE" "$QCOMPAT_CACHE_DIR"
  local go=${gos[$2]} name="$1-$2-$((++n))"
  timed "$name" bash -c "$1 \"\$0\" \"\$1\"" "$go" "$name"
  rm -rf "$GOCACHE"
}
warm_up() { # toolchain index: one unmeasured build, so that neither side
  # of the block reads the toolchain's files from disk
  GOCACHE="$work/warm" build_lean "${gos[$1]}" "$(go env GOHOSTOS)/$(go env GOHOSTARCH)"
  rm -rf "$work/warm"
}
n=0
for i in ${ONLY:-${!gos[@]}}; do
  warm_up "$i"
  # FLIP=1 swaps every block's order, for a second run to pool with the first.
  if [ $(((i + ${FLIP:-0}) % 2)) = 0 ]; then order=(runner loop loop runner); else order=(loop runner runner loop); fi
  [ "${REPEATS:-2}" = 1 ] && order=("${order[@]:0:2}")
  for v in "${order[@]}"; do cold "$v" "$i"; done
done
echo "qcompat $(git rev-parse --short HEAD); toolchains: ${#gos[@]}"
for i in "${!gos[@]}"; do echo "toolchain $i: ${gos[$i]}"; done
python3 - "$work" <<'PY'
import collections, glob, json, sys
status = collections.Counter(c["status"] for f in glob.glob(sys.argv[1] + "/report-*.json")
                             for c in json.load(open(f))["cells"])
print("runner cells:", dict(status))
PY
python3 "$ROOT/ci/bench/matrix_paired_pool.py" "$work/results"
