//! Go version strings as the go command and gccgo print them, parsed into a
//! `semver::Version` while keeping the original text.
//!
//! Accepted forms (with or without a leading `go version ` and trailing
//! `GOOS/GOARCH`): `go1.21.0`, `go1.20`, `go1`, `go1.21rc2`, `go1.9beta1`,
//! `go1.22.0 X:nocoverageredesign`, both devel shapes (`devel go1.26-5f2c3e1
//! Tue Aug 1 ...` and, since go.dev/issue/73372, `go1.28-devel_5f2c3e1 Tue Aug
//! 1 ...`), `go1.24.2-bigcorp`, and gccgo's `go1.18 gccgo (GCC) 12.2.0`.

use semver::{BuildMetadata, Prerelease, Version};
use serde::Serialize;
use std::fmt;

/// Which compiler produced the toolchain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compiler {
    Gc,
    Gccgo,
}

impl fmt::Display for Compiler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::support::serde_name::of(self))
    }
}

/// A parsed Go version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoVersion {
    /// The text it was parsed from, trimmed.
    pub raw: String,
    /// 1.21rc2 becomes 1.21.0-rc.2; a vendor suffix becomes build metadata;
    /// a devel build of 1.28 becomes 1.28.0-devel(.hash).
    pub version: Version,
    pub compiler: Compiler,
    pub devel: bool,
    /// GOEXPERIMENT settings printed after `X:`.
    pub experiments: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot parse Go version {}: {why}", crate::support::output::shown(.text))]
pub struct ParseError {
    pub text: String,
    pub why: String,
}

impl GoVersion {
    /// The `major.minor` language version, e.g. `1.21`.
    pub fn minor_line(&self) -> (u64, u64) {
        (self.version.major, self.version.minor)
    }

    /// True when this toolchain is at least `major.minor` (pre-releases and
    /// devel builds of that minor count as that minor).
    pub fn at_least(&self, major: u64, minor: u64) -> bool {
        self.minor_line() >= (major, minor)
    }

    /// `go1.21.0` style name of the version (pre-releases as `go1.21rc2`).
    pub fn go_name(&self) -> String {
        format_go_name(&self.version)
    }
}

/// Formats a semver version the way Go names releases.
pub fn format_go_name(v: &Version) -> String {
    let pre = v.pre.as_str();
    if let Some(n) = pre.strip_prefix("rc.") {
        format!("go{}.{}rc{}", v.major, v.minor, n)
    } else if let Some(n) = pre.strip_prefix("beta.") {
        format!("go{}.{}beta{}", v.major, v.minor, n)
    } else if let Some(hash) = pre.strip_prefix("devel") {
        // The shape Go prints since go.dev/issue/73372; it parses back.
        let hash = hash.trim_start_matches('.').replace('.', "_");
        let sep = if hash.is_empty() { "" } else { "_" };
        format!("go{}.{}-devel{sep}{hash}", v.major, v.minor)
    } else if v.minor < 21 && v.patch == 0 && pre.is_empty() {
        // Before 1.21 the first release of a minor had no ".0".
        format!("go{}.{}", v.major, v.minor)
    } else {
        format!("go{}.{}.{}", v.major, v.minor, v.patch)
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

fn err(text: &str, why: impl Into<String>) -> ParseError {
    ParseError {
        text: text.to_string(),
        why: why.into(),
    }
}

/// Parses a version a user typed: `go1.22.5` or `1.22.5` (and what `go
/// version` prints).
pub fn parse_user(given: &str) -> Result<GoVersion, ParseError> {
    if given.starts_with("go") || given.contains(' ') {
        parse(given)
    } else if let Some(go) = semver_prerelease(given) {
        // The semver form qcompat prints (`1.27.0-rc.1`) is that Go
        // pre-release (`go1.27rc1`), not a vendor suffix.
        parse(&go)
    } else {
        parse(&format!("go{given}"))
    }
}

/// `1.27.0-rc.1` -> `go1.27rc1`, `1.27.0-beta.2` -> `go1.27beta2`: the Go
/// name of a Go pre-release written as semver. None for anything else.
fn semver_prerelease(given: &str) -> Option<String> {
    let v = Version::parse(given).ok()?;
    let (tag, n) = v.pre.as_str().split_once('.')?;
    let n: u64 = n.parse().ok()?;
    (v.patch == 0 && v.build.is_empty() && matches!(tag, "rc" | "beta" | "alpha"))
        .then(|| format!("go{}.{}{tag}{n}", v.major, v.minor))
}

/// The first line of a GOROOT's VERSION file, when it names a Go release.
pub fn goroot_version_line(goroot: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(goroot.join("VERSION")).ok()?;
    let first = text.lines().next()?.trim().to_string();
    parse(&first).ok()?;
    Some(first)
}

/// Parses what `go version` or `go env GOVERSION` prints.
pub fn parse(text: &str) -> Result<GoVersion, ParseError> {
    let raw = text.trim();
    let mut words: Vec<&str> = raw.split_whitespace().collect();
    if words.is_empty() {
        return Err(err(raw, "empty version string"));
    }
    if words.len() >= 2 && words[0] == "go" && words[1] == "version" {
        words.drain(..2);
    }
    let mut compiler = Compiler::Gc;
    if words.contains(&"gccgo") {
        compiler = Compiler::Gccgo;
    }
    let mut devel = false;
    if words.first() == Some(&"devel") {
        devel = true;
        words.remove(0);
    }
    let Some(first) = words.first().copied() else {
        return Err(err(raw, "no version after \"devel\""));
    };
    let experiments = words
        .iter()
        .filter_map(|w| w.strip_prefix("X:"))
        .flat_map(|x| x.split(','))
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect();
    // The newer devel shape carries `devel` in the version word's suffix.
    let devel = devel || devel_suffix(first).is_some();
    let version = parse_release(raw, first, devel)?;
    Ok(GoVersion {
        raw: raw.to_string(),
        version,
        compiler,
        devel,
        experiments,
    })
}

/// The hash of a `go1.N-devel_HASH` word (`Some("")` for `go1.N-devel`).
fn devel_suffix(word: &str) -> Option<&str> {
    let (_, suffix) = word.split_once('-')?;
    let rest = suffix.strip_prefix("devel")?;
    Some(rest.trim_start_matches(['_', '-', '.']))
}

fn parse_num(raw: &str, s: &str, what: &str) -> Result<u64, ParseError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(
            raw,
            format!(
                "{what} {} is not a number",
                crate::support::output::shown(s)
            ),
        ));
    }
    s.parse().map_err(|_| {
        err(
            raw,
            format!("{what} {} is too large", crate::support::output::shown(s)),
        )
    })
}

