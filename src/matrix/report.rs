//! The matrix report: what every cell did, saved as JSON or YAML, merged
//! across shards.

use super::shard::Shard;
use crate::support::doc_error;
use crate::support::fs::write_atomic;
use crate::verify::cell::Outcome;
use crate::verify::kind::BuildKind;
use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolchainInfo {
    /// `go1.26.8`
    pub go: String,
    pub path: String,
    pub goroot: String,
    /// The injector under test left `compile -V=full` unchanged, so its
    /// cells used a private GOCACHE.
    #[serde(default)]
    pub private_gocache: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The Go release that built the injector, when it is a Go binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injector_built_by: Option<String>,
    /// This toolchain's build of an injector given as a Go package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injector_build: Option<crate::inject::build::BuildInfo>,
    /// `g.goid`'s type in this runtime (`int64`, `uint64`), read from its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goid_type: Option<String>,
    /// The linker's linkname policy as measured by two throwaway builds
    /// (`probe --verify`), not predicted from the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkname: Option<crate::go::linkname::Policy>,
}

/// One cell of the report: where it ran and what happened there.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Cell {
    pub go: String,
    pub goos: String,
    pub goarch: String,
    /// Which build of the program (reports from before build kinds: `build`).
    #[serde(default)]
    pub build: BuildKind,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The probe's check of goid's calibrated path, on cells that executed
    /// the probe (read from its verdict line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrated: Option<crate::verify::probeprog::Calibrated>,
}

/// Written by hand only to keep the report's key order (duration before
/// `verified`, as reports have always had it); the fields are the outcome's.
impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let o = &self.outcome;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("go", &self.go)?;
        m.serialize_entry("goos", &self.goos)?;
        m.serialize_entry("goarch", &self.goarch)?;
        m.serialize_entry("build", &self.build)?;
        m.serialize_entry("status", &o.status)?;
        m.serialize_entry("duration_s", &o.duration_s)?;
        m.serialize_entry("verified", &o.verified)?;
        m.serialize_entry("command", &o.command)?;
        m.serialize_entry("stderr_excerpt", &o.stderr_excerpt)?;
        if let Some(n) = &o.note {
            m.serialize_entry("note", n)?;
        }
        if let Some(d) = &o.diagnosis {
            m.serialize_entry("diagnosis", d)?;
        }
        if let Some(c) = &self.calibrated {
            m.serialize_entry("calibrated", c)?;
        }
        m.end()
    }
}

impl Cell {
    /// A cell that failed because of the machine, not the injector.
    pub fn environmental(&self) -> bool {
        self.outcome
            .diagnosis
            .as_ref()
            .is_some_and(|d| d.class == crate::verify::diagnosis::Class::Environment)
    }

