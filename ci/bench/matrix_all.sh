#!/usr/bin/env bash
# The matrix runner against `xargs -P2` given the runner's own flags, on all
# eight toolchains (matrix/here.yaml: go1.19.8 and 1.21-1.27), every
# GOOS/GOARCH pair, link only, through qcompat's injector, cold (a fresh
# GOCACHE each), then the runner's warm rerun. The loop runs xargs once per
# toolchain, as a shell script would; the runner keeps one pool across
# toolchains, runs the longest cells first, and also measures each
# toolchain's linkname policy. Both build every pair, the cgo-only ports too
# (here.yaml keeps `cgo_only: build`: their link fails after the compile).
# Goals: cold <= 0.9x the same-flags loop; warm rerun < 5% of the cold run.
# The runner builds on one thread per build while every core has a build
# (GOMAXPROCS=1, see go/gocmd.rs); the loop leaves that to the go command.
# Takes about 25 minutes a round (ROUNDS=2 for a verdict, LOOP1=1: +13).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/matrix_common.sh"
spec="$work/all.yaml"
sed 's/^verify: exec/verify: link/' matrix/here.yaml > "$spec"
grep -q '^verify: link' "$spec"

# The loop as a script would be: xargs once per toolchain.
printf '%s\n' "${gos[@]}" > "$work/gos"
cat > "$work/loop.sh" <<'LOOP'
while read -r go; do
  "$go" tool dist list | xargs -P2 -I{} bash -c 'build_lean "$0" {}' "$go"
done < "$work/gos"
LOOP
runner() { "$QCOMPAT" matrix run "$spec" --offline --report "$work/report-$1.json" --markdown "$OUT/matrix-all-$1.md"; }
export -f runner; export spec OUT

# Variants alternate (round 1: loop first; round 2: runner first ...), each
# on a fresh GOCACHE, so a slow stretch of this shared machine does not land
# on one side only; FROM=2 ROUNDS=2 runs one round, runner first. LOOP1=1
# adds, in round 1, the loop with GOMAXPROCS=1: what a script gets by
# narrowing its builds the way the runner does.
# /usr/bin/time gives each variant's CPU time beside its wall time.
cold_runner() {
  export GOCACHE="$work/cache-runner"; rm -rf "$GOCACHE" "$QCOMPAT_CACHE_DIR"
  timed "runner-$1" bash -c 'runner "$0"' "cold-$1"
  timed "warm-$1" bash -c 'runner "$0"' "warm-$1"
  rm -rf "$GOCACHE"
}
cold_loop() { # name, env...
  local name=$1; shift
  export GOCACHE="$work/cache-lean"; rm -rf "$GOCACHE"
  timed "$name" env "$@" bash "$work/loop.sh"
  rm -rf "$GOCACHE"
}
for r in $(seq "${FROM:-1}" "${ROUNDS:-1}"); do
  if [ $((r % 2)) = 1 ]; then cold_loop "loop-$r" GOTOOLCHAIN=local; cold_runner "$r"
  else cold_runner "$r"; cold_loop "loop-$r" GOTOOLCHAIN=local; fi
  if [ "$r" = 1 ] && [ "${LOOP1:-0}" = 1 ]; then cold_loop "loop1-$r" GOMAXPROCS=1; fi
done
cat "$work/results"
python3 - "$(ls "$work"/report-cold-*.json | head -1)" <<'PY'
import json, sys, collections
r = json.load(open(sys.argv[1]))
print("cells:", len(r["cells"]), dict(collections.Counter(c["status"] for c in r["cells"])))
print("linkname:", {t["go"]: t["linkname"] for t in r["toolchains"]})
PY
echo "toolchains: ${#gos[@]}; qcompat $(git rev-parse --short HEAD); rounds: ${ROUNDS:-1}"
python3 - "$work/results" "${FROM:-1}" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]
of = lambda p: [(float(w), float(c)) for n, w, c in rows if n.split("-")[0] == p]
loop, run, warm, loop1 = of("loop"), of("runner"), of("warm"), of("loop1")
for r, (l, q) in enumerate(zip(loop, run), int(sys.argv[2])):
    print(f"round {r}: runner {q[0]:.1f} s / same-flags loop {l[0]:.1f} s = {q[0]/l[0]:.2f}x wall, {q[1]/l[1]:.2f}x CPU")
mw = lambda xs: st.mean(x[0] for x in xs)
print(f"cold: qcompat {mw(run)/mw(loop):.2f}x the same-flags loop, mean of {len(run)} rounds (goal <= 0.9)")
if loop1:
    print(f"cold: qcompat {run[0][0]/loop1[0][0]:.2f}x the loop with GOMAXPROCS=1 (round 1)")
print("warm rerun: " + ", ".join(f"{100*w[0]/q[0]:.1f}%" for w, q in zip(warm, run)) + " of the cold run (goal < 5%)")
PY
