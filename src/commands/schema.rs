//! JSON Schemas (draft 2020-12) for qcompat's stable JSON: probe, select,
//! doctor (read by `q doctor`), the matrix report and the pins file. They are
//! the contract: fields are only ever added, and the tests validate every
//! output they produce against these files.

use anyhow::{bail, Result};

/// The shipped schemas, by name (the `$id`s name the files).
pub const SCHEMAS: [(&str, &str); 5] = [
    (
        "probe",
        include_str!("../../matrix/schema/probe.schema.json"),
    ),
    (
        "select",
        include_str!("../../matrix/schema/selection.schema.json"),
    ),
    (
        "doctor",
        include_str!("../../matrix/schema/doctor.schema.json"),
    ),
    (
        "report",
        include_str!("../../matrix/schema/report.schema.json"),
    ),
    ("pins", include_str!("../../matrix/schema/pins.schema.json")),
];

// No doc comment: the subcommand's help is cli's.
#[derive(clap::Args)]
pub struct Args {
    /// probe, select, doctor, report or pins
    name: String,
}

pub fn run(a: &Args, g: &super::Global) -> Result<std::process::ExitCode> {
    if g.yaml {
        bail!("`schema` prints JSON Schemas, which are JSON: drop --yaml");
    }
    crate::support::output::write_stdout(get(&a.name)?)?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// The schema called `name`.
pub fn get(name: &str) -> Result<&'static str> {
    match SCHEMAS.iter().find(|(n, _)| *n == name) {
        Some((_, text)) => Ok(text),
        None => bail!(
            "no schema called {:?}: one of {}",
            crate::support::doc_error::cut(name),
            SCHEMAS.map(|(n, _)| n).join(", ")
        ),
    }
}