/// Parses one word such as `go1.21rc2`, `go1.24.2-bigcorp` or (devel) `go1.28-5f2c3e1`.
fn parse_release(raw: &str, word: &str, devel: bool) -> Result<Version, ParseError> {
    let Some(rest) = word.strip_prefix("go") else {
        return Err(err(
            raw,
            format!(
                "expected a word starting with \"go\" followed by a version, found {}",
                crate::support::output::shown(word)
            ),
        ));
    };
    // Split off a suffix: `-hash` on devel builds, `-vendor` on vendor builds.
    let (core, suffix) = match rest.split_once('-') {
        Some((c, s)) => (c, Some(s)),
        None => (rest, None),
    };
    // Separate a pre-release tag (rc/beta/alpha) from the numeric part.
    let (nums, pre) = match core.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&core[..i], Some(&core[i..])),
        None => (core, None),
    };
    let parts: Vec<&str> = nums.split('.').collect();
    if parts.len() > 3 {
        return Err(err(
            raw,
            format!(
                "too many version components in {}",
                crate::support::output::shown(word)
            ),
        ));
    }
    let major = parse_num(raw, parts[0], "major version")?;
    let minor = match parts.get(1) {
        Some(s) => parse_num(raw, s, "minor version")?,
        None => 0,
    };
    let patch = match parts.get(2) {
        Some(s) => parse_num(raw, s, "patch version")?,
        None => 0,
    };
    let mut version = Version::new(major, minor, patch);
    if let Some(pre) = pre {
        version.pre = parse_prerelease(raw, pre)?;
    }
    if devel {
        let mut pre = String::from("devel");
        let hash = devel_suffix(word).or(suffix);
        if let Some(hash) = hash.filter(|s| !s.is_empty()) {
            pre.push('.');
            pre.push_str(&sanitize_ident(hash));
        }
        version.pre = Prerelease::new(&pre).map_err(|e| err(raw, e.to_string()))?;
    } else if let Some(vendor) = suffix {
        if vendor.is_empty() {
            return Err(err(raw, "empty vendor suffix after \"-\""));
        }
        version.build =
            BuildMetadata::new(&sanitize_ident(vendor)).map_err(|e| err(raw, e.to_string()))?;
    }
    Ok(version)
}

/// A Go pre-release tag (`rc2`, `beta1`) as semver's `rc.2`.
fn parse_prerelease(raw: &str, pre: &str) -> Result<Prerelease, ParseError> {
    let split = pre.find(|c: char| c.is_ascii_digit()).ok_or_else(|| {
        err(
            raw,
            format!(
                "pre-release {} has no number",
                crate::support::output::shown(pre)
            ),
        )
    })?;
    let (tag, n) = pre.split_at(split);
    if !matches!(tag, "rc" | "beta" | "alpha") {
        return Err(err(
            raw,
            format!(
                "unknown pre-release tag {}",
                crate::support::output::shown(tag)
            ),
        ));
    }
    let n = parse_num(raw, n, "pre-release number")?;
    Prerelease::new(&format!("{tag}.{n}")).map_err(|e| err(raw, e.to_string()))
}

