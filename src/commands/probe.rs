//! `qcompat probe`: collect one toolchain's facts and print them.

use crate::go::platforms::Platform;
use crate::go::probe::{probe, ProbeReport};
use crate::support::output;
use anyhow::Result;
use std::fmt::Write;

// No doc comment: the subcommand's help is cli's.
#[derive(clap::Args)]
pub struct Args {
    /// Build throwaway programs to measure the linker's linkname policy
    #[arg(long)]
    verify: bool,
}

pub fn run(a: &Args, g: &super::Global) -> Result<std::process::ExitCode> {
    let (_, report) = probe(&g.go()?, a.verify)?;
    output::emit(g.format(), &report, |s| human(&report, s))?;
    Ok(std::process::ExitCode::SUCCESS)
}

fn human(r: &ProbeReport, s: &mut String) {
    use crate::support::output::inline;
    go_lines(&r.go, s);
    match (&r.runtime.goid_field, &r.runtime.goid_type) {
        (true, Some(t)) => {
            let _ = writeln!(s, "runtime     g.goid is {}", inline(t));
        }
        _ => {
            let _ = writeln!(
                s,
                "runtime     no g.goid field: {}",
                inline(r.runtime.problem.as_deref().unwrap_or("unknown layout"))
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
                let _ = writeln!(s, "            linker: {}", inline(m));
            }
        }
    }
    if let Some(d) = &l.disagreement {
        let _ = writeln!(s, "  DISAGREEMENT: {}", inline(d));
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

/// The go command's lines: where it is, its version and environment (values
/// from the environment escaped, each on its line).
fn go_lines(g: &crate::go::probe::GoInfo, s: &mut String) {
    use crate::support::output::inline;
    let _ = writeln!(
        s,
        "go          {} ({})",
        inline(&g.path),
        inline(&g.raw_version)
    );
    let _ = writeln!(
        s,
        "version     {}  compiler {}{}",
        g.version,
        g.compiler,
        if g.devel { "  (devel build)" } else { "" }
    );
    let _ = writeln!(s, "goroot      {}", inline(&g.goroot));
    let _ = writeln!(s, "target      {}/{}", inline(&g.goos), inline(&g.goarch));
    let _ = writeln!(s, "gocache     {}", inline(&g.gocache));
    if !g.goflags.is_empty() {
        let _ = writeln!(s, "goflags     {}", inline(&g.goflags));
    }
    let _ = writeln!(s, "gotoolchain {}", inline(&g.gotoolchain));
    if let Some(n) = &g.toolchain_switch {
        let _ = writeln!(s, "  note: {}", inline(n));
    }
}
