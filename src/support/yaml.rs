//! The one way a YAML document a user hands us (a spec, a pins file, a
//! report) is read: depth-checked, aliases refused, then deserialized.
//!
//! An alias (`*name`) repeats the node its anchor names; nested aliases
//! grow exponentially (a "billion laughs" document of a few hundred KB
//! expands to gigabytes inside the deserializer). qcompat writes no
//! aliases and none of its documents need one, so any alias is refused
//! before the document is deserialized, with where it stands.

use super::doc_error;
use anyhow::{anyhow, Result};
use serde::de::DeserializeOwned;

/// Deserializes `text` (named `source` in errors). A document that does not
/// deserialize gives `hint(message)`, the message being
/// `SOURCE:LINE:COL: what`.
pub fn from_str<T: DeserializeOwned>(
    source: &str,
    text: &str,
    hint: impl FnOnce(String) -> String,
) -> Result<T> {
    doc_error::check_depth(source, text)?;
    if let Some((line, column)) = first_alias(text) {
        return Err(anyhow!(
            "{source}:{line}:{column}: a YAML alias (*name): qcompat refuses aliases in the documents it reads (they can expand to gigabytes); write the value out in full"
        ));
    }
    serde_yaml::from_str(text).map_err(|e| anyhow!(hint(doc_error::yaml(source, &e))))
}

/// The 1-based line and column of the first alias event in `text`; None
/// when there is none, or when the text stops parsing before one (the
/// deserializer then says why).
fn first_alias(text: &str) -> Option<(u64, u64)> {
    use std::mem::MaybeUninit;
    use unsafe_libyaml as unsafe_yaml;
    let mut parser = MaybeUninit::<unsafe_yaml::yaml_parser_t>::uninit();
    let p = parser.as_mut_ptr();
    // SAFETY: the parser is initialized before use and deleted once; it
    // reads `text`, which outlives it, and stays in place (not moved)
    // while it holds pointers into itself. Each event is deleted after it
    // is read.
    unsafe {
        if unsafe_yaml::yaml_parser_initialize(p).fail {
            return None;
        }
        unsafe_yaml::yaml_parser_set_input_string(p, text.as_ptr(), text.len() as u64);
        let mut found = None;
        loop {
            let mut event = MaybeUninit::<unsafe_yaml::yaml_event_t>::uninit();
            let e = event.as_mut_ptr();
            if unsafe_yaml::yaml_parser_parse(p, e).fail {
                break;
            }
            let kind = (*e).type_;
            if kind == unsafe_yaml::YAML_ALIAS_EVENT {
                found = Some(((*e).start_mark.line + 1, (*e).start_mark.column + 1));
            }
            unsafe_yaml::yaml_event_delete(e);
            if found.is_some() || kind == unsafe_yaml::YAML_STREAM_END_EVENT {
                break;
            }
        }
        unsafe_yaml::yaml_parser_delete(p);
        found
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        #[allow(dead_code)]
        a: Vec<Vec<String>>,
    }

    /// A billion-laughs document is refused at once, where its first alias
    /// stands; anchors alone, and `*` and `&` inside values, are fine.
    #[test]
    fn aliases_are_refused_before_they_expand() {
        let mut bomb = String::from("x0: &x0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for i in 1..40 {
            let p = i - 1;
            bomb.push_str(&format!(
                "x{i}: &x{i} [*x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}]\n"
            ));
        }
        bomb.push_str("a: [*x39]\n");
        let start = std::time::Instant::now();
        let e = super::from_str::<Doc>("b.yaml", &bomb, |m| m)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("b.yaml:2:10: a YAML alias"), "{e}");
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        let ok: Doc =
            super::from_str("ok.yaml", "a: &x [[\"*y\", a*b, '&z', x & y]]\n", |m| m).unwrap();
        assert_eq!(ok.a[0].len(), 4);
        let e =
            super::from_str::<Doc>("bad.yaml", "a: 5\n", |m| format!("{m} (hint)")).unwrap_err();
        assert!(
            e.to_string().starts_with("bad.yaml:1:4: ") && e.to_string().ends_with("(hint)"),
            "{e}"
        );
    }
}
