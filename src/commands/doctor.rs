//! `qcompat doctor`: run the checks and print them.

use super::{Global, InjectorArgs};
use crate::policy::doctor::{self, Level, Report};
use crate::support::output::{self, Format, Style};
use anyhow::Result;
use std::fmt::Write;
use std::process::ExitCode;

// No doc comment: the subcommand's help is cli's.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    injector: InjectorArgs,
    /// Also build and run the probe program (and --program) through the injector
    #[arg(long)]
    deep: bool,
    /// With --deep, also build and run the probe in these build kinds
    /// (test, race, cover, debug, pie, trimpath, pgo, c-shared, c-archive,
    /// plugin; comma-separated)
    #[arg(long, value_enum, value_delimiter = ',', requires = "deep")]
    builds: Vec<crate::verify::kind::BuildKind>,
    /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
    #[arg(long, value_name = "FILE")]
    pins: Option<std::path::PathBuf>,
}

pub fn run(a: &Args, g: &Global) -> Result<ExitCode> {
    let (injector, deep) = (&a.injector, a.deep);
    let pins = super::pins::load(a.pins.clone())?;
    let program = super::program(injector)?;
    let injector = super::injector_request(injector)?;
    let gocache_set = std::env::var_os("GOCACHE");
    let report = doctor::diagnose(&doctor::Options {
        gocache_set: gocache_set.as_deref(),
        program: program.as_ref(),
        go_flag: g.go.as_deref(),
        timeout: g.timeout(),
        injector: &injector,
        deep,
        builds: &a.builds,
        pins: &pins,
        env: &super::env_snapshot(),
        cancel: crate::support::process::Cancel::on_interrupt(),
    });
    render(&report, g.format())?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn render(r: &Report, format: Format) -> Result<()> {
    let style = Style::detect();
    output::emit(format, r, |s| {
        for c in &r.checks {
            let tag = match c.status {
                Level::Ok => style.green("ok  "),
                Level::Warn => style.yellow("warn"),
                Level::Fail => style.red("FAIL"),
            };
            let _ = writeln!(s, "{tag} {:<12} {}", c.id, output::inline(&c.message));
            if let Some(f) = &c.fix {
                let _ = writeln!(s, "     {:<12} fix: {}", "", output::inline(f));
            }
        }
        if let Some(sel) = &r.selection {
            let _ = writeln!(s);
            super::select::human(sel, s);
        }
        let _ = writeln!(
            s,
            "\n{} {}",
            style.bold("advice:"),
            output::inline(&r.advice)
        );
    })
}
