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

impl Format {
    /// The flag that asks for this form (none for text).
    pub fn flag(self) -> Option<&'static str> {
        match self {
            Format::Human => None,
            Format::Json => Some("--json"),
            Format::Yaml => Some("--yaml"),
        }
    }
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
/// bidirectional controls and invisible characters (U+202A-U+202E,
/// U+2066-U+2069, U+200B-U+200F, U+FEFF ...: see [`escape_of`]) from
/// untrusted text are shown escaped (`\x1b`, `\u{202e}`), newlines and tabs
/// kept; past [`MAX_MESSAGE`] the text is cut with a count.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE) + 16);
    for (i, c) in text.char_indices() {
        if out.len() >= MAX_MESSAGE {
            out.push_str(&format!("… ({} more bytes cut)", text.len() - i));
            break;
        }
        match c {
            '\n' | '\t' => out.push(c),
            c => match escape_of(c) {
                Some(e) => out.push_str(&e),
                None => out.push(c),
            },
        }
    }
    out
}

/// How `c` is shown when a terminal must not act on it or hide it: control
/// bytes as `\x1b`, bidirectional controls (which reorder the text around
/// them) and invisible or zero-width characters as `\u{200b}`.
pub fn escape_of(c: char) -> Option<String> {
    let n = c as u32;
    match c {
        _ if n < 0x20 || (0x7f..0xa0).contains(&n) => Some(format!("\\x{n:02x}")),
        '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}' => Some(format!("\\u{{{n:x}}}")),
        _ => None,
    }
}

/// An untrusted value inside a line of human output (a path, a version, a
/// message that quotes tool output): what [`escape_of`] names escaped, and
/// newlines, tabs and CRs as `\n`, `\t`, `\r`, so that it stays on its line
/// and the terminal acts on none of it. Unlike [`shown`], never quoted or cut.
pub fn inline(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => match escape_of(c) {
                Some(e) => out.push_str(&e),
                None => out.push(c),
            },
        }
    }
    out
}

/// Longest untrusted value [`shown`] keeps, in characters.
const MAX_VALUE: usize = 200;

/// An untrusted value (a version, a path, a range, a command from the
/// environment or a file) as a person reads it inside a message: what
/// [`escape_of`] names escaped, newlines and tabs too (`\n`); cut at
/// [`MAX_VALUE`] characters with `…`; and in double quotes only where they
/// help: an empty value, or one with spaces, quotes, commas, backslashes or
/// escapes,
/// whose ends the reader could not otherwise see (its own `"` and `\\` are
/// then escaped). Unlike `{:?}`, printable text (`é`, `…`) stays as it is.
pub fn shown(value: &str) -> String {
    let escape = |c: char| match c {
        '\n' => Some("\\n".to_string()),
        '\t' => Some("\\t".to_string()),
        '\r' => Some("\\r".to_string()),
        c => escape_of(c),
    };
    let quote = value.is_empty()
        || value.chars().take(MAX_VALUE).any(|c| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | '\\') || escape(c).is_some()
        });
    let mut out = String::with_capacity(value.len().min(4 * MAX_VALUE) + 8);
    if quote {
        out.push('"');
    }
    for (n, c) in value.chars().enumerate() {
        if n == MAX_VALUE {
            out.push('…');
            break;
        }
        match escape(c) {
            Some(e) => out.push_str(&e),
            // Inside quotes, the value's own quotes and backslashes are
            // escaped so that the quotes mark its ends.
            None if quote && matches!(c, '"' | '\\') => {
                out.push('\\');
                out.push(c);
            }
            None => out.push(c),
        }
    }
    if quote {
        out.push('"');
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
        assert_eq!(terminal_safe("a\u{200b}b\u{feff}"), "a\\u{200b}b\\u{feff}");
    }

    #[test]
    fn values_are_shown_escaped_once_quoted_where_it_helps_and_cut() {
        assert_eq!(shown("go1.2x"), "go1.2x");
        assert_eq!(shown("/tmp/é…/pins.yaml"), "/tmp/é…/pins.yaml");
        assert_eq!(shown(""), "\"\"");
        assert_eq!(shown(">=1.23.0, <1.28.0"), "\">=1.23.0, <1.28.0\"");
        assert_eq!(shown("a\u{200b}b"), "\"a\\u{200b}b\"");
        assert_eq!(
            shown("\u{1b}[31m\u{7}\0\u{202e}"),
            "\"\\x1b[31m\\x07\\x00\\u{202e}\""
        );
        assert_eq!(shown("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        assert_eq!(shown("c:\\x"), "\"c:\\\\x\"");
        // Escaped once: the stderr line does not escape the escapes again.
        assert_eq!(terminal_safe(&shown("a\u{200b}")), "\"a\\u{200b}\"");
        assert_eq!(
            inline("/go\u{1b}]0;t\u{7}\u{202e}x\ny z"),
            "/go\\x1b]0;t\\x07\\u{202e}x\\ny z"
        );
        let huge = shown(&"x".repeat(900 * 1024));
        assert_eq!(huge, format!("{}…", "x".repeat(MAX_VALUE)));
    }
}
