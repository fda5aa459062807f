//! `matrix/pins.yaml`: which goroutine-ID strategy is verified for which Go
//! versions, with the evidence behind it.

pub mod claims;
pub mod update;

mod evidence;
mod range;
pub mod vouch;

pub use evidence::{
    BuildEvidence, CalibratedEvidence, Evidence, PlatformCalibrated, ToolchainEvidence,
};
pub use range::Range;

use crate::go::linkname::Policy;
use anyhow::{bail, Context, Result};
use semver::Version;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The pins shipped with this qcompat (the repository's matrix/pins.yaml).
pub const BUILTIN: &str = include_str!("../../../matrix/pins.yaml");

/// How messages name the built-in pins: a user of q has no matrix/pins.yaml.
pub const BUILTIN_SOURCE: &str = "qcompat's built-in pins";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Build through the injector and call runtime.GoroutineID.
    Injected,
    /// Parse runtime.Stack: public API only, works everywhere.
    Stack,
    /// No injector: goid's default build reads g.goid at an offset it checks
    /// at first use. Only a selection says it (from the probe's or the
    /// matrix's calibrated results); a pin cannot.
    Calibrated,
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::support::serde_name::of(self))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinsFile {
    pub schema: u32,
    pub pins: Vec<Pin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// A semver requirement such as ">=1.23.0, <1.28.0".
    pub go: String,
    pub strategy: Strategy,
    /// The linkname policy seen for these versions (measured with two
    /// throwaway builds when the pin comes from a matrix run).
    pub linkname: Policy,
    /// `g.goid`'s type on the toolchains tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goid_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A loaded, checked pins file.
#[derive(Debug, Clone)]
pub struct Pins {
    pub source: String,
    pub file: PinsFile,
    ranges: Vec<Range>,
}

/// Which pin covers a version, if any.
#[derive(Debug, Clone)]
pub struct Match<'a> {
    pub pin: &'a Pin,
    pub index: usize,
}

impl Pins {
    /// Loads `path`, or the built-in pins when `path` is None.
    pub fn load(path: Option<&Path>) -> Result<Pins> {
        match path {
            None => Pins::parse(BUILTIN, BUILTIN_SOURCE),
            Some(p) => {
                let text = crate::support::doc_error::read_document(p, "pins file", 1 << 20)?;
                Pins::parse(&text, &p.display().to_string())
            }
        }
    }

