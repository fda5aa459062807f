//! The matrix reporter: consumes the executor's events and owns what a run
//! shows and writes: progress lines, the journal, the outputs and the verdict.

use crate::matrix::events::{Event, Reporter};
use crate::matrix::report::{self, Journal};
use crate::policy::regressions::Verdict;
use crate::render::progress::Progress;
use crate::support::output::Format;
use crate::verify::cell::Status;
use anyhow::Result;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

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

/// The reporter of `matrix run` (and, through [`MatrixReporter::finish`], of
/// `matrix merge`).
pub struct MatrixReporter<'a> {
    outputs: &'a Outputs,
    format: Format,
    progress: OnceLock<Progress>,
    journal: Mutex<Option<Journal>>,
}

impl<'a> MatrixReporter<'a> {
    pub fn new(outputs: &'a Outputs, format: Format) -> MatrixReporter<'a> {
        MatrixReporter {
            outputs,
            format,
            progress: OnceLock::new(),
            journal: Mutex::new(None),
        }
    }

    /// Writes the outputs and shows the verdict; the journal, its purpose
    /// served, goes once the report is written.
    pub fn finish(self, report: &crate::matrix::report::Report, verdict: &Verdict) -> Result<()> {
        crate::render::verdict::finish(report, self.outputs, verdict, self.format)?;
        if let Some(j) = self.journal.into_inner().expect("journal lock") {
            j.close();
        }
        Ok(())
    }
}

impl Reporter for MatrixReporter<'_> {
    fn event(&self, event: Event<'_>) {
        match self.format {
            Format::Json => crate::errln!("{}", json_line(&event)),
            _ => self.show(&event),
        }
        self.record(&event);
    }
}

impl MatrixReporter<'_> {
    /// The terminal's view of an event: progress bars, or plain lines.
    fn show(&self, event: &Event<'_>) {
        match *event {
            Event::Prepared {
                go,
                injector: Some(b),
            } => crate::errln!("qcompat: {}", injector_line(go, b)),
            Event::Prepared { injector: None, .. } => {}
            Event::Started { cells, .. } => {
                let _ = self.progress.set(Progress::new(cells));
            }
            Event::CellStarted { index, name } => {
                if let Some(p) = self.progress.get() {
                    p.start(index, name);
                }
            }
            Event::CellFinished { index, name, cell } => {
                if let Some(p) = self.progress.get() {
                    let o = &cell.outcome;
                    let how = if o.status == Status::Pass {
                        format!(" ({})", o.verified.name())
                    } else {
                        String::new()
                    };
                    p.finish(
                        index,
                        &format!("{name}: {}{how} ({:.1}s)", o.status.name(), o.duration_s),
                    );
                }
            }
            Event::CellInterrupted { index, name } => {
                if let Some(p) = self.progress.get() {
                    p.finish(index, &format!("{name}: interrupted"));
                }
            }
            Event::Stopped => {
                if let Some(p) = self.progress.get() {
                    p.done();
                }
            }
        }
    }

    /// A warning on stderr: a line, or under `--json` an object.
    fn warn(&self, w: &str) {
        crate::render::say(self.format, "warning", w);
    }

    /// The journal beside `--report`: started with the head, a line per
    /// finished cell, so a killed run leaves what it finished.
    fn record(&self, event: &Event<'_>) {
        match *event {
            Event::Started { head, .. } => {
                if let Some(p) = &self.outputs.report {
                    let (journal, warning) = Journal::start(p, head);
                    if let Some(w) = warning {
                        self.warn(&w);
                    }
                    *self.journal.lock().expect("journal lock") = Some(journal);
                }
            }
            Event::CellFinished { cell, .. } => {
                let mut journal = self.journal.lock().expect("journal lock");
                if let Some(w) = journal.as_mut().and_then(|j| j.record(cell)) {
                    self.warn(&w);
                }
            }
            _ => {}
        }
    }
}

/// An event as one JSON object (`--json`: stderr carries these lines, stdout
/// the report).
fn json_line(event: &Event<'_>) -> serde_json::Value {
    use serde_json::json;
    match *event {
        Event::Prepared { go, injector } => {
            json!({"event": "prepared", "go": go, "injector": injector})
        }
        Event::Started { cells, .. } => json!({"event": "started", "cells": cells}),
        Event::CellStarted { index, name } => {
            json!({"event": "cell-started", "index": index, "name": name})
        }
        Event::CellFinished { index, name, cell } => json!({
            "event": "cell-finished",
            "index": index,
            "name": name,
            "status": cell.outcome.status,
            "verified": cell.outcome.verified,
            "duration_s": cell.outcome.duration_s,
        }),
        Event::CellInterrupted { index, name } => {
            json!({"event": "cell-interrupted", "index": index, "name": name})
        }
        Event::Stopped => json!({"event": "stopped"}),
    }
}

/// What a toolchain's build of the spec's injector package gave, on a line.
fn injector_line(go: &str, b: &crate::inject::build::BuildInfo) -> String {
    use crate::inject::build::BuildStatus;
    let how = match b.status {
        BuildStatus::Built => "was built",
        BuildStatus::Reused => "is reused from the cache",
        BuildStatus::Failed => {
            return format!(
                "{go}: the injector package cannot be built: {}",
                crate::support::output::inline(b.reason())
            );
        }
    };
    let at = b.path.as_deref().unwrap_or_default();
    format!(
        "{go}: the injector package {how}: {}",
        crate::support::output::inline(at)
    )
}
