#!/usr/bin/env bash
# fallback-go's goid benchmarks, every build mode in one run:
# auto with and without the injector, -tags qcompat_injected, -tags
# qcompat_stack, and bare runtime.Stack(buf[:64], false) as the floor, each
# at the top of the stack and at depth 50.
# The same modes also build ci/bench/goidpeer, which runs goid.ID beside
# github.com/petermattis/goid's Get() in one test binary.
# Goals: injected paths < 5 ns; the default build through the injector at most
# 1.0x petermattis' Get() in the same binary; the fallback within 5% of the
# floor, 0 allocs.
source "$(dirname "$0")/common.sh"
cd fallback-go
export GOFLAGS=-mod=mod
COUNT="${COUNT:-5}"
run() { # label, go test flags...
  local label=$1; shift
  go test -run '^$' -bench 'ID|Floor' -benchmem -benchtime "${BENCHTIME:-300ms}" -count 1 "$@" ./goid |
    awk -v l="$label" '/^Benchmark/ {print l, $0}'
}
peer() { # label, go test flags...: goid.ID and petermattis/goid in one binary
  local label=$1; shift
  (cd ../ci/bench/goidpeer &&
    go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-300ms}" -count 1 "$@" .) |
    awk -v l="$label" '/^Benchmark/ {print l, $0}'
}
# Rounds interleave the modes, so drift on a busy machine hits them alike.
{
for round in $(seq "$COUNT"); do
  run auto+injector "-toolexec=$QCOMPAT toolexec"
  run auto
  run qcompat_injected -tags=qcompat_injected "-toolexec=$QCOMPAT toolexec"
  run qcompat_stack -tags=qcompat_stack
  peer peer:auto+injector "-toolexec=$QCOMPAT toolexec"
  peer peer:qcompat_injected -tags=qcompat_injected "-toolexec=$QCOMPAT toolexec"
  peer peer:auto
done
} > "$OUT/goid.txt"
python3 - "$OUT/goid.txt" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    label, name = f[0], re.sub(r"-\d+$", "", f[1])
    ns = float(f[3]); allocs = f[f.index("allocs/op") - 1]
    rows.setdefault((label, name), []).append((ns, allocs))
med = lambda k: statistics.median(x[0] for x in rows[k])
print(f"{'mode':18} {'benchmark':34} {'ns/op':>10} {'allocs':>6}")
for (label, name), v in sorted(rows.items()):
    print(f"{label:18} {name:34} {med((label, name)):10.1f} {v[0][1]:>6}")
for depth in ("", "Depth50"):
    at = " at depth 50" if depth else ""
    fb = med(("qcompat_stack", f"BenchmarkID{depth}"))
    auto = med(("auto", f"BenchmarkID{depth}"))
    bare = med(("qcompat_stack", f"BenchmarkRuntimeStackFloor{depth}"))
    one = med(("qcompat_stack", f"BenchmarkRuntimeStackFloorOneFrame{depth}"))
    print(f"fallback (qcompat_stack ID){at}: {fb/bare:.3f}x bare floor, {fb/one:.3f}x one-frame floor (goal <= 1.05)")
    print(f"fallback (auto, no injector){at}: {auto/bare:.3f}x bare floor, {auto/one:.3f}x one-frame floor")
for label in ("auto+injector", "qcompat_injected"):
    print(f"{label} ID: {med((label, 'BenchmarkID')):.2f} ns (goal < 5)")
for label in ("peer:auto+injector", "peer:qcompat_injected", "peer:auto"):
    get = med((label, "BenchmarkPeerGet"))
    mine = med((label, "BenchmarkGoidID"))
    goal = " (goal <= 1.00)" if label == "peer:auto+injector" else ""
    print(f"{label} goid.ID {mine:.2f} ns vs petermattis Get() {get:.2f} ns: {mine/get:.3f}x{goal}")
PY
