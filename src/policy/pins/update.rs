//! `qcompat pins update --from REPORT`: record a complete matrix report's
//! evidence in matrix/pins.yaml.

use crate::go::linkname;
use crate::matrix::report::{Cell, Report};
use crate::policy::pins::{
    BuildEvidence, Evidence, Pin, Pins, PinsFile, PlatformCalibrated, Strategy, ToolchainEvidence,
};
use crate::verify::cell::{Status, Verified};
use crate::verify::kind::BuildKind;
use anyhow::{bail, Result};
use semver::Version;

/// What happened to the pins, one line per toolchain.
///
/// Pins claim only what was run: a toolchain's results go to the pin of its
/// minor (`>=1.Y.0, <1.(Y+1).0`, created when missing); a wider pin covering
/// it is refused. Evidence accumulates per toolchain: a newer run of a
/// toolchain replaces that toolchain's entry and keeps the others.
pub fn update(pins: &Pins, report: &Report, today: &str) -> Result<(PinsFile, Vec<String>)> {
    check_whole(report)?;
    // The pins as updated so far (a new minor's pin included).
    let mut current = pins.clone();
    let mut log = Vec::new();
    let run = Run {
        report,
        injector: report
            .injector
            .clone()
            .unwrap_or_else(crate::inject::injector::Identity::builtin),
        today,
    };
    for go in report.versions() {
        let v = crate::go::version::parse(&go)?;
        let t = tally(report, &go)?;
        if t.linked == 0 {
            let others: u32 = t.builds.iter().map(|b| b.linked).sum();
            log.push(if others > 0 {
                format!("{go}: no passing `build` cell ({others} cell(s) of other kinds passed; a pin's evidence needs the build kind), nothing recorded")
            } else {
                format!("{go}: no passing cell, nothing recorded")
            });
            continue;
        }
        let info = report.toolchains.iter().find(|t| t.go == go);
        let measured = info.and_then(|t| t.linkname);
        let goid_type = info.and_then(|t| t.goid_type.clone());
        let index = pin_for(&mut current, &go, &v, measured, &goid_type, &mut log)?;
        let pin = &mut current.file.pins[index];
        if pin.strategy != Strategy::Injected {
            log.push(format!(
                "{go}: pin {} says {}; the matrix passed, but the strategy is left for a person to change",
                crate::support::output::shown(&pin.go),
                pin.strategy
            ));
            continue;
        }
        if let Some(m) = measured.filter(|m| *m != pin.linkname) {
            log.push(format!(
                "{go}: linkname measured {m}, the pin said {}; recorded {m}",
                pin.linkname
            ));
            pin.linkname = m;
        }
        if goid_type.is_some() {
            pin.goid_type = goid_type;
        }
        let sha = info
            .and_then(|t| t.injector_build.as_ref())
            .and_then(|b| b.sha256.clone());
        pin.evidence = Some(run.evidence(pin, &go, &t, sha, &mut log));
        let kinds: Vec<String> = t
            .builds
            .iter()
            .map(|b| format!("{} {}/{}/{}", b.build, b.linked, b.executed, b.skipped))
            .collect();
        log.push(format!(
            "{go}: pin {} now cites {} linked, {} executed, {} skipped{}",
            crate::support::output::shown(&pin.go),
            t.linked,
            t.executed,
            t.skipped,
            if kinds.is_empty() {
                String::new()
            } else {
                format!(
                    " (other builds, linked/executed/skipped: {})",
                    kinds.join(", ")
                )
            }
        ));
    }
    Ok((current.file, log))
}

/// Evidence comes only from whole, finished runs.
fn check_whole(report: &Report) -> Result<()> {
    if !report.complete {
        bail!("the report is incomplete (interrupted, or shards missing): finish the run or merge every shard first");
    }
    if let Some(s) = &report.shard {
        bail!("the report is one shard ({s}) of a run: evidence comes only from whole runs; `qcompat matrix merge` every shard's report first");
    }
    Ok(())
}

