//! A share of a run's cells: `I/N` is read once, at the edge (the command
//! line, a report file), and kept as a [`Shard`]; and `matrix plan`, which
//! counts the cells of each shard for a CI matrix.

use super::cells::plan_cells;
use super::plan::{injector, prepare};
use super::spec::{self, ToolchainEntry};
use super::RunOptions;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most shards a run may be split into (CI systems cap their job
/// matrices far below this).
pub const MAX_SHARDS: usize = 1000;

/// Shard `index` of `total` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Shard {
    pub index: usize,
    pub total: usize,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

impl std::str::FromStr for Shard {
    type Err = anyhow::Error;

    /// Reads `I/N` (1-based, N at most [`MAX_SHARDS`]).
    fn from_str(s: &str) -> Result<Shard> {
        let parse = || -> Option<Shard> {
            let (i, n) = s.split_once('/')?;
            let (index, total): (usize, usize) = (i.trim().parse().ok()?, n.trim().parse().ok()?);
            ((1..=MAX_SHARDS).contains(&total) && (1..=total).contains(&index))
                .then_some(Shard { index, total })
        };
        parse().ok_or_else(|| {
            anyhow::anyhow!(
                "a shard is I/N with 1 <= I <= N <= {MAX_SHARDS}, e.g. 2/4; got {}",
                crate::support::output::shown(&crate::support::doc_error::cut(s))
            )
        })
    }
}

impl TryFrom<String> for Shard {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Shard, String> {
        s.parse().map_err(|e| format!("shard {e:#}"))
    }
}

impl From<Shard> for String {
    fn from(s: Shard) -> String {
        s.to_string()
    }
}

impl Shard {
    /// Keeps the cells of this shard (round-robin, so shards get a mix).
    pub fn keep<T>(self, cells: Vec<T>) -> Vec<T> {
        cells
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % self.total == self.index - 1)
            .map(|(_, c)| c)
            .collect()
    }
}

/// One shard of a CI matrix and how many cells it runs.
pub struct ShardCount {
    pub index: usize,
    pub total: usize,
    pub cells: usize,
}

/// `matrix plan`: the shards a CI matrix should run, with their cell counts;
/// what the counts rest on goes to `note` as it is found.
pub fn plan(
    o: &RunOptions,
    shards: usize,
    note: &mut dyn FnMut(String),
) -> Result<Vec<ShardCount>> {
    if shards == 0 || shards > MAX_SHARDS {
        bail!("--shards {shards}: give 1 to {} shards", MAX_SHARDS);
    }
    let mut loaded = spec::load(o.spec)?;
    let si = injector(&loaded)?;
    // Selectors resolve to versions without downloading anything: those on
    // this machine are counted with their own platforms, the others with
    // the newest one here (the shard runs fetch them).
    let opts = crate::toolchains::Options::new(o.offline, o.go_timeout);
    let mut entries = Vec::new();
    let mut missing = Vec::new();
    for e in &loaded.spec.toolchains {
        match e {
            ToolchainEntry::Selector(s) if s != "local" => {
                let found = crate::toolchains::resolve_without_download(s, &opts)
                    .with_context(|| format!("{}: toolchain {e}", loaded.path.display()))?;
                if found.is_empty() {
                    note(format!("{s}: no toolchain fits (for `next`: no pre-release is newer than the newest stable release), so it adds no cells"));
                }
                for (v, here) in found {
                    match here {
                        Some(i) => entries.push(ToolchainEntry::Path { path: i.goroot }),
                        None => missing.push(crate::go::version::format_go_name(&v)),
                    }
                }
            }
            other => entries.push(other.clone()),
        }
    }
    // With nothing here to count with, the local go's platforms stand in
    // (its own cells are not part of the run).
    let estimate_only = entries.is_empty() && !missing.is_empty();
    if estimate_only {
        entries.push(ToolchainEntry::Selector("local".into()));
    }
    loaded.spec.toolchains = entries;
    let (prepared, _) = if loaded.spec.toolchains.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        prepare(&loaded, o, &si, true)?
    };
    let mut total = 0;
    let mut newest = (None, 0);
    for (i, p) in prepared.iter().enumerate() {
        let n = plan_cells(&prepared[i..=i], &loaded).len();
        if !estimate_only {
            total += n;
        }
        if newest.0.is_none_or(|v| &p.tc.version.version > v) {
            newest = (Some(&p.tc.version.version), n);
        }
    }
    for m in &missing {
        note(format!(
            "{m} is not on this machine (not downloaded for a plan): its cells are counted with the platforms of {}",
            newest.0.map(crate::go::version::format_go_name).unwrap_or_default()
        ));
        total += newest.1;
    }
    Ok((1..=shards)
        .map(|index| ShardCount {
            index,
            total: shards,
            cells: Shard {
                index,
                total: shards,
            }
            .keep((0..total).collect())
            .len(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards() {
        assert_eq!(
            "2/4".parse::<Shard>().unwrap(),
            Shard { index: 2, total: 4 }
        );
        for bad in [
            "0/4",
            "5/4",
            "x",
            "1/0",
            "/",
            "1/18446744073709551615",
            "1/1001",
        ] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        // The report's text, both ways.
        let s: Shard = serde_json::from_str("\"3/7\"").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"3/7\"");
        assert!(serde_json::from_str::<Shard>("\"8/7\"").is_err());
    }

    #[test]
    fn shards_partition() {
        let all: Vec<usize> = (0..10).collect();
        let mut seen: Vec<usize> = (1..=3)
            .flat_map(|index| Shard { index, total: 3 }.keep(all.clone()))
            .collect();
        seen.sort();
        assert_eq!(seen, all);
        assert_eq!(Shard { index: 2, total: 3 }.keep(all), vec![1, 4, 7]);
    }
}
