//! `qcompat select`: gather the facts, decide, and print the strategy (or the
//! go flags a build script uses).

use super::{Global, InjectorArgs};
use crate::go::discover;
use crate::inject::facts::ToolchainFacts;
use crate::policy::select::{self, Coverage, Mode, Selection, Shown};
use crate::support::output::{self, inline};
use anyhow::Result;
use std::fmt::Write;

/// The shell-ready forms of a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LineFormat {
    /// One line of go flags, to append to GOFLAGS or pass to go build.
    Goflags,
    /// `export GOFLAGS=...` (and `export GOCACHE=...` when the injector
    /// needs a cache of its own), for `eval`.
    Env,
}

// No doc comment: the subcommand's help is cli's.
#[derive(clap::Args)]
pub struct Args {
    /// Use pins and the static probe only (no builds)
    #[arg(long, conflicts_with = "verify")]
    offline: bool,
    /// Always verify live with a build through the injector
    #[arg(long)]
    verify: bool,
    /// With --verify, also build and run the probe in these build kinds
    /// (test, race, cover, debug, pie, trimpath, pgo, c-shared, c-archive,
    /// plugin; comma-separated); one that fails means stack
    #[arg(long, value_enum, value_delimiter = ',', requires = "verify")]
    builds: Vec<crate::verify::kind::BuildKind>,
    /// Print the go command flags a build script can use (goflags: one
    /// line to append to GOFLAGS; env: `export GOFLAGS=...` and, when the
    /// injector needs it, `export GOCACHE=...`, for a shell to eval)
    #[arg(long, value_enum)]
    format: Option<LineFormat>,
    /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
    #[arg(long, value_name = "FILE")]
    pins: Option<std::path::PathBuf>,
    #[command(flatten)]
    injector: InjectorArgs,
}

pub fn run(a: &Args, g: &Global) -> Result<std::process::ExitCode> {
    let (offline, verify, line, injector) = (a.offline, a.verify, a.format, &a.injector);
    let pins = a.pins.clone();
    if line.is_some() && g.format() != crate::support::output::Format::Human {
        anyhow::bail!("--format goflags/env prints shell-ready lines; drop --json/--yaml (or drop --format for the JSON selection)");
    }
    let pins = super::pins::load(pins)?;
    let go = g.go()?;
    let tc = discover::discover(&go)?;
    if let Err(words) = go.check_goflags(&tc.env.goflags) {
        anyhow::bail!(
            "the go command refuses GOFLAGS={}: {words}; every go build fails so: remove or correct that flag, then select again",
            tc.env.goflags
        );
    }
    let program = super::program(injector)?;
    let inj = super::injector_request(injector)?.choose(&tc)?;
    let t = ToolchainFacts::of(tc);
    let mode = if offline {
        Mode::Offline
    } else if verify {
        Mode::Verify
    } else {
        Mode::Default
    };
    let s = select::select(
        &t,
        &pins,
        &inj,
        &t.injector(&inj, None, t.toolchain.go.timeout),
        select::Ask {
            mode,
            offline_why: "--offline was given",
            program: program.as_ref(),
            builds: &a.builds,
        },
    )?;
    match (line, &s.unbuildable) {
        // No flags that would fail: why, and the fix, instead.
        (Some(_), Some(u)) => {
            crate::errln!("qcompat: no flags build the program: {}", inline(&u.reason));
            if let Some(fix) = &u.fix {
                crate::errln!("qcompat: fix: {}", inline(fix));
            }
        }
        (Some(l), None) => lines(&s, l, &t.toolchain.env.goflags)?,
        (None, _) => output::emit(g.format(), &s, |out| human(&s, out))?,
    }
    Ok(if s.unbuildable.is_some() {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// Prints the selection as go flags, or as shell lines that also set the
/// GOCACHE an injector that leaves `-V=full` unchanged needs.
fn lines(s: &Selection, format: LineFormat, goflags: &str) -> Result<()> {
    let toolexec = if s.toolexec_required {
        goflags_toolexec(s)?
    } else {
        String::new()
    };
    let own_cache = s.gocache.as_deref().filter(|_| s.toolexec_required);
    match format {
        LineFormat::Goflags => {
            if let Some(dir) = own_cache {
                crate::errln!(
                    "qcompat: {} leaves `compile -V=full` unchanged: build with these flags in a GOCACHE of its own (GOCACHE={}), or a plain runtime.a from your usual cache is linked and the build fails with `relocation target runtime.GoroutineID not defined`; `--format env` prints both",
                    inline(&s.toolexec),
                    inline(&crate::support::shell::shell_quote(dir))
                );
            }
            crate::outln!("{}", s.goflags(&toolexec, goflags))?;
        }
        LineFormat::Env => {
            let q = crate::support::shell::shell_quote;
            crate::outln!("export GOFLAGS={}", q(&s.full_goflags(&toolexec, goflags)))?;
            if let Some(dir) = own_cache {
                crate::outln!("export GOCACHE={}", q(dir))?;
            }
        }
    }
    Ok(())
}

/// The injector as one word when it can be (the qcompat-toolexec link for
/// qcompat's own, so it fits GOFLAGS too); else as given.
fn goflags_toolexec(s: &Selection) -> Result<String> {
    if !s.injector.is_builtin() {
        return Ok(s.toolexec.clone());
    }
    let env = super::env_snapshot();
    let link = crate::inject::command::toolexec_link(&env)?;
    let link = link.to_string_lossy();
    if crate::support::shell::shell_quote(&link) != link {
        return crate::inject::command::self_toolexec(&env);
    }
    Ok(link.into_owned())
}

pub fn human(s: &Selection, out: &mut String) {
    let _ = writeln!(
        out,
        "strategy    {} (build tags: {}; toolexec {})",
        s.strategy,
        if s.build_tags.is_empty() {
            "none, goid's default build".to_string()
        } else {
            s.build_tags.join(",")
        },
        if s.toolexec_required {
            "required"
        } else {
            "not needed"
        }
    );
    let _ = writeln!(
        out,
        "injector    {}",
        if s.injector.is_builtin() {
            "qcompat toolexec (built in)".to_string()
        } else {
            format!(
                "{} ({} {})",
                inline(&s.toolexec),
                s.injector.hash_label(),
                crate::support::cache::short_hash(&s.injector.sha256)
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
            Shown::Nothing => "not checked",
            Shown::Works => "yes",
            Shown::Fails => "failed",
        }
    );
    for r in &s.reasons {
        let _ = writeln!(out, "  - {}", inline(r));
    }
    if let Some(u) = &s.unbuildable {
        let _ = writeln!(out, "unbuildable {}", inline(&u.reason));
        if let Some(f) = &u.fix {
            let _ = writeln!(out, "  fix: {}", inline(f));
        }
    }
    if let Some(p) = &s.program {
        let works = match p.works {
            Shown::Works => "works",
            Shown::Fails => "does not work",
            Shown::Nothing => "not shown",
        };
        let _ = writeln!(
            out,
            "program     {} {}: {works}",
            inline(&p.facts.dir),
            inline(&p.facts.package)
        );
        if let Some(f) = &p.fix {
            let _ = writeln!(out, "  fix: {}", inline(f));
        }
    }
}