/// One toolchain's cells, counted (the `build` kind's; the other kinds
/// apart), with their calibrated results.
struct Tally {
    linked: u32,
    executed: u32,
    skipped: u32,
    calibrated: Vec<PlatformCalibrated>,
    builds: Vec<BuildEvidence>,
}

/// Cells that linked, executed, and were skipped.
fn count(cells: &[&Cell]) -> (u32, u32, u32) {
    let passed = |exec: bool| {
        cells
            .iter()
            .filter(|c| c.outcome.status == Status::Pass)
            .filter(|c| !exec || c.outcome.verified == Verified::Exec)
            .count() as u32
    };
    let linked = passed(false);
    (linked, passed(true), cells.len() as u32 - linked)
}

/// Counts `go`'s cells; a failing cell refuses the update.
fn tally(report: &Report, go: &str) -> Result<Tally> {
    let cells: Vec<&Cell> = report.cells.iter().filter(|c| c.go == go).collect();
    let failed: Vec<String> = cells
        .iter()
        .filter(|c| c.outcome.status.is_failure())
        .map(|c| format!("{} ({})", c.place(), c.outcome.status.name()))
        .collect();
    if !failed.is_empty() {
        bail!(
            "{go} has failing cells: {}; pins only record passing evidence (fix them, or pin stack by hand)",
            failed.join(", ")
        );
    }
    let (builds, others): (Vec<_>, Vec<_>) =
        cells.into_iter().partition(|c| c.build == BuildKind::Build);
    let (linked, executed, skipped) = count(&builds);
    let mut kinds: Vec<BuildKind> = others.iter().map(|c| c.build).collect();
    kinds.sort();
    kinds.dedup();
    Ok(Tally {
        linked,
        executed,
        skipped,
        calibrated: builds
            .iter()
            .filter_map(|c| {
                c.calibrated.map(|k| PlatformCalibrated {
                    goos: c.goos.clone(),
                    goarch: c.goarch.clone(),
                    result: k.result,
                    offset: k.offset,
                })
            })
            .collect(),
        builds: kinds
            .into_iter()
            .map(|build| {
                let of: Vec<_> = others
                    .iter()
                    .copied()
                    .filter(|c| c.build == build)
                    .collect();
                let (linked, executed, skipped) = count(&of);
                BuildEvidence {
                    build,
                    linked,
                    executed,
                    skipped,
                }
            })
            .collect(),
    })
}

/// The index of the pin of `go`'s minor: the existing one, or a new one; a
/// wider pin covering `go` is refused.
fn pin_for(
    current: &mut Pins,
    go: &str,
    v: &crate::go::version::GoVersion,
    measured: Option<linkname::Policy>,
    goid_type: &Option<String>,
    log: &mut Vec<String>,
) -> Result<usize> {
    let (major, minor) = (v.version.major, v.version.minor);
    let range = format!(
        ">={}, <{}",
        Version::new(major, minor, 0),
        Version::new(major, minor + 1, 0)
    );
    match current.find(&v.version) {
        Some(m) if m.pin.go == range => Ok(m.index),
        Some(m) => bail!(
            "{go} is covered by the pin {}, which is wider than what this run tested; pins claim only what was run: replace it with one pin per tested minor (here {})",
            crate::support::output::shown(&m.pin.go),
            crate::support::output::shown(&range)
        ),
        None => {
            let index = current.push(Pin {
                go: range.clone(),
                strategy: Strategy::Injected,
                linkname: measured.unwrap_or_else(|| linkname::expected(v)),
                goid_type: goid_type.clone(),
                evidence: None,
                note: None,
            })?;
            log.push(format!("{go}: new pin {} (injected)", crate::support::output::shown(&range)));
            Ok(index)
        }
    }
}

/// What every pin updated from one report shares.
struct Run<'a> {
    report: &'a Report,
    injector: crate::inject::injector::Identity,
    today: &'a str,
}

