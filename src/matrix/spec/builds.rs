//! A spec's `builds:`: the build kinds of its cells, each once, each
//! optionally limited to some platforms.

use super::{doc_error, globs, At};
use crate::verify::kind::BuildKind;
use anyhow::{anyhow, Result};
use globset::GlobSet;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum BuildEntry {
    Name(String),
    Limited(LimitedBuild),
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LimitedBuild {
    pub kind: String,
    /// Globs over `goos/goarch`: the kind is built only there.
    pub platforms: Vec<String>,
}

/// A build kind of the run, after checking.
#[derive(Debug, Clone)]
pub struct Build {
    pub kind: BuildKind,
    /// Where it is built (None: every platform of the run).
    pub platforms: Option<GlobSet>,
}

impl Build {
    pub fn wanted(&self, pair: &str) -> bool {
        self.platforms.as_ref().is_none_or(|g| g.is_match(pair))
    }
}

/// The spec's build kinds, each once, with the platforms it is limited to.
pub(super) fn builds(entries: &[BuildEntry], at: &At) -> Result<Vec<Build>> {
    let mut out: Vec<Build> = Vec::new();
    for e in entries {
        let (name, include) = match e {
            BuildEntry::Name(n) => (n, &[][..]),
            BuildEntry::Limited(l) => (&l.kind, &l.platforms[..]),
        };
        let Some(kind) = BuildKind::parse(name) else {
            return Err(at.err(
                name,
                format!(
                    "builds: {} is not a build kind ({})",
                    crate::support::output::shown(name),
                    BuildKind::names()
                ),
            ));
        };
        if out.iter().any(|b| b.kind == kind) {
            // The second mention's line, not the first's.
            let first = doc_error::line_of(at.text, name);
            let second = at
                .text
                .lines()
                .enumerate()
                .skip(first)
                .find(|(_, l)| l.contains(name.as_str()))
                .map_or(first, |(i, _)| i + 1);
            return Err(anyhow!(
                "{}:{second}: builds: {kind} is listed twice",
                at.src
            ));
        }
        if matches!(e, BuildEntry::Limited(_)) && include.is_empty() {
            return Err(at.err(
                name,
                format!("builds: {kind}'s platforms: list at least one goos/goarch glob, or write the kind alone for every platform"),
            ));
        }
        let platforms = globs(include, "builds: platforms", at)?;
        out.push(Build { kind, platforms });
    }
    if out.is_empty() {
        return Err(at.err(
            "builds",
            format!(
                "builds: list at least one build kind ({})",
                BuildKind::names()
            ),
        ));
    }
    Ok(out)
}
