//! `matrix run --plan FILE`: a run that executes the plan `matrix plan`
//! made, on another machine and later. Its toolchains are the versions the
//! plan names (not the spec's selectors again: a Go release between the plan
//! and a shard would split the run), and the cells it makes must be the
//! plan's.

use super::Plan;
use crate::matrix::plan_document::PlanDocument;
use crate::matrix::spec::{Loaded, SpecToolchain};
use crate::toolchains::Selector;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// Refuses a plan of another spec or split, and puts the plan's toolchains
/// in place of the spec's selectors: each release by its version (found
/// here or fetched), a toolchain that is no release (devel, gccgo) at the
/// path the plan names.
pub(super) fn pin(
    loaded: &mut Loaded,
    path: &Path,
    doc: &PlanDocument,
    shards: usize,
) -> Result<()> {
    let name = path.display();
    if doc.spec_sha256 != loaded.sha256 {
        bail!(
            "{name} was made from another spec than {} (sha256 {} there, {} here): plan again from this spec",
            loaded.path.display(),
            short(&doc.spec_sha256),
            short(&loaded.sha256)
        );
    }
    if doc.shards.len() != shards {
        bail!(
            "{name} splits the run into {} shards, not {shards}: run with --shard I/{}",
            doc.shards.len(),
            doc.shards.len()
        );
    }
    let mut pinned = Vec::new();
    for t in &doc.toolchains {
        pinned.push(match crate::toolchains::parse_selector(&t.go) {
            Ok(s @ Selector::Exact(_)) => SpecToolchain::Select(s),
            _ => match &t.path {
                Some(p) if Path::new(p).is_file() => SpecToolchain::Path(PathBuf::from(p)),
                _ => bail!(
                    "{name}: toolchain {} is no release to fetch and is not at {} on this machine",
                    crate::support::output::shown(&t.go),
                    crate::support::output::shown(t.path.as_deref().unwrap_or("(no path)"))
                ),
            },
        });
    }
    loaded.toolchains = pinned;
    Ok(())
}

/// Refuses a run whose cells are not the plan's (a toolchain here that is
/// not the version the plan saw, a port list that differs): checked when
/// the plan knew its cells (`complete`); an estimate knew only versions.
pub(super) fn same_cells(plan: &Plan, path: &Path, doc: &PlanDocument) -> Result<()> {
    let (Some(want), Some(have)) = (&doc.fingerprint, plan.fingerprint()) else {
        return Ok(());
    };
    if want.cells_sha256 != have.cells_sha256 {
        bail!(
            "{}: this machine plans other cells than the plan holds ({} cells, {} here; cells sha256 {} there, {} here): run where the plan was made, or plan again",
            path.display(),
            want.cells,
            have.cells,
            short(&want.cells_sha256),
            short(&have.cells_sha256)
        );
    }
    Ok(())
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
