#!/usr/bin/env python3
"""The cold cost of a matrix cell per build kind, from a cold matrix report.

Usage: ci/kind_costs.py REPORT.json [GOOS/GOARCH]

For each build kind, the median and range over the report's toolchains of
the duration of the cells of that kind on one platform (default linux/amd64)
that built and ran. In ci/evidence.sh's cold run the pool builds on one
thread while every worker has a build to start, so a cell's duration is
close to its CPU time on one core. Prints a Markdown table; bad input: an
error naming it.
"""
import statistics, sys
from matrix_report import fail, load

if len(sys.argv) not in (2, 3):
    fail("usage: ci/kind_costs.py REPORT.json [GOOS/GOARCH]")
path = sys.argv[1]
platform = sys.argv[2] if len(sys.argv) == 3 else "linux/amd64"
report = load(path)
cells = [c for c in report["cells"] if isinstance(c, dict)]
kinds = {}
for c in cells:
    if f"{c.get('goos')}/{c.get('goarch')}" != platform:
        continue
    if c.get("status") != "pass" or c.get("verified") != "exec":
        continue
    kinds.setdefault(c.get("build", "build"), []).append((c["duration_s"], c["go"]))
if not kinds:
    fail(f"{path} has no executed passing cell on {platform}")
order = ["build", "test", "race", "cover", "debug", "pie", "trimpath", "pgo", "c-shared", "c-archive", "plugin"]
print(f"Cold cost of a cell per build kind on {platform} (seconds, one thread while the pool is full; from {path}, commit {report.get('qcompat_commit', '?')})\n")
print("| kind | median | min | max | toolchains |")
print("|---|---|---|---|---|")
for k in sorted(kinds, key=lambda k: order.index(k) if k in order else len(order)):
    d = [x for x, _ in kinds[k]]
    print(f"| {k} | {statistics.median(d):.1f} | {min(d):.1f} | {max(d):.1f} | {len(d)} |")
