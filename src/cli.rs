//! The command line: clap definitions and the dispatch to each module.

use crate::{
    discover, doctor, gocmd, matrix, output, pins, probe, runtime_layout, select, toolchains,
    toolexec, version,
};
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
    #[arg(long, global = true, default_value_t = 120, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
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
        Duration::from_secs(self.timeout)
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
        #[command(flatten)]
        injector: InjectorArgs,
    },
    /// Check this Go setup and say what to do
    Doctor {
        #[command(flatten)]
        injector: InjectorArgs,
        /// Also build and run the probe program through the injector
        #[arg(long)]
        deep: bool,
        /// Pins file (default: $QCOMPAT_PINS, else the built-in matrix/pins.yaml)
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
struct InjectorArgs {
    /// The injector (e.g. `q`, or "/path/inj -flag"); default: the
    /// -toolexec in GOFLAGS, else qcompat's own
    #[arg(long, value_name = "CMD", conflicts_with = "toolexec_package")]
    toolexec: Option<String>,
    /// A Go package to build as the injector with the toolchain under test
    /// (e.g. ./cmd/q), instead of a ready command
    #[arg(long, value_name = "PKG")]
    toolexec_package: Option<String>,
    /// The module directory of --toolexec-package (default: .)
    #[arg(long, value_name = "DIR", requires = "toolexec_package")]
    toolexec_dir: Option<PathBuf>,
}

impl InjectorArgs {
    fn request(&self) -> Result<crate::injector_build::Request> {
        let package = match &self.toolexec_package {
            None => None,
            Some(p) => {
                let dir = self
                    .toolexec_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("."));
                let dir = dir
                    .canonicalize()
                    .map_err(|e| anyhow::anyhow!("--toolexec-dir {}: {e}", dir.display()))?;
                if !dir.join("go.mod").is_file() {
                    anyhow::bail!(
                        "--toolexec-dir {} has no go.mod: name the injector's module directory",
                        dir.display()
                    );
                }
                Some(crate::injector_build::PackageSpec {
                    dir,
                    package: p.clone(),
                })
            }
        };
        Ok(crate::injector_build::Request {
            command: self.toolexec.clone(),
            package,
        })
    }
}

#[derive(Args)]
struct OutputArgs {
    /// Write the report (.json, .yaml or .yml)
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write a Markdown grid of platforms by Go versions
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Write JUnit XML
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a summary for a CI step ($GITHUB_STEP_SUMMARY)
    #[arg(long, value_name = "FILE")]
    summary_md: Option<PathBuf>,
    /// Pins file used to spot regressions (default: $QCOMPAT_PINS, else built in)
    #[arg(long, value_name = "FILE")]
    pins: Option<PathBuf>,
}

impl OutputArgs {
    fn outputs(&self) -> matrix::Outputs {
        matrix::Outputs {
            report: self.report.clone(),
            markdown: self.markdown.clone(),
            junit: self.junit.clone(),
            summary_md: self.summary_md.clone(),
        }
    }
}

