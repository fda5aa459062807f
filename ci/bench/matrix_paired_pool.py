"""Pools the raw output of several matrix_paired.sh runs.

Usage: python3 ci/bench/matrix_paired_pool.py RESULTS.txt...

Prints, per toolchain index (0 = go1.19.8 ... 7 = go1.27.3), the runner's
and the loop's summed wall seconds and their ratio; then the totals, and the
mean, spread and standard error of the per-block ratios (one block = one
toolchain's ABBA in one run), which say how far the total can be trusted.
"""
import collections
import statistics as st
import sys

tot = {v: [0.0, 0.0] for v in ("runner", "loop")}
per = collections.defaultdict(lambda: collections.defaultdict(float))
blocks = []
for path in sys.argv[1:]:
    run = collections.defaultdict(lambda: collections.defaultdict(float))
    for line in open(path):
        p = line.split()
        # Raw rows look like "runner-3-14 80.59 158.5": variant, toolchain, sequence.
        if len(p) != 3 or p[0].count("-") != 2 or p[0].split("-")[0] not in tot:
            continue
        v, i, _ = p[0].split("-")
        run[int(i)][v] += float(p[1])
        per[int(i)][v] += float(p[1])
        tot[v][0] += float(p[1])
        tot[v][1] += float(p[2])
    blocks += [b["runner"] / b["loop"] for b in run.values() if len(b) == 2]
if not blocks:
    sys.exit("matrix_paired_pool.py: no complete block (runner and loop of one toolchain) in "
             + " ".join(sys.argv[1:]))
print("toolchain runner_s loop_s ratio")
for i in sorted(per):
    print(f"{i} {per[i]['runner']:.1f} {per[i]['loop']:.1f} {per[i]['runner'] / per[i]['loop']:.3f}")
r, lo = tot["runner"], tot["loop"]
print(f"total: runner {r[0]:.1f} s (CPU {r[1]:.0f} s), loop {lo[0]:.1f} s (CPU {lo[1]:.0f} s): "
      f"{r[0] / lo[0]:.3f}x wall, {r[1] / lo[1]:.3f}x CPU (goal <= 0.9)")
if len(blocks) > 1:  # a spread needs two blocks (ONLY=0 gives one)
    sd = st.stdev(blocks)
    print(f"blocks: {len(blocks)}, ratio mean {st.mean(blocks):.3f}, sd {sd:.3f}, "
          f"standard error {sd / len(blocks) ** 0.5:.3f}, range {min(blocks):.3f}-{max(blocks):.3f}")
