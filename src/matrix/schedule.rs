//! The pool's schedule: which cell a worker takes next, and which builds
//! run on one thread.

use super::cells::Planned;
use crate::go::platforms::Platform;
use crate::verify::kind::BuildKind;

/// What a cell is expected to cost cold, in tenths of a second: its kind's
/// build ([`BuildKind::cold_cost_ds`]) and its run (wasm under Node, other
/// ports under qemu). It reads only the cell's place and kind, never this
/// machine (its C compilers, what it skips), so every runner of a sharded run
/// computes the same figures and the same split.
pub(super) fn expected_cost(platform: &Platform, kind: BuildKind, exec: bool) -> u32 {
    let (goos, goarch) = (platform.goos.as_str(), platform.goarch.as_str());
    let runs_here = exec && goos == "linux" || goarch == "wasm";
    let run = match (goarch, runs_here) {
        ("wasm", _) => 20,
        ("amd64" | "386", true) => 2,
        (_, true) => 15,
        _ => 0,
    };
    kind.cold_cost_ds() + run
}

/// Cell indexes in the order to run them: the most expected work first
/// ([`expected_cost`]; decided cells cost nothing), planned order among
/// equals.
pub(super) fn execution_order(planned: &[Planned], exec: bool) -> Vec<usize> {
    let cost = |c: &Planned| match c.preset {
        Some(_) => 0,
        None => expected_cost(&c.platform, c.kind, exec),
    };
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(cost(&planned[k])));
    order
}

/// Which tasks of the pool's queue build on one thread
/// ([`crate::go::gocmd::single_threaded`]), given which tasks build at all
/// (a cell decided without a build does not). While every worker has a build
/// to start after this one, every core is busy with a build of its own, and
/// one thread per build wastes less than builds spread over all cores; the
/// last builds (fewer than the workers) get every core. A pool with fewer
/// workers than cores never narrows its builds.
pub(super) fn single_threaded(builds: &[bool], jobs: usize, cores: usize) -> Vec<bool> {
    let mut left = builds.iter().filter(|&&b| b).count();
    builds
        .iter()
        .map(|&b| {
            let narrow = jobs >= cores && left >= jobs;
            left -= usize::from(b);
            narrow
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_that_rebuild_std_go_first() {
        let cell = |goarch: &str, kind: BuildKind| Planned {
            toolchain: 0,
            platform: Platform {
                goos: "linux".into(),
                goarch: goarch.into(),
                cgo_supported: true,
                first_class: true,
                broken: false,
            },
            kind,
            cc: None,
            preset: None,
        };
        let planned = [
            cell("amd64", BuildKind::Build),
            cell("arm64", BuildKind::Build),
            cell("amd64", BuildKind::Trimpath),
            cell("amd64", BuildKind::Race),
            cell("amd64", BuildKind::CShared),
            cell("amd64", BuildKind::Pie),
        ];
        // race, then c-shared, then the build run under qemu, then pie,
        // trimpath and the native build; a decided cell last.
        assert_eq!(execution_order(&planned, true), [3, 4, 1, 5, 2, 0]);
        let mut decided = planned;
        decided[3].preset = Some(crate::verify::cell::Outcome::skipped(
            crate::verify::cell::Status::SkipUnsupported,
            "no".into(),
        ));
        assert_eq!(execution_order(&decided, true)[5], 3);
    }

    #[test]
    fn builds_narrow_while_every_worker_has_one() {
        // Six builds on two workers and two cores: the last one gets both.
        let six = [true; 6];
        assert_eq!(
            single_threaded(&six, 2, 2),
            [true, true, true, true, true, false]
        );
        // Decided cells (false) at the end do not count as work left.
        let with_decided = [true, true, true, false, false];
        assert_eq!(
            single_threaded(&with_decided, 2, 2)[..3],
            [true, true, false]
        );
        // Four workers: the last three builds spread.
        assert_eq!(
            single_threaded(&six, 4, 4),
            [true, true, true, false, false, false]
        );
        // Fewer workers than cores (--jobs 1 on two): never narrowed.
        assert_eq!(single_threaded(&six, 1, 2), [false; 6]);
        // More workers than builds: nothing to narrow.
        assert_eq!(single_threaded(&six, 8, 2), [false; 6]);
    }
}
