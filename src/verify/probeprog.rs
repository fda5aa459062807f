//! The probe program (fallback-go/cmd/qcompat-probe), embedded so that qcompat
//! can build it anywhere, and the line it prints.

use anyhow::{Context, Result};
use std::path::PathBuf;

/// Package path of the probe inside its module.
pub const PACKAGE: &str = "./cmd/qcompat-probe";

const FILES: &[(&str, &str)] = &[
    ("go.mod", include_str!("../../fallback-go/go.mod")),
    (
        "internal/stackid/stackid.go",
        include_str!("../../fallback-go/internal/stackid/stackid.go"),
    ),
    (
        "cmd/qcompat-probe/main.go",
        include_str!("../../fallback-go/cmd/qcompat-probe/main.go"),
    ),
    (
        "cmd/qcompat-probe/stub.s",
        include_str!("../../fallback-go/cmd/qcompat-probe/stub.s"),
    ),
];

/// Writes the probe module to a directory named after its content hash under
/// qcompat's cache, once, and returns it. A stable path lets the go build
/// cache reuse the probe's own package between runs.
pub fn materialize() -> Result<PathBuf> {
    let mut key = crate::support::cache::Key::new("probe");
    for (name, text) in FILES {
        key.str(name, text);
    }
    let root = crate::support::cache::Area::Probe.dir()?;
    let dir = crate::support::cache::Area::Probe.entry(&key)?;
    if dir.join("go.mod").exists() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".probe-")
        .tempdir_in(&root)
        .with_context(|| format!("cannot write in {}", root.display()))?;
    crate::support::scratch::write_files(tmp.path(), FILES)?;
    match std::fs::rename(tmp.path(), &dir) {
        Ok(()) => {
            let _ = tmp.keep();
        }
        // Another process got there first with the same content.
        Err(_) if dir.join("go.mod").exists() => {}
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", dir.display())),
    }
    Ok(dir)
}

/// The probe's verdict line: `qcompat-probe ok=true checked=9 goos=... go=... default=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeLine {
    pub ok: bool,
    pub checked: u32,
    /// Which path fallback-go's default build takes through this injector
    /// (None: a probe from before the field).
    pub default_build: Option<DefaultBuild>,
    pub line: String,
}

/// The variable fallback-go's default build looks for in runtime.
pub const DETECTED_VAR: &str = "qcompatGoroutineIDFunc";

/// The path fallback-go's default build of `goid` (no tags) takes in a
/// binary built through an injector. It detects an injector by the
/// push-linknamed variable `runtime.qcompatGoroutineIDFunc` (README: "How
/// the default build detects an injector").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefaultBuild {
    /// The injector defines the variable: `goid.ID()` calls the accessor.
    Injected,
    /// It does not: `goid.ID()` parses runtime.Stack in this build.
    Stack,
}

/// Finds and reads the verdict line in a run's output.
pub fn parse_line(output: &str) -> Option<ProbeLine> {
    let line = output
        .lines()
        .find(|l| l.starts_with("qcompat-probe "))?
        .trim()
        .to_string();
    let field = |k: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(k).and_then(|v| v.strip_prefix('=')))
    };
    Some(ProbeLine {
        ok: field("ok") == Some("true"),
        checked: field("checked").and_then(|c| c.parse().ok()).unwrap_or(0),
        default_build: match field("default") {
            Some("injected") => Some(DefaultBuild::Injected),
            Some("stack") => Some(DefaultBuild::Stack),
            _ => None,
        },
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_probe_lines() {
        let p = parse_line(
            "noise\nqcompat-probe ok=true checked=9 goos=linux goarch=arm64 go=go1.26.8\n",
        )
        .unwrap();
        assert!(p.ok);
        assert_eq!(p.checked, 9);
        assert_eq!(p.default_build, None);
        let p = parse_line("qcompat-probe ok=true checked=9 go=go1.26.8 default=stack").unwrap();
        assert_eq!(p.default_build, Some(DefaultBuild::Stack));
        let bad = parse_line("qcompat-probe ok=false checked=9 mismatch=3/4").unwrap();
        assert!(!bad.ok);
        assert!(parse_line("panic: boom").is_none());
    }
}
