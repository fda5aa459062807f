//! JSON Schemas (draft 2020-12) for qcompat's stable JSON: probe, select,
//! doctor (read by `q doctor`), the matrix report and plan, and the pins file. They are
//! the contract: fields are only ever added, and the tests validate every
//! output they produce against these files.

use anyhow::{bail, Result};

/// The shipped schemas (the `$id`s name the files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Name {
    Probe,
    Select,
    Doctor,
    Report,
    Plan,
    Pins,
}

impl Name {
    /// The schema's text.
    pub fn text(self) -> &'static str {
        match self {
            Name::Probe => include_str!("../../matrix/schema/probe.schema.json"),
            Name::Select => include_str!("../../matrix/schema/selection.schema.json"),
            Name::Doctor => include_str!("../../matrix/schema/doctor.schema.json"),
            Name::Report => include_str!("../../matrix/schema/report.schema.json"),
            Name::Plan => include_str!("../../matrix/schema/plan.schema.json"),
            Name::Pins => include_str!("../../matrix/schema/pins.schema.json"),
        }
    }
}

// No doc comment: the subcommand's help is cli's.
#[derive(clap::Args)]
pub struct Args {
    /// probe, select, doctor, report, plan or pins
    #[arg(value_enum, hide_possible_values = true)]
    name: Name,
}

pub fn run(a: &Args, g: &super::Global) -> Result<std::process::ExitCode> {
    if g.format() == crate::support::output::Format::Yaml {
        bail!("`schema` prints JSON Schemas, which are JSON: drop --yaml");
    }
    crate::support::output::write_stdout(a.name.text())?;
    Ok(std::process::ExitCode::SUCCESS)
}
