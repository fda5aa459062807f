//! The regression check of a matrix report against the pins: a failed cell
//! for a version the pins record as working with the same injector.

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
