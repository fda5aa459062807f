//! Selectors (`1.27.3`, `1.27.x`, `supported`) and the versions they name in
//! a release index.

use super::index::Release;
use crate::go::version::{self, format_go_name};
use anyhow::{anyhow, bail, Result};
use semver::Version;

/// A toolchain selector: `1.22.5`, `go1.22.5`, `1.22.x`, `supported`,
/// `next`, or `local`.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// The go command qcompat uses (--go, $QCOMPAT_GO, else PATH's): no
    /// version, so it names no release.
    Local,
    Exact(Version),
    Minor(u64, u64),
    Supported,
    /// The newest pre-release (rc, beta) newer than every stable release:
    /// what comes next, or nothing between a release and the next rc.
    Next,
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::Exact(v) => f.write_str(&format_go_name(v)),
            Selector::Minor(a, b) => write!(f, "{a}.{b}.x"),
            Selector::Supported => f.write_str("supported"),
            Selector::Next => f.write_str("next"),
            Selector::Local => f.write_str("local"),
        }
    }
}

pub fn parse_selector(s: &str) -> Result<Selector> {
    let t = s.trim();
    if t == "supported" {
        return Ok(Selector::Supported);
    }
    if t == "next" {
        return Ok(Selector::Next);
    }
    if t == "local" {
        return Ok(Selector::Local);
    }
    let bare = t.strip_prefix("go").unwrap_or(t);
    if let Some(minor) = bare.strip_suffix(".x") {
        let (a, b) = minor.split_once('.').ok_or_else(|| {
            anyhow!(
                "version selector {}: write MAJOR.MINOR.x, e.g. 1.22.x",
                crate::support::output::shown(s)
            )
        })?;
        let a = a.parse().map_err(|_| {
            anyhow!(
                "version selector {}: bad major version",
                crate::support::output::shown(s)
            )
        })?;
        let b = b.parse().map_err(|_| {
            anyhow!(
                "version selector {}: bad minor version",
                crate::support::output::shown(s)
            )
        })?;
        return Ok(Selector::Minor(a, b));
    }
    let bad = || {
        anyhow!("version selector {} is not a Go version (1.22.5 or go1.22.5, 1.21rc2), a minor (1.22.x), `supported` or `next`", crate::support::output::shown(s))
    };
    let v = version::parse_user(bare).map_err(|_| bad())?;
    // Only what names one release exactly: `1.26.8alpha1` or `1.26.8-bigcorp`
    // must not quietly become go1.26.8.
    let name = format_go_name(&v.version);
    let same = name == format!("go{bare}")
        || (v.version.pre.is_empty() && v.version.patch == 0 && name == format!("go{bare}.0"))
        || (v.version.pre.is_empty()
            && v.version.patch == 0
            && format!("{name}.0") == format!("go{bare}"));
    if !same || !v.version.build.is_empty() || v.devel || !v.experiments.is_empty() {
        return Err(bad());
    }
    Ok(Selector::Exact(v.version))
}

pub(super) fn release_version(r: &Release) -> Option<Version> {
    version::parse(&r.version).ok().map(|v| v.version)
}

/// Where the releases a selector is expanded from were listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// The release index (go.dev's, or `--go-index`).
    Index,
    /// The toolchains on this machine (offline, or no download provider).
    Here,
}

impl std::fmt::Display for Listed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Listed::Index => "in the release index",
            Listed::Here => "among the toolchains on this machine",
        })
    }
}

/// Versions a selector stands for, newest first, from `releases` (listed
/// where `listed` says, for the messages).
pub(super) fn expand(sel: &Selector, releases: &[Release], listed: Listed) -> Result<Vec<Version>> {
    let stable: Vec<Version> = releases
        .iter()
        .filter(|r| r.stable)
        .filter_map(release_version)
        .collect();
    match sel {
        Selector::Exact(v) => Ok(vec![v.clone()]),
        Selector::Local => bail!("`local` is the go command in use, not a release"),
        Selector::Next => Ok(next(releases).into_iter().collect()),
        Selector::Minor(a, b) => {
            let best = stable
                .iter()
                .filter(|v| v.major == *a && v.minor == *b)
                .max()
                .cloned()
                .ok_or_else(|| anyhow!("no stable go{a}.{b} release {listed}"))?;
            Ok(vec![best])
        }
        Selector::Supported => {
            let mut minors: Vec<(u64, u64)> = stable.iter().map(|v| (v.major, v.minor)).collect();
            minors.sort();
            minors.dedup();
            let newest: Vec<(u64, u64)> = minors.into_iter().rev().take(2).collect();
            if newest.is_empty() {
                bail!("no stable release {listed}");
            }
            Ok(newest
                .iter()
                .filter_map(|(a, b)| {
                    stable
                        .iter()
                        .filter(|v| v.major == *a && v.minor == *b)
                        .max()
                        .cloned()
                })
                .collect())
        }
    }
}