    pub fn parse(text: &str, source: &str) -> Result<Pins> {
        let file: PinsFile = crate::support::yaml::from_str(source, text, |e| {
            format!(
                "{e}\n(expected `schema: 1` and `pins:` entries with go: \">=1.23.0, <1.28.0\", strategy: injected|stack, linkname: permissive|restricted|unsupported, optional evidence and note)"
            )
        })?;
        if file.schema != 1 {
            bail!(
                "{source}: schema {} is not supported (expected 1)",
                file.schema
            );
        }
        let mut ranges = Vec::new();
        // The line of each pin's `go:` key, in order, so a duplicated or
        // empty range is reported where it stands.
        let go_lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().trim_start_matches("- ").starts_with("go:"))
            .map(|(i, _)| i + 1)
            .collect();
        let line_of_pin = |i: usize, go: &str| {
            go_lines
                .get(i)
                .copied()
                .unwrap_or_else(|| crate::support::doc_error::line_of(text, go))
        };
        for (i, pin) in file.pins.iter().enumerate() {
            let line = line_of_pin(i, &pin.go);
            let r = Range::parse(&pin.go).map_err(|e| anyhow::anyhow!("{source}:{line}: {e}"))?;
            for (j, earlier) in ranges.iter().enumerate() {
                if r.overlaps(earlier) {
                    let other: &Pin = &file.pins[j];
                    bail!(
                        "{source}:{line}: range {} overlaps {} (line {}): each Go version must match one pin",
                        crate::support::output::shown(&pin.go),
                        crate::support::output::shown(&other.go),
                        line_of_pin(j, &other.go)
                    );
                }
            }
            claims::check(pin, &r, &format!("{source}:{line}"))?;
            ranges.push(r);
            if pin.strategy == Strategy::Calibrated {
                bail!(
                    "{source}:{line}: strategy calibrated cannot be pinned: select chooses it where the calibrated results recorded in a pin's evidence (or a live probe) prove it; pin injected or stack"
                );
            }
            if let Some(ev) = &pin.evidence {
                let dates =
                    std::iter::once(&ev.date).chain(ev.per_toolchain.iter().map(|t| &t.date));
                for d in dates {
                    if !is_date(d) {
                        bail!(
                            "{source}:{}: date {} is not a calendar date (YYYY-MM-DD)",
                            crate::support::doc_error::line_of(text, d),
                            crate::support::output::shown(&crate::support::doc_error::cut(d))
                        );
                    }
                }
            }
        }
        Ok(Pins {
            source: source.to_string(),
            file,
            ranges,
        })
    }

    /// The pin for `v`. A pre-release or devel build matches a pin that names
    /// it exactly, else the pins of its release (1.21.0-rc.2 as 1.21.0).
    pub fn find(&self, v: &Version) -> Option<Match<'_>> {
        let hit = |want: &Version, exact: bool| {
            self.ranges
                .iter()
                .position(|r| (!exact || r.names(want)) && r.contains(want))
        };
        let index = if v.pre.is_empty() {
            hit(v, false)
        } else {
            hit(v, true).or_else(|| hit(&Version::new(v.major, v.minor, v.patch), false))
        }?;
        Some(Match {
            pin: &self.file.pins[index],
            index,
        })
    }

    /// Adds a pin, keeping the rule that each Go version matches one pin;
    /// returns its index.
    pub fn push(&mut self, pin: Pin) -> Result<usize> {
        let r = Range::parse(&pin.go)?;
        if let Some(j) = self.ranges.iter().position(|e| r.overlaps(e)) {
            bail!(
                "the new pin {} would overlap the pin {} in {}: each Go version must match one pin; replace that pin with one per tested minor",
                crate::support::output::shown(&pin.go),
                crate::support::output::shown(&self.file.pins[j].go),
                self.source
            );
        }
        self.ranges.push(r);
        self.file.pins.push(pin);
        Ok(self.file.pins.len() - 1)
    }

    /// Whether `v` is newer than everything the pins cover.
    pub fn newer_than_all(&self, v: &Version) -> bool {
        let release = Version::new(v.major, v.minor, v.patch);
        self.ranges
            .iter()
            .all(|r| r.upper().is_some_and(|u| release >= *u) && !r.contains(&release))
    }

    /// Writes the pins to `path` atomically (temp file, then rename).
    pub fn save(file: &PinsFile, path: &Path) -> Result<()> {
        let header = "# Which goroutine-ID strategy is verified for which Go versions.\n# Written by `qcompat pins update --from REPORT`; see docs/src/pins.md.\n";
        let text = format!("{header}{}", quote_dates(&serde_yaml::to_string(file)?));
        Pins::parse(&text, &path.display().to_string())
            .context("refusing to write invalid pins")?;
        crate::support::fs::write_atomic(path, &text)
    }
}

/// An empty pins file, for a first `pins update` into a new file.
pub const EMPTY: &str = "schema: 1\npins: []\n";

