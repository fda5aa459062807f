//! What the matrix shows: the reporter (live progress on the terminal, the
//! journal, the outputs and the verdict), the report as Markdown, JUnit and a
//! CI step summary, and the pins as a Markdown table.

pub mod escape;
pub mod matrix;
pub mod pins;
pub mod plan;
pub mod progress;
pub mod reporter;
pub mod toolchains;
pub mod verdict;

use crate::support::output::Format;

/// A message of `kind` (note, warning, regression, error) on stderr: the
/// line `qcompat: KIND: MESSAGE`, or under `--json` the object `{"event":
/// KIND, "message": MESSAGE}`, one a line like the run's other events.
pub fn say(format: Format, kind: &str, message: &str) {
    match format {
        Format::Json => crate::errln!("{}", serde_json::json!({"event": kind, "message": message})),
        _ => crate::errln!("qcompat: {kind}: {message}"),
    }
}
