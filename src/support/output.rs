//! How a command's result leaves the process: human text, JSON or YAML.

use anyhow::Result;
use serde::Serialize;
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Yaml,
}

/// Prints `doc` as JSON or YAML, or calls `human` for the text form.
pub fn emit<T: Serialize>(format: Format, doc: &T, human: impl FnOnce(&mut String)) -> Result<()> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(doc)? + "\n",
        Format::Yaml => serde_yaml::to_string(doc)?,
        Format::Human => {
            let mut s = String::new();
            human(&mut s);
            s
        }
    };
    write_stdout(&text)
}

/// Writes text to stdout. A closed pipe (`| head`) ends the command quietly
/// (exit 0, as the reader asked for no more); any other failure (a full
/// disk) is an error that names stdout.
pub fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(anyhow::anyhow!("cannot write to standard output: {e}")),
    }
}

/// `println!` that never panics: see [`write_stdout`].
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::support::output::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Colours for human output: only on a terminal, and never with NO_COLOR set.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            on: !no_color && std::io::stdout().is_terminal(),
        }
    }

    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    pub fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    pub fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    pub fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
}
