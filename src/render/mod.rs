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
