#!/usr/bin/env bash
# goid.ID() against petermattis/goid's Get() over binaries that differ only
# in layout (issue 38). One binary's ratio is a fact about that binary: the
# same ID code cost 1.25x Get() where it started 32 bytes into a 64-byte line
# and 1.00x where it started a line. So this builds the goidpeer test binary
# once per layout and build, and judges the median over layouts.
#
# A layout is PAD_GOID:PAD_BENCH:FUNCALIGN: PAD_GOID bytes of NOPs in a
# function placed before ID in a copy of fallback-go's goid package (it moves
# ID and all that follows against runtime and petermattis/goid), PAD_BENCH
# bytes in ci/bench/goidpeer/pad (between goid and the benchmark loops), and -ldflags=-funcalign (the linker's function alignment, 32 by
# default on amd64). The code is the same in every layout: only the pads'
# sizes differ. Builds: "calibrated" (default build, no injector) and
# "injector" (default build through `qcompat toolexec`).
#
# Each binary runs TestLayout (ci/bench/goidpeer/layout_test.go): in one
# process, 20,000-call blocks of Get(), goid.ID() and the variants in
# ci/bench/goidpeer/variants (floor: a constant offset and no check;
# constcheck: a constant offset and the 0-check; loadnocheck: the offset
# loaded, no 0-check; idcopy: ID as at 31e47a8, unaligned; onebranch: both
# checks on one branch, no taken branch), order rotated each block, 400
# blocks; the median ns per call of each. Then TestPairShape, in the same
# process: Get(), ID and the floor in loops shaped as goid_calibrated.sh's
# TestPair (pid, pfloor and so on: ratios to that shape's own Get() loop). ROUNDS
# rounds run every binary once, in rotated order.
# Reported: per build and layout, the median over rounds of each ratio to
# Get(); over layouts, median, min, max and interquartile range.
#
# Env: QCOMPAT (a qcompat binary; default a release build of this checkout),
# GO, BUILDS (default "calibrated injector"), ROUNDS (default 3), LAYOUTS, FALLBACK_GO (the fallback-go tree to
# measure; default this checkout's), RESULT (the raw file kept; default
# ci/bench/results/goid-layouts-<commit>.txt). amd64 only.
source "$(dirname "$0")/goid_common.sh"
[ "$("$GO" env GOARCH)" = amd64 ] || { echo "goid_layouts.sh measures amd64 only" >&2; exit 1; }
ROUNDS="${ROUNDS:-3}"
LAYOUTS="${LAYOUTS:-0:0:32 32:0:32 0:32:32 32:64:32 96:32:32 16:48:16 48:16:16 0:0:64}"
FALLBACK_GO="$(realpath "${FALLBACK_GO:-fallback-go}")"
COMMIT="$(git rev-parse --short HEAD)"
DIRTY="$( [ "$FALLBACK_GO" = "$PWD/fallback-go" ] && ! git diff --quiet HEAD -- fallback-go ci/bench/goidpeer && echo ' + uncommitted changes' || true)"
RESULT="${RESULT:-ci/bench/results/goid-layouts-$COMMIT.txt}"
WORK="$OUT/goid-layouts"
rm -rf "$WORK"
mkdir -p "$WORK/bin"
cp -r "$FALLBACK_GO" "$WORK/fallback-go"
cp -r ci/bench/goidpeer "$WORK/peer"
"$GO" mod edit -replace "github.com/qcompat/qcompat/fallback-go=$WORK/fallback-go" "$WORK/peer/go.mod"
# The variants read at the table's offset for this Go minor (TestVariantsAgree
# fails the run if that is not g.goid's).
minor="$("$GO" env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
offset="$(awk '/case .*"amd64"/ {getline; print $3; exit}' "$WORK/fallback-go/goid/offsets_go1_$minor.go")"
[ -n "$offset" ] || { echo "no amd64 offset in offsets_go1_$minor.go" >&2; exit 1; }
printf 'package variants\n\n// goidOffset is written by ci/bench/goid_layouts.sh.\nconst goidOffset = %s\n' "$offset" > "$WORK/peer/variants/offset.go"
# The goid pad: declared in Go and kept by an init, so the linker keeps it.
printf 'package goid\n\nfunc layoutPad()\n\nvar layoutPadRef func()\n\nfunc init() { layoutPadRef = layoutPad }\n' > "$WORK/fallback-go/goid/aaa_layoutpad.go"
pad() { # file, package-qualified symbol, bytes of NOPs (then a RET)
  { printf '#include "textflag.h"\n\nTEXT %s(SB), NOSPLIT|NOFRAME, $0-0\n' "$2"
    for _ in $(seq "$3"); do printf '\tBYTE $0x90\n'; done
    printf '\tRET\n'; } > "$1"
}
build() { # build, layout
  local a b f name="$1-${2//:/_}"
  IFS=: read -r a b f <<< "$2"
  pad "$WORK/fallback-go/goid/aaa_layoutpad_amd64.s" '·layoutPad' "$a"
  pad "$WORK/peer/pad/pad_amd64.s" '·Pad' "$b"
  local flags=()
  # 32 is the linker's default on amd64; go1.21's linker has no -funcalign.
  [ "$f" = 32 ] || flags+=(-ldflags="-funcalign=$f")
  [ "$1" = injector ] && flags+=("-toolexec=$QCOMPAT toolexec")
  (cd "$WORK/peer" && "$GO" test -c -o "$WORK/bin/$name.test" "${flags[@]}" .)
  # Where the code landed: the address mod 64 of each callee and loop.
  "$GO" tool nm -n "$WORK/bin/$name.test" | python3 -c '
import re, sys
for line in sys.stdin:
    f = line.split()
    if len(f) == 3 and f[1] == "T" and re.search(r"(goid\.(ID|layoutPad)\.abi0|petermattis/goid\.getg\.abi0|variants\.[A-Za-z]+\.abi0|goidpeer\.init\.func[0-9]+)$", f[2]):
        print("ADDR", sys.argv[1], sys.argv[2], f[2], f[0], "mod64=%d" % (int(f[0], 16) % 64))' "$1" "$2"
}
# Where the code runs on from one 64-byte line into the next (RUNON): an
# instruction that starts in a new line after one that is not a JMP, or one
# that crosses a line; in the callees up to their first RET, in the loops
# from the loop branch's target to the branch. (A conditional branch's
# fall-through is counted as run, whether or not it is taken.)
runons() { # build, layout
  "$GO" tool objdump -s 'goid\.ID\.abi0$|petermattis/goid\.getg\.abi0$|variants\.[A-Za-z]+\.abi0$|goidpeer\.init\.func[0-9]+$' \
    "$WORK/bin/$1-${2//:/_}.test" | python3 -c '
import sys
funcs = {}
for line in sys.stdin:
    if line.startswith("TEXT "):
        sym = line.split()[1].rsplit("/", 1)[-1].replace("(SB)", "")
        funcs[sym] = []
        continue
    f = [x.strip() for x in line.split("\t") if x.strip()]
    if len(f) >= 4:
        funcs[sym].append((int(f[1], 16), len(f[2]) // 2, f[3]))
for sym, ins in funcs.items():
    if ".abi0" in sym:
        end = next((i for i, x in enumerate(ins) if x[2] == "RET"), len(ins) - 1)
        hot = ins[:end + 1]
    else:
        back = [x for x in ins if x[2].startswith("JL ")]
        if not back:
            continue
        top = int(back[0][2].split()[1], 16)
        hot = [x for x in ins if top <= x[0] <= back[0][0]]
    prev = None
    for addr, size, asm in hot:
        across = addr // 64 != (addr + size - 1) // 64
        into = prev is not None and addr // 64 != prev[0] // 64 and not prev[2].startswith("JMP ")
        if across or into:
            print("RUNON", sys.argv[1], sys.argv[2], sym, hex(addr), "across" if across else "after " + prev[2].split()[0], asm)
        prev = (addr, size, asm)' "$1" "$2"
}
run() { # build, layout, round
  "$WORK/bin/$1-${2//:/_}.test" -test.run '^(TestLayout|TestPairShape)$' -test.count 1 |
    awk -v b="$1" -v l="$2" -v r="$3" '/^LAYOUT/ {line = $0; next} /^PAIRSHAPE/ {print "RUN", b, l, r, line, $0; next}
      !/^PASS$/ {print > "/dev/stderr"}'
}
read -r -a BUILDS <<< "${BUILDS:-calibrated injector}"
{
  echo "# $("$GO" version), commit $COMMIT$DIRTY, fallback-go from $FALLBACK_GO, qcompat $("$QCOMPAT" --version 2>/dev/null | head -1 || echo "$QCOMPAT")"
  echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores; ROUNDS=$ROUNDS LAYOUTS=$LAYOUTS; variants' offset $offset"
  echo "# command: GO=$GO BUILDS='${BUILDS[*]}' ROUNDS=$ROUNDS LAYOUTS='$LAYOUTS' FALLBACK_GO=$FALLBACK_GO bash ci/bench/goid_layouts.sh"
  for b in "${BUILDS[@]}"; do for l in $LAYOUTS; do build "$b" "$l"; runons "$b" "$l"; done; done
  # The loops and callees as compiled, from the first layout's calibrated binary.
  first="$WORK/bin/calibrated-${LAYOUTS%% *}.test"; first="${first//:/_}"
  "$GO" tool objdump -s 'goid\.ID\.abi0$|petermattis/goid\.getg\.abi0$|variants\.Floor\.abi0$|goidpeer\.init\.func[12]$' "$first" > "$WORK/objdump.txt"
  echo "# objdump of the Get() and ID loops and callees: $(wc -l < "$WORK/objdump.txt") lines, kept beside this file as ${RESULT%.txt}-objdump.txt"
  mapfile -t bins < <(for b in "${BUILDS[@]}"; do for l in $LAYOUTS; do echo "$b $l"; done; done)
  for r in $(seq "$ROUNDS"); do
    echo "LOAD round $r $(cut -d' ' -f1-3 /proc/loadavg)"
    n=${#bins[@]}
    for i in $(seq 0 $((n - 1))); do run ${bins[$(((i + r) % n))]} "$r"; done
  done
  echo "LOAD end $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$WORK/raw.txt"
python3 - "$WORK/raw.txt" > "$WORK/summary.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "RUN":
        build, layout = f[1], f[2]
        f = [x for x in f[5:] if x not in ("LAYOUT", "PAIRSHAPE")]
        t = dict(zip(f[0::2], map(float, f[1::2])))
        runs.setdefault((build, layout), []).append(t)
names = ["id", "floor", "constcheck", "loadnocheck", "idcopy", "onebranch", "pid", "pfloor", "pconstcheck", "ploadnocheck", "ponebranch"]
base = lambda n: "pget" if n.startswith("p") else "get"
def spread(xs):
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return f"median {statistics.median(xs):.3f}x, min {min(xs):.3f}, max {max(xs):.3f}, IQR {q[0]:.3f}-{q[2]:.3f}"
for build in dict.fromkeys(b for (b, _) in runs):
    layouts = [l for (b, l) in runs if b == build]
    print(f"## {build}: ratio to Get() per layout (median of {len(runs[(build, layouts[0])])} rounds), Get() ns/call")
    print("layout      " + " ".join(f"{n:>11}" for n in names) + "    get ns")
    per = {n: [] for n in names}
    for l in layouts:
        ts = runs[(build, l)]
        row = []
        for n in names:
            r = statistics.median(t[n] / t[base(n)] for t in ts)
            per[n].append(r)
            row.append(f"{r:11.3f}")
        print(f"{l:11} " + " ".join(row) + f"  {statistics.median(t['get'] for t in ts):8.3f}")
    for n in names:
        print(f"SUMMARY {build} {n:12} over {len(layouts)} layouts: {spread(per[n])}")
PY
{ cat "$WORK/raw.txt"; echo "# summary"; cat "$WORK/summary.txt"; } > "$RESULT"
cp "$WORK/objdump.txt" "${RESULT%.txt}-objdump.txt"
cat "$WORK/summary.txt"
echo "raw: $RESULT"
