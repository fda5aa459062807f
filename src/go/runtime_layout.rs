//! Where the goroutine ID lives: `type g struct { ... goid T ... }` in
//! `$GOROOT/src/runtime/runtime2.go`.

use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuntimeLayout {
    pub goid_field: bool,
    /// `int64` up to Go 1.19, `uint64` from 1.20.
    pub goid_type: Option<String>,
    /// Why the field was not found (unreadable source, no `g` struct, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Reads the runtime source of the toolchain at `goroot`.
pub fn read(goroot: &Path) -> RuntimeLayout {
    let file = goroot.join("src/runtime/runtime2.go");
    match std::fs::read_to_string(&file) {
        Ok(text) => {
            let mut layout = parse(&text);
            if let Some(p) = &mut layout.problem {
                *p = format!("{}: {p}", file.display());
            }
            layout
        }
        Err(e) => RuntimeLayout {
            goid_field: false,
            goid_type: None,
            problem: Some(format!("cannot read {}: {e}", file.display())),
        },
    }
}

/// Finds the `goid` field of `type g struct` in runtime2.go's text.
pub fn parse(text: &str) -> RuntimeLayout {
    let missing = |why: &str| RuntimeLayout {
        goid_field: false,
        goid_type: None,
        problem: Some(why.to_string()),
    };
    let mut lines = text.lines();
    if !lines.any(|l| l.trim_start().starts_with("type g struct {")) {
        return missing("no `type g struct` in the runtime source");
    }
    let mut depth = 1usize;
    for line in lines {
        // Strip comments so braces in them do not count.
        let code = line.split("//").next().unwrap_or("").trim();
        if depth == 1 {
            let mut words = code.split_whitespace();
            if words.next() == Some("goid") {
                let ty = words.next().unwrap_or("").to_string();
                return RuntimeLayout {
                    goid_field: true,
                    goid_type: (!ty.is_empty()).then_some(ty),
                    problem: None,
                };
            }
        }
        depth += code.matches('{').count();
        depth = depth.saturating_sub(code.matches('}').count());
        if depth == 0 {
            break;
        }
    }
    missing("`type g struct` has no `goid` field")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_goid() {
        let src = "package runtime\n\ntype g struct {\n\tstack stack // offset known\n\tm *m\n\tsched gobuf\n\tinner struct {\n\t\tgoid int\n\t}\n\tgoid         uint64\n}\n";
        let l = parse(src);
        assert!(l.goid_field);
        assert_eq!(l.goid_type.as_deref(), Some("uint64"));
        let old = parse("type g struct {\n\tgoid int64 // comment {\n}\n");
        assert_eq!(old.goid_type.as_deref(), Some("int64"));
    }

    #[test]
    fn missing_is_a_finding() {
        let l = parse("type g struct {\n\tm *m\n}\nvar goid uint64\n");
        assert!(!l.goid_field && l.goid_type.is_none());
        assert!(l.problem.unwrap().contains("no `goid` field"));
        assert!(parse("package runtime").problem.is_some());
        let r = read(Path::new("/nonexistent-goroot"));
        assert!(r.problem.unwrap().contains("cannot read"));
    }
}