/// The newest pre-release in `releases` newer than every stable release.
pub fn next(releases: &[Release]) -> Option<Version> {
    let newest_stable = releases
        .iter()
        .filter(|r| r.stable)
        .filter_map(release_version)
        .max();
    releases
        .iter()
        .filter(|r| !r.stable)
        .filter_map(release_version)
        .filter(is_prerelease)
        .filter(|v| newest_stable.as_ref().is_none_or(|s| v > s))
        .max()
}

/// An rc or beta (not a devel build, which no index lists).
pub fn is_prerelease(v: &Version) -> bool {
    let pre = v.pre.as_str();
    pre.starts_with("rc.") || pre.starts_with("beta.")
}

/// The versions nearest to `v` that the index has, for error messages.
pub(super) fn nearest(v: &Version, releases: &[Release]) -> String {
    let mut all: Vec<Version> = releases.iter().filter_map(release_version).collect();
    all.sort();
    let key = |x: &Version| {
        let d = |a: u64, b: u64| a.abs_diff(b);
        (
            d(x.major, v.major),
            d(x.minor, v.minor),
            d(x.patch, v.patch),
        )
    };
    all.sort_by_key(key);
    let near: Vec<String> = all.iter().take(3).map(format_go_name).collect();
    if releases.is_empty() {
        "the index is empty".into()
    } else if near.is_empty() {
        format!(
            "the index has {} entr{} and no Go release among them",
            releases.len(),
            if releases.len() == 1 { "y" } else { "ies" }
        )
    } else {
        format!("nearest: {}", near.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(v: &str, stable: bool) -> Release {
        Release {
            version: v.into(),
            stable,
            files: vec![],
        }
    }

    #[test]
    fn selectors_name_one_release_exactly() {
        for ok in [
            "1.26.8",
            "go1.26.8",
            "1.21rc2",
            "go1.20",
            "1.20.0",
            "1.22.x",
            "supported",
        ] {
            parse_selector(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "1.26.8alpha1",
            "1.26.8-bigcorp",
            "1.26.8rc1",
            "1.26.8 X:foo",
            "devel",
            "1.2.3.4",
            "",
        ] {
            assert!(parse_selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn selectors() {
        let idx = vec![
            rel("go1.28rc1", false),
            rel("go1.27.3", true),
            rel("go1.27.2", true),
            rel("go1.26.8", true),
            rel("go1.25.1", true),
        ];
        let e = |s: &str| expand(&parse_selector(s).unwrap(), &idx, Listed::Index).unwrap();
        assert_eq!(
            e("supported"),
            vec![Version::new(1, 27, 3), Version::new(1, 26, 8)]
        );
        assert_eq!(e("1.27.x"), vec![Version::new(1, 27, 3)]);
        assert_eq!(e("go1.22.5"), vec![Version::new(1, 22, 5)]);
        assert!(expand(&parse_selector("1.24.x").unwrap(), &idx, Listed::Index).is_err());
        assert!(parse_selector("latest").is_err());
        assert!(parse_selector("1.x").is_err());
        let n = nearest(&Version::new(1, 27, 9), &idx);
        assert!(n.contains("go1.27.3"), "{n}");
        assert_eq!(nearest(&Version::new(1, 27, 9), &[]), "the index is empty");
        let n = nearest(&Version::new(1, 27, 9), &[rel("weird", true)]);
        assert_eq!(n, "the index has 1 entry and no Go release among them");
    }

    #[test]
    fn next_is_the_newest_prerelease_past_every_stable_release() {
        let next_of = |idx: &[Release]| expand(&Selector::Next, idx, Listed::Index).unwrap();
        let idx = vec![
            rel("go1.28rc2", false),
            rel("go1.28rc1", false),
            rel("go1.28beta1", false),
            rel("go1.27.3", true),
            rel("go1.27rc2", false),
        ];
        assert_eq!(next_of(&idx), vec![Version::parse("1.28.0-rc.2").unwrap()]);
        // Once go1.28.0 is out, its rcs are behind: nothing is next.
        let mut released = idx.clone();
        released.insert(0, rel("go1.28.0", true));
        assert!(next_of(&released).is_empty());
        // A beta alone is next too; `supported` never picks a pre-release.
        let beta = vec![rel("go1.29beta1", false), rel("go1.28.0", true)];
        assert_eq!(
            next_of(&beta),
            vec![Version::parse("1.29.0-beta.1").unwrap()]
        );
        assert_eq!(
            expand(&Selector::Supported, &beta, Listed::Index).unwrap(),
            vec![Version::new(1, 28, 0)]
        );
        assert_eq!(parse_selector("next").unwrap(), Selector::Next);
        assert_eq!(Selector::Next.to_string(), "next");
    }
}
