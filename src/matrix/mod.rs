//! `qcompat matrix`: build (and where possible run) the probe on every
//! GOOS/GOARCH pair of every chosen toolchain, in parallel, and report.
//!
//! The flow: [`spec`] loads what to run, [`plan`] turns it into cells (and
//! shards), [`run`] builds them in a worker pool, emits [`events::Event`]s
//! to a reporter as cells start and end, and returns a [`report::Report`].
//! This module prints nothing and imports nothing from `render`: the
//! reporter (`crate::render::reporter`) shows progress, keeps the journal,
//! writes the outputs and picks the exit code.

mod cells;
pub mod events;
pub mod fingerprint;
pub mod merge;
pub mod plan;
pub mod report;
pub mod run;
pub mod schedule;
pub mod shard;
pub mod spec;

use std::path::Path;
use std::time::Duration;

pub use run::{reclaim_stale_work_dirs, run};
pub use shard::{plan, ShardCount};

pub struct RunOptions<'a> {
    pub spec: &'a Path,
    pub go_flag: Option<&'a Path>,
    pub go_timeout: Duration,
    pub shard: Option<shard::Shard>,
    pub jobs: Option<usize>,
    /// How toolchain selectors are resolved (providers, index, offline),
    /// and where downloads are shown.
    pub toolchains: &'a crate::toolchains::Options<'a>,
    /// Ctrl-C: the run stops and reports what finished.
    pub cancel: crate::support::process::Cancel,
}

/// The commit this qcompat was built from (build.rs).
pub const COMMIT: &str = env!("QCOMPAT_COMMIT");
