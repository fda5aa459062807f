//! `matrix run --plan FILE`: a run that executes the plan `matrix plan`
//! made, on another machine and later. Its toolchains are the versions the
//! plan names (not the spec's selectors again: a Go release between the plan
//! and a shard would split the run), each one the spec's selectors admit,
//! and the cells it makes and their split must be the plan's when the plan
//! knew them.

use super::Plan;
use crate::go::version;
use crate::matrix::plan_document::{PlanDocument, PlanToolchain};
use crate::matrix::spec::{Loaded, SpecToolchain};
use crate::support::cache::short_hash as short;
use crate::support::output::shown;
use crate::toolchains::Selector;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// Refuses a plan of another spec or split, or naming a toolchain the
/// spec's selectors do not admit, and puts the plan's toolchains in place of
/// the selectors: a release by its version (found here or fetched), another
/// toolchain (devel, gccgo) at the path the plan names.
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
    if doc.shards.is_empty() || (doc.complete && doc.fingerprint.is_none()) {
        bail!("{name}: a plan with no shards, or complete without its fingerprint, was not written by `matrix plan`: plan again");
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
        if !loaded.toolchains.iter().any(|e| admits(e, t)) {
            bail!(
                "{name}: toolchain {} is none the spec's toolchains ({}) name: plan again from this spec",
                shown(&t.go),
                loaded.toolchains.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            );
        }
        pinned.push(match crate::toolchains::parse_selector(&t.go) {
            Ok(s @ Selector::Exact(_)) => SpecToolchain::Select(s),
            _ => match &t.path {
                Some(p) if Path::new(p).is_file() => SpecToolchain::Path(PathBuf::from(p)),
                _ => bail!(
                    "{name}: toolchain {} is no release to fetch and is not at {} on this machine: plan on this machine",
                    shown(&t.go),
                    shown(t.path.as_deref().unwrap_or("(no path)"))
                ),
            },
        });
    }
    loaded.toolchains = pinned;
    Ok(())
}

/// Whether the spec's entry `e` may stand for the plan's toolchain `t`: the
/// version a selector names, a path the spec names; `local` is whichever go
/// the planner used.
fn admits(e: &SpecToolchain, t: &PlanToolchain) -> bool {
    let v = version::parse(&t.go).ok().map(|v| v.version);
    let stable = v.as_ref().is_some_and(|v| v.pre.is_empty());
    match e {
        SpecToolchain::Select(Selector::Local) => true,
        SpecToolchain::Select(Selector::Exact(x)) => v.as_ref() == Some(x),
        SpecToolchain::Select(Selector::Minor(a, b)) => {
            stable && v.as_ref().is_some_and(|v| (v.major, v.minor) == (*a, *b))
        }
        SpecToolchain::Select(Selector::Supported) => stable,
        SpecToolchain::Select(Selector::Next) => {
            v.as_ref().is_some_and(crate::toolchains::is_prerelease)
        }
        SpecToolchain::Path(p) => t.path.as_deref().is_some_and(|tp| {
            let tp = Path::new(tp);
            tp == p
                || tp == p.join("bin/go")
                || same_file(tp, p)
                || same_file(tp, &p.join("bin/go"))
        }),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Refuses a run that is not the plan: a toolchain whose go reports another
/// version than the plan names; when the plan knew its cells (it has a
/// fingerprint), other cells or another split.
pub(super) fn same_cells(plan: &Plan, path: &Path, doc: &PlanDocument) -> Result<()> {
    let name = path.display();
    if doc.toolchains.len() != plan.toolchains.len() {
        bail!(
            "{name} names {} toolchains and this machine found {}: plan again",
            doc.toolchains.len(),
            plan.toolchains.len()
        );
    }
    for (t, p) in doc.toolchains.iter().zip(&plan.toolchains) {
        if t.go != p.info.go {
            bail!(
                "{name}: toolchain {} is {} on this machine ({}): plan on this machine, or install {}",
                shown(&t.go),
                shown(&p.info.go),
                shown(&p.info.path),
                shown(&t.go)
            );
        }
    }
    let (Some(want), Some(have)) = (&doc.fingerprint, plan.fingerprint()) else {
        return Ok(());
    };
    if want.cells_sha256 != have.cells_sha256 {
        bail!(
            "{name}: this machine plans other cells than the plan holds ({} cells, {} here; cells sha256 {} there, {} here): run where the plan was made, or plan again",
            want.cells,
            have.cells,
            short(&want.cells_sha256),
            short(&have.cells_sha256)
        );
    }
    let split = plan.shard_of_each();
    let theirs: Vec<_> = doc.cells.iter().map(|c| c.shard).collect();
    if split != theirs {
        bail!("{name}: this qcompat splits the plan's cells otherwise than the one that made it: plan and run with one qcompat version");
    }
    Ok(())
}
