//! Untrusted text (a report's values, tool output, an index's versions)
//! made safe for the reader of each output: one module per kind of reader.
//! Every writer of that output passes every value through it.
//!
//! - [`xml`]: JUnit files, read by XML 1.0 parsers (CI systems).
//! - [`markdown`]: the Markdown grid and the CI step summary, read by
//!   Markdown renderers that also take HTML.
//! - The terminal: [`crate::support::output`] (`terminal_safe`, `shown`,
//!   `inline`), as every command writes to it.

pub mod markdown;
pub mod xml;

/// Text with ANSI escape sequences removed and the characters XML 1.0
/// cannot hold (C0 controls but tab, newline and CR; U+FFFE, U+FFFF)
/// dropped: what both XML and Markdown start from.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ params final-byte; other escapes: ESC + one char.
            if chars.peek() == Some(&'[') {
                chars.next();
                for f in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&f) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
            continue;
        }
        let ok = matches!(c, '\t' | '\n' | '\r')
            || (c >= ' ' && c != '\u{7f}' && c != '\u{fffe}' && c != '\u{ffff}');
        if ok {
            out.push(c);
        }
    }
    out
}
