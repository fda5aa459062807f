//! `matrix/pins.yaml`: which goroutine-ID strategy is verified for which Go
//! versions, with the evidence behind it.

pub mod update;

use crate::go::linkname::Policy;
use anyhow::{bail, Context, Result};
use semver::{Op, Version, VersionReq};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

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
        f.write_str(match self {
            Strategy::Injected => "injected",
            Strategy::Stack => "stack",
            Strategy::Calibrated => "calibrated",
        })
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Toolchains the strategy was verified with, e.g. go1.27.3.
    pub toolchains: Vec<String>,
    /// GOOS/GOARCH pairs that linked through the injector.
    pub platforms_linked: u32,
    /// Of those, the pairs whose probe also ran and returned the right IDs.
    pub platforms_executed: u32,
    /// Pairs that could not be built without cgo (skipped).
    #[serde(default)]
    pub platforms_skipped: u32,
    /// YYYY-MM-DD.
    pub date: String,
    pub qcompat_version: String,
    /// The injector the evidence was produced with. Missing in files written
    /// before it was recorded, which only qcompat's own injector produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injector: Option<crate::inject::injector::Identity>,
    /// The qcompat commit that ran the matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What each toolchain showed; the totals above add these up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_toolchain: Vec<ToolchainEvidence>,
}

/// One toolchain's part of a pin's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolchainEvidence {
    /// The exact toolchain, e.g. go1.23.9.
    pub go: String,
    pub linked: u32,
    pub executed: u32,
    pub skipped: u32,
    /// YYYY-MM-DD of the run.
    pub date: String,
    /// For an injector built per toolchain: the sha256 of this toolchain's
    /// build, so that the very binary the run tested is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injector_sha256: Option<String>,
    /// What the probe's check of goid's calibrated path found on each
    /// executed cell of this toolchain (missing in evidence from before it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calibrated: Vec<PlatformCalibrated>,
    /// The run's build kinds other than `build` (whose counts are the
    /// fields above): per kind, its cells that linked, executed and were
    /// skipped (missing in evidence from before build kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<BuildEvidence>,
}

/// One build kind's cells of a toolchain, counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildEvidence {
    pub build: crate::verify::kind::BuildKind,
    pub linked: u32,
    pub executed: u32,
    pub skipped: u32,
}

/// One executed cell's calibrated result, as its matrix report gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformCalibrated {
    pub goos: String,
    pub goarch: String,
    pub result: crate::verify::probeprog::CalibratedResult,
    /// The offset of goid in g (0 when none was found).
    pub offset: u64,
}

/// What a pin's evidence says of goid's calibrated path on one GOARCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalibratedEvidence {
    /// Every cell of that GOARCH passed; the toolchains and offsets seen.
    Pass {
        toolchains: Vec<String>,
        offsets: Vec<u64>,
    },
    /// A cell of that GOARCH failed (or could not reach g).
    NotProven {
        toolchain: String,
        result: crate::verify::probeprog::CalibratedResult,
    },
    /// No cell of that GOARCH recorded a calibrated result.
    None,
}

impl Evidence {
    /// What the cells of `goos`/`goarch` recorded of the calibrated path,
    /// over every toolchain of this evidence (the pin is one Go minor). Any
    /// fail or unsupported result means not proven.
    pub fn calibrated_for(&self, goos: &str, goarch: &str) -> CalibratedEvidence {
        use crate::verify::probeprog::CalibratedResult;
        let mut toolchains = Vec::new();
        let mut offsets = Vec::new();
        for t in &self.per_toolchain {
            for c in t
                .calibrated
                .iter()
                .filter(|c| c.goos == goos && c.goarch == goarch)
            {
                if c.result != CalibratedResult::Pass {
                    return CalibratedEvidence::NotProven {
                        toolchain: t.go.clone(),
                        result: c.result,
                    };
                }
                if !toolchains.contains(&t.go) {
                    toolchains.push(t.go.clone());
                }
                if !offsets.contains(&c.offset) {
                    offsets.push(c.offset);
                }
            }
        }
        if toolchains.is_empty() {
            CalibratedEvidence::None
        } else {
            CalibratedEvidence::Pass {
                toolchains,
                offsets,
            }
        }
    }
}

impl Evidence {
    /// The injector behind this evidence (qcompat's own when unrecorded).
    pub fn injector_name(&self) -> &str {
        self.injector
            .as_ref()
            .map_or(crate::inject::injector::BUILTIN_NAME, |i| i.name.as_str())
    }

    /// Whether this evidence speaks for the injector `id`: the same injector
    /// (see [`Identity::same_injector`](crate::inject::injector::Identity)),
    /// or one of the binaries the run built and tested.
    pub fn is_for(&self, id: &crate::inject::injector::Identity) -> bool {
        match &self.injector {
            Some(mine) => {
                mine.same_injector(id)
                    || (!id.is_builtin()
                        && self
                            .per_toolchain
                            .iter()
                            .any(|t| t.injector_sha256.as_deref() == Some(id.sha256.as_str())))
            }
            None => id.is_builtin(),
        }
    }
}

