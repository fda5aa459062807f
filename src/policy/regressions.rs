//! What a finished matrix run (or merge) comes to: its regressions against
//! the pins (a failed cell for a version the pins record as working with the
//! same injector) and its outcome, which the command turns into an exit
//! status. Render only shows the verdict.

use crate::matrix::report::Report;
use crate::policy::pins::{Pins, Strategy};

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
        .filter(|c| !c.environmental())
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
                    c.place(),
                    c.outcome.status.name(),
                    crate::support::output::shown(&m.pin.go)
                )
            })
        })
        .collect()
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

/// How a run (or a merge) ended, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every cell passed or was skipped, and nothing regressed.
    Passed,
    /// A cell failed, or one regressed against the pins.
    Failed,
    /// The run was interrupted (SIGINT).
    Interrupted,
    /// A merge lacks cells the run planned (a shard's report is missing):
    /// what is there may pass, but the run cannot.
    Incomplete,
}

/// The verdict on a finished report: what regressed, the note on pins that
/// cannot say, and the outcome.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub regressions: Vec<String>,
    pub pins_note: Option<String>,
    pub outcome: Outcome,
}

/// Judges a finished report against the pins.
pub fn judge(report: &Report, pins: &Pins, interrupted: bool) -> Verdict {
    let regressions = regressions(report, pins);
    let outcome = if interrupted {
        Outcome::Interrupted
    } else if report.failures().next().is_some() || !regressions.is_empty() {
        Outcome::Failed
    } else if !report.complete {
        Outcome::Incomplete
    } else {
        Outcome::Passed
    };
    Verdict {
        pins_note: pins_note(report, pins),
        regressions,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::pins::update::tests_support::report;
    use crate::verify::cell::{Status, Verified};

    fn pins() -> Pins {
        Pins::parse(
            "schema: 1\npins:\n- go: \">=1.26.0, <1.27.0\"\n  strategy: injected\n  linkname: restricted\n",
            "pins.yaml",
        )
        .unwrap()
    }

    #[test]
    fn the_outcome_follows_failures_regressions_and_interruption() {
        let pass = report(&[("go1.26.8", "linux/amd64", Status::Pass, Verified::Exec)]);
        let fail = report(&[(
            "go1.26.8",
            "linux/amd64",
            Status::FailRelocation,
            Verified::Exec,
        )]);
        let v = judge(&pass, &pins(), false);
        assert_eq!((v.outcome, v.regressions.len()), (Outcome::Passed, 0));
        let v = judge(&fail, &pins(), false);
        assert_eq!((v.outcome, v.regressions.len()), (Outcome::Failed, 1));
        assert!(v.regressions[0].contains("pins record"), "{v:?}");
        // Interrupted wins over what the cells show.
        assert_eq!(judge(&fail, &pins(), true).outcome, Outcome::Interrupted);
        // A failure the pins say nothing of fails the run, without a regression.
        let other = report(&[("go1.30.1", "linux/amd64", Status::FailBuild, Verified::Exec)]);
        let v = judge(&other, &pins(), false);
        assert_eq!((v.outcome, v.regressions.len()), (Outcome::Failed, 0));
        // A merge that lacks a shard cannot pass, though its cells do; a
        // failure among them still says failed.
        let partial = Report {
            complete: false,
            ..pass
        };
        assert_eq!(judge(&partial, &pins(), false).outcome, Outcome::Incomplete);
        let partial = Report {
            complete: false,
            ..fail
        };
        assert_eq!(judge(&partial, &pins(), false).outcome, Outcome::Failed);
    }
}
