#!/usr/bin/env bash
# Deterministic outputs of a qcompat binary (help, probe, select, doctor,
# schemas, pins, matrix plan, matrix merge of the committed evidence, errors),
# one file per command, for a before/after diff of a change that must not
# change behaviour: `bash ci/outputs.sh OLD_BIN old; bash ci/outputs.sh NEW_BIN new;
# diff -r -x .cache old new` (the binary and output paths are written as BIN and OUT).
B=$(realpath "$1"); O=$(realpath -m "$2"); mkdir -p "$O"; cd "$(dirname "$0")/.."
export QCOMPAT_CACHE_DIR="$O/.cache"
source ci/lib.sh
GO119=$(toolchain_go go1.19.8) || exit 1
n=0
run() { n=$((n+1)); "$B" "$@" > $O/$n.out 2> $O/$n.err; echo "rc=$?" >> $O/$n.err; echo "$*" > $O/$n.cmd; }
run --help
for c in probe select doctor matrix pins toolchains schema; do run $c --help; done
for c in "matrix run" "matrix plan" "matrix merge" "pins update" "pins check" "pins table" "toolchains list" "toolchains path" "toolchains install" "toolchains prune"; do run $c --help; done
run probe --json
run probe
run --go "$GO119" probe --json
run --go /usr/bin/go-12 probe --json
run select --offline --json
run select --offline
run --go "$GO119" select --offline --json
run select --offline --format goflags
run doctor --json
run doctor
run --go "$GO119" doctor --json
run --go /usr/bin/go-12 doctor --json
for s in probe selection doctor report pins nope; do run schema $s; done
run pins table
run pins check
run pins check 1.22.10 --json
run pins check 1.17.2
run pins check --pins /nonexistent.yaml
run matrix plan matrix/here.yaml --offline --shards 3
run matrix plan matrix/ci-small.yaml --offline --json --shards 2
run matrix plan matrix/release.yaml --offline --format text --shards 4
run matrix plan /nonexistent.yaml --offline
run matrix merge matrix/evidence/report.json --markdown $O/m.md --junit $O/j.xml --summary-md $O/s.md --report $O/r.json
run matrix merge /etc/passwd
run toolchains list --json
run toolchains path 1.23.x --offline
run toolchains prune --dry-run --keep go1.27.3
printf 'toolchains: [local]\nplatforms: [linux/amd64]\nverify: bogus\n' > "$O/bad.yaml"
run matrix run "$O/bad.yaml"
run toolexec
# Added after the others so that the numbering of older outputs stays.
run schema plan
run --json matrix run "$O/bad.yaml"
# The output folder and the binary differ between the two runs: name them
# alike so that only behaviour shows in the diff.
sed -i -e "s|$O|OUT|g" -e "s|$B|BIN|g" "$O"/*.out "$O"/*.err "$O"/*.cmd
