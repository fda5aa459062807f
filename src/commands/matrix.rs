//! `qcompat matrix run|plan|merge`: load the spec (or the reports), run the
//! matrix core, and hand the report to the reporter.

use crate::cli::{Global, MatrixCmd};
use crate::matrix::{self, Outputs, RunOptions};
use crate::policy::pins::Pins;
use crate::render::verdict::finish;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn options<'a>(
    spec: &'a Path,
    g: &'a Global,
    pins: &'a Pins,
    offline: bool,
    outputs: Outputs,
) -> RunOptions<'a> {
    RunOptions {
        spec,
        go_flag: g.go.as_deref(),
        go_timeout: g.timeout(),
        shard: None,
        jobs: None,
        outputs,
        pins,
        offline,
        json: g.json,
    }
}

fn spec_or_default(spec: Option<PathBuf>) -> PathBuf {
    spec.unwrap_or_else(|| PathBuf::from(matrix::spec::DEFAULT_PATH))
}

pub fn run(cmd: MatrixCmd, g: &Global) -> Result<ExitCode> {
    match cmd {
        MatrixCmd::Run {
            spec,
            shard,
            jobs,
            offline,
            out,
        } => {
            let shard = shard.map(|s| matrix::report::parse_shard(&s)).transpose()?;
            let pins = super::pins::load(out.pins.clone())?;
            let spec = spec_or_default(spec);
            matrix::run(RunOptions {
                shard,
                jobs: jobs.map(usize::from),
                ..options(&spec, g, &pins, offline, out.outputs())
            })
        }
        MatrixCmd::Plan {
            spec,
            shards,
            format,
            offline,
        } => {
            let pins = super::pins::load(None)?;
            let spec = spec_or_default(spec);
            matrix::plan(
                &options(&spec, g, &pins, offline, Outputs::default()),
                shards,
                if g.json { "json" } else { &format },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        MatrixCmd::Merge { reports, out } => {
            out.outputs().check()?;
            let pins = super::pins::load(out.pins.clone())?;
            let loaded = reports
                .iter()
                .map(|p| Ok((p.display().to_string(), matrix::report::read(p)?)))
                .collect::<Result<Vec<_>>>()?;
            let merged = matrix::report::merge(loaded)?;
            finish(&merged, &out.outputs(), &pins, g.json, false)
        }
    }
}
