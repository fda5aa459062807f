//! What a pin may claim: a closed range of Go versions that holds the
//! versions its evidence names, on dates that have happened.

use super::{Pin, Range};
use anyhow::{bail, Result};
use semver::Version;

/// Refuses a pin whose range has no upper bound (it would cover every
/// future Go), or whose evidence names a toolchain outside its range.
/// `at` is `SOURCE:LINE`.
pub(super) fn check(pin: &Pin, range: &Range, at: &str) -> Result<()> {
    let shown = crate::support::output::shown;
    if range.upper().is_none() {
        bail!(
            "{at}: the pin {} has no upper bound, so it claims every future Go release too; end it at the first minor it was not tested with (such as `, <1.28.0`)",
            shown(&pin.go)
        );
    }
    let Some(ev) = &pin.evidence else {
        return Ok(());
    };
    let named = ev
        .toolchains
        .iter()
        .chain(ev.per_toolchain.iter().map(|t| &t.go));
    for go in named {
        let inside = crate::go::version::parse(go).is_ok_and(|v| {
            let v = v.version;
            range.contains(&v) || range.contains(&Version::new(v.major, v.minor, v.patch))
        });
        if !inside {
            bail!(
                "{at}: the pin {} cites evidence from {}, which is not in its range: a pin claims only the versions its evidence tested; record the evidence in the pin of that version (`qcompat pins update`)",
                shown(&pin.go),
                shown(go)
            );
        }
    }
    Ok(())
}

/// Refuses evidence dated after `today` (YYYY-MM-DD, given by the caller).
pub fn no_future_dates(pins: &super::Pins, today: &str) -> Result<()> {
    for pin in &pins.file.pins {
        let Some(ev) = &pin.evidence else { continue };
        let dates = std::iter::once(&ev.date).chain(ev.per_toolchain.iter().map(|t| &t.date));
        // YYYY-MM-DD strings (checked on load) sort as dates.
        if let Some(d) = dates.filter(|d| d.as_str() > today).max() {
            bail!(
                "{}: the pin {} cites evidence dated {d}, after today ({today}): a pin cites only runs that happened; fix the date (or the clock)",
                pins.source,
                crate::support::output::shown(&pin.go)
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::policy::pins::Pins;

    #[test]
    fn open_ranges_foreign_evidence_and_future_dates_are_refused() {
        let open =
            "schema: 1\npins:\n- go: '>=1.26.0'\n  strategy: injected\n  linkname: restricted\n";
        let e = Pins::parse(open, "p.yaml").unwrap_err().to_string();
        assert!(
            e.starts_with("p.yaml:3: the pin >=1.26.0 has no upper bound"),
            "{e}"
        );
        let builtin = Pins::load(None).unwrap();
        let text = crate::policy::pins::BUILTIN.replacen("- go1.26.8", "- go1.19.8", 1);
        assert_ne!(text, crate::policy::pins::BUILTIN);
        let e = Pins::parse(&text, "p.yaml").unwrap_err().to_string();
        assert!(
            e.contains("the pin \">=1.26.0, <1.27.0\" cites evidence from go1.19.8"),
            "{e}"
        );
        super::no_future_dates(&builtin, "2026-12-07").unwrap();
        let e = super::no_future_dates(&builtin, "2026-01-01")
            .unwrap_err()
            .to_string();
        assert!(e.contains("after today (2026-01-01)"), "{e}");
    }
}
