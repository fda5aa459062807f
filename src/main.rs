//! qcompat: will a toolexec-injected `runtime.GoroutineID` work with this Go
//! toolchain and platform? Probes, proves with real builds, and picks a fallback.

mod cell;
mod companion;
mod discover;
mod doctor;
mod gocmd;
mod linkname;
mod output;
mod paths;
mod pins;
mod probe;
mod probeprog;
mod process;
mod runner;
mod runtime_layout;
mod scratch;
mod select;
mod toolexec;
mod toolid;
mod version;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use output::Format;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "qcompat", version, about, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Cmd,
}

/// Options every subcommand shares.
#[derive(Args, Clone)]
struct Global {
    /// The go command to use
    #[arg(long, global = true, env = "QCOMPAT_GO", value_name = "PATH")]
    go: Option<PathBuf>,
    /// Print one JSON document
    #[arg(long, global = true, conflicts_with = "yaml")]
    json: bool,
    /// Print one YAML document
    #[arg(long, global = true)]
    yaml: bool,
    /// Limit for each go command qcompat runs, in seconds
    #[arg(long, global = true, default_value_t = 120, value_name = "SECS")]
    timeout: u64,
}

impl Global {
    fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else if self.yaml {
            Format::Yaml
        } else {
            Format::Human
        }
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout.max(1))
    }

    fn go(&self) -> Result<gocmd::Go> {
        gocmd::Go::locate(self.go.as_deref(), self.timeout())
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Report what a Go toolchain will do with an injected runtime.GoroutineID
    Probe {
        /// Build throwaway programs to measure the linker's linkname policy
        #[arg(long)]
        verify: bool,
    },
    /// Decide which goroutine-ID strategy to build with
    Select {
        /// Use pins and the static probe only (no builds)
        #[arg(long, conflicts_with = "verify")]
        offline: bool,
        /// Always verify live with a build through the injector
        #[arg(long)]
        verify: bool,
        /// Print the go command flags a build script can use
        #[arg(long, value_parser = ["goflags"])]
        format: Option<String>,
        /// Pins file (default: $QCOMPAT_PINS, else the built-in matrix/pins.yaml)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
    },
    /// Check this Go setup and say what to do
    Doctor {
        /// The user's injector (e.g. `q`): check that it alters `compile -V=full`
        #[arg(long, value_name = "CMD")]
        toolexec: Option<String>,
        /// Also build and run the probe program through the injector
        #[arg(long)]
        deep: bool,
        /// Pins file (default: $QCOMPAT_PINS, else the built-in matrix/pins.yaml)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
    },
    /// The injector: use as go build -toolexec="qcompat toolexec"
    #[command(disable_help_flag = true)]
    Toolexec {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
}

fn main() -> ExitCode {
    // The injector runs for every compile and link: skip clap and keep the
    // tool's arguments exactly as the go command passed them.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == "toolexec") {
        return toolexec::main(args.collect());
    }
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("qcompat: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<ExitCode> {
    let cli = Cli::parse();
    let g = &cli.global;
    match cli.command {
        Cmd::Probe { verify } => probe::run(&g.go()?, verify, g.format())?,
        Cmd::Select {
            offline,
            verify,
            format,
            pins,
        } => {
            let pins = pins::Pins::load(pins::default_path(pins).as_deref())?;
            let go = g.go()?;
            let tc = discover::discover(&go)?;
            let layout = runtime_layout::read(tc.goroot());
            let mode = if offline {
                select::Mode::Offline
            } else if verify {
                select::Mode::Verify
            } else {
                select::Mode::Default
            };
            let s = select::select(&tc, &layout, &pins, mode)?;
            select::render(&s, g.format(), format.is_some())?;
        }
        Cmd::Doctor {
            toolexec,
            deep,
            pins,
        } => {
            let pins = pins::Pins::load(pins::default_path(pins).as_deref())?;
            let report = doctor::diagnose(&doctor::Options {
                go_flag: g.go.as_deref(),
                timeout: g.timeout(),
                toolexec: toolexec.as_deref(),
                deep,
                pins: &pins,
            });
            doctor::render(&report, g.format())?;
            if !report.ok {
                return Ok(ExitCode::from(1));
            }
        }
        // Handled before clap runs; reached only through odd spellings.
        Cmd::Toolexec { args } => return Ok(toolexec::main(args)),
    }
    Ok(ExitCode::SUCCESS)
}
