//! Shell and go-command words: quoting for display, splitting GOFLAGS-style
//! words as the go command does, and quoting a path so the go command reads
//! it back as one word.

/// Quotes one word for a POSIX shell when it needs quoting.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Splits a -toolexec value the way the go command does
/// (cmd/internal/quoted.Split): on white space; a word that starts with `'`
/// or `"` runs to the next same quote; quotes inside a word are literal.
pub fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first == '\'' || first == '"' {
            let body = &rest[1..];
            match body.find(first) {
                Some(i) => {
                    words.push(body[..i].to_string());
                    rest = &body[i + 1..];
                }
                // Unterminated: the go command refuses it; keep the text.
                None => {
                    words.push(body.to_string());
                    break;
                }
            }
            continue;
        }
        let end = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
        words.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    words
}

/// `s` as one word of a -toolexec value (cmd/internal/quoted rules), if it
/// can be one.
pub fn go_word(s: &str) -> Option<String> {
    let space = s.chars().any(char::is_whitespace);
    let starts_quoted = s.starts_with(['\'', '"']);
    if !space && !starts_quoted && !s.is_empty() {
        return Some(s.to_string());
    }
    ['\'', '"']
        .into_iter()
        .find(|q| !s.contains(*q))
        .map(|q| format!("{q}{s}{q}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_the_go_command() {
        assert_eq!(split_words("q"), vec!["q"]);
        assert_eq!(split_words(" a  b "), vec!["a", "b"]);
        assert_eq!(split_words("'/x y/q' toolexec"), vec!["/x y/q", "toolexec"]);
        assert_eq!(split_words("\"a b\" c"), vec!["a b", "c"]);
        // Quotes inside a word are literal, as in cmd/internal/quoted.
        assert_eq!(
            split_words("/home/o'brien/q toolexec"),
            vec!["/home/o'brien/q", "toolexec"]
        );
        for p in ["/a b/o'brien/q", "/a b/say \"hi\"/q", "/plain/q", "/o'b/q"] {
            let w = go_word(p).unwrap();
            assert_eq!(
                split_words(&format!("{w} toolexec")),
                vec![p, "toolexec"],
                "{w}"
            );
        }
        assert_eq!(go_word("/a b/'\"/q"), None);
    }

    #[test]
    fn quotes_for_display() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("-ldflags=-s"), "-ldflags=-s");
    }
}
