//! `qcompat pins update --from REPORT`: record a complete matrix report's
//! evidence in matrix/pins.yaml.

use super::report::Report;
use crate::cell::{Status, Verified};
use crate::linkname;
use crate::pins::{Evidence, Pin, Pins, PinsFile, Strategy};
use anyhow::{bail, Result};
use semver::Version;

/// What happened to the pins, one line per toolchain.
pub fn update(pins: &Pins, report: &Report, today: &str) -> Result<(PinsFile, Vec<String>)> {
    if !report.complete {
        bail!("the report is incomplete (interrupted, or shards missing): finish the run or merge every shard first");
    }
    let mut file = pins.file.clone();
    let mut log = Vec::new();
    let mut touched: Vec<usize> = Vec::new();
    // Pins this update adds, by Go minor version.
    let mut created: Vec<((u64, u64), usize)> = Vec::new();
    for go in report.versions() {
        let cells: Vec<_> = report.cells.iter().filter(|c| c.go == go).collect();
        let v = crate::version::parse(&go)?;
        let failed: Vec<String> = cells
            .iter()
            .filter(|c| c.status.is_failure())
            .map(|c| format!("{} ({})", c.platform(), c.status.name()))
            .collect();
        if !failed.is_empty() {
            bail!(
                "{go} has failing cells: {}; pins only record passing evidence (fix them, or pin stack by hand)",
                failed.join(", ")
            );
        }
        let linked = cells.iter().filter(|c| c.status == Status::Pass).count() as u32;
        let executed = cells
            .iter()
            .filter(|c| c.status == Status::Pass && c.verified == Verified::Exec)
            .count() as u32;
        let skipped = cells
            .iter()
            .filter(|c| !matches!(c.status, Status::Pass))
            .count() as u32;
        if linked == 0 {
            log.push(format!("{go}: no passing cell, nothing recorded"));
            continue;
        }
        let minor = (v.version.major, v.version.minor);
        let earlier = created.iter().find(|(k, _)| *k == minor).map(|(_, i)| *i);
        let index = match (pins.find(&v.version), earlier) {
            (Some(m), _) => m.index,
            (None, Some(i)) => i,
            (None, None) => {
                // A new minor: pin it alone, from X.Y.0 to the next minor.
                let lo = Version::new(v.version.major, v.version.minor, 0);
                let hi = Version::new(v.version.major, v.version.minor + 1, 0);
                file.pins.push(Pin {
                    go: format!(">={lo}, <{hi}"),
                    strategy: Strategy::Injected,
                    linkname: linkname::expected(&v),
                    evidence: None,
                    note: None,
                });
                log.push(format!("{go}: new pin \">={lo}, <{hi}\" (injected)"));
                created.push((minor, file.pins.len() - 1));
                file.pins.len() - 1
            }
        };
        let pin = &mut file.pins[index];
        if pin.strategy != Strategy::Injected {
            log.push(format!(
                "{go}: pin {:?} says {}; the matrix passed, but the strategy is left for a person to change",
                pin.go, pin.strategy
            ));
            continue;
        }
        // Evidence cites this report only: the first toolchain of a pin
        // replaces what an older run recorded, later ones add to it.
        let fresh = Evidence {
            toolchains: vec![],
            platforms_linked: 0,
            platforms_executed: 0,
            platforms_skipped: 0,
            date: today.to_string(),
            qcompat_version: env!("CARGO_PKG_VERSION").to_string(),
            injector: Some(
                report
                    .injector
                    .clone()
                    .unwrap_or_else(crate::injector::Identity::builtin),
            ),
        };
        let injector = report
            .injector
            .clone()
            .unwrap_or_else(crate::injector::Identity::builtin);
        if let Some(old) = pin.evidence.as_ref().filter(|e| !e.is_for(&injector)) {
            log.push(format!(
                "{go}: pin {:?} cited evidence from the injector {:?}; it now cites {:?}",
                pin.go,
                old.injector_name(),
                injector.name
            ));
        }
        let mut ev = if touched.contains(&index) {
            pin.evidence.clone().unwrap_or(fresh)
        } else {
            touched.push(index);
            fresh
        };
        ev.toolchains.push(go.clone());
        ev.platforms_linked += linked;
        ev.platforms_executed += executed;
        ev.platforms_skipped += skipped;
        ev.qcompat_version = env!("CARGO_PKG_VERSION").to_string();
        log.push(format!(
            "{go}: pin {:?} now cites {linked} linked, {executed} executed, {skipped} skipped",
            pin.go
        ));
        pin.evidence = Some(ev);
    }
    Ok((file, log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::{Outcome, Status, Verified};
    use crate::matrix::report::{Cell, SCHEMA};

    fn report(cells: &[(&str, &str, Status, Verified)]) -> Report {
        Report {
            schema: SCHEMA,
            complete: true,
            started: "2026-11-26T00:00:00Z".into(),
            qcompat_version: "0".into(),
            spec: "s.yaml".into(),
            toolexec: "builtin".into(),
            injector: None,
            program: None,
            shard: None,
            merged_shards: vec![],
            toolchains: vec![],
            notes: vec![],
            cells: cells
                .iter()
                .map(|(go, plat, status, verified)| {
                    let (goos, goarch) = plat.split_once('/').unwrap();
                    Cell::new(
                        go,
                        goos,
                        goarch,
                        Outcome {
                            status: *status,
                            verified: *verified,
                            duration_s: 1.0,
                            command: String::new(),
                            stderr_excerpt: String::new(),
                            note: None,
                            diagnosis: None,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn new_minors_get_one_pin() {
        let pins = Pins::load(None).unwrap();
        let r = report(&[
            ("go1.30.0", "linux/amd64", Status::Pass, Verified::Exec),
            ("go1.30.1", "linux/amd64", Status::Pass, Verified::Exec),
            ("go1.30.1", "ios/arm64", Status::SkipCgo, Verified::Link),
        ]);
        let (file, log) = update(&pins, &r, "2026-11-26").unwrap();
        let new: Vec<_> = file
            .pins
            .iter()
            .filter(|p| p.go == ">=1.30.0, <1.31.0")
            .collect();
        assert_eq!(new.len(), 1, "{log:?}");
        let ev = new[0].evidence.as_ref().unwrap();
        assert_eq!(ev.toolchains, vec!["go1.30.0", "go1.30.1"]);
        assert_eq!(
            (
                ev.platforms_linked,
                ev.platforms_executed,
                ev.platforms_skipped
            ),
            (2, 2, 1)
        );
        let written = tempfile::tempdir().unwrap();
        Pins::save(&file, &written.path().join("p.yaml")).unwrap();
    }

    #[test]
    fn failures_and_incomplete_reports_are_refused() {
        let pins = Pins::load(None).unwrap();
        let r = report(&[(
            "go1.26.8",
            "linux/arm64",
            Status::FailRelocation,
            Verified::Link,
        )]);
        let e = update(&pins, &r, "2026-11-26").unwrap_err().to_string();
        assert!(e.contains("linux/arm64 (fail-relocation)"), "{e}");
        let mut r = report(&[("go1.26.8", "linux/amd64", Status::Pass, Verified::Exec)]);
        r.complete = false;
        assert!(update(&pins, &r, "2026-11-26")
            .unwrap_err()
            .to_string()
            .contains("incomplete"));
    }
}
