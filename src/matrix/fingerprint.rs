//! What the shard reports of one run must share, so that `matrix merge` can
//! tell shards of one run from look-alikes: the spec file's bytes (its
//! `builds:`, `gocache:`, `verify:` ...) and the whole run's cells before the
//! split (the toolchains the selectors resolved to, the platforms, the
//! kinds). A merge that lacks cells of the plan is incomplete.

use crate::support::cache::short_hash as short;
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    /// The spec file's SHA-256 (hex).
    pub spec_sha256: String,
    /// How many cells the whole run has, over all its shards.
    pub cells: usize,
    /// SHA-256 (hex) of the whole run's cells, one `GO GOOS/GOARCH KIND`
    /// line each, in planned order.
    pub cells_sha256: String,
    /// The whole run's cells themselves (the lines `cells_sha256` hashes), so
    /// that a merge can name the missing ones and refuse cells the run never
    /// planned; missing in reports written before it was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub planned: Vec<String>,
}

impl Fingerprint {
    /// The fingerprint of a run of `spec_sha256` whose whole plan is `cells`
    /// (`go1.26.8`, `linux/amd64`, `race`).
    pub fn new<'a>(
        spec_sha256: &str,
        cells: impl Iterator<Item = (&'a str, String, crate::verify::kind::BuildKind)>,
    ) -> Fingerprint {
        let planned: Vec<String> = cells
            .map(|(go, platform, kind)| cell_line(go, &platform, kind))
            .collect();
        Fingerprint {
            spec_sha256: spec_sha256.to_string(),
            cells: planned.len(),
            cells_sha256: hash(&planned),
            planned,
        }
    }

    /// Refuses a fingerprint whose plan is not the one its hash and count
    /// name (edited by hand, or cut short).
    pub fn check(&self, name: &str) -> Result<()> {
        if !self.planned.is_empty()
            && (self.planned.len() != self.cells || hash(&self.planned) != self.cells_sha256)
        {
            bail!(
                "{name}: the fingerprint's planned cells ({}) do not hash to its cells_sha256 {} ({} cells): the report was changed after the run; use the report as the run wrote it",
                self.planned.len(),
                short(&self.cells_sha256),
                self.cells
            );
        }
        Ok(())
    }

    /// Refuses report `name`'s fingerprint when it is not `other`'s (the
    /// report `other_name`'s).
    pub fn same_run(name: &str, a: &Self, other_name: &str, b: &Self) -> Result<()> {
        if a.spec_sha256 != b.spec_sha256 {
            bail!(
                "{name} was run from a spec with other contents than {other_name} (sha256 {} vs {}): merge shards of one run, all started from the same spec file",
                short(&a.spec_sha256),
                short(&b.spec_sha256)
            );
        }
        if a.cells_sha256 != b.cells_sha256 {
            bail!(
                "{name} planned other cells than {other_name} ({} cells, sha256 {}, vs {} cells, sha256 {}, in the whole run): the shards resolved toolchains or platforms differently (a Go release between them, a toolchain missing on one runner); run every shard with the same toolchains",
                a.cells,
                short(&a.cells_sha256),
                b.cells,
                short(&b.cells_sha256)
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

/// How a cell reads in a plan: `go1.26.8 linux/amd64 race`.
pub fn cell_line(go: &str, platform: &str, kind: crate::verify::kind::BuildKind) -> String {
    format!("{go} {platform} {kind}")
}

impl Fingerprint {
    /// Whether `lines`, in their order, are this fingerprint's whole plan:
    /// how a whole run's report whose fingerprint predates `planned` is
    /// still checked.
    pub fn is_plan(&self, lines: &[String]) -> bool {
        lines.len() == self.cells && hash(lines) == self.cells_sha256
    }
}

/// The SHA-256 (hex) of a plan's lines, each ended by a newline.
fn hash(lines: &[String]) -> String {
    let mut h = Sha256::new();
    for l in lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
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
        assert_eq!(
            a.planned,
            ["go1.26.8 linux/amd64 build", "go1.26.8 linux/amd64 race"]
        );
        a.check("a.json").unwrap();
        assert!(Fingerprint::same_run("b.json", &a.clone(), "a.json", &a).is_ok());
        let spec = Fingerprint::same_run(
            "b.json",
            &fp("bb", &[BuildKind::Build, BuildKind::Race]),
            "a.json",
            &a,
        );
        assert!(format!("{:#}", spec.unwrap_err())
            .contains("b.json was run from a spec with other contents than a.json"));
        let one = fp("aa", &[BuildKind::Build]);
        let cells = Fingerprint::same_run("b.json", &one, "a.json", &a);
        let e = format!("{:#}", cells.unwrap_err());
        assert!(
            e.contains(&format!(
                "(1 cells, sha256 {}, vs 2 cells, sha256 {}, in the whole run)",
                short(&one.cells_sha256),
                short(&a.cells_sha256)
            )),
            "{e}"
        );
        let mut edited = a.clone();
        edited.planned.pop();
        assert!(edited.check("e.json").is_err());
        assert_eq!(a.missing(2), None);
        assert_eq!(
            a.missing(1).as_deref(),
            Some("incomplete: 1 of the run's 2 cells are present")
        );
    }
}
