//! A share of a run's cells: `I/N` is read once, at the edge (the command
//! line, a report file), and kept as a [`Shard`].

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
                "a shard is I/N with 1 <= I <= N <= {MAX_SHARDS}, e.g. 2/4; got {:?}",
                crate::support::doc_error::cut(s)
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
