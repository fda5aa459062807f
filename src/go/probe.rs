//! `qcompat probe`: the facts about one toolchain, static or verified by builds.

use crate::go::discover::{self, Toolchain};
use crate::go::gocmd::Go;
use crate::go::linkname::{self, Linkname};
use crate::go::platforms::Platform;
use crate::go::runtime_layout::{self, RuntimeLayout};
use anyhow::Result;
use serde::Serialize;

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct GoInfo {
    pub path: String,
    pub raw_version: String,
    pub version: String,
    pub compiler: crate::go::version::Compiler,
    pub devel: bool,
    pub goroot: String,
    pub gotooldir: String,
    pub goos: String,
    pub goarch: String,
    pub gocache: String,
    pub goflags: String,
    /// The user's own GOTOOLCHAIN setting (qcompat itself runs with `local`).
    pub gotoolchain: String,
    /// Set when that setting would switch toolchains in the current directory.
    pub toolchain_switch: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub schema: u32,
    pub go: GoInfo,
    pub runtime: RuntimeLayout,
    pub linkname: Linkname,
    pub platforms: Vec<Platform>,
}

impl GoInfo {
    pub fn from(tc: &Toolchain) -> GoInfo {
        GoInfo {
            path: tc.go.path.display().to_string(),
            raw_version: tc.version.raw.clone(),
            version: tc.version.version.to_string(),
            compiler: tc.version.compiler,
            devel: tc.version.devel,
            goroot: tc.env.goroot.clone(),
            gotooldir: tc.env.gotooldir.clone(),
            goos: tc.env.goos.clone(),
            goarch: tc.env.goarch.clone(),
            gocache: tc.env.gocache.clone(),
            goflags: tc.env.goflags.clone(),
            gotoolchain: tc.user_gotoolchain.clone(),
            toolchain_switch: tc.toolchain_switch.clone(),
        }
    }
}

/// Gathers the report. `dist list` depends on the toolchain alone: it comes
/// from qcompat's cache after the first probe, so a warm probe runs `go env`
/// only.
pub fn probe(go: &Go, verify: bool) -> Result<(Toolchain, ProbeReport)> {
    let tc = discover::discover(go)?;
    let platforms = crate::go::platforms::platforms_cached(go, &tc);
    // gccgo's go command has no `dist` tool: it builds for the host only.
    let platforms = match platforms {
        Err(_) if tc.version.compiler == crate::go::version::Compiler::Gccgo => {
            crate::go::platforms::host_only(&tc)
        }
        p => p?,
    };
    let runtime = runtime_layout::read(tc.goroot());
    let linkname = linkname::assess(&tc, verify)?;
    let report = ProbeReport {
        schema: SCHEMA,
        go: GoInfo::from(&tc),
        runtime,
        linkname,
        platforms,
    };
    Ok((tc, report))
}