/// Whether `s` is a real YYYY-MM-DD date (no 2026-02-31).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|x| x.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|x| x.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// serde_yaml writes a date-shaped string bare (`date: 2026-11-27`), which
/// a YAML 1.1 reader (PyYAML, Ruby) takes for a timestamp: quote them, so
/// every reader gets the string the schema names.
fn quote_dates(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    for l in yaml.lines() {
        let body = l.trim_start().trim_start_matches("- ");
        match body.strip_prefix("date: ") {
            Some(d) if is_date(d) => {
                out.push_str(&l[..l.len() - d.len()]);
                out.push_str(&format!("'{d}'"));
            }
            _ => out.push_str(l),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,200}") {
            let _ = Range::parse(&s);
            let _ = Pins::parse(&s, "p.yaml");
        }

        #[test]
        fn yaml_shaped_input_never_panics(
            s in "(schema: 1\n)?(pins|toolchains|cells|platforms):( \\[| \\{|\n- )[ -~\n]{0,120}"
        ) {
            let _ = Pins::parse(&s, "p.yaml");
        }
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn builtin_pins_load() {
        let p = Pins::load(None).unwrap();
        assert_eq!(
            p.find(&v("1.19.8")).unwrap().pin.strategy,
            Strategy::Injected
        );
        assert_eq!(p.find(&v("1.12.17")).unwrap().pin.strategy, Strategy::Stack);
        assert_eq!(
            p.find(&v("1.27.3")).unwrap().pin.linkname,
            Policy::Restricted
        );
        assert!(p.find(&v("1.30.0")).is_none());
        assert!(p.newer_than_all(&v("1.30.0")));
        assert!(!p.newer_than_all(&v("1.26.0")));
    }

    #[test]
    fn bad_ranges_and_their_lines() {
        let head = "schema: 1\npins:\n";
        let pin =
            |go: &str| format!("- go: {go:?}\n  strategy: injected\n  linkname: restricted\n");
        let err = |body: String| {
            Pins::parse(&format!("{head}{body}"), "p.yaml")
                .unwrap_err()
                .to_string()
        };
        assert!(err(pin("*")).contains("p.yaml:3:"), "{}", err(pin("*")));
        assert!(err(pin("")).contains("p.yaml:3:"), "{}", err(pin("")));
        // A duplicated range is reported on its second line.
        let dup = err(format!(
            "{}{}",
            pin(">=1.23.0, <1.24.0"),
            pin(">=1.23.0, <1.24.0")
        ));
        assert!(
            dup.contains("p.yaml:6:") && dup.contains("(line 3)"),
            "{dup}"
        );
        // Two ranges that both name and contain a pre-release overlap.
        let pre = err(format!(
            "{}{}",
            pin("=1.28.0-rc.1"),
            pin(">=1.28.0-rc.1, <1.28.0-rc.3")
        ));
        assert!(pre.contains("overlaps"), "{pre}");
        // An exact pre-release pin beside its release's range is fine.
        Pins::parse(
            &format!("{head}{}{}", pin("=1.28.0-rc.1"), pin(">=1.28.0, <1.29.0")),
            "p.yaml",
        )
        .unwrap();
    }

    #[test]
    fn prereleases_match_their_minor() {
        let text = "schema: 1\npins:\n- go: \">=1.23.0, <1.28.0\"\n  strategy: injected\n  linkname: restricted\n- go: \"=1.28.0-rc.1\"\n  strategy: stack\n  linkname: restricted\n";
        let p = Pins::parse(text, "t.yaml").unwrap();
        assert_eq!(p.find(&v("1.25.0-rc.2")).unwrap().index, 0);
        assert_eq!(p.find(&v("1.27.0-devel.abc")).unwrap().index, 0);
        assert_eq!(p.find(&v("1.28.0-rc.1")).unwrap().index, 1);
        assert!(p.find(&v("1.28.0-rc.2")).is_none());
        assert!(p.find(&v("1.28.0")).is_none());
    }

    fn evidence(toolchains: &[&str]) -> Evidence {
        Evidence {
            toolchains: toolchains.iter().map(|t| t.to_string()).collect(),
            platforms_linked: 1,
            platforms_executed: 1,
            platforms_skipped: 0,
            date: "2026-12-01".into(),
            qcompat_version: "0".into(),
            injector: None,
            commit: None,
            per_toolchain: vec![],
        }
    }

    #[test]
    fn prereleases_need_evidence_of_their_own() {
        let stable = evidence(&["go1.27.3"]);
        assert_eq!(stable.untested_for(&v("1.27.4")), None);
        let rc = stable.untested_for(&v("1.27.0-rc.1")).unwrap();
        assert!(
            rc.contains("go1.27rc1 is a pre-release") && rc.contains("go1.27.3"),
            "{rc}"
        );
        let dev = stable.untested_for(&v("1.27.0-devel.abc1234")).unwrap();
        assert!(
            dev.contains("go1.27-devel_abc1234 is a devel build"),
            "{dev}"
        );
        let only_rc = evidence(&["go1.28rc1"]);
        assert_eq!(only_rc.untested_for(&v("1.28.0-rc.1")), None);
        assert!(only_rc.untested_for(&v("1.28.0-rc.2")).is_some());
        assert!(only_rc.untested_for(&v("1.28.0-beta.1")).is_some());
        let fin = only_rc.untested_for(&v("1.28.0")).unwrap();
        assert!(fin.starts_with("tested with go1.28rc1 only"), "{fin}");
        let both = evidence(&["go1.28rc1", "go1.28.0"]);
        assert_eq!(both.untested_for(&v("1.28.1")), None);
        assert_eq!(
            evidence(&["go1.28-devel_abc"]).untested_for(&v("1.28.0-devel.abc")),
            None
        );
    }

    #[test]
    fn bad_files_name_file_and_line() {
        let syntax = "schema: 1\npins:\n  - go: [\n";
        let e = Pins::parse(syntax, "p.yaml").unwrap_err().to_string();
        assert!(e.starts_with("p.yaml:"), "{e}");
        assert!(e.contains("expected"), "{e}");

        let unknown =
            "schema: 1\npins:\n- go: \">=1.13.0\"\n  strategy: magic\n  linkname: permissive\n";
        let e = Pins::parse(unknown, "p.yaml").unwrap_err().to_string();
        assert!(e.contains("p.yaml:4") && e.contains("magic"), "{e}");

        let overlap = "schema: 1\npins:\n- go: \">=1.13.0, <1.24.0\"\n  strategy: injected\n  linkname: permissive\n- go: \">=1.23.0\"\n  strategy: injected\n  linkname: restricted\n";
        let e = Pins::parse(overlap, "p.yaml").unwrap_err().to_string();
        assert!(
            e.contains("p.yaml:6") && e.contains("overlaps") && e.contains("line 3"),
            "{e}"
        );

        let tilde =
            "schema: 1\npins:\n- go: \"~1.13.0\"\n  strategy: injected\n  linkname: permissive\n";
        assert!(Pins::parse(tilde, "p.yaml")
            .unwrap_err()
            .to_string()
            .contains("p.yaml:3"));
        let empty = "schema: 1\npins:\n- go: \">=1.20.0, <1.13.0\"\n  strategy: injected\n  linkname: permissive\n";
        assert!(Pins::parse(empty, "p.yaml")
            .unwrap_err()
            .to_string()
            .contains("matches no version"));
        let extra = "schema: 1\npins: []\nextra: 1\n";
        assert!(Pins::parse(extra, "p.yaml")
            .unwrap_err()
            .to_string()
            .contains("extra"));
        assert!(Pins::parse("schema: 2\npins: []\n", "p.yaml")
            .unwrap_err()
            .to_string()
            .contains("schema 2"));
    }

    #[test]
    fn touching_ranges_do_not_overlap() {
        let a = Range::parse(">=1.13.0, <1.23.0").unwrap();
        let b = Range::parse(">=1.23.0").unwrap();
        let c = Range::parse("<=1.23.0").unwrap();
        assert!(!a.overlaps(&b));
        assert!(b.overlaps(&c));
        assert!(a.overlaps(&c));
        let rc = Range::parse("=1.28.0-rc.1").unwrap();
        assert!(!rc.overlaps(&Range::parse(">=1.23.0, <1.28.0").unwrap()));
        assert!(!rc.overlaps(&Range::parse(">=1.28.0").unwrap()));
        assert!(rc.overlaps(&Range::parse("=1.28.0-rc.1").unwrap()));
    }

    #[test]
    fn save_round_trips() {
        let p = Pins::load(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pins.yaml");
        Pins::save(&p.file, &path).unwrap();
        let again = Pins::load(Some(&path)).unwrap();
        assert_eq!(again.file, p.file);
    }

    #[test]
    fn dates_are_calendar_dates_and_written_quoted() {
        assert!(is_date("2024-02-29") && is_date("2026-11-27"));
        for bad in [
            "2026-02-31",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "26-1-1",
            "2026-1x-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        let pins = Pins::load(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pins.yaml");
        Pins::save(&pins.file, &p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("date: '2026-"), "{text}");
        assert!(!text.contains("date: 2026"), "{text}");
        assert_eq!(Pins::parse(&text, "x").unwrap().file, pins.file);
        // The first date the shipped pins carry, whatever day it is.
        let at = text.find("date: '").expect("a quoted date") + "date: '".len();
        let first = &text[at..at + 10];
        let bad = text.replacen(&format!("date: '{first}'"), "date: '2026-02-31'", 1);
        let e = Pins::parse(&bad, "p.yaml").unwrap_err().to_string();
        assert!(
            e.contains("p.yaml:") && e.contains("2026-02-31") && !e.contains("p.yaml:0:"),
            "{e}"
        );
    }
}
