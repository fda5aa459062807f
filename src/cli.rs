//! The command line: clap definitions, and the dispatch to `commands`.

use crate::go::gocmd;
use crate::support::output::Format;
use crate::{commands, matrix, toolchains};
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
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
pub struct Global {
    /// The go command to use
    #[arg(long, global = true, env = "QCOMPAT_GO", value_name = "PATH")]
    pub go: Option<PathBuf>,
    /// Print one JSON document
    #[arg(long, global = true, conflicts_with = "yaml")]
    pub json: bool,
    /// Print one YAML document
    #[arg(long, global = true)]
    pub yaml: bool,
    /// Limit for each go command qcompat runs, in seconds
    #[arg(long, global = true, default_value_t = 120, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub timeout: u64,
}

impl Global {
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else if self.yaml {
            Format::Yaml
        } else {
            Format::Human
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn go(&self) -> Result<gocmd::Go> {
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
        /// Print the go command flags a build script can use (goflags: one
        /// line to append to GOFLAGS; env: `export GOFLAGS=...` and, when the
        /// injector needs it, `export GOCACHE=...`, for a shell to eval)
        #[arg(long, value_enum)]
        format: Option<crate::commands::select::LineFormat>,
        /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
        #[command(flatten)]
        injector: InjectorArgs,
    },
    /// Check this Go setup and say what to do
    Doctor {
        #[command(flatten)]
        injector: InjectorArgs,
        /// Also build and run the probe program (and --program) through the injector
        #[arg(long)]
        deep: bool,
        /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
    },
    /// Build and run the probe on every GOOS/GOARCH pair of every chosen toolchain
    Matrix {
        #[command(subcommand)]
        cmd: MatrixCmd,
    },
    /// Maintain matrix/pins.yaml
    Pins {
        #[command(subcommand)]
        cmd: PinsCmd,
    },
    /// Find, download, verify and cache Go toolchains
    Toolchains {
        #[command(subcommand)]
        cmd: ToolchainsCmd,
        /// Use local toolchains and the cache only
        #[arg(long, global = true)]
        offline: bool,
        /// Release index URL (default: $QCOMPAT_GO_INDEX, else go.dev's)
        #[arg(long, global = true, value_name = "URL")]
        index_url: Option<String>,
    },
    /// Print the JSON Schema of a stable output: probe, select, doctor, report or pins
    Schema {
        /// probe, select, doctor, report or pins
        name: String,
    },
    /// The injector: use as go build -toolexec="qcompat toolexec"
    #[command(disable_help_flag = true)]
    Toolexec {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
}

/// The injector under test, for select and doctor.
#[derive(Args)]
pub struct InjectorArgs {
    /// The injector (e.g. `q`, or "/path/inj -flag"); default: the
    /// -toolexec in GOFLAGS, else qcompat's own
    #[arg(long, value_name = "CMD", conflicts_with = "toolexec_package")]
    pub toolexec: Option<String>,
    /// A Go package to build as the injector with the toolchain under test
    /// (e.g. ./cmd/q), instead of a ready command
    #[arg(long, value_name = "PKG")]
    pub toolexec_package: Option<String>,
    /// The module directory of --toolexec-package (default: .)
    #[arg(long, value_name = "DIR", requires = "toolexec_package")]
    pub toolexec_dir: Option<PathBuf>,
    /// Your program (module folder, and package in it: DIR or DIR:PKG):
    /// checked beside the probe, and built through the injector by the live
    /// check; the verdict says whether it works with this injector here
    #[arg(long, value_name = "DIR[:PKG]")]
    pub program: Option<String>,
}

#[derive(Args)]
pub struct OutputArgs {
    /// Write the report (.json, .yaml or .yml)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write a Markdown grid of platforms by Go versions
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write JUnit XML
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a summary for a CI step ($GITHUB_STEP_SUMMARY)
    #[arg(long, value_name = "FILE")]
    pub summary_md: Option<PathBuf>,
    /// Pins file used to spot regressions (default: $QCOMPAT_PINS, else built in)
    #[arg(long, value_name = "FILE")]
    pub pins: Option<PathBuf>,
}

impl OutputArgs {
    pub fn outputs(&self) -> matrix::Outputs {
        matrix::Outputs {
            report: self.report.clone(),
            markdown: self.markdown.clone(),
            junit: self.junit.clone(),
            summary_md: self.summary_md.clone(),
        }
    }
}

#[derive(Subcommand)]
pub enum MatrixCmd {
    /// Run a matrix spec (default: matrix/default.yaml)
    Run {
        spec: Option<PathBuf>,
        /// Run only share I of N (1-based), e.g. 2/4
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Cells built at once (default: spec's jobs, else the number of cores)
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Resolve toolchain selectors from local toolchains only
        #[arg(long)]
        offline: bool,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Print the shards for a CI matrix
    Plan {
        spec: Option<PathBuf>,
        /// How many CI runners to split the cells over (1 to 1000)
        #[arg(long, default_value_t = 1)]
        shards: usize,
        /// github: a strategy.matrix for GitHub Actions; json: the shards as
        /// a JSON list; text: one line per shard (--json means json)
        #[arg(long, default_value = "github", value_parser = ["github", "json", "text"])]
        format: String,
        /// Resolve toolchain selectors from local toolchains only
        #[arg(long)]
        offline: bool,
    },
    /// Merge shard reports into one and render it
    Merge {
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
    },
}

#[derive(Subcommand)]
pub enum PinsCmd {
    /// Record a complete matrix report's evidence
    Update {
        /// The report (from matrix run or matrix merge)
        #[arg(long, value_name = "REPORT")]
        from: PathBuf,
        /// The pins file to update
        #[arg(long, default_value = "matrix/pins.yaml", value_name = "FILE")]
        pins: PathBuf,
    },
    /// Check a pins file and show which pin covers a version
    Check {
        /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
        /// A Go version such as go1.27.3 (or 1.27.3)
        version: Option<String>,
    },
    /// Print the pins as a Markdown table, one row per pin (the README's)
    Table {
        /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum ToolchainsCmd {
    /// List toolchains on this machine (or, with --remote, in the release index)
    List {
        /// List the release index's versions instead of this machine's
        #[arg(long)]
        remote: bool,
    },
    /// Print the GOROOT of a version or selector (1.27.3, 1.27.x, supported,
    /// local), finding or installing it; one line per toolchain
    Path { version: String },
    /// Install a version: into qcompat's cache (download), or the go
    /// command's module cache (gotoolchain)
    Install {
        version: String,
        /// download: the release index's archive, checked and unpacked into
        /// qcompat's cache; gotoolchain: `GOTOOLCHAIN=goX.Y.Z go env GOROOT`,
        /// which puts it in GOMODCACHE through your GOPROXY
        #[arg(long, default_value = "download", value_parser = ["download", "gotoolchain"])]
        via: String,
    },
    /// Remove cached toolchains, leftovers of interrupted installs, and the
    /// matrix's kept binaries and private GOCACHEs
    Prune {
        /// Versions to keep, e.g. go1.27.3
        #[arg(long)]
        keep: Vec<String>,
        /// Only print what would be removed
        #[arg(long)]
        dry_run: bool,
    },
}

/// Parses the command line and runs the subcommand.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let g = &cli.global;
    match cli.command {
        Cmd::Probe { verify } => commands::probe::run(&g.go()?, verify, g.format())?,
        Cmd::Select {
            offline,
            verify,
            format,
            pins,
            injector,
        } => commands::select::run(g, offline, verify, format, pins, &injector)?,
        Cmd::Doctor {
            injector,
            deep,
            pins,
        } => return commands::doctor::run(g, &injector, deep, pins),
        Cmd::Matrix { cmd } => return commands::matrix::run(cmd, g),
        Cmd::Pins { cmd } => commands::pins::run(cmd, g)?,
        Cmd::Toolchains {
            cmd,
            offline,
            index_url,
        } => {
            let mut opts = toolchains::Options::new(offline, g.timeout());
            opts.index_url = toolchains::index::url(index_url.as_deref());
            commands::toolchains::run(cmd, &opts, g)?;
        }
        Cmd::Schema { name } => {
            if g.yaml {
                anyhow::bail!("`schema` prints JSON Schemas, which are JSON: drop --yaml");
            }
            crate::support::output::write_stdout(commands::schema::get(&name)?)?
        }
        // Handled before clap runs; reached only through odd spellings.
        Cmd::Toolexec { args } => return Ok(crate::inject::toolexec::main(args)),
    }
    Ok(ExitCode::SUCCESS)
}
