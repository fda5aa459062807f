//! `qcompat matrix`: build (and where possible run) the probe on every
//! GOOS/GOARCH pair of every chosen toolchain, in parallel, and report.
//!
//! The flow: [`spec`] loads what to run, [`plan`] turns it into cells (and
//! shards), [`run`] builds them in a worker pool and produces a
//! [`report::Report`]; `crate::render` shows progress, writes Markdown,
//! JUnit and CI summaries, and picks the exit code.

pub mod plan;
pub mod report;
pub mod run;
pub mod spec;

use crate::policy::pins::Pins;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use plan::plan;
pub use run::{reclaim_stale_work_dirs, run};

/// Where the outputs of a run go.
#[derive(Debug, Default, Clone)]
pub struct Outputs {
    pub report: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub summary_md: Option<PathBuf>,
}

impl Outputs {
    /// Refuses an output qcompat could not write, before any work starts:
    /// a long run must not end in "cannot write".
    pub fn check(&self) -> Result<()> {
        if let Some(p) = &self.report {
            report::format_of(p)?;
        }
        for p in [&self.report, &self.markdown, &self.junit, &self.summary_md]
            .into_iter()
            .flatten()
        {
            crate::support::fs::check_writable(p)?;
        }
        Ok(())
    }
}

pub struct RunOptions<'a> {
    pub spec: &'a Path,
    pub go_flag: Option<&'a Path>,
    pub go_timeout: Duration,
    pub shard: Option<(usize, usize)>,
    pub jobs: Option<usize>,
    pub outputs: Outputs,
    pub pins: &'a Pins,
    pub offline: bool,
    pub json: bool,
}

/// The commit this qcompat was built from (build.rs).
pub const COMMIT: &str = env!("QCOMPAT_COMMIT");
