//! `qcompat select`: gather the facts, decide, and print the strategy (or the
//! go flags a build script uses).

use crate::cli::{Global, InjectorArgs};
use crate::go::{discover, runtime_layout};
use crate::policy::select::{self, Coverage, Mode, Selection};
use crate::support::output::{self, Format};
use anyhow::Result;
use std::fmt::Write;

pub fn run(
    g: &Global,
    offline: bool,
    verify: bool,
    goflags_only: bool,
    pins: Option<std::path::PathBuf>,
    injector: &InjectorArgs,
) -> Result<()> {
    if goflags_only && (g.json || g.yaml) {
        anyhow::bail!("--format goflags prints one line of go flags; drop --json/--yaml (or drop --format for the JSON selection)");
    }
    let pins = super::pins::load(pins)?;
    let go = g.go()?;
    let tc = discover::discover(&go)?;
    let program = super::program(injector)?;
    let inj = super::injector_request(injector)?.choose(&tc)?;
    let layout = runtime_layout::read(tc.goroot());
    let mode = if offline {
        Mode::Offline
    } else if verify {
        Mode::Verify
    } else {
        Mode::Default
    };
    let s = select::select(
        &tc,
        &layout,
        &pins,
        &inj,
        select::ask_salted(&tc, &inj),
        mode,
        "--offline was given",
        program.as_ref(),
    )?;
    render(&s, g.format(), goflags_only)
}

fn render(s: &Selection, format: Format, goflags_only: bool) -> Result<()> {
    if goflags_only {
        let toolexec = if s.toolexec_required {
            goflags_toolexec(s)?
        } else {
            String::new()
        };
        crate::outln!("{}", s.goflags(&toolexec))?;
        return Ok(());
    }
    output::emit(format, s, |out| human(s, out))
}

/// The injector as one word when it can be (the qcompat-toolexec link for
/// qcompat's own, so it fits GOFLAGS too); else as given.
fn goflags_toolexec(s: &Selection) -> Result<String> {
    if s.injector.name != "builtin" {
        return Ok(s.toolexec.clone());
    }
    let link = crate::inject::command::toolexec_link()?;
    let link = link.to_string_lossy();
    if crate::support::shell::shell_quote(&link) != link {
        return crate::inject::command::self_toolexec();
    }
    Ok(link.into_owned())
}

pub fn human(s: &Selection, out: &mut String) {
    let _ = writeln!(
        out,
        "strategy    {} (build tags: {}; toolexec {})",
        s.strategy,
        s.build_tags.join(","),
        if s.toolexec_required {
            "required"
        } else {
            "not needed"
        }
    );
    let _ = writeln!(
        out,
        "injector    {}",
        if s.injector.name == "builtin" {
            "qcompat toolexec (built in)".to_string()
        } else {
            format!(
                "{} ({} {})",
                s.toolexec,
                s.injector.hash_label(),
                &s.injector.sha256[..12.min(s.injector.sha256.len())]
            )
        }
    );
    let _ = writeln!(
        out,
        "pinned      {} ({})   verified {}",
        if s.pinned { "yes" } else { "no" },
        match s.coverage {
            Coverage::Tested => "tested",
            Coverage::Untested => "untested",
        },
        match s.verified {
            None => "not checked",
            Some(true) => "yes",
            Some(false) => "failed",
        }
    );
    for r in &s.reasons {
        let _ = writeln!(out, "  - {r}");
    }
    if let Some(p) = &s.program {
        let works = match p.works {
            Some(true) => "works",
            Some(false) => "does not work",
            None => "not shown",
        };
        let _ = writeln!(
            out,
            "program     {} {}: {works}",
            p.facts.dir, p.facts.package
        );
        if let Some(f) = &p.fix {
            let _ = writeln!(out, "  fix: {f}");
        }
    }
}