impl Evidence {
    /// Why this evidence does not speak for the exact version `v`, or None
    /// when it does. A release is vouched for by any release its pin's
    /// evidence names (the pin is one minor); a pre-release or devel build
    /// only by evidence naming that very version, since go1.27.3's run says
    /// nothing about go1.27rc1 or a build from tip. A release whose pin holds
    /// only pre-release evidence is untested until the release itself runs.
    pub fn untested_for(&self, v: &Version) -> Option<String> {
        let named: Vec<(String, Option<Version>)> = self
            .toolchains
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    crate::go::version::parse(t).ok().map(|g| g.version),
                )
            })
            .collect();
        let name = crate::go::version::format_go_name(v);
        if !v.pre.is_empty() {
            if named.iter().any(|(_, n)| n.as_ref() == Some(v)) {
                return None;
            }
            let what = if v.pre.as_str().starts_with("devel") {
                "a devel build"
            } else {
                "a pre-release"
            };
            return Some(format!(
                "{name} is {what} and the pin's evidence names {}, not {name} (untested)",
                self.toolchains.join(", ")
            ));
        }
        if named
            .iter()
            .any(|(_, n)| n.as_ref().is_some_and(|n| n.pre.is_empty()))
        {
            return None;
        }
        Some(format!(
            "tested with {} only: {name} itself has not been run (untested)",
            self.toolchains.join(", ")
        ))
    }
}

/// A version interval parsed from a pin's requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub req: VersionReq,
    lo: Option<Bound>,
    hi: Option<Bound>,
}

/// A pin's `go:` that is not a range qcompat reads (the message names the
/// text and how to write it).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct RangeError(String);

impl Range {
    pub fn parse(text: &str) -> Result<Range, RangeError> {
        Range::read(text).map_err(RangeError)
    }

    fn read(text: &str) -> Result<Range, String> {
        if text.trim().is_empty() || text.contains('*') {
            return Err(format!(
                "{} is not a version range: write bounds such as \">=1.23.0, <1.28.0\" (=, >, >=, <, <=; no * or empty ranges)", crate::support::output::shown(text)
            ));
        }
        let req = VersionReq::parse(text).map_err(|e| {
            format!(
                "{} is not a version range: {e}",
                crate::support::output::shown(text)
            )
        })?;
        if req.comparators.is_empty() {
            return Err(format!(
                "{} bounds no version: write >=X.Y.Z and/or <X.Y.Z",
                crate::support::output::shown(text)
            ));
        }
        let mut lo: Option<Bound> = None;
        let mut hi: Option<Bound> = None;
        for c in &req.comparators {
            let (Some(minor), Some(patch)) = (c.minor, c.patch) else {
                return Err(format!(
                    "{}: write full versions such as >=1.23.0 (partial versions are ambiguous)",
                    crate::support::output::shown(text)
                ));
            };
            let v = Version {
                major: c.major,
                minor,
                patch,
                pre: c.pre.clone(),
                build: Default::default(),
            };
            let (new_lo, new_hi) = match c.op {
                Op::Exact => (Some((v.clone(), true)), Some((v, true))),
                Op::Greater => (Some((v, false)), None),
                Op::GreaterEq => (Some((v, true)), None),
                Op::Less => (None, Some((v, false))),
                Op::LessEq => (None, Some((v, true))),
                _ => {
                    return Err(format!(
                        "{}: use only =, >, >=, < and <= (joined by commas), not ~, ^ or *",
                        crate::support::output::shown(text)
                    ))
                }
            };
            if let Some(n) = new_lo {
                if lo.as_ref().is_none_or(|l| tighter_lo(&n, l)) {
                    lo = Some(n);
                }
            }
            if let Some(n) = new_hi {
                if hi.as_ref().is_none_or(|h| tighter_hi(&n, h)) {
                    hi = Some(n);
                }
            }
        }
        let r = Range { req, lo, hi };
        if r.is_empty() {
            return Err(format!(
                "{} matches no version",
                crate::support::output::shown(text)
            ));
        }
        Ok(r)
    }

    pub fn contains(&self, v: &Version) -> bool {
        let v = Version {
            build: Default::default(),
            ..v.clone()
        };
        let above = match &self.lo {
            None => true,
            Some((l, incl)) => v > *l || (*incl && v == *l),
        };
        let below = match &self.hi {
            None => true,
            Some((h, incl)) => v < *h || (*incl && v == *h),
        };
        above && below
    }