    /// The cell's GOOS/GOARCH (the document keeps them as two fields).
    pub fn target(&self) -> crate::go::platforms::Target<'_> {
        crate::go::platforms::Target {
            goos: &self.goos,
            goarch: &self.goarch,
        }
    }

    pub fn new(
        go: &str,
        target: crate::go::platforms::Target,
        build: BuildKind,
        mut outcome: Outcome,
    ) -> Cell {
        outcome.duration_s = (outcome.duration_s * 1000.0).round() / 1000.0;
        let calibrated = match outcome.verified {
            crate::verify::cell::Verified::Exec => outcome
                .note
                .as_deref()
                .and_then(crate::verify::probeprog::parse_line)
                .and_then(|p| p.calibrated),
            _ => None,
        };
        Cell {
            calibrated,
            go: go.to_string(),
            goos: target.goos.to_string(),
            goarch: target.goarch.to_string(),
            build,
            outcome,
        }
    }

    pub fn platform(&self) -> String {
        format!("{}/{}", self.goos, self.goarch)
    }

    /// `linux/amd64`, or `linux/amd64 race` for a kind other than `build`:
    /// what names the cell within its toolchain.
    pub fn place(&self) -> String {
        match self.build {
            BuildKind::Build => self.platform(),
            k => format!("{} {k}", self.platform()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema: u32,
    /// False when the run was interrupted or shards are missing.
    pub complete: bool,
    /// RFC 3339.
    pub started: String,
    pub qcompat_version: String,
    pub spec: String,
    /// The git commit qcompat was built from (`unknown` outside a checkout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qcompat_commit: Option<String>,
    pub toolexec: String,
    /// The injector under test's identity (missing in reports written
    /// before it was recorded: qcompat's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injector: Option<crate::inject::injector::Identity>,
    /// The spec's `program:` (`DIR PACKAGE`), when not the probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// `I/N` for one shard's report; None for a whole run or a merge.
    #[serde(default)]
    pub shard: Option<Shard>,
    /// Shards that a merge combined, e.g. ["1/2", "2/2"].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_shards: Vec<Shard>,
    /// What every shard of the run shares (the spec's bytes, the whole
    /// plan); missing in reports written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<super::fingerprint::Fingerprint>,
    pub toolchains: Vec<ToolchainInfo>,
    /// Things the reader should know (ports missing from a toolchain, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub cells: Vec<Cell>,
}

impl Report {
    pub fn failures(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| c.outcome.status.is_failure())
    }

    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for c in &self.cells {
            *m.entry(c.outcome.status.name()).or_insert(0) += 1;
        }
        m
    }

    /// The cells that were skipped (cgo-only ports, an injector or program
    /// the toolchain cannot build, gccgo).
    pub fn skips(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| c.outcome.status.is_skip())
    }

    /// Go versions in first-seen order.
    pub fn versions(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for t in &self.toolchains {
            if !v.contains(&t.go) {
                v.push(t.go.clone());
            }
        }
        for c in &self.cells {
            if !v.contains(&c.go) {
                v.push(c.go.clone());
            }
        }
        v
    }
}

/// Writes a report as YAML or JSON (by extension), atomically.
pub fn write(report: &Report, path: &Path) -> Result<()> {
    let text = match format_of(path)? {
        Kind::Json => serde_json::to_string_pretty(report)? + "\n",
        Kind::Yaml => serde_yaml::to_string(report)?,
    };
    write_atomic(path, &text)
}

pub enum Kind {
    Json,
    Yaml,
}

/// Whether a report file is JSON or YAML, from its extension.
pub fn format_of(path: &Path) -> Result<Kind> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Ok(Kind::Json),
        Some("yaml" | "yml") => Ok(Kind::Yaml),
        _ => bail!(
            "report file {} must end in .json, .yaml or .yml",
            path.display()
        ),
    }
}

pub fn read(path: &Path) -> Result<Report> {
    if path.extension().is_some_and(|e| e == "journal") {
        return read_journal(path);
    }
    let text = doc_error::read_document(path, "report", 256 << 20)?;
    parse(&text, format_of(path)?, &path.display().to_string())
}

/// Parses a report's text (`source` names it in errors).
pub fn parse(text: &str, kind: Kind, source: &str) -> Result<Report> {
    doc_error::check_depth(source, text)?;
    let r: Report = match kind {
        Kind::Json => serde_json::from_str(text).map_err(|e| {
            let e = doc_error::json(source, &e);
            anyhow!("{e} (not a qcompat matrix report?)")
        })?,
        Kind::Yaml => crate::support::yaml::from_str(source, text, |e| {
            format!("{e} (not a qcompat matrix report?)")
        })?,
    };
    if r.schema != SCHEMA {
        bail!(
            "{source}: report schema {} is not supported (expected {SCHEMA})",
            r.schema
        );
    }
    Ok(r)
}

/// A run's cells as they finish, one JSON line each after a header line (the
/// report without cells), beside `--report` as `REPORT.journal`. A run that
/// dies, or cannot write its report at the end (a full disk), leaves it for
/// `matrix merge REPORT.journal` to turn into a report (`complete: false`).
pub struct Journal {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Journal {
    pub fn path_for(report: &Path) -> PathBuf {
        let mut p = report.as_os_str().to_owned();
        p.push(".journal");
        PathBuf::from(p)
    }

    /// Starts the journal; a journal that cannot be written is a warning
    /// (returned for the reporter to show), not a reason to stop the run.
    pub fn start(report: &Path, header: &Report) -> (Journal, Option<String>) {
        let path = Journal::path_for(report);
        let file = (|| -> Result<std::fs::File> {
            let mut f = std::fs::File::create(&path)?;
            let head = Report {
                cells: vec![],
                ..header.clone()
            };
            writeln!(f, "{}", serde_json::to_string(&head)?)?;
            Ok(f)
        })();
        match file {
            Ok(f) => (
                Journal {
                    path,
                    file: Some(f),
                },
                None,
            ),
            Err(e) => {
                let warning = format!(
                    "cannot keep the journal {} ({e:#}); results exist only in memory until the end",
                    path.display()
                );
                (Journal { path, file: None }, Some(warning))
            }
        }
    }

