//! Error text for the YAML and JSON documents users hand us (matrix specs,
//! pins, reports): the file and line first, and never a whole input echoed
//! back, which serde's "invalid type: string ..." messages otherwise do.

/// The deepest nesting a document may have before it is parsed. YAML
/// parsers take quadratic time on deep nests, and no spec, pins file or
/// report comes near this.
const MAX_DEPTH: usize = 64;

/// Reads a document a user hands us: at most `max_bytes`, UTF-8, a leading
/// byte-order mark dropped, and no deeper than [`MAX_DEPTH`].
pub fn read_document(path: &std::path::Path, what: &str, max_bytes: u64) -> anyhow::Result<String> {
    use anyhow::Context;
    use std::io::Read;
    let f = std::fs::File::open(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    f.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > max_bytes {
        anyhow::bail!(
            "{what} {} is larger than {} KiB: not a {what} (check the path)",
            path.display(),
            max_bytes >> 10
        );
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{what} {} is not UTF-8 text (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    check_depth(&path.display().to_string(), &text)?;
    Ok(text)
}

/// Refuses documents nested deeper than [`MAX_DEPTH`], counting flow
/// brackets and block indentation (`- - - x` counts each dash).
pub fn check_depth(source: &str, text: &str) -> anyhow::Result<()> {
    let mut flow: usize = 0;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    flow += 1;
                    if flow > MAX_DEPTH {
                        break;
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        // Two columns a level is YAML's usual; count generously.
        if flow > MAX_DEPTH || indent / 2 > MAX_DEPTH {
            anyhow::bail!(
                "{source}:{}: nested more than {MAX_DEPTH} levels deep: not a document qcompat writes or reads",
                n + 1
            );
        }
    }
    Ok(())
}

/// `SOURCE:LINE:COL: message` for a YAML document that did not deserialize.
pub fn yaml(source: &str, e: &serde_yaml::Error) -> String {
    let at = e
        .location()
        .map(|l| format!(":{}:{}", l.line(), l.column()))
        .unwrap_or_default();
    format!("{source}{at}: {}", tidy(&e.to_string()))
}

/// `SOURCE:LINE:COL: message` for a JSON document that did not deserialize.
pub fn json(source: &str, e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C" itself; move it to the front.
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) if e.line() > 0 => &msg[..i],
        _ => &msg[..],
    };
    format!("{source}:{}:{}: {}", e.line(), e.column(), tidy(msg))
}

/// The 1-based line of the first line containing `needle`, or 0.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// Longest quoted input kept in a message, in characters.
const MAX_QUOTE: usize = 60;

/// `s` cut to [`MAX_QUOTE`] characters (with `…`), for quoting user input.
pub fn cut(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTE) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Shortens quoted strings longer than MAX_QUOTE and names serde's target
/// types the way a user reads them (a mapping, not `struct PinsFile`).
fn tidy(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(512));
    let mut chars = msg.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' {
            continue;
        }
        // Copy the quoted run (Debug-escaped, so `\"` does not end it),
        // stopping the copy at MAX_QUOTE characters.
        let mut n = 0;
        let mut escaped = false;
        let mut cut = false;
        for q in chars.by_ref() {
            let end = q == '"' && !escaped;
            escaped = q == '\\' && !escaped;
            if end {
                if cut {
                    out.push('…');
                }
                out.push('"');
                break;
            }
            n += 1;
            if n <= MAX_QUOTE {
                out.push(q);
            } else {
                cut = true;
            }
        }
    }
    strip_struct_names(&out)
}

/// `expected struct Foo` -> `expected a mapping`.
fn strip_struct_names(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    while let Some(i) = rest.find("struct ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "struct ".len()..];
        let name_len = after
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(after.len());
        if name_len == 0 {
            out.push_str("struct ");
        } else {
            out.push_str("a mapping");
        }
        rest = &after[name_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod depth_tests {
    #[test]
    fn deep_documents_are_refused_quickly() {
        let flow = format!("toolchains: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let start = std::time::Instant::now();
        let e = super::check_depth("s.yaml", &flow).unwrap_err();
        assert!(e.to_string().contains("s.yaml:1: nested more than"), "{e}");
        let mut block = String::from("toolchains:\n");
        for i in 0..200 {
            block.push_str(&" ".repeat(i * 2));
            block.push_str("- \n");
        }
        assert!(super::check_depth("s.yaml", &block).is_err());
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        super::check_depth("ok.yaml", "a: [1, [2, {b: \"[[[\"}]]\n- - x\n").unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
    }

    #[test]
    fn long_inputs_are_not_echoed() {
        let text = format!("{}\n", "x".repeat(5000));
        let e = serde_yaml::from_str::<Doc>(&text).unwrap_err();
        let m = yaml("f.yaml", &e);
        assert!(m.starts_with("f.yaml:1:1: invalid type: string \""), "{m}");
        assert!(m.len() < 200, "{m}");
        assert!(m.contains("…\""), "{m}");
        assert!(m.ends_with("expected a mapping"), "{m}");
    }

    #[test]
    fn escaped_quotes_do_not_end_a_quote() {
        let m = tidy(r#"invalid type: string "a\"b", expected u64"#);
        assert_eq!(m, r#"invalid type: string "a\"b", expected u64"#);
        let long = format!(r#"bad "{}\"{}" end"#, "a".repeat(70), "b".repeat(10));
        let m = tidy(&long);
        assert!(m.ends_with("…\" end"), "{m}");
    }

    #[test]
    fn json_location_comes_first() {
        let e = serde_json::from_str::<Doc>("{\n  \"name\": 5\n}").unwrap_err();
        let m = json("r.json", &e);
        assert!(m.starts_with("r.json:2:"), "{m}");
        assert!(!m.contains(" at line "), "{m}");
    }

    #[test]
    fn line_of_finds_first_match() {
        assert_eq!(line_of("a\nb: 1\nb: 2\n", "b:"), 2);
        assert_eq!(line_of("a\n", "zzz"), 0);
    }
}
