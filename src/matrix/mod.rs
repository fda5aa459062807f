//! `qcompat matrix`: build (and where possible run) the probe on every
//! GOOS/GOARCH pair of every chosen toolchain, in parallel, and report.
//!
//! The flow: [`spec`] loads what to run, [`plan`] resolves its toolchains
//! and turns it into one [`Plan`] value (cells, costs, shards, fingerprint)
//! that `matrix plan` prints, [`run`] executes a plan's shard in a worker
//! pool, emits [`events::Event`]s to a reporter as cells start and end, and
//! returns a [`report::Report`].
//! This module prints nothing and imports nothing from `render`: the
//! reporter (`crate::render::reporter`) shows progress, keeps the journal,
//! writes the outputs and picks the exit code.

mod cells;
pub mod events;
pub mod fingerprint;
pub mod merge;
pub mod plan;
pub mod plan_document;
mod prepare;
pub mod report;
pub mod run;
pub mod schedule;
pub mod shard;
pub mod spec;

pub use plan::{Depth, Plan, PlanOptions, Subject};
pub use run::{reclaim_stale_work_dirs, run};

/// How a plan's cells are executed.
pub struct RunOptions {
    /// Only this shard's cells (the plan must be split into its total).
    pub shard: Option<shard::Shard>,
    /// Cells built at once (default: the spec's, else the number of cores).
    pub jobs: Option<usize>,
    /// Ctrl-C: the run stops and reports what finished.
    pub cancel: crate::support::process::Cancel,
}

/// The commit this qcompat was built from (build.rs).
pub const COMMIT: &str = env!("QCOMPAT_COMMIT");
