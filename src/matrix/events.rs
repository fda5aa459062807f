//! What the executor tells its reporter as a run goes: the runner schedules
//! cells and emits these, in this order, from its worker threads; the
//! reporter (`crate::render::reporter`) owns progress lines, the journal, the
//! outputs and the verdict. Nothing here prints.

use super::report::{Cell, Report};

/// One step of a run.
pub enum Event<'a> {
    /// Making the plan: toolchain `go` is resolved (downloaded if need be)
    /// and prepared; `injector` is its build of the spec's injector package
    /// (None when the spec names no package, or the plan builds none).
    Prepared {
        go: &'a str,
        injector: Option<&'a crate::inject::build::BuildInfo>,
    },
    /// The cells are planned and the pool starts: `head` is the report
    /// without cells (the journal's header).
    Started { head: &'a Report, cells: usize },
    /// A worker took cell `index` (planned order), named `name`.
    CellStarted { index: usize, name: &'a str },
    /// The cell ended with a result.
    CellFinished {
        index: usize,
        name: &'a str,
        cell: &'a Cell,
    },
    /// Ctrl-C stopped the cell's build: it has no result.
    CellInterrupted { index: usize, name: &'a str },
    /// Every worker has stopped (all cells ran, or an interrupt).
    Stopped,
}

/// Consumes a run's events; called from several worker threads at once.
pub trait Reporter: Sync {
    fn event(&self, event: Event<'_>);
}

/// A reporter that shows nothing (`matrix plan`: its document says it all).
pub struct Silent;

impl Reporter for Silent {
    fn event(&self, _: Event<'_>) {}
}

/// A run's end: the report, and whether Ctrl-C (or SIGTERM) cut it short.
pub struct Finished {
    pub report: Report,
    pub interrupted: bool,
}
