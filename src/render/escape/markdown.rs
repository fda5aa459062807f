//! Text for Markdown renderers that also take HTML (GitHub, GitLab): a
//! value shows as itself and never as markup (a tag, an image, a link, a
//! heading, a table break, the end of a code span).

/// One line of inline text (a table cell, a list item, a sentence).
/// Backslash escapes rather than entities, so that `>=` reads as itself in
/// a renderer and in the raw file alike.
pub fn text(s: &str) -> String {
    let clean = super::clean(s);
    let mut out = String::with_capacity(clean.len() + 8);
    for (i, c) in clean.chars().enumerate() {
        match c {
            '\\' | '|' | '<' | '&' | '[' | ']' | '`' | '#' | '*' | '_' => {
                out.push('\\');
                out.push(c);
            }
            // A line break would end the table row or the list item.
            '\n' | '\r' | '\t' => out.push(' '),
            // At the start, these open a quote, a list or a heading line.
            '>' | '-' | '+' | '=' | '~' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span holding `s` as it is: fenced by more backticks than any run
/// inside, padded when it starts or ends with one, on one line.
pub fn code(s: &str) -> String {
    let body: String = super::clean(s)
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') || body.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_stays_text() {
        let m = text("a\u{1b}[31m | <script>x</script>\n## h ![i](http://x/i.png) `c` \\");
        assert!(
            !m.contains('\n') && !m.replace("\\<", "").contains('<'),
            "{m:?}"
        );
        for bare in ["![", " ## ", " `c"] {
            assert!(!m.contains(bare), "{bare}: {m:?}");
        }
        assert!(m.contains("!\\[i\\](http"), "{m:?}");
        assert!(m.ends_with("\\\\"), "{m:?}");
        assert_eq!(text("go >= 1.26 & <b>"), "go >= 1.26 \\& \\<b>");
        assert_eq!(text("## x"), "\\#\\# x");
        assert_eq!(text("</details>"), "\\</details>");
        assert_eq!(code("s.yaml"), "`s.yaml`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("a\nb"), "`a b`");
    }
}
