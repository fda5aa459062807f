//! `qcompat pins update --from REPORT`: record a complete matrix report's
//! evidence in matrix/pins.yaml.

use crate::go::linkname;
use crate::matrix::report::Report;
use crate::policy::pins::{Evidence, Pin, Pins, PinsFile, Strategy, ToolchainEvidence};
use crate::verify::cell::{Status, Verified};
use anyhow::{bail, Result};
use semver::Version;

/// What happened to the pins, one line per toolchain.
///
/// Pins claim only what was run: a toolchain's results go to the pin of its
/// minor (`>=1.Y.0, <1.(Y+1).0`, created when missing); a wider pin covering
/// it is refused. Evidence accumulates per toolchain: a newer run of a
/// toolchain replaces that toolchain's entry and keeps the others.
pub fn update(pins: &Pins, report: &Report, today: &str) -> Result<(PinsFile, Vec<String>)> {
    if !report.complete {
        bail!("the report is incomplete (interrupted, or shards missing): finish the run or merge every shard first");
    }
    if let Some(s) = &report.shard {
        bail!("the report is one shard ({s}) of a run: evidence comes only from whole runs; `qcompat matrix merge` every shard's report first");
    }
    let mut file = pins.file.clone();
    let mut log = Vec::new();
    let injector = report
        .injector
        .clone()
        .unwrap_or_else(crate::inject::injector::Identity::builtin);
    for go in report.versions() {
        let cells: Vec<_> = report.cells.iter().filter(|c| c.go == go).collect();
        let v = crate::go::version::parse(&go)?;
        let failed: Vec<String> = cells
            .iter()
            .filter(|c| c.outcome.status.is_failure())
            .map(|c| format!("{} ({})", c.platform(), c.outcome.status.name()))
            .collect();
        if !failed.is_empty() {
            bail!(
                "{go} has failing cells: {}; pins only record passing evidence (fix them, or pin stack by hand)",
                failed.join(", ")
            );
        }
        let linked = cells
            .iter()
            .filter(|c| c.outcome.status == Status::Pass)
            .count() as u32;
        let executed = cells
            .iter()
            .filter(|c| c.outcome.status == Status::Pass && c.outcome.verified == Verified::Exec)
            .count() as u32;
        let skipped = cells.len() as u32 - linked;
        if linked == 0 {
            log.push(format!("{go}: no passing cell, nothing recorded"));
            continue;
        }
        let info = report.toolchains.iter().find(|t| t.go == go);
        let measured = info.and_then(|t| t.linkname);
        let goid_type = info.and_then(|t| t.goid_type.clone());
        let (major, minor) = (v.version.major, v.version.minor);
        let range = format!(
            ">={}, <{}",
            Version::new(major, minor, 0),
            Version::new(major, minor + 1, 0)
        );
        // The pins as updated so far (a new minor's pin included).
        let current = Pins::parse(&serde_yaml::to_string(&file)?, &pins.source)?;
        let index = match current.find(&v.version) {
            Some(m) if file.pins[m.index].go == range => m.index,
            Some(m) => bail!(
                "{go} is covered by the pin {:?}, which is wider than what this run tested; pins claim only what was run: replace it with one pin per tested minor (here {range:?})",
                file.pins[m.index].go
            ),
            None => {
                file.pins.push(Pin {
                    go: range.clone(),
                    strategy: Strategy::Injected,
                    linkname: measured.unwrap_or_else(|| linkname::expected(&v)),
                    goid_type: goid_type.clone(),
                    evidence: None,
                    note: None,
                });
                log.push(format!("{go}: new pin {range:?} (injected)"));
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
        if let Some(m) = measured {
            if m != pin.linkname {
                log.push(format!(
                    "{go}: linkname measured {m}, the pin said {}; recorded {m}",
                    pin.linkname
                ));
                pin.linkname = m;
            }
        }
        if goid_type.is_some() {
            pin.goid_type = goid_type;
        }
        // Evidence from another injector is replaced, not mixed.
        let mut ev = match pin.evidence.take() {
            Some(e) if e.is_for(&injector) => e,
            Some(e) => {
                log.push(format!(
                    "{go}: pin {:?} cited evidence from the injector {:?}; it now cites {:?}",
                    pin.go,
                    e.injector_name(),
                    injector.name
                ));
                empty_evidence(today)
            }
            None => empty_evidence(today),
        };
        // Evidence recorded before per-toolchain entries cannot be split.
        if ev.per_toolchain.is_empty() && !ev.toolchains.is_empty() {
            ev = empty_evidence(today);
        }
        ev.per_toolchain.retain(|t| t.go != go);
        ev.per_toolchain.push(ToolchainEvidence {
            go: go.clone(),
            linked,
            executed,
            skipped,
            date: today.to_string(),
            injector_sha256: info
                .and_then(|t| t.injector_build.as_ref())
                .and_then(|b| b.sha256.clone()),
        });
        ev.per_toolchain.sort_by(|a, b| {
            let key = |g: &str| crate::go::version::parse(g).map(|v| v.version).ok();
            key(&a.go).cmp(&key(&b.go))
        });
        ev.toolchains = ev.per_toolchain.iter().map(|t| t.go.clone()).collect();
        ev.platforms_linked = ev.per_toolchain.iter().map(|t| t.linked).sum();
        ev.platforms_executed = ev.per_toolchain.iter().map(|t| t.executed).sum();
        ev.platforms_skipped = ev.per_toolchain.iter().map(|t| t.skipped).sum();
        ev.date = today.to_string();
        ev.qcompat_version = report.qcompat_version.clone();
        ev.commit = report.qcompat_commit.clone();
        ev.injector = Some(injector.clone());
        log.push(format!(
            "{go}: pin {:?} now cites {linked} linked, {executed} executed, {skipped} skipped",
            pin.go
        ));
        pin.evidence = Some(ev);
    }
    Ok((file, log))
}

fn empty_evidence(today: &str) -> Evidence {
    Evidence {
        toolchains: vec![],
        platforms_linked: 0,
        platforms_executed: 0,
        platforms_skipped: 0,
        date: today.to_string(),
        qcompat_version: env!("CARGO_PKG_VERSION").to_string(),
        injector: None,
        commit: None,
        per_toolchain: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::report::{Cell, SCHEMA};
    use crate::verify::cell::{Outcome, Status, Verified};

    fn report(cells: &[(&str, &str, Status, Verified)]) -> Report {
        Report {
            schema: SCHEMA,
            complete: true,
            started: "2026-11-26T00:00:00Z".into(),
            qcompat_version: "0".into(),
            spec: "s.yaml".into(),
            toolexec: crate::inject::injector::BUILTIN_NAME.into(),
            qcompat_commit: None,
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