    /// Appends the cell; a write that fails stops the journal, and the
    /// warning is returned for the reporter to show.
    pub fn record(&mut self, cell: &Cell) -> Option<String> {
        let f = self.file.as_mut()?;
        let line = serde_json::to_string(cell).unwrap_or_default();
        let e = writeln!(f, "{line}").and_then(|()| f.flush()).err()?;
        self.file = None;
        Some(format!(
            "cannot write the journal {}: {e}",
            self.path.display()
        ))
    }

    /// The report is written: the journal is no longer needed.
    pub fn close(self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Rebuilds a report from a journal: whatever cells it holds, incomplete.
fn read_journal(path: &Path) -> Result<Report> {
    let text = doc_error::read_document(path, "journal", 256 << 20)?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let head = lines
        .next()
        .ok_or_else(|| anyhow!("{}: an empty journal", path.display()))?;
    let mut r: Report = serde_json::from_str(head).map_err(|e| {
        anyhow!(
            "{} (not a qcompat matrix journal?)",
            doc_error::json(&path.display().to_string(), &e)
        )
    })?;
    let mut torn = 0;
    for l in lines {
        // The last line may be cut short by the crash.
        match serde_json::from_str::<Cell>(l) {
            Ok(c) => r.cells.push(c),
            Err(_) => torn += 1,
        }
    }
    r.complete = false;
    r.notes.push(format!(
        "recovered from the journal {}: {} cells{}",
        path.display(),
        r.cells.len(),
        if torn > 0 {
            format!(", {torn} unreadable line(s) dropped")
        } else {
            String::new()
        }
    ));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cell's hand-written Serialize names the outcome's fields one by one:
    /// a field added to Outcome must reach the report too.
    #[test]
    fn cell_json_has_every_outcome_field() {
        use crate::verify::cell::{Status, Verified};
        use crate::verify::diagnosis::{Class, Diagnosis};
        let outcome = Outcome {
            status: Status::FailBuild,
            verified: Verified::Link,
            duration_s: 1.5,
            command: "go build".into(),
            stderr_excerpt: "e".into(),
            note: Some("n".into()),
            diagnosis: Some(Diagnosis {
                class: Class::RuntimeFile,
                evidence: "e".into(),
                explanation: "x".into(),
                fix: "f".into(),
            }),
        };
        let keys = |v: serde_json::Value| -> Vec<String> {
            v.as_object().unwrap().keys().cloned().collect()
        };
        let cell = serde_json::to_value(Cell::new(
            "go1.26.8",
            crate::go::platforms::Target {
                goos: "linux",
                goarch: "amd64",
            },
            BuildKind::Build,
            outcome.clone(),
        ))
        .unwrap();
        let mut want = keys(serde_json::to_value(&outcome).unwrap());
        want.extend(["go", "goos", "goarch", "build"].map(String::from));
        let mut got = keys(cell.clone());
        want.sort();
        got.sort();
        assert_eq!(got, want);
        let back: Cell = serde_json::from_value(cell).unwrap();
        assert_eq!(back.outcome, outcome);
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,200}") {
            let _ = parse(&s, Kind::Json, "r.json");
            let _ = parse(&s, Kind::Yaml, "r.yaml");
            let _ = s.parse::<Shard>();
            let _ = crate::toolchains::parse_selector(&s);
            let _ = crate::matrix::spec::parse(&s, Path::new("s.yaml"));
            let _ = crate::go::version::parse(&s);
        }

        #[test]
        fn yaml_shaped_input_never_panics(
            s in "(schema: 1\n)?(pins|toolchains|cells|platforms):( \\[| \\{|\n- )[ -~\n]{0,120}"
        ) {
            let _ = parse(&s, Kind::Yaml, "r.yaml");
            let _ = crate::matrix::spec::parse(&s, Path::new("s.yaml"));
        }
    }
}
