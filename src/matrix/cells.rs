//! The cells of a run: toolchain x platform x build kind, in a stable order,
//! with the ones decided without building (gccgo, an injector the toolchain
//! cannot build, a broken port, a kind the toolchain, platform or program
//! lacks, a cgo kind with no C compiler here).

use super::prepare::Prepared;
use super::spec::{CgoOnly, Loaded};
use crate::go::platforms::{needs_cgo, Platform, CGO_ONLY_WHY};
use crate::verify::cell::{Outcome, Status};
use crate::verify::kind::BuildKind;
use std::path::PathBuf;

/// A cell to run, or one already decided without building.
pub(super) struct Planned {
    pub(super) toolchain: usize,
    pub(super) platform: Platform,
    pub(super) kind: BuildKind,
    /// The C compiler of a kind that needs cgo.
    pub(super) cc: Option<PathBuf>,
    pub(super) preset: Option<Outcome>,
}

/// Every cell of the run, in a stable order (toolchain, then platform, then
/// build kind in the spec's order).
pub(super) fn plan_cells(prepared: &[Prepared], loaded: &Loaded) -> Vec<Planned> {
    let mut cells = Vec::new();
    for (i, p) in prepared.iter().enumerate() {
        let mut plats = p.platforms.clone();
        plats.sort_by_key(Platform::name);
        for plat in plats {
            let toolchain_skip = platform_skip(p, &plat, loaded);
            for b in loaded.builds.iter().filter(|b| b.wanted(&plat.name())) {
                let mut cc = None;
                let preset = toolchain_skip
                    .clone()
                    .or_else(|| kind_skip(p, &plat, b.kind, loaded, &mut cc));
                cells.push(Planned {
                    toolchain: i,
                    platform: plat.clone(),
                    kind: b.kind,
                    cc,
                    preset,
                });
            }
        }
    }
    cells
}

/// A toolchain and platform's cells decided without building (every kind).
fn platform_skip(p: &Prepared, plat: &Platform, loaded: &Loaded) -> Option<Outcome> {
    if p.tc.version.compiler == crate::go::version::Compiler::Gccgo {
        Some(skip(
            Status::SkipGccgo,
            format!(
                "{} is gccgo: its runtime has no gc g.goid and gccgo allows //go:linkname only on functions, so there is nothing to inject; fallback-go's default build uses runtime.Stack under gccgo",
                p.info.go
            ),
        ))
    } else if let Some(b) = p
        .info
        .injector_build
        .as_ref()
        .filter(|b| b.status == crate::inject::build::BuildStatus::Failed)
    {
        Some(skip(
            Status::SkipInjector,
            format!(
                "the injector could not be built by {}: {}",
                p.info.go,
                b.message.as_deref().unwrap_or("")
            ),
        ))
    } else if plat.broken {
        Some(skip(
            Status::SkipBroken,
            format!("{} marks {} as broken", p.info.go, plat.name()),
        ))
    } else if loaded.spec.cgo_only == CgoOnly::Skip && needs_cgo(plat.target()) {
        Some(skip(
            Status::SkipCgo,
            format!(
                "{} requires {CGO_ONLY_WHY} (set cgo_only: build to try)",
                plat.name()
            ),
        ))
    } else {
        None
    }
}

/// A build kind's cell decided without building: a kind the program or the
/// toolchain lacks, or a cgo kind with no C compiler for the platform. A cgo
/// kind's compiler goes to `cc`.
fn kind_skip(
    p: &Prepared,
    plat: &Platform,
    kind: BuildKind,
    loaded: &Loaded,
    cc: &mut Option<PathBuf>,
) -> Option<Outcome> {
    let library = matches!(
        kind,
        BuildKind::CShared | BuildKind::CArchive | BuildKind::Plugin | BuildKind::Pgo
    );
    if loaded.program.is_some() && library {
        return Some(skip(
            Status::SkipUnsupported,
            format!("{kind} builds the probe's own library, plugin or profile; a spec's program: is built as build, test, race, cover, debug, pie or trimpath"),
        ));
    }
    if let Some((minor, why)) = kind.min_go() {
        if !p.tc.version.at_least(1, minor) {
            return Some(skip(
                Status::SkipUnsupported,
                format!("{why}; {} has no {kind} build", p.info.go),
            ));
        }
    }
    if kind.needs_cgo() {
        match crate::verify::kind::c_compiler(plat.target(), &p.tc.go.env) {
            Ok(path) => *cc = Some(path),
            // The go command's refusal first: no compiler would help there.
            Err(why) => {
                return Some(
                    match crate::verify::kind::refused(&p.tc.go, plat.target(), kind) {
                        Some(line) => skip(
                            Status::SkipUnsupported,
                            format!(
                                "the go command does not build {kind} for {}: {line}",
                                plat.name()
                            ),
                        ),
                        None => skip(Status::SkipCgo, format!("{kind} builds need cgo: {why}")),
                    },
                )
            }
        }
    }
    None
}

fn skip(status: Status, note: String) -> Outcome {
    Outcome::skipped(status, note)
}
