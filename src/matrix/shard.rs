//! A share of a run's cells: `I/N` is read once, at the edge (the command
//! line, a report file), and kept as a [`Shard`]; and `matrix plan`, which
//! counts the cells of each shard for a CI matrix.

use super::cells::plan_cells;
use super::plan::{injector, prepare};
use super::schedule::expected_cost;
use super::spec::{self, SpecToolchain};
use super::RunOptions;
use crate::toolchains::Selector;
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
    /// Keeps the cells of this shard, as [`split`] shares them out by their
    /// expected `cost`.
    pub fn keep<T>(self, cells: Vec<T>, cost: impl Fn(&T) -> u32) -> Vec<T> {
        let costs: Vec<u32> = cells.iter().map(cost).collect();
        let owner = split(&costs, self.total);
        cells
            .into_iter()
            .zip(owner)
            .filter(|&(_, o)| o == self.index - 1)
            .map(|(c, _)| c)
            .collect()
    }
}

/// Which shard (0-based) runs each cell: the costliest first, each to the
/// shard with the least expected work so far (the lowest-numbered among
/// equals), so that shards finish near one another rather than the one with
/// the race builds last; cells of equal cost go round-robin in planned order.
/// Every runner computes the same split from the same plan.
pub fn split(costs: &[u32], total: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(costs[k]));
    let mut load = vec![0u64; total.max(1)];
    let mut owner = vec![0; costs.len()];
    for k in order {
        let s = (0..load.len()).min_by_key(|&s| load[s]).unwrap_or(0);
        load[s] += u64::from(costs[k]);
        owner[k] = s;
    }
    owner
}

/// One shard of a CI matrix and how many cells it runs.
pub struct ShardCount {
    pub index: usize,
    pub total: usize,
    pub cells: usize,
    /// The cells' expected cold cost, summed (seconds of one worker).
    pub cost_s: u64,
}

/// The spec's toolchains resolved without downloading anything: those on
/// this machine (counted with their own platforms), and the names of the
/// others (counted with the newest one here; the shard runs fetch them).
fn here_or_missing(
    loaded: &spec::Loaded,
    o: &RunOptions,
    note: &mut dyn FnMut(String),
) -> Result<(Vec<SpecToolchain>, Vec<String>)> {
    let opts = o.toolchains;
    let mut entries = Vec::new();
    let mut missing = Vec::new();
    for e in &loaded.toolchains {
        match e {
            SpecToolchain::Select(s) if *s != Selector::Local => {
                let found = crate::toolchains::resolve_without_download(s, opts)
                    .with_context(|| format!("{}: toolchain {e}", loaded.path.display()))?;
                if found.is_empty() {
                    note(format!("{s}: no toolchain fits (for `next`: no pre-release is newer than the newest stable release), so it adds no cells"));
                }
                for (v, here) in found {
                    match here {
                        Some(i) => entries.push(SpecToolchain::Path(i.goroot)),
                        None => missing.push(crate::go::version::format_go_name(&v)),
                    }
                }
            }
            other => entries.push(other.clone()),
        }
    }
    Ok((entries, missing))
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
    let si = injector(&loaded, &o.toolchains.env)?;
    let (mut entries, missing) = here_or_missing(&loaded, o, note)?;
    // With nothing here to count with, the local go's platforms stand in
    // (its own cells are not part of the run).
    let estimate_only = entries.is_empty() && !missing.is_empty();
    if estimate_only {
        entries.push(SpecToolchain::Select(Selector::Local));
    }
    loaded.toolchains = entries;
    let (prepared, _) = if loaded.toolchains.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        prepare(&loaded, o, &si, true)?
    };
    let exec = loaded.spec.verify == super::spec::VerifyMode::Exec;
    let cost = |c: &super::cells::Planned| expected_cost(&c.platform, c.kind, exec);
    let mut costs = Vec::new();
    let mut newest = (None, Vec::new());
    for (i, p) in prepared.iter().enumerate() {
        let these: Vec<u32> = plan_cells(&prepared[i..=i], &loaded)
            .iter()
            .map(cost)
            .collect();
        if !estimate_only {
            costs.extend(&these);
        }
        if newest.0.is_none_or(|v| &p.tc.version.version > v) {
            newest = (Some(&p.tc.version.version), these);
        }
    }
    for m in &missing {
        note(format!(
            "{m} is not on this machine (not downloaded for a plan): its cells are counted with the platforms of {}",
            newest.0.map(crate::go::version::format_go_name).unwrap_or_default()
        ));
        costs.extend(&newest.1);
    }
    let owner = split(&costs, shards);
    Ok((1..=shards)
        .map(|index| {
            let mine = || (0..costs.len()).filter(|&k| owner[k] == index - 1);
            ShardCount {
                index,
                total: shards,
                cells: mine().count(),
                cost_s: mine()
                    .map(|k| u64::from(costs[k]))
                    .sum::<u64>()
                    .div_ceil(10),
            }
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
            .flat_map(|index| Shard { index, total: 3 }.keep(all.clone(), |_| 1))
            .collect();
        seen.sort();
        assert_eq!(seen, all);
        // Equal costs: round-robin in planned order.
        assert_eq!(Shard { index: 2, total: 3 }.keep(all, |_| 1), vec![1, 4, 7]);
    }

    #[test]
    fn shards_balance_by_cost() {
        // Two race cells and six builds on two shards: by count (4 and 4)
        // one shard could take both races; by cost each takes one.
        let costs = [75, 75, 366, 75, 75, 366, 75, 75];
        let owner = split(&costs, 2);
        let load = |s: usize| -> u32 { (0..8).filter(|&k| owner[k] == s).map(|k| costs[k]).sum() };
        assert_eq!((load(0), load(1)), (591, 591));
        assert_ne!(owner[2], owner[5]);
        // More shards than cells: the rest are empty, nothing is lost.
        let owner = split(&[5, 9], 4);
        assert_eq!(owner, [1, 0]);
    }
}
