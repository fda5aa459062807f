//! A share of a run's cells: `I/N` is read once, at the edge (the command
//! line, a report file), and kept as a [`Shard`]; [`split`] decides which
//! shard runs each cell of a plan.

use anyhow::Result;
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
        s.parse().map_err(|e| format!("{e:#}"))
    }
}

impl From<Shard> for String {
    fn from(s: Shard) -> String {
        s.to_string()
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

    /// The cells (of `n`, equal costs) that `split` gives shard `s`.
    fn keep(s: Shard, n: usize) -> Vec<usize> {
        let owner = split(&vec![1; n], s.total);
        (0..n).filter(|&k| owner[k] == s.index - 1).collect()
    }

    #[test]
    fn shards_partition() {
        let all: Vec<usize> = (0..10).collect();
        let mut seen: Vec<usize> = (1..=3)
            .flat_map(|index| keep(Shard { index, total: 3 }, all.len()))
            .collect();
        seen.sort();
        assert_eq!(seen, all);
        // Equal costs: round-robin in planned order.
        assert_eq!(keep(Shard { index: 2, total: 3 }, all.len()), vec![1, 4, 7]);
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
