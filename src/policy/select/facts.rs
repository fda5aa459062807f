//! The facts [`super::decide`] looks at, gathered from the toolchain, its
//! runtime layout, the pins and what is known of the injector.

use super::goflags::tags_in_goflags;
use crate::go::linkname::{self, Policy};
use crate::go::version::Compiler;
use crate::inject::facts::ToolchainFacts;
use crate::inject::injector::Injector;
use crate::policy::pins::{CalibratedEvidence, Pins, Strategy};
use crate::verify::program::ProgramFacts;

/// What the pins say about this version.
#[derive(Debug, Clone)]
pub struct PinFacts {
    pub range: String,
    pub strategy: Strategy,
    pub note: Option<String>,
    /// ` (verified with go1.27.3 on 2026-11-26)`
    pub evidence: String,
    /// The pin's evidence was produced with the injector under test (a
    /// `stack` pin speaks for every injector).
    pub for_this_injector: bool,
    /// Why the evidence does not speak for this injector, when it does not:
    /// see [`crate::policy::pins::vouch::why_not`].
    pub why_not_for: Option<String>,
    /// The pin cites a matrix run (evidence), not only a rule.
    pub has_evidence: bool,
    /// Why the evidence does not speak for this exact version (a
    /// pre-release or devel build it does not name; a release tested only
    /// as a pre-release): see `Evidence::untested_for`.
    pub untested: Option<String>,
}

/// What is known about the injector without a build.
#[derive(Debug, Clone)]
pub struct InjectorFacts {
    pub command: String,
    pub id: crate::inject::injector::Identity,
    /// `qcompat's injector` / `the injector "q"`
    pub describe: String,
    /// It alters `compile -V=full`.
    pub salted: crate::inject::facts::Salting,
    /// The toolchain links a precompiled runtime for this host (Go <= 1.19).
    pub precompiled_host_std: bool,
}

/// Everything [`decide`] looks at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub go_name: String,
    pub go_version: String,
    pub compiler: Compiler,
    pub goid_field: bool,
    pub layout_problem: Option<String>,
    pub expected: Policy,
    pub pin: Option<PinFacts>,
    pub pins_source: String,
    pub injector: InjectorFacts,
    /// Why no live check runs in offline mode, for the reason text
    /// (`--offline was given`, `doctor builds only with --deep`).
    pub offline_why: String,
    /// The user's program, when one is named.
    pub program: Option<ProgramFacts>,
    /// GOOS/GOARCH the user's builds target (`go env`).
    pub goos: String,
    pub goarch: String,
    /// `GOHOSTOS/GOHOSTARCH`: where the live check builds and runs.
    pub host: String,
    /// What the pins' evidence for this Go minor says of goid's calibrated
    /// path on that GOOS/GOARCH, from whatever injector's run: the path
    /// builds without one, and reads only the runtime's g.
    pub calibrated_pin: CalibratedEvidence,
    /// The user's GOFLAGS build with `-tags=qcompat_nocalibrate`: they have
    /// turned the calibrated path off.
    pub nocalibrate: bool,
}

/// The GOARCHes on which fallback-go's goid has a calibrated path (gc
/// only): the build constraint of fallback-go/goid/calibrated.go.
pub const CALIBRATED_GOARCH: &[&str] = &[
    "amd64", "386", "arm64", "arm", "riscv64", "ppc64", "ppc64le", "s390x", "loong64", "mips",
    "mipsle", "mips64", "mips64le",
];

/// The build tag that turns goid's calibrated path off.
pub const NOCALIBRATE_TAG: &str = "qcompat_nocalibrate";

impl Facts {
    /// What select decides from: the producer's facts of the toolchain
    /// (`t`) and of the injector (`known`), the pins and the program.
    pub fn gather(
        t: &ToolchainFacts,
        pins: &Pins,
        inj: &Injector,
        known: &crate::inject::facts::Facts,
        offline_why: &str,
        program: Option<ProgramFacts>,
    ) -> Facts {
        let (tc, layout) = (&t.toolchain, &t.layout);
        let pin = pins.find(&tc.version.version).map(|m| {
            let ev = m.pin.evidence.as_ref();
            PinFacts {
                range: m.pin.go.clone(),
                strategy: m.pin.strategy,
                note: m.pin.note.clone(),
                evidence: ev
                    .map(|e| format!(" (verified with {})", e.tested_on()))
                    .unwrap_or_default(),
                for_this_injector: m.pin.strategy == Strategy::Stack
                    || ev.is_none_or(|e| e.is_for(&inj.id)),
                why_not_for: ev
                    .filter(|e| m.pin.strategy != Strategy::Stack && !e.is_for(&inj.id))
                    .map(|e| crate::policy::pins::vouch::why_not(e, &inj.id, inj.build.as_ref())),
                has_evidence: ev.is_some(),
                untested: ev
                    .filter(|_| m.pin.strategy == Strategy::Injected)
                    .and_then(|e| e.untested_for(&tc.version.version)),
            }
        });
        Facts {
            go_name: tc.version.go_name(),
            go_version: tc.version.version.to_string(),
            compiler: tc.version.compiler,
            goid_field: layout.goid_field,
            layout_problem: layout.problem.clone(),
            expected: linkname::expected(&tc.version),
            pin,
            pins_source: pins.source.clone(),
            injector: InjectorFacts {
                command: inj.command.clone(),
                id: inj.id.clone(),
                describe: inj.describe(),
                salted: known.salted,
                precompiled_host_std: known.precompiled_host_std,
            },
            offline_why: offline_why.to_string(),
            program,
            goos: tc.env.goos.clone(),
            goarch: tc.env.goarch.clone(),
            host: tc.host().name(),
            calibrated_pin: pins
                .find(&tc.version.version)
                .and_then(|m| m.pin.evidence.as_ref())
                .map_or(CalibratedEvidence::None, |e| e.calibrated_for(tc.target())),
            nocalibrate: tags_in_goflags(&tc.env.goflags)
                .iter()
                .any(|t| t == NOCALIBRATE_TAG),
        }
    }
}