    /// Whether any comparator names exactly this pre-release.
    fn names(&self, v: &Version) -> bool {
        self.req.comparators.iter().any(|c| {
            c.major == v.major
                && c.minor == Some(v.minor)
                && c.patch == Some(v.patch)
                && c.pre == v.pre
        })
    }

    fn is_empty(&self) -> bool {
        match (&self.lo, &self.hi) {
            (Some((l, li)), Some((h, hi))) => match l.cmp(h) {
                Ordering::Greater => true,
                Ordering::Equal => !(*li && *hi),
                Ordering::Less => false,
            },
            _ => false,
        }
    }

    /// Whether some Go version would match both ranges. Pre-releases match
    /// the pin that names them before any other, so the comparison is made
    /// among releases, plus exact pre-release pins against each other.
    pub fn overlaps(&self, other: &Range) -> bool {
        let (a, b) = (self.releases_only(), other.releases_only());
        if !a.is_empty() && !b.is_empty() && a.overlaps_raw(&b) {
            return true;
        }
        // A pre-release that both ranges name and contain would match
        // whichever pin comes first.
        self.named_prereleases()
            .chain(other.named_prereleases())
            .any(|p| self.names(&p) && self.contains(&p) && other.names(&p) && other.contains(&p))
    }

    fn named_prereleases(&self) -> impl Iterator<Item = Version> + '_ {
        self.req
            .comparators
            .iter()
            .filter(|c| !c.pre.is_empty())
            .map(|c| Version {
                major: c.major,
                minor: c.minor.unwrap_or(0),
                patch: c.patch.unwrap_or(0),
                pre: c.pre.clone(),
                build: Default::default(),
            })
    }

    /// The range seen by release versions: a pre-release bound X-pre becomes
    /// X, included as a lower bound and excluded as an upper one.
    fn releases_only(&self) -> Range {
        // A pre-release bound X-pre admits X itself from below, not from above.
        let release = |b: &Option<Bound>, incl_if_pre: bool| {
            b.as_ref().map(|(v, incl)| {
                if v.pre.is_empty() {
                    (v.clone(), *incl)
                } else {
                    (Version::new(v.major, v.minor, v.patch), incl_if_pre)
                }
            })
        };
        Range {
            req: VersionReq::STAR,
            lo: release(&self.lo, true),
            hi: release(&self.hi, false),
        }
    }

    fn overlaps_raw(&self, other: &Range) -> bool {
        !Range {
            req: VersionReq::STAR,
            lo: tightest(&self.lo, &other.lo, tighter_lo),
            hi: tightest(&self.hi, &other.hi, tighter_hi),
        }
        .is_empty()
    }

    /// The highest version the range admits, when bounded above.
    pub fn upper(&self) -> Option<&Version> {
        self.hi.as_ref().map(|(v, _)| v)
    }
}

/// A range bound: the version and whether it is included.
type Bound = (Version, bool);

/// The tighter of two optional bounds; a missing bound is no constraint.
fn tightest(
    a: &Option<Bound>,
    b: &Option<Bound>,
    tighter: fn(&Bound, &Bound) -> bool,
) -> Option<Bound> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if tighter(x, y) { x } else { y }.clone()),
        (x, y) => x.clone().or_else(|| y.clone()),
    }
}

fn tighter_lo(a: &Bound, b: &Bound) -> bool {
    a.0 > b.0 || (a.0 == b.0 && !a.1 && b.1)
}

fn tighter_hi(a: &Bound, b: &Bound) -> bool {
    a.0 < b.0 || (a.0 == b.0 && !a.1 && b.1)
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
        crate::support::doc_error::check_depth(source, text)?;
        let file: PinsFile = serde_yaml::from_str(text).map_err(|e| {
            anyhow::anyhow!(
                "{}\n(expected `schema: 1` and `pins:` entries with go: \">=1.23.0, <1.28.0\", strategy: injected|stack, linkname: permissive|restricted|unsupported, optional evidence and note)",
                crate::support::doc_error::yaml(source, &e)
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
        let header = "# Which goroutine-ID strategy is verified for which Go versions.\n# Written by `qcompat pins update --from REPORT`; see README.md.\n";
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

/// The 1-based line where `needle` first appears (0 when it does not).
/// Where pins are read from: `--pins`, else `$QCOMPAT_PINS`, else built in.
pub fn default_path(flag: Option<PathBuf>) -> Option<PathBuf> {
    // An empty QCOMPAT_PINS means "not set", as for most variables.
    flag.or_else(|| {
        std::env::var_os("QCOMPAT_PINS")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
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
        let bad = text.replacen("date: '2026-11-27'", "date: '2026-02-31'", 1);
        let e = Pins::parse(&bad, "p.yaml").unwrap_err().to_string();
        assert!(
            e.contains("p.yaml:") && e.contains("2026-02-31") && !e.contains("p.yaml:0:"),
            "{e}"
        );
    }
}
