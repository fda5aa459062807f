//! One module per subcommand: its clap arguments, then load its inputs, call
//! the core, render.

pub mod doctor;
pub mod matrix;
pub mod pins;
pub mod probe;
pub mod schema;
pub mod select;
pub mod toolchains;

use crate::go::gocmd;
use crate::support::output::Format;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// Options every subcommand shares.
#[derive(Args, Clone)]
pub struct Global {
    /// The go command to use
    #[arg(long, global = true, env = "QCOMPAT_GO", value_name = "PATH")]
    pub go: Option<PathBuf>,
    /// Print one JSON document
    #[arg(long, global = true, conflicts_with = "yaml")]
    json: bool,
    /// Print one YAML document
    #[arg(long, global = true)]
    yaml: bool,
    /// Limit for each go command qcompat runs, in seconds
    #[arg(long, global = true, default_value_t = 120, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub timeout: u64,
    /// Toolchain providers, in order (default: local,gotoolchain,download)
    #[arg(
        long,
        global = true,
        hide = true,
        env = "QCOMPAT_PROVIDERS",
        value_delimiter = ','
    )]
    pub providers: Vec<String>,
    /// The Go release index (default: go.dev's)
    #[arg(
        long = "go-index",
        global = true,
        hide = true,
        env = "QCOMPAT_GO_INDEX"
    )]
    pub go_index: Option<String>,
    /// The first download retry's wait, in milliseconds (tests, impatient CI)
    #[arg(
        long,
        global = true,
        hide = true,
        env = "QCOMPAT_RETRY_BASE_MS",
        default_value_t = 500
    )]
    pub retry_base_ms: u64,
}

impl Global {
    /// The one form of this invocation's output: commands read it here
    /// only, so each either prints it or refuses it (see [`Global::text_only`]).
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else if self.yaml {
            Format::Yaml
        } else {
            Format::Human
        }
    }

    /// Refuses --json/--yaml for output that has one form only: `why`
    /// says what the command prints instead, and the message names the flag to drop.
    pub fn text_only(&self, why: &str) -> Result<()> {
        match self.format().flag() {
            None => Ok(()),
            Some(flag) => anyhow::bail!("{why}: drop {flag}"),
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    /// How toolchains are found and installed, from the flags and the
    /// variables clap read: the one place that decides it.
    pub fn toolchains<'a>(
        &self,
        offline: bool,
        index_url: Option<&str>,
        reporter: &'a dyn crate::toolchains::events::Reporter,
    ) -> crate::toolchains::Options<'a> {
        let named: Vec<String> = self
            .providers
            .iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let (providers, unknown_providers) = if named.is_empty() {
            (crate::toolchains::Provider::ALL.to_vec(), Vec::new())
        } else {
            crate::toolchains::Provider::parse_list(&named.join(","))
        };
        crate::toolchains::Options {
            providers,
            unknown_providers,
            index_url: crate::toolchains::index::url(index_url.or(self.go_index.as_deref())),
            offline,
            timeout: self.timeout(),
            retry_base: Duration::from_millis(self.retry_base_ms),
            reporter,
            env: env_snapshot(),
            cancel: crate::support::process::Cancel::on_interrupt(),
        }
    }

    pub fn go(&self) -> Result<gocmd::Go> {
        gocmd::Go::locate(
            self.go.as_deref(),
            self.timeout(),
            &env_snapshot(),
            crate::support::process::Cancel::on_interrupt(),
        )
    }
}

/// The variables the code below consults, read from the process once.
pub fn env_snapshot() -> crate::support::env::Env {
    static SNAPSHOT: std::sync::OnceLock<crate::support::env::Env> = std::sync::OnceLock::new();
    SNAPSHOT
        .get_or_init(|| crate::support::env::Env::from_lookup(|name| std::env::var_os(name)))
        .clone()
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
    pub fn outputs(&self) -> crate::render::reporter::Outputs {
        crate::render::reporter::Outputs {
            report: self.report.clone(),
            markdown: self.markdown.clone(),
            junit: self.junit.clone(),
            summary_md: self.summary_md.clone(),
        }
    }
}

/// The injector the user named on the command line (or none: GOFLAGS, else
/// qcompat's own).
pub fn injector_request(a: &InjectorArgs) -> Result<crate::inject::build::Request> {
    let package = match &a.toolexec_package {
        None => None,
        Some(p) => {
            let dir = a.toolexec_dir.clone().unwrap_or_else(|| PathBuf::from("."));
            let dir = dir
                .canonicalize()
                .map_err(|e| anyhow::anyhow!("--toolexec-dir {}: {e}", dir.display()))?;
            if !dir.join("go.mod").is_file() {
                anyhow::bail!(
                    "--toolexec-dir {} has no go.mod: name the injector's module directory",
                    dir.display()
                );
            }
            Some(crate::inject::build::PackageSpec {
                dir,
                package: p.clone(),
            })
        }
    };
    Ok(crate::inject::build::Request {
        command: a.toolexec.clone(),
        package,
    })
}

/// The program named with `--program`, checked.
pub fn program(a: &InjectorArgs) -> Result<Option<crate::verify::program::Program>> {
    a.program
        .as_deref()
        .map(crate::verify::program::Program::parse)
        .transpose()
}
