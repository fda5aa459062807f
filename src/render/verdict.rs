//! The end of a run (or a merge): write the outputs, say what regressed
//! against the pins, and pick the exit code.

use crate::matrix::report::{self, Cell, Report};
use crate::matrix::Outputs;
use crate::policy::pins::{Pins, Strategy};
use crate::verify::cell::{Status, Verified};
use anyhow::Result;
use std::process::ExitCode;

/// Writes the outputs, prints the verdict, and picks the exit code.
pub fn finish(
    report: &Report,
    outputs: &Outputs,
    pins: &Pins,
    json: bool,
    interrupted: bool,
) -> Result<ExitCode> {
    if let Some(p) = &outputs.report {
        report::write(report, p)?;
    }
    if let Some(p) = &outputs.markdown {
        crate::support::fs::write_atomic(p, &crate::render::matrix::markdown(report))?;
    }
    if let Some(p) = &outputs.junit {
        crate::support::fs::write_atomic(p, &crate::render::matrix::junit(report))?;
    }
    if let Some(p) = &outputs.summary_md {
        crate::support::fs::write_atomic(p, &crate::render::matrix::summary(report))?;
    }
    let regressions = regressions(report, pins);
    if let Some(n) = pins_note(report, pins) {
        crate::errln!("qcompat: note: {n}");
    }
    let env: Vec<&Cell> = report.cells.iter().filter(|c| environmental(c)).collect();
    if let Some(first) = env.first() {
        crate::errln!(
            "qcompat: {} cell(s) failed because of this machine, not the injector: {}",
            env.len(),
            first
                .outcome
                .diagnosis
                .as_ref()
                .map_or("", |d| d.evidence.as_str())
        );
    }
    if json {
        crate::outln!("{}", serde_json::to_string_pretty(report)?)?;
    } else {
        let counts: Vec<String> = report
            .counts()
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let exec = report
            .cells
            .iter()
            .filter(|c| c.outcome.status == Status::Pass && c.outcome.verified == Verified::Exec)
            .count();
        crate::outln!(
            "{} cells{}: {} ({exec} executed)",
            report.cells.len(),
            if report.complete { "" } else { " (incomplete)" },
            counts.join(", ")
        )?;
        for c in report.failures() {
            crate::outln!(
                "  FAIL {} {}: {}",
                c.go,
                c.platform(),
                c.outcome.status.name()
            )?;
        }
    }
    for r in &regressions {
        crate::errln!("qcompat: regression: {r}");
    }
    // A skip proves nothing: say so, with the first reason, even on exit 0.
    let skipped: Vec<&Cell> = report.skips().collect();
    if let Some(first) = skipped.first() {
        crate::errln!(
            "qcompat: note: {} of {} cell(s) skipped, not verified (e.g. {} {}: {})",
            skipped.len(),
            report.cells.len(),
            first.go,
            first.platform(),
            first
                .outcome
                .note
                .as_deref()
                .unwrap_or(first.outcome.status.name())
        );
    }
    Ok(if interrupted {
        ExitCode::from(130)
    } else if report.failures().next().is_some() || !regressions.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Failed cells for versions the pins record as working with the injector.
/// Only evidence produced by the same injector counts: a pin recorded with
/// qcompat's own injector says nothing about q's.
pub fn regressions(report: &Report, pins: &Pins) -> Vec<String> {
    let injector = report
        .injector
        .clone()
        .unwrap_or_else(crate::inject::injector::Identity::builtin);
    report
        .failures()
        .filter(|c| !environmental(c))
        .filter_map(|c| {
            let v = crate::go::version::parse(&c.go).ok()?;
            let m = pins.find(&v.version)?;
            // A pre-release the evidence does not name is new, not a regression.
            let same = m
                .pin
                .evidence
                .as_ref()
                .is_none_or(|e| e.is_for(&injector) && e.untested_for(&v.version).is_none());
            (m.pin.strategy == Strategy::Injected && same).then(|| {
                format!(
                    "{} {} gave {} but the pins record {} as injected",
                    c.go,
                    c.platform(),
                    c.outcome.status.name(),
                    crate::support::output::shown(&m.pin.go)
                )
            })
        })
        .collect()
}

/// A cell that failed because of the machine, not the injector.
fn environmental(c: &Cell) -> bool {
    c.outcome
        .diagnosis
        .as_ref()
        .is_some_and(|d| d.class == crate::verify::diagnosis::Class::Environment)
}

/// A note for reports whose injector no pin has evidence from.
pub fn pins_note(report: &Report, pins: &Pins) -> Option<String> {
    let injector = report.injector.as_ref()?;
    let any = pins
        .file
        .pins
        .iter()
        .filter_map(|p| p.evidence.as_ref())
        .any(|e| e.is_for(injector));
    (!any).then(|| {
        format!(
            "no pins in {} were recorded with the injector {} (sha256 {}): regressions are not computed for it",
            pins.source, crate::support::output::shown(&injector.name), injector.sha256
        )
    })
}
