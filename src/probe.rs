//! `qcompat probe`: the facts about one toolchain, static or verified by builds.

use crate::discover::{self, Platform, Toolchain};
use crate::gocmd::Go;
use crate::linkname::{self, Linkname};
use crate::output::{self, Format};
use crate::runtime_layout::{self, RuntimeLayout};
use anyhow::Result;
use serde::Serialize;
use std::fmt::Write;

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct GoInfo {
    pub path: String,
    pub raw_version: String,
    pub version: String,
    pub compiler: crate::version::Compiler,
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

/// Gathers the report. `go env` and `dist list` run side by side.
pub fn probe(go: &Go, verify: bool) -> Result<(Toolchain, ProbeReport)> {
    let (tc, platforms) = std::thread::scope(|s| {
        let plats = s.spawn(|| discover::platforms(go));
        let tc = discover::discover(go);
        (tc, plats.join().expect("dist list thread"))
    });
    let tc = tc?;
    // gccgo's go command has no `dist` tool: it builds for the host only.
    let platforms = match platforms {
        Err(_) if tc.version.compiler == crate::version::Compiler::Gccgo => {
            discover::host_only(&tc)
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

pub fn run(go: &Go, verify: bool, format: Format) -> Result<()> {
    let (_, report) = probe(go, verify)?;
    output::emit(format, &report, |s| human(&report, s))
}

fn human(r: &ProbeReport, s: &mut String) {
    let g = &r.go;
    let _ = writeln!(s, "go          {} ({})", g.path, g.raw_version);
    let _ = writeln!(
        s,
        "version     {}  compiler {}{}",
        g.version,
        g.compiler,
        if g.devel { "  (devel build)" } else { "" }
    );
    let _ = writeln!(s, "goroot      {}", g.goroot);
    let _ = writeln!(s, "target      {}/{}", g.goos, g.goarch);
    let _ = writeln!(s, "gocache     {}", g.gocache);
    if !g.goflags.is_empty() {
        let _ = writeln!(s, "goflags     {}", g.goflags);
    }
    let _ = writeln!(s, "gotoolchain {}", g.gotoolchain);
    if let Some(n) = &g.toolchain_switch {
        let _ = writeln!(s, "  note: {n}");
    }
    match (&r.runtime.goid_field, &r.runtime.goid_type) {
        (true, Some(t)) => {
            let _ = writeln!(s, "runtime     g.goid is {t}");
        }
        _ => {
            let _ = writeln!(
                s,
                "runtime     no g.goid field: {}",
                r.runtime.problem.as_deref().unwrap_or("unknown layout")
            );
        }
    }
    let l = &r.linkname;
    let _ = writeln!(s, "linkname    expected {}", l.expected);
    match &l.verified {
        None => {
            let _ = writeln!(
                s,
                "            measured: not verified (pass --verify to build test programs)"
            );
        }
        Some(v) => {
            let _ = writeln!(
                s,
                "            measured {}: pull of runtime.findnull {}, -checklinkname=0 {}",
                v.policy,
                if v.pull_unmarked_allowed {
                    "links"
                } else {
                    "refused"
                },
                if v.checklinkname_flag {
                    "accepted"
                } else {
                    "rejected"
                }
            );
            if let Some(m) = &v.message {
                let _ = writeln!(s, "            linker: {m}");
            }
        }
    }
    if let Some(d) = &l.disagreement {
        let _ = writeln!(s, "  DISAGREEMENT: {d}");
    }
    let first: Vec<String> = r
        .platforms
        .iter()
        .filter(|p| p.first_class)
        .map(Platform::name)
        .collect();
    let _ = writeln!(
        s,
        "platforms   {} pairs, first class: {}",
        r.platforms.len(),
        first.join(" ")
    );
}
