//! The probe program (fallback-go/cmd/qcompat-probe), embedded so that qcompat
//! can build it anywhere, and the line it prints.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Package path of the probe inside its module.
pub const PACKAGE: &str = "./cmd/qcompat-probe";

/// The build tag that makes the probe a plain one: no injector, only goid's
/// calibrated path checked against runtime.Stack (`build=plain`).
pub const PLAIN_TAG: &str = "qcompat_plain";

const FILES: &[(&str, &str)] = &[
    ("go.mod", include_str!("../../fallback-go/go.mod")),
    (
        "internal/stackid/stackid.go",
        include_str!("../../fallback-go/internal/stackid/stackid.go"),
    ),
    (
        "internal/calib/calib.go",
        include_str!("../../fallback-go/internal/calib/calib.go"),
    ),
    (
        "internal/calib/reach.go",
        include_str!("../../fallback-go/internal/calib/reach.go"),
    ),
    (
        "internal/calib/noreach.go",
        include_str!("../../fallback-go/internal/calib/noreach.go"),
    ),
    (
        "internal/calib/getg_386.s",
        include_str!("../../fallback-go/internal/calib/getg_386.s"),
    ),
    (
        "internal/calib/getg_amd64.s",
        include_str!("../../fallback-go/internal/calib/getg_amd64.s"),
    ),
    (
        "internal/calib/getg_arm.s",
        include_str!("../../fallback-go/internal/calib/getg_arm.s"),
    ),
    (
        "internal/calib/getg_arm64.s",
        include_str!("../../fallback-go/internal/calib/getg_arm64.s"),
    ),
    (
        "internal/calib/getg_loong64.s",
        include_str!("../../fallback-go/internal/calib/getg_loong64.s"),
    ),
    (
        "internal/calib/getg_mips64x.s",
        include_str!("../../fallback-go/internal/calib/getg_mips64x.s"),
    ),
    (
        "internal/calib/getg_mipsx.s",
        include_str!("../../fallback-go/internal/calib/getg_mipsx.s"),
    ),
    (
        "internal/calib/getg_ppc64x.s",
        include_str!("../../fallback-go/internal/calib/getg_ppc64x.s"),
    ),
    (
        "internal/calib/getg_riscv64.s",
        include_str!("../../fallback-go/internal/calib/getg_riscv64.s"),
    ),
    (
        "internal/calib/getg_s390x.s",
        include_str!("../../fallback-go/internal/calib/getg_s390x.s"),
    ),
    (
        "internal/probecheck/probecheck.go",
        include_str!("../../fallback-go/internal/probecheck/probecheck.go"),
    ),
    (
        "internal/probecheck/injected.go",
        include_str!("../../fallback-go/internal/probecheck/injected.go"),
    ),
    (
        "internal/probecheck/plain.go",
        include_str!("../../fallback-go/internal/probecheck/plain.go"),
    ),
    (
        "internal/probecheck/stub.s",
        include_str!("../../fallback-go/internal/probecheck/stub.s"),
    ),
    (
        "cmd/qcompat-probe/main.go",
        include_str!("../../fallback-go/cmd/qcompat-probe/main.go"),
    ),
    (
        "cmd/qcompat-probe/probe_test.go",
        include_str!("../../fallback-go/cmd/qcompat-probe/probe_test.go"),
    ),
    (
        "cmd/qcompat-probe-lib/main.go",
        include_str!("../../fallback-go/cmd/qcompat-probe-lib/main.go"),
    ),
    (
        "cmd/qcompat-probe-lib/host/host.c",
        include_str!("../../fallback-go/cmd/qcompat-probe-lib/host/host.c"),
    ),
    (
        "cmd/qcompat-probe-plugin/main.go",
        include_str!("../../fallback-go/cmd/qcompat-probe-plugin/main.go"),
    ),
    (
        "cmd/qcompat-probe-pluginhost/main.go",
        include_str!("../../fallback-go/cmd/qcompat-probe-pluginhost/main.go"),
    ),
];

/// The pgo build kind's CPU profile of the probe (made by ci/probe_pgo.sh),
/// relative to the module: passed as `-pgo=<dir>/PGO_PROFILE`. Not
/// `default.pgo` in the probe's directory, which every plain build would use.
pub const PGO_PROFILE: &str = "cmd/qcompat-probe/testdata/probe.pgo";

const PGO_BYTES: &[u8] = include_bytes!("../../fallback-go/cmd/qcompat-probe/testdata/probe.pgo");

