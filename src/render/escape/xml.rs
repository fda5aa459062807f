//! Text for XML 1.0 (JUnit): only characters XML allows, markup escaped.

/// Element content: cleaned, `<`, `>`, `&`, `"` and `'` escaped.
pub fn text(s: &str) -> String {
    quick_xml::escape::escape(super::clean(s).as_str()).into_owned()
}

/// An attribute value: as [`text`], with tab, newline and CR as character
/// references, which attribute normalisation would otherwise turn into
/// spaces.
pub fn attr(s: &str) -> String {
    text(s)
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
}

#[cfg(test)]
mod tests {
    /// Hostile values parse back, in an attribute and in content, as the
    /// value less what XML cannot hold.
    #[test]
    fn hostile_values_stay_well_formed() {
        let nasty = "go1.26.8\u{1b}[2J\u{1}\u{0}\"'<a>&b\nc\u{fffe}";
        let doc = format!(
            "<?xml version=\"1.0\"?><r a=\"{}\">{}</r>",
            super::attr(nasty),
            super::text(nasty)
        );
        let mut reader = quick_xml::Reader::from_str(&doc);
        let mut seen = Vec::new();
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e)) => {
                    let a = e.attributes().next().unwrap().unwrap();
                    seen.push(a.unescape_value().unwrap().into_owned());
                }
                Ok(quick_xml::events::Event::Text(t)) => {
                    seen.push(t.unescape().unwrap().into_owned())
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}: {doc}"),
            }
        }
        assert_eq!(
            seen,
            ["go1.26.8\"'<a>&b\nc", "go1.26.8\"'<a>&b\nc"],
            "{doc}"
        );
    }
}
