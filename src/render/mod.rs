//! What the matrix shows: live progress on the terminal, and the report as
//! Markdown, JUnit and a CI step summary.

pub mod matrix;
pub mod progress;
pub mod verdict;
