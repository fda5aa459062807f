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

/// Longest message qcompat writes to stderr, in bytes: a bad value of
/// 900 KB is cut, not echoed whole.
const MAX_MESSAGE: usize = 8 * 1024;

/// Text for a terminal: control bytes (ESC, BEL, NUL, DEL, C1) and the
/// bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069)
/// from untrusted text are shown escaped (`\x1b`, `\u{202e}`), newlines
/// and tabs kept; past [`MAX_MESSAGE`] the text is cut with a count.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE) + 16);
    for (i, c) in text.char_indices() {
        if out.len() >= MAX_MESSAGE {
            out.push_str(&format!("… ({} more bytes cut)", text.len() - i));
            break;
        }
        match c {
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes a line to stderr, made [`terminal_safe`]. A closed or failing
/// stderr (`2>&1 | head`) is ignored: a message is never worth a panic.
pub fn write_stderr_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(terminal_safe(text).as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// `eprintln!` that never panics and escapes control bytes: see
/// [`write_stderr_line`].
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::support::output::write_stderr_line(&format!($($arg)*))
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

#[cfg(test)]
mod terminal_tests {
    use super::*;

    #[test]
    fn control_bytes_are_escaped_and_huge_text_cut() {
        assert_eq!(
            terminal_safe("a\u{1b}[31mb\u{7}c\u{0}d\u{202e}e\nf\tg"),
            "a\\x1b[31mb\\x07c\\x00d\\u{202e}e\nf\tg"
        );
        let huge = "x".repeat(900 * 1024);
        let s = terminal_safe(&huge);
        assert!(s.len() < MAX_MESSAGE + 64, "{}", s.len());
        assert!(s.ends_with("more bytes cut)"), "{}", &s[s.len() - 40..]);
    }
}