/// Writes the probe module to a directory named after its content hash under
/// qcompat's cache, once, and returns it. A stable path lets the go build
/// cache reuse the probe's own package between runs. `env` places the cache.
pub fn materialize(env: &crate::support::env::Env) -> Result<PathBuf> {
    let mut key = crate::support::cache::Key::new("probe");
    for (name, text) in FILES {
        key.str(name, text);
    }
    key.bytes(PGO_PROFILE, PGO_BYTES);
    let root = crate::support::cache::Area::Probe.dir(env)?;
    let dir = crate::support::cache::Area::Probe.entry(&key, env)?;
    if dir.join("go.mod").exists() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".probe-")
        .tempdir_in(&root)
        .with_context(|| format!("cannot write in {}", root.display()))?;
    crate::support::scratch::write_files(tmp.path(), FILES)?;
    let pgo = tmp.path().join(PGO_PROFILE);
    if let Some(parent) = pgo.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&pgo, PGO_BYTES).with_context(|| format!("cannot write {}", pgo.display()))?;
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

/// The probe's verdict line: `qcompat-probe ok=true checked=9 goos=... go=...
/// default=injected calibrated=pass offset=152`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeLine {
    pub ok: bool,
    pub checked: u32,
    /// Which path fallback-go's default build takes through this injector
    /// (None: a probe from before the field).
    pub default_build: Option<DefaultBuild>,
    /// goid's calibrated path on that cell; `None` from probes older than it.
    pub calibrated: Option<Calibrated>,
    pub line: String,
}

/// Whether reading g.goid directly, at the offset the probe's scan of g
/// found, gave runtime.Stack's IDs in main and the 8 goroutines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CalibratedResult {
    Pass,
    Fail,
    /// That build cannot reach g (wasm, gccgo, other architectures).
    Unsupported,
}

/// The calibrated check of one cell: its result and the offset of goid in g
/// (0 when none was found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calibrated {
    pub result: CalibratedResult,
    pub offset: u64,
}

/// The variable fallback-go's default build looks for in runtime.
pub const DETECTED_VAR: &str = "qcompatGoroutineIDFunc";

/// Whether fallback-go's default build of `goid` (no tags) sees the
/// injector a binary was built through. It detects an injector by the
/// push-linknamed variable `runtime.qcompatGoroutineIDFunc`
/// (docs/src/fallback-go.md: "How the default build detects an injector").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefaultBuild {
    /// The injector defines the variable: `goid.ID()` calls the accessor.
    Injected,
    /// It does not: `goid.ID()` takes its own path (calibrated where the
    /// offset of g.goid is proven, else runtime.Stack).
    Undetected,
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
    let result = match field("calibrated") {
        Some("pass") => Some(CalibratedResult::Pass),
        Some("fail") => Some(CalibratedResult::Fail),
        Some("unsupported") => Some(CalibratedResult::Unsupported),
        _ => None,
    };
    // A pass needs the offset it passed at; without one the line is not trusted.
    let offset = field("offset").and_then(|o| o.parse::<u64>().ok());
    let calibrated = match (result, offset) {
        (Some(CalibratedResult::Pass), Some(0) | None) => Some(Calibrated {
            result: CalibratedResult::Fail,
            offset: 0,
        }),
        (Some(result), offset) => Some(Calibrated {
            result,
            offset: offset.unwrap_or(0),
        }),
        (None, _) => None,
    };
    Some(ProbeLine {
        ok: field("ok") == Some("true"),
        checked: field("checked").and_then(|c| c.parse().ok()).unwrap_or(0),
        default_build: match field("default") {
            Some("injected") => Some(DefaultBuild::Injected),
            Some("undetected") => Some(DefaultBuild::Undetected),
            _ => None,
        },
        calibrated,
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
        let p =
            parse_line("qcompat-probe ok=true checked=9 go=go1.26.8 default=undetected").unwrap();
        assert_eq!(p.default_build, Some(DefaultBuild::Undetected));
        let bad = parse_line("qcompat-probe ok=false checked=9 mismatch=3/4").unwrap();
        assert!(!bad.ok);
        assert!(parse_line("panic: boom").is_none());
        assert_eq!(p.calibrated, None, "a probe older than the check");
        let c = |l: &str| parse_line(l).unwrap().calibrated.unwrap();
        let pass = c("qcompat-probe ok=true checked=9 go=go1.26.8 calibrated=pass offset=152");
        assert_eq!((pass.result, pass.offset), (CalibratedResult::Pass, 152));
        let un = c("qcompat-probe ok=true checked=9 calibrated=unsupported offset=0");
        assert_eq!(un.result, CalibratedResult::Unsupported);
        assert_eq!(
            c("qcompat-probe ok=true calibrated=fail offset=0").result,
            CalibratedResult::Fail
        );
        // A pass with no offset, or offset 0, proves nothing.
        assert_eq!(
            c("qcompat-probe ok=true calibrated=pass").result,
            CalibratedResult::Fail
        );
        assert_eq!(
            c("qcompat-probe ok=true calibrated=pass offset=x").result,
            CalibratedResult::Fail
        );
    }
}
