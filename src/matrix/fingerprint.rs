//! What the shard reports of one run must share, so that `matrix merge` can
//! tell shards of one run from look-alikes: the spec file's bytes (its
//! `builds:`, `gocache:`, `verify:` ...) and the whole run's cells before the
//! split (the toolchains the selectors resolved to, the platforms, the
//! kinds). A merge that lacks cells of the plan is incomplete.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fingerprint {
    /// The spec file's SHA-256 (hex).
    pub spec_sha256: String,
    /// How many cells the whole run has, over all its shards.
    pub cells: usize,
    /// SHA-256 (hex) of the whole run's cells, one `GO GOOS/GOARCH KIND`
    /// line each, in planned order.
    pub cells_sha256: String,
}

impl Fingerprint {
    /// The fingerprint of a run of `spec_sha256` whose whole plan is `cells`
    /// (`go1.26.8`, `linux/amd64`, `race`).
    pub fn new<'a>(
        spec_sha256: &str,
        cells: impl Iterator<Item = (&'a str, String, crate::verify::kind::BuildKind)>,
    ) -> Fingerprint {
        let mut h = Sha256::new();
        let mut n = 0;
        for (go, platform, kind) in cells {
            h.update(format!("{go} {platform} {kind}\n"));
            n += 1;
        }
        Fingerprint {
            spec_sha256: spec_sha256.to_string(),
            cells: n,
            cells_sha256: hex::encode(h.finalize()),
        }
    }

    /// Refuses report `name`'s fingerprint when it is not `first`'s (reports
    /// from before fingerprints, None, are not compared).
    pub fn same_run(name: &str, mine: Option<&Self>, first: Option<&Self>) -> Result<()> {
        let (Some(a), Some(b)) = (mine, first) else {
            return Ok(());
        };
        if a.spec_sha256 != b.spec_sha256 {
            bail!(
                "{name} was run from a spec with other contents than the first report's (sha256 {} vs {}): merge shards of one run, all started from the same spec file",
                short(&a.spec_sha256),
                short(&b.spec_sha256)
            );
        }
        if a.cells_sha256 != b.cells_sha256 {
            bail!(
                "{name} planned other cells than the first report ({} vs {} in the whole run): the shards resolved toolchains or platforms differently (a Go release between them, a toolchain missing on one runner); run every shard with the same toolchains",
                a.cells,
                b.cells
            );
        }
        Ok(())
    }

    /// The note of a merge that holds fewer cells than the run planned.
    pub fn missing(&self, merged: usize) -> Option<String> {
        (merged < self.cells).then(|| {
            format!(
                "incomplete: {merged} of the run's {} cells are present",
                self.cells
            )
        })
    }
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kind::BuildKind;

    fn fp(spec: &str, kinds: &[BuildKind]) -> Fingerprint {
        Fingerprint::new(
            spec,
            kinds
                .iter()
                .map(|&k| ("go1.26.8", "linux/amd64".to_string(), k)),
        )
    }

    #[test]
    fn shards_of_one_run_match_and_others_do_not() {
        let a = fp("aa", &[BuildKind::Build, BuildKind::Race]);
        assert_eq!(a.cells, 2);
        assert!(Fingerprint::same_run("b.json", Some(&a.clone()), Some(&a)).is_ok());
        assert!(Fingerprint::same_run("b.json", None, Some(&a)).is_ok());
        let spec = Fingerprint::same_run(
            "b.json",
            Some(&fp("bb", &[BuildKind::Build, BuildKind::Race])),
            Some(&a),
        );
        assert!(format!("{:#}", spec.unwrap_err())
            .contains("b.json was run from a spec with other contents"));
        let cells = Fingerprint::same_run("b.json", Some(&fp("aa", &[BuildKind::Build])), Some(&a));
        assert!(format!("{:#}", cells.unwrap_err()).contains("(1 vs 2 in the whole run)"));
        assert_eq!(a.missing(2), None);
        assert_eq!(
            a.missing(1).as_deref(),
            Some("incomplete: 1 of the run's 2 cells are present")
        );
    }
}
