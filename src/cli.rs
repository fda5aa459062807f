//! The command line: the subcommands, each with the arguments its module in
//! `commands` owns, and the dispatch to them. Nothing imports this module.

use crate::commands::{self, Global};
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "qcompat", version, about, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Report what a Go toolchain will do with an injected runtime.GoroutineID
    Probe(commands::probe::Args),
    /// Decide which goroutine-ID strategy to build with
    Select(commands::select::Args),
    /// Check this Go setup and say what to do
    Doctor(commands::doctor::Args),
    /// Build and run the probe on every GOOS/GOARCH pair of every chosen toolchain
    Matrix {
        #[command(subcommand)]
        cmd: commands::matrix::Cmd,
    },
    /// Maintain matrix/pins.yaml
    Pins {
        #[command(subcommand)]
        cmd: commands::pins::Cmd,
    },
    /// Find, download, verify and cache Go toolchains
    Toolchains(commands::toolchains::Args),
    /// Print the JSON Schema of a stable output: probe, select, doctor, report, plan or pins
    Schema(commands::schema::Args),
    /// The injector: use as go build -toolexec="qcompat toolexec"
    #[command(disable_help_flag = true)]
    Toolexec {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
}

/// Parses the command line and runs the subcommand.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let g = &cli.global;
    match cli.command {
        Cmd::Probe(a) => commands::probe::run(&a, g),
        Cmd::Select(a) => commands::select::run(&a, g),
        Cmd::Doctor(a) => commands::doctor::run(&a, g),
        Cmd::Matrix { cmd } => commands::matrix::run(cmd, g),
        Cmd::Pins { cmd } => commands::pins::run(cmd, g),
        Cmd::Toolchains(a) => commands::toolchains::run(a, g),
        Cmd::Schema(a) => commands::schema::run(&a, g),
        // Handled before clap runs; reached only through odd spellings.
        Cmd::Toolexec { args } => Ok(crate::inject::toolexec::main(args)),
    }
}