#[derive(Subcommand)]
enum MatrixCmd {
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
enum PinsCmd {
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
        /// Pins file (default: $QCOMPAT_PINS, else the built-in matrix/pins.yaml)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
        /// A Go version such as go1.27.3 (or 1.27.3)
        version: Option<String>,
    },
    /// Print the pins as a Markdown table, one row per pin (the README's)
    Table {
        /// Pins file (default: $QCOMPAT_PINS, else the built-in matrix/pins.yaml)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ToolchainsCmd {
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

fn load_pins(flag: Option<PathBuf>) -> Result<pins::Pins> {
    pins::Pins::load(pins::default_path(flag).as_deref())
}

/// Parses the command line and runs the subcommand.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let g = &cli.global;
    match cli.command {
        Cmd::Probe { verify } => probe::run(&g.go()?, verify, g.format())?,
        Cmd::Select {
            offline,
            verify,
            format,
            pins,
            injector,
        } => {
            if format.is_some() && (g.json || g.yaml) {
                anyhow::bail!("--format goflags prints one line of go flags; drop --json/--yaml (or drop --format for the JSON selection)");
            }
            let pins = pins::Pins::load(pins::default_path(pins).as_deref())?;
            let go = g.go()?;
            let tc = discover::discover(&go)?;
            let inj = injector.request()?.choose(&tc)?;
            let layout = runtime_layout::read(tc.goroot());
            let mode = if offline {
                select::Mode::Offline
            } else if verify {
                select::Mode::Verify
            } else {
                select::Mode::Default
            };
            let s = select::select(
                &tc,
                &layout,
                &pins,
                &inj,
                select::ask_salted(&tc, &inj),
                mode,
                "--offline was given",
            )?;
            select::render(&s, g.format(), format.is_some())?;
        }
        Cmd::Doctor {
            injector,
            deep,
            pins,
        } => {
            let pins = pins::Pins::load(pins::default_path(pins).as_deref())?;
            let injector = injector.request()?;
            let report = doctor::diagnose(&doctor::Options {
                go_flag: g.go.as_deref(),
                timeout: g.timeout(),
                injector: &injector,
                deep,
                pins: &pins,
            });
            doctor::render(&report, g.format())?;
            if !report.ok {
                return Ok(ExitCode::from(1));
            }
        }
        Cmd::Matrix { cmd } => return matrix_cmd(cmd, g),
        Cmd::Pins { cmd } => pins_cmd(cmd, g)?,
        Cmd::Toolchains {
            cmd,
            offline,
            index_url,
        } => {
            let mut opts = toolchains::Options::new(offline, g.timeout());
            opts.index_url = toolchains::index::url(index_url.as_deref());
            toolchains_cmd(cmd, &opts, g)?;
        }
        Cmd::Schema { name } => output::write_stdout(crate::schema::get(&name)?)?,
        // Handled before clap runs; reached only through odd spellings.
        Cmd::Toolexec { args } => return Ok(toolexec::main(args)),
    }
    Ok(ExitCode::SUCCESS)
}

fn default_spec(spec: Option<PathBuf>) -> PathBuf {
    spec.unwrap_or_else(|| PathBuf::from(matrix::spec::DEFAULT_PATH))
}

fn matrix_cmd(cmd: MatrixCmd, g: &Global) -> Result<ExitCode> {
    match cmd {
        MatrixCmd::Run {
            spec,
            shard,
            jobs,
            offline,
            out,
        } => {
            let shard = shard.map(|s| matrix::report::parse_shard(&s)).transpose()?;
            let pins = load_pins(out.pins.clone())?;
            let spec = default_spec(spec);
            matrix::run(matrix::RunOptions {
                spec: &spec,
                go_flag: g.go.as_deref(),
                go_timeout: g.timeout(),
                shard,
                jobs: jobs.map(usize::from),
                outputs: out.outputs(),
                pins: &pins,
                offline,
                json: g.json,
            })
        }
        MatrixCmd::Plan {
            spec,
            shards,
            format,
            offline,
        } => {
            let pins = load_pins(None)?;
            let spec = default_spec(spec);
            matrix::plan(
                &matrix::RunOptions {
                    spec: &spec,
                    go_flag: g.go.as_deref(),
                    go_timeout: g.timeout(),
                    shard: None,
                    jobs: None,
                    outputs: matrix::Outputs::default(),
                    pins: &pins,
                    offline,
                    json: g.json,
                },
                shards,
                if g.json { "json" } else { &format },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        MatrixCmd::Merge { reports, out } => {
            out.outputs().check()?;
            let pins = load_pins(out.pins.clone())?;
            let loaded = reports
                .iter()
                .map(|p| Ok((p.display().to_string(), matrix::report::read(p)?)))
                .collect::<Result<Vec<_>>>()?;
            let merged = matrix::report::merge(loaded)?;
            matrix::finish(&merged, &out.outputs(), &pins, g.json, false)
        }
    }
}

fn pins_cmd(cmd: PinsCmd, g: &Global) -> Result<()> {
    match cmd {
        PinsCmd::Update { from, pins } => {
            let current = pins::Pins::load(Some(&pins))?;
            let report = matrix::report::read(&from)?;
            let today = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
            let (file, log) = matrix::evidence::update(&current, &report, &today[..10])?;
            pins::Pins::save(&file, &pins)?;
            for l in log {
                crate::outln!("{l}")?;
            }
            crate::outln!("wrote {}", pins.display())?;
        }
        PinsCmd::Table { pins } => {
            output::write_stdout(&load_pins(pins)?.markdown_table())?;
        }
        PinsCmd::Check { pins, version } => {
            let p = load_pins(pins)?;
            match version {
                None => crate::outln!("{}: {} pins, no overlaps", p.source, p.file.pins.len())?,
                Some(v) => {
                    let v = version::parse(
                        if v.starts_with("go") || v.contains(' ') {
                            v.clone()
                        } else {
                            format!("go{v}")
                        }
                        .as_str(),
                    )?;
                    match p.find(&v.version) {
                        Some(m) => output::emit(g.format(), m.pin, |s| {
                            s.push_str(&format!(
                                "{} -> pin {:?}: {}\n",
                                v.raw, m.pin.go, m.pin.strategy
                            ))
                        })?,
                        None => crate::outln!("{}: no pin covers it", v.raw)?,
                    }
                }
            }
        }
    }
    Ok(())
}

fn toolchains_cmd(cmd: ToolchainsCmd, opts: &toolchains::Options, g: &Global) -> Result<()> {
    match cmd {
        ToolchainsCmd::List { remote } => toolchains::cmd_list(remote, opts, g.format())?,
        ToolchainsCmd::Path { version } => {
            // The same selectors as matrix specs: 1.27.3, 1.27.x, supported, local.
            let roots: Vec<PathBuf> = if version.trim() == "local" {
                vec![PathBuf::from(&g.go()?.path)]
            } else {
                toolchains::resolve_with(&version, opts)?
            }
            .into_iter()
            .map(|bin| {
                // bin/go -> GOROOT
                bin.parent()
                    .and_then(|b| b.parent())
                    .map(PathBuf::from)
                    .unwrap_or(bin)
            })
            .collect();
            if g.json {
                crate::outln!("{}", serde_json::to_string_pretty(&roots)?)?;
            } else {
                for r in roots {
                    crate::outln!("{}", r.display())?;
                }
            }
        }
        ToolchainsCmd::Install { version, via } => {
            let toolchains::Selector::Exact(v) = toolchains::parse_selector(&version)? else {
                anyhow::bail!(
                    "toolchains install takes one exact version such as 1.27.3, not {version:?}"
                );
            };
            let i = if via == "gotoolchain" {
                toolchains::via_gotoolchain(&version::format_go_name(&v), g.timeout())?
            } else {
                toolchains::install_download(&v, opts)?
            };
            output::emit(g.format(), &i, |s| {
                s.push_str(&format!("{} {}\n", i.version, i.goroot.display()))
            })?;
        }
        ToolchainsCmd::Prune { keep, dry_run } => {
            for p in toolchains::prune(&keep, dry_run)? {
                crate::outln!(
                    "{} {}",
                    if dry_run { "would remove" } else { "removed" },
                    p.display()
                )?;
            }
        }
    }
    Ok(())
}
