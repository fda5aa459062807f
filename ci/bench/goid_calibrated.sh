#!/usr/bin/env bash
# The calibrated path of fallback-go's goid (issue 27): in one test binary
# (ci/bench/goidpeer), the default build's goid.ID() against
# github.com/petermattis/goid's Get(), with no injector (mode calibrated) and
# through qcompat's injector; and the one-off calibration and check, with a
# table entry and with the scan (BenchmarkCalibration* in fallback-go/goid).
# Rounds interleave the builds, so drift on a busy machine hits them alike.
# Goals (go1.26.8 amd64): no injector <= 1.0x Get(); a release the table lacks
# <= 1.25x; through the injector <= 1.0x; calibration and check < 50 us.
# GO names the go command (default: go); medians of COUNT rounds.
source "$(dirname "$0")/common.sh"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
GO="${GO:-go}"
COUNT="${COUNT:-5}"
RAW="$OUT/goid-calibrated.txt"
peer() { # label, go test flags...
  local label=$1; shift
  (cd ci/bench/goidpeer &&
    "$GO" test -run '^$' -bench 'PeerGet|GoidID$' -benchtime "${BENCHTIME:-300ms}" -count 1 "$@" .) |
    awk -v l="$label" '/^Benchmark/ {print l, $0}'
}
once() {
  (cd fallback-go && "$GO" test -run '^$' -bench 'Calibration' -benchtime "${BENCHTIME:-300ms}" -count 1 ./goid) |
    awk '/^Benchmark/ {print "calibration", $0}'
}
{
  echo "# $("$GO" version), commit $(git rev-parse --short HEAD)"
  for round in $(seq "$COUNT"); do
    peer calibrated
    peer injector "-toolexec=$QCOMPAT toolexec"
    peer nocalibrate+injector -tags=qcompat_nocalibrate "-toolexec=$QCOMPAT toolexec"
    once
  done
} > "$RAW"
python3 - "$RAW" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("#"):
        print(line.strip()); continue
    f = line.split()
    rows.setdefault((f[0], re.sub(r"-\d+$", "", f[1])), []).append(float(f[3]))
med = lambda k: statistics.median(rows[k])
for label in ("calibrated", "injector", "nocalibrate+injector"):
    mine, get = med((label, "BenchmarkGoidID")), med((label, "BenchmarkPeerGet"))
    print(f"{label:22} goid.ID {mine:.2f} ns vs petermattis Get() {get:.2f} ns: {mine/get:.3f}x (goal <= 1.00)")
for name in ("BenchmarkCalibrationTable", "BenchmarkCalibrationScan"):
    print(f"{name:26} {med(('calibration', name))/1000:.1f} us (goal < 50)")
PY