impl Run<'_> {
    /// `pin`'s evidence with `go`'s entry replaced by this run's (taken out
    /// of the pin; evidence from another injector is replaced, not mixed).
    fn evidence(
        &self,
        pin: &mut Pin,
        go: &str,
        t: &Tally,
        injector_sha256: Option<String>,
        log: &mut Vec<String>,
    ) -> Evidence {
        let today = self.today;
        let mut ev = match pin.evidence.take() {
            Some(e) if e.is_for(&self.injector) => e,
            Some(e) => {
                log.push(format!(
                    "{go}: pin {} cited evidence from the injector {}; it now cites {}",
                    crate::support::output::shown(&pin.go),
                    crate::support::output::shown(e.injector_name()),
                    crate::support::output::shown(&self.injector.name)
                ));
                empty_evidence(today)
            }
            None => empty_evidence(today),
        };
        // Evidence recorded before per-toolchain entries cannot be split.
        if ev.per_toolchain.is_empty() && !ev.toolchains.is_empty() {
            ev = empty_evidence(today);
        }
        ev.per_toolchain.retain(|e| e.go != go);
        ev.per_toolchain.push(ToolchainEvidence {
            go: go.to_string(),
            linked: t.linked,
            executed: t.executed,
            skipped: t.skipped,
            date: today.to_string(),
            commit: self.report.qcompat_commit.clone(),
            injector_sha256,
            calibrated: t.calibrated.clone(),
            builds: t.builds.clone(),
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
        ev.qcompat_version = self.report.qcompat_version.clone();
        ev.commit = self.report.qcompat_commit.clone();
        ev.injector = Some(self.injector.clone());
        ev
    }
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
pub(crate) mod tests_support {
    use super::*;
    use crate::matrix::report::{Cell, SCHEMA};
    use crate::verify::cell::{Outcome, Status, Verified};

    pub(crate) fn report(cells: &[(&str, &str, Status, Verified)]) -> Report {
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
            fingerprint: None,
            toolchains: vec![],
            notes: vec![],
            cells: cells
                .iter()
                .map(|(go, plat, status, verified)| {
                    let (goos, goarch) = plat.split_once('/').unwrap();
                    Cell::new(
                        go,
                        crate::go::platforms::Target { goos, goarch },
                        crate::verify::kind::BuildKind::Build,
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
}

#[cfg(test)]
mod tests {
    use super::tests_support::report;
    use super::*;
    use crate::go::platforms::Target;
    use crate::verify::cell::{Status, Verified};

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
    fn a_new_minor_pin_never_overlaps_a_narrower_one() {
        // 1.30.5 and later are pinned; a run of 1.30.2 would add
        // >=1.30.0, <1.31.0 on top of it, a file no later load accepts.
        let text = "schema: 1\npins:\n- go: \">=1.30.5, <1.31.0\"\n  strategy: injected\n  linkname: restricted\n";
        let pins = Pins::parse(text, "p.yaml").unwrap();
        let r = report(&[("go1.30.2", "linux/amd64", Status::Pass, Verified::Exec)]);
        let e = update(&pins, &r, "2026-11-26").unwrap_err().to_string();
        assert!(
            e.contains("would overlap the pin \">=1.30.5, <1.31.0\""),
            "{e}"
        );
    }

    /// The cells' calibrated results go into the toolchain's evidence, the
    /// table shows them, and select reads them per GOOS/GOARCH.
    #[test]
    fn calibrated_results_are_recorded() {
        use crate::policy::pins::CalibratedEvidence;
        use crate::verify::probeprog::{Calibrated, CalibratedResult};
        let pins = Pins::load(None).unwrap();
        let mut r = report(&[
            ("go1.30.1", "linux/amd64", Status::Pass, Verified::Exec),
            ("go1.30.1", "linux/arm64", Status::Pass, Verified::Exec),
            ("go1.30.1", "js/wasm", Status::Pass, Verified::Exec),
            ("go1.30.1", "linux/riscv64", Status::Pass, Verified::Link),
        ]);
        let results = [
            Some((CalibratedResult::Pass, 152)),
            Some((CalibratedResult::Fail, 0)),
            Some((CalibratedResult::Unsupported, 0)),
            None,
        ];
        for (c, k) in r.cells.iter_mut().zip(results) {
            c.calibrated = k.map(|(result, offset)| Calibrated { result, offset });
        }
        let (file, _) = update(&pins, &r, "2026-11-26").unwrap();
        let pin = file
            .pins
            .iter()
            .find(|p| p.go == ">=1.30.0, <1.31.0")
            .unwrap();
        let ev = pin.evidence.as_ref().unwrap();
        assert_eq!(ev.per_toolchain[0].calibrated.len(), 3);
        assert_eq!(
            ev.calibrated_for(Target {
                goos: "linux",
                goarch: "amd64"
            }),
            CalibratedEvidence::Pass {
                toolchains: vec!["go1.30.1".into()],
                offsets: vec![152]
            }
        );
        assert!(matches!(
            ev.calibrated_for(Target {
                goos: "linux",
                goarch: "arm64"
            }),
            CalibratedEvidence::NotProven { .. }
        ));
        assert_eq!(
            ev.calibrated_for(Target {
                goos: "linux",
                goarch: "riscv64"
            }),
            CalibratedEvidence::None
        );
        let written = tempfile::tempdir().unwrap();
        let path = written.path().join("p.yaml");
        Pins::save(&file, &path).unwrap();
        let back = Pins::load(Some(&path)).unwrap();
        let table = crate::render::pins::markdown_table(&back);
        assert!(
            table.contains("| go1.30.1 | 4 / 3 / 0 | 1 pass @152, 1 fail, 1 unsupported |"),
            "{table}"
        );
        // A pin cannot say calibrated: select alone chooses it.
        let text = std::fs::read_to_string(&path).unwrap().replacen(
            "strategy: injected",
            "strategy: calibrated",
            1,
        );
        let e = Pins::parse(&text, "p.yaml").unwrap_err().to_string();
        assert!(e.contains("calibrated cannot be pinned"), "{e}");
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

#[cfg(test)]
mod second_run {
    use super::tests_support::report;
    use super::*;
    use crate::verify::cell::{Status, Verified};

    /// A second run (a newer patch) keeps the first toolchain's own commit
    /// and date; the table and select's words name each toolchain's.
    #[test]
    fn each_toolchain_keeps_its_own_run() {
        let pins = Pins::load(None).unwrap();
        let run = |go: &str, commit: &str| {
            let mut r = report(&[(go, "linux/amd64", Status::Pass, Verified::Exec)]);
            r.qcompat_commit = Some(commit.into());
            r
        };
        let (first, _) = update(&pins, &run("go1.30rc1", "aaaa"), "2026-12-01").unwrap();
        let pins = Pins::parse(&serde_yaml::to_string(&first).unwrap(), "p.yaml").unwrap();
        let (second, _) = update(&pins, &run("go1.30.1", "bbbb"), "2026-12-07").unwrap();
        let pins = Pins::parse(&serde_yaml::to_string(&second).unwrap(), "p.yaml").unwrap();
        let ev = pins
            .file
            .pins
            .iter()
            .find(|p| p.go == ">=1.30.0, <1.31.0")
            .unwrap();
        let ev = ev.evidence.as_ref().unwrap();
        assert_eq!(
            ev.tested_on(),
            "go1.30rc1 on 2026-12-01, go1.30.1 on 2026-12-07"
        );
        let table = crate::render::pins::markdown_table(&pins);
        assert!(
            table.contains("| go1.30rc1 | 1 / 1 / 0 | — | — | 2026-12-01 | aaaa |"),
            "{table}"
        );
        assert!(
            table.contains("| go1.30.1 | 1 / 1 / 0 | — | — | 2026-12-07 | bbbb |"),
            "{table}"
        );
    }
}
