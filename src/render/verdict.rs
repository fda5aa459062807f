//! The end of a run (or a merge): write the outputs and show the verdict
//! policy reached (regressions, notes). The exit status is the command's.

use crate::matrix::report::{self, Cell, Report};
use crate::policy::regressions::{Outcome, Verdict};
use crate::render::reporter::Outputs;
use crate::support::output::Format;
use crate::verify::cell::{Status, Verified};
use anyhow::Result;

/// Writes the outputs and prints the result and the verdict.
pub fn finish(report: &Report, outputs: &Outputs, verdict: &Verdict, format: Format) -> Result<()> {
    write_outputs(report, outputs)?;
    let say = |kind: &str, message: String| crate::render::say(format, kind, &message);
    if let Some(n) = &verdict.pins_note {
        say("note", n.clone());
    }
    let env: Vec<&Cell> = report.cells.iter().filter(|c| c.environmental()).collect();
    if let Some(first) = env.first() {
        say(
            "note",
            format!(
                "{} failed because of this machine, not the injector: {}",
                cells(env.len()),
                first
                    .outcome
                    .diagnosis
                    .as_ref()
                    .map_or("", |d| d.evidence.as_str())
            ),
        );
    }
    print_result(report, format)?;
    for r in &verdict.regressions {
        say("regression", r.to_string());
    }
    if verdict.outcome == Outcome::Incomplete {
        say(
            "error",
            "the merged report is incomplete (its notes say what is missing or cannot be checked): it cannot pass".into(),
        );
    }
    // A skip proves nothing: say so, with the first reason, even on exit 0.
    let skipped: Vec<&Cell> = report.skips().collect();
    if let Some(first) = skipped.first() {
        say(
            "note",
            format!(
                "{} of {} skipped, not verified (e.g. {} {}: {})",
                skipped.len(),
                cells(report.cells.len()),
                first.go,
                first.place(),
                first
                    .outcome
                    .note
                    .as_deref()
                    .unwrap_or(first.outcome.status.name())
            ),
        );
    }
    Ok(())
}

/// `1 cell`, `3 cells`.
fn cells(n: usize) -> String {
    match n {
        1 => "1 cell".into(),
        n => format!("{n} cells"),
    }
}

/// Writes the report and its renderings where the outputs ask.
fn write_outputs(report: &Report, outputs: &Outputs) -> Result<()> {
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
    Ok(())
}

/// Prints the report (--json, --yaml) or the counts and the failed cells.
fn print_result(report: &Report, format: Format) -> Result<()> {
    if format != Format::Human {
        return crate::support::output::emit(format, report, |_| {});
    }
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
    let counts = match counts.is_empty() {
        true => String::new(),
        false => format!(" {}", counts.join(", ")),
    };
    crate::outln!(
        "{}{}:{counts} ({exec} executed)",
        cells(report.cells.len()),
        if report.complete { "" } else { " (incomplete)" },
    )?;
    for c in report.failures() {
        crate::outln!("  FAIL {} {}: {}", c.go, c.place(), c.outcome.status.name())?;
    }
    Ok(())
}
