//! `qcompat matrix run|plan|merge`: load the spec (or the reports), run the
//! matrix core, and hand the report to the reporter.

use super::{Global, OutputArgs};
use crate::matrix::{self, Depth, Plan, PlanOptions, RunOptions, Subject};
use crate::policy::regressions::{self, Outcome};
use crate::render::reporter::MatrixReporter;
use crate::render::toolchains::ToolchainReporter;
use crate::support::output::Format;
use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum Cmd {
    /// Run a matrix spec (default: matrix/default.yaml)
    Run {
        spec: Option<PathBuf>,
        /// Run only share I of N (1-based), e.g. 2/4
        #[arg(long, value_name = "I/N")]
        shard: Option<crate::matrix::shard::Shard>,
        /// Cells built at once (default: spec's jobs, else the number of cores)
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Resolve toolchain selectors from local toolchains only
        #[arg(long)]
        offline: bool,
        /// Run the plan `matrix plan --format json` wrote: its toolchain
        /// versions, its cells (or an error), its split
        #[arg(long, value_name = "PLAN.json")]
        plan: Option<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Print the plan a run makes: its cells and the shards for a CI matrix
    Plan {
        spec: Option<PathBuf>,
        /// How many CI runners to split the cells over (1 to 1000)
        #[arg(long, default_value_t = 1)]
        shards: usize,
        /// github: a strategy.matrix for GitHub Actions (the default); json:
        /// the plan (toolchains, cells, shards, fingerprint); text: one line
        /// per shard (--json means json; --yaml, the plan as YAML)
        #[arg(long, value_enum)]
        format: Option<PlanFormat>,
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

/// The forms of `matrix plan`'s shards.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Github,
    Json,
    Text,
}

fn plan_options<'a>(
    spec: &'a Path,
    g: &'a Global,
    toolchains: &'a crate::toolchains::Options<'a>,
    shards: usize,
    depth: Depth,
) -> PlanOptions<'a> {
    PlanOptions {
        spec,
        go_flag: g.go.as_deref(),
        go_timeout: g.timeout(),
        toolchains,
        shards,
        depth,
        fixed: None,
    }
}

/// `matrix plan`'s form: `--format`, else the global flag's (`None`: YAML).
/// The two name one form or the command is refused.
fn plan_format(given: Option<PlanFormat>, global: Format) -> Result<Option<PlanFormat>> {
    match (given, global) {
        (given, Format::Human) => Ok(Some(given.unwrap_or(PlanFormat::Github))),
        (None | Some(PlanFormat::Json), Format::Json) => Ok(Some(PlanFormat::Json)),
        (None, Format::Yaml) => Ok(None),
        (Some(f), global) => {
            let name = f.to_possible_value().map(|v| v.get_name().to_string());
            let flag = global.flag().unwrap_or_default();
            anyhow::bail!(
                "--format {} and {flag} name two forms of the plan: drop {flag} (or --format)",
                name.unwrap_or_default()
            )
        }
    }
}

fn spec_or_default(spec: Option<PathBuf>) -> PathBuf {
    spec.unwrap_or_else(|| PathBuf::from(matrix::spec::DEFAULT_PATH))
}

pub fn run(cmd: Cmd, g: &Global) -> Result<ExitCode> {
    match cmd {
        Cmd::Run {
            spec,
            shard,
            jobs,
            offline,
            plan,
            out,
        } => {
            let outputs = out.outputs();
            outputs.check()?;
            let pins = super::pins::load(out.pins.clone())?;
            let spec = spec_or_default(spec);
            let reporter = MatrixReporter::new(&outputs, g.format());
            let shown = ToolchainReporter::new(g.format() == Format::Json);
            let toolchains = g.toolchains(offline, None, &shown);
            let shards = shard.map_or(1, |s| s.total);
            let fixed = match &plan {
                Some(p) => Some((p.as_path(), matrix::plan_document::read(p)?)),
                None => None,
            };
            let finished = matrix::run(
                &PlanOptions {
                    fixed: fixed.as_ref().map(|(p, d)| (*p, d)),
                    ..plan_options(&spec, g, &toolchains, shards, Depth::Run)
                },
                RunOptions {
                    shard,
                    jobs: jobs.map(usize::from),
                    cancel: toolchains.cancel,
                },
                &reporter,
            )?;
            let verdict = regressions::judge(&finished.report, &pins, finished.interrupted);
            reporter.finish(&finished.report, &verdict)?;
            Ok(exit_status(verdict.outcome))
        }
        Cmd::Plan {
            spec,
            shards,
            format,
            offline,
        } => plan(spec_or_default(spec), shards, format, offline, g),
        Cmd::Merge { reports, out } => {
            let outputs = out.outputs();
            outputs.check()?;
            let pins = super::pins::load(out.pins.clone())?;
            let loaded = reports
                .iter()
                .map(|p| Ok((p.display().to_string(), matrix::report::read(p)?)))
                .collect::<Result<Vec<_>>>()?;
            let merged = matrix::merge::merge(loaded)?;
            let verdict = regressions::judge(&merged, &pins, false);
            MatrixReporter::new(&outputs, g.format()).finish(&merged, &verdict)?;
            Ok(exit_status(verdict.outcome))
        }
    }
}

/// The most jobs one GitHub Actions matrix generates (GitHub's documented
/// limit per workflow run).
const GITHUB_MAX_JOBS: usize = 256;

/// `matrix plan`: the plan made without downloads or injector builds, in
/// the form asked for; what it rests on goes to stderr.
fn plan(
    spec: PathBuf,
    shards: usize,
    format: Option<PlanFormat>,
    offline: bool,
    g: &Global,
) -> Result<ExitCode> {
    // The pins must read, as for a run.
    super::pins::load(None)?;
    let shown = ToolchainReporter::new(g.format() == Format::Json);
    let toolchains = g.toolchains(offline, None, &shown);
    let form = plan_format(format, g.format())?;
    if form == Some(PlanFormat::Github) && shards > GITHUB_MAX_JOBS {
        anyhow::bail!(
            "--shards {shards}: a GitHub Actions matrix runs at most {GITHUB_MAX_JOBS} jobs; give at most {GITHUB_MAX_JOBS} (--format json for another CI)"
        );
    }
    let plan = Plan::make(
        Subject::load(&spec, &toolchains.env)?,
        &plan_options(&spec, g, &toolchains, shards, Depth::Estimate),
        &matrix::events::Silent,
    )?;
    let mut doc = plan.document();
    let empty = doc.shards.iter().filter(|s| s.cells == 0).count();
    if empty > 0 {
        doc.notes.push(format!(
            "{empty} of {shards} shards have no cell (more shards than cells): their runs build nothing"
        ));
    }
    for n in &doc.notes {
        crate::errln!("qcompat: {n}");
    }
    let text = match form {
        None => crate::render::plan::yaml(&doc),
        Some(PlanFormat::Github) => crate::render::plan::github(&doc),
        Some(PlanFormat::Json) => crate::render::plan::json(&doc),
        Some(PlanFormat::Text) => crate::render::plan::text(&doc.shards)
            .trim_end()
            .to_string(),
    };
    crate::outln!("{text}")?;
    Ok(ExitCode::SUCCESS)
}

/// The exit status of a run or merge: 130 interrupted (as a shell reports
/// SIGINT), 1 a failure, a regression or an incomplete merge, 0 otherwise.
fn exit_status(o: Outcome) -> ExitCode {
    match o {
        Outcome::Passed => ExitCode::SUCCESS,
        Outcome::Failed | Outcome::Incomplete => ExitCode::from(1),
        Outcome::Interrupted => ExitCode::from(130),
    }
}
