//! Text for XML 1.0 (JUnit): only characters XML allows. The markup itself
//! is escaped by the JUnit writer (`quick-junit`), which drops ANSI escapes
//! and C0 controls but keeps U+FFFE, U+FFFF and DEL.

/// `s` without ANSI escapes and without the characters XML 1.0 cannot hold.
pub fn chars(s: &str) -> String {
    super::clean(s)
}

#[cfg(test)]
mod tests {
    /// Hostile values written through the JUnit writer parse back, in an
    /// attribute and in content, as the value less what XML cannot hold.
    #[test]
    fn hostile_values_stay_well_formed() {
        use quick_junit::{TestCase, TestCaseStatus, TestSuite};
        let nasty = "go1.26.8\u{1b}[2J\u{1}\u{0}\"'<a>&b\nc\u{fffe}\u{ffff}";
        let mut status = TestCaseStatus::skipped();
        status.set_description(super::chars(nasty));
        let mut suite = TestSuite::new(super::chars(nasty));
        suite.add_test_case(TestCase::new("t", status));
        let mut report = quick_junit::Report::new("r");
        report.add_test_suite(suite);
        let doc = report.to_string().unwrap();
        let mut reader = quick_xml::Reader::from_str(&doc);
        let mut seen = Vec::new();
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e)) if e.name().as_ref() == "testsuite" => {
                    let a = e.try_get_attribute("name").unwrap().unwrap();
                    let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                    seen.push(v.unwrap().into_owned());
                }
                Ok(quick_xml::events::Event::Text(t)) if !t.trim_ascii().is_empty() => {
                    seen.push(t.xml10_content().into_owned())
                }
                Ok(quick_xml::events::Event::GeneralRef(r)) => {
                    seen.push(format!("&{};", r.into_inner()))
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}: {doc}"),
            }
        }
        assert_eq!(seen[0], "go1.26.8\"'<a>&b c", "{doc}");
        assert_eq!(
            seen[1..].concat(),
            "go1.26.8&quot;&apos;&lt;a&gt;&amp;b\nc",
            "{doc}"
        );
    }
}