/// Turns arbitrary text into dot-separated semver identifiers.
fn sanitize_ident(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
        .collect();
    let parts: Vec<&str> = cleaned.split('.').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        "x".to_string()
    } else {
        parts.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> GoVersion {
        parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn wild_forms() {
        assert_eq!(v("go1.21.0").version, Version::parse("1.21.0").unwrap());
        assert_eq!(v("go1.20").version, Version::parse("1.20.0").unwrap());
        assert_eq!(v("go1").version, Version::parse("1.0.0").unwrap());
        assert_eq!(
            v("go1.21rc2").version,
            Version::parse("1.21.0-rc.2").unwrap()
        );
        assert_eq!(
            v("go1.9beta1").version,
            Version::parse("1.9.0-beta.1").unwrap()
        );
        let x = v("go1.22.0 X:nocoverageredesign");
        assert_eq!(x.version, Version::parse("1.22.0").unwrap());
        assert_eq!(x.experiments, vec!["nocoverageredesign"]);
        let d = v("devel go1.28-5f2c3e1 Tue Aug 1 12:00:00 2026 +0000");
        assert!(d.devel);
        assert_eq!(d.version, Version::parse("1.28.0-devel.5f2c3e1").unwrap());
        assert!(d.at_least(1, 28) && !d.at_least(1, 29));
        // The shape since go.dev/issue/73372, with and without `go version`.
        for text in [
            "go1.28-devel_abc1234 Tue Aug 1 10:00:00 2026 +0000",
            "go version go1.28-devel_abc1234 Tue Aug 1 10:00:00 2026 +0000 linux/amd64",
        ] {
            let n = v(text);
            assert!(n.devel, "{text}");
            assert_eq!(n.version, Version::parse("1.28.0-devel.abc1234").unwrap());
            assert_eq!(n.go_name(), "go1.28-devel_abc1234");
            assert_eq!(v(&n.go_name()).version, n.version);
        }
        assert_eq!(d.go_name(), "go1.28-devel_5f2c3e1");
        assert!(v("go1.28-devel").devel);
        let g = v("go version go1.18 gccgo (GCC) 12.2.0 linux/amd64");
        assert_eq!(g.compiler, Compiler::Gccgo);
        assert_eq!(g.version, Version::parse("1.18.0").unwrap());
        let b = v("go1.24.2-bigcorp");
        assert_eq!(
            (b.version.major, b.version.minor, b.version.patch),
            (1, 24, 2)
        );
        assert_eq!(b.version.build.as_str(), "bigcorp");
        let full = v("go version go1.26.8 linux/amd64");
        assert_eq!(full.version, Version::new(1, 26, 8));
        assert_eq!(full.compiler, Compiler::Gc);
        assert_eq!(full.raw, "go version go1.26.8 linux/amd64");
    }

    #[test]
    fn ordering_follows_go_releases() {
        assert!(v("go1.21rc2").version < v("go1.21.0").version);
        assert!(v("go1.21.0").version < v("go1.21.1").version);
        assert!(v("devel go1.28-abc").version < v("go1.28.0").version);
        assert!(v("devel go1.28-abc").version > v("go1.27.3").version);
    }

    #[test]
    fn malformed_text_is_quoted() {
        for bad in [
            "",
            "gox1.2",
            "1.21.0",
            "go1.x",
            "go1.2.3.4",
            "go1.21zz1",
            "go1.21rc",
            "devel",
            "go99999999999999999999999.1",
            "go1.24.2-",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.text, bad.trim());
            assert!(e.to_string().contains("cannot parse Go version"), "{e}");
        }
    }

    #[test]
    fn go_names_round_trip() {
        for s in ["go1.21.0", "go1.20", "go1.21rc2", "go1.9beta1", "go1.27.3"] {
            assert_eq!(v(s).go_name(), s);
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_near_misses(s in "(go version )?(devel )?go[0-9.]{0,12}(rc|beta|alpha|x)?[0-9]{0,3}(-[a-z0-9-]{0,8})?( X:[a-z,]{0,10})?( gccgo)?") {
            if let Ok(g) = parse(&s) {
                prop_assert_eq!(g.raw, s.trim());
            }
        }

        #[test]
        fn releases_round_trip(major in 1u64..3, minor in 0u64..40, patch in 0u64..30) {
            let text = format!("go{major}.{minor}.{patch}");
            let g = parse(&text).unwrap();
            prop_assert_eq!(g.version, Version::new(major, minor, patch));
        }
    }
}
