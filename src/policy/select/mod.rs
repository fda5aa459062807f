//! `qcompat select`: which goroutine-ID strategy to build with, for the
//! injector under test, from the pins, the static facts and (when needed) a
//! live build through that injector.
//!
//! [`decide`] is a pure function of [`Facts`] and a verifier, so its decision
//! table is unit-tested without building anything.

mod decide;
mod default_build;
mod facts;
mod goflags;
mod reason;
mod verdict;

pub use decide::decide;
pub use facts::Facts;
pub use reason::ReasonCode;

use crate::inject::injector::Injector;
use crate::policy::pins::{Pins, Strategy};
use crate::verify::diagnosis::Class;
use crate::verify::live::Live;
use crate::verify::probeprog::DefaultBuild;
use crate::verify::program::{Program, ProgramFacts};
use anyhow::Result;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pins and the static facts only.
    Offline,
    /// Pins; a live check only when no pin speaks for this version and injector.
    Default,
    /// Always check live and compare with the pin.
    Verify,
}

/// What a live build showed: nothing (not run), that it works, or that it
/// does not. The JSON keeps its documented form: null, true, false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(into = "Option<bool>")]
pub enum Shown {
    #[default]
    Nothing,
    Works,
    Fails,
}

impl From<bool> for Shown {
    fn from(works: bool) -> Shown {
        if works {
            Shown::Works
        } else {
            Shown::Fails
        }
    }
}

impl From<Shown> for Option<bool> {
    fn from(s: Shown) -> Option<bool> {
        match s {
            Shown::Nothing => None,
            Shown::Works => Some(true),
            Shown::Fails => Some(false),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Selection {
    pub schema: u32,
    pub go_version: String,
    pub strategy: Strategy,
    pub build_tags: Vec<String>,
    pub toolexec_required: bool,
    /// A pin covers this version *for this injector*.
    pub pinned: bool,
    /// The pin's range when one covers the version.
    pub pin: Option<String>,
    /// The live check's result (null: none ran).
    pub verified: Shown,
    pub reasons: Vec<String>,
    /// One code per reason, at the same index: what it says was decided.
    pub reason_codes: Vec<ReasonCode>,
    /// The injector the selection is for (its -toolexec value).
    pub toolexec: String,
    /// The injector's identity (`builtin`, or a name and sha256).
    pub injector: crate::inject::injector::Identity,
    /// The injector leaves `-V=full` unchanged: injected builds need a
    /// GOCACHE of their own (whatever the strategy: it is about the injector).
    pub needs_own_gocache: bool,
    /// That GOCACHE: the one the live check uses for this injector and
    /// toolchain (`select --format env` exports it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gocache: Option<String>,
    /// `tested`: a pin whose evidence comes from a matrix run of this
    /// version's minor with this injector covers it; `untested` otherwise
    /// (then only a live check, `verified`, speaks for it).
    pub coverage: Coverage,
    /// The class of the failure that decided against injection, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Class>,
    /// The live check's details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<Live>,
    /// The path fallback-go's default build (no tags) takes through this
    /// injector: known for qcompat's own, seen by the live check otherwise
    /// (null: not known).
    pub default_build: Option<DefaultBuild>,
    /// The user's program (`--program`): what it uses, whether it builds
    /// and runs with this injector here, and the fix when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<ProgramVerdict>,
    /// Nothing this selection offers builds the user's program here: its
    /// flags would fail (`select` prints none and exits 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unbuildable: Option<Unbuildable>,
    /// The build kinds the live check built and ran (`build`, and those
    /// `--builds` named); empty when no live check ran.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<crate::verify::kind::BuildKind>,
}

/// Why the program cannot be built with any strategy here, and the fix.
#[derive(Debug, Clone, Serialize)]
pub struct Unbuildable {
    /// The same words doctor's advice gives.
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// Whether the user's program works with the injector under test.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramVerdict {
    #[serde(flatten)]
    pub facts: ProgramFacts,
    /// The live check built (and ran) it.
    pub built: bool,
    /// true: built and ran through the injector; false: it cannot work here
    /// as things stand; null: not built, nothing shown.
    pub works: Shown,
    /// The class of the failure, when the injector is the cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Class>,
    /// One sentence a person reads: what was found.
    pub verdict: String,
    /// What to do, when something is to be done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    Tested,
    Untested,
}

/// How a caller asks for a selection: the mode, why an offline mode builds
/// nothing (for the reason text), and the user's program if any.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub mode: Mode,
    pub offline_why: &'a str,
    pub program: Option<&'a Program>,
    /// Build kinds the live check also builds and runs (`--builds`).
    pub builds: &'a [crate::verify::kind::BuildKind],
}

/// Gathers the facts for `t` and `inj` and decides, running the live check
/// through `inj` when the table asks for one.
pub fn select(
    t: &crate::inject::facts::ToolchainFacts,
    pins: &Pins,
    inj: &Injector,
    known: &crate::inject::facts::Facts,
    ask: Ask,
) -> Result<Selection> {
    let (tc, layout) = (&t.toolchain, &t.layout);
    let salted = known.salted;
    let Ask {
        mode,
        offline_why,
        program,
        builds,
    } = ask;
    let pfacts = program.map(|p| crate::verify::program::facts(tc, p));
    let facts = Facts::gather(t, pins, inj, known, offline_why, pfacts.clone());
    let mut s = decide(&facts, mode, &mut || {
        let cx = crate::verify::live::diag_context(
            tc,
            inj,
            salted,
            known.built_by.clone(),
            layout.goid_type.clone(),
        );
        crate::verify::live::check(tc, inj, &cx, program.zip(pfacts.as_ref()), builds)
    })?;
    if let Some(live) = &s.live {
        // Only the kinds built: one this host could not build is in
        // live.builds with its skip.
        s.builds = std::iter::once(crate::verify::kind::BuildKind::Build)
            .chain(
                live.builds
                    .iter()
                    .filter(|k| !k.outcome.status.is_skip())
                    .map(|k| k.build),
            )
            .collect();
    }
    if s.needs_own_gocache {
        let dir = crate::verify::live::private_gocache(tc, inj);
        s.gocache = Some(dir?.display().to_string());
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::facts::{InjectorFacts, PinFacts};
    use super::goflags::tags_in_goflags;
    use super::*;
    use crate::go::linkname::Policy;
    use crate::go::version::Compiler;
    use crate::inject::facts::Salting;
    use crate::inject::injector::Identity;
    use crate::policy::pins::CalibratedEvidence;
    use crate::verify::cell::{Outcome, Status, Verified};
    use crate::verify::diagnosis::Diagnosis;

    fn facts(minor: u64, pin: Option<(Strategy, bool)>, builtin: bool, salted: Salting) -> Facts {
        Facts {
            go_name: format!("go1.{minor}.1"),
            go_version: format!("1.{minor}.1"),
            compiler: Compiler::Gc,
            goid_field: true,
            layout_problem: None,
            expected: if minor >= 23 {
                Policy::Restricted
            } else {
                Policy::Permissive
            },
            pin: pin.map(|(strategy, for_this_injector)| PinFacts {
                range: ">=1.13.0, <1.28.0".into(),
                strategy,
                note: None,
                evidence: String::new(),
                for_this_injector,
                why_not_for: (!for_this_injector)
                    .then(|| "its evidence comes from qcompat's own injector".into()),
                has_evidence: true,
                untested: None,
            }),
            pins_source: "pins.yaml".into(),
            injector: InjectorFacts {
                command: if builtin {
                    "qcompat toolexec".into()
                } else {
                    "q".into()
                },
                id: Identity {
                    name: if builtin {
                        crate::inject::injector::BUILTIN_NAME.into()
                    } else {
                        "q".into()
                    },
                    sha256: "ab".repeat(32),
                    ..Identity::default()
                },
                describe: if builtin {
                    "qcompat's injector".into()
                } else {
                    "the injector \"q\"".into()
                },
                salted,
                precompiled_host_std: minor <= 19,
            },
            offline_why: "--offline was given".into(),
            program: None,
            goos: "linux".into(),
            goarch: "amd64".into(),
            host: "linux/amd64".into(),
            calibrated_pin: CalibratedEvidence::None,
            nocalibrate: false,
        }
    }

    fn live(status: Status, class: Option<Class>) -> Live {
        Live {
            outcome: Outcome {
                status,
                verified: Verified::Exec,
                duration_s: 0.1,
                command: "go build".into(),
                stderr_excerpt: String::new(),
                note: None,
                diagnosis: class.map(|class| Diagnosis {
                    class,
                    evidence: "e".into(),
                    explanation: "x".into(),
                    fix: "f".into(),
                }),
            },
            private_gocache: false,
            with_a: None,
            program: None,
            plain: None,
            builds: vec![],
        }
    }

    /// A passing probe build with `kind` also built, ending in `status`.
    fn live_with_kind(
        kind: crate::verify::kind::BuildKind,
        status: Status,
        class: Option<Class>,
    ) -> Live {
        let mut l = live(Status::Pass, None);
        l.builds.push(crate::verify::live::KindOutcome {
            build: kind,
            outcome: live(status, class).outcome,
        });
        l
    }

    /// Runs decide with a verifier that must (or must not) be called.
    fn run(f: &Facts, mode: Mode, result: Option<Live>) -> Selection {
        let mut called = false;
        let s = decide(f, mode, &mut || {
            called = true;
            Ok(result.clone().expect("no live check expected"))
        })
        .unwrap();
        assert_eq!(called, result.is_some(), "live check called: {called}");
        s
    }

    /// Facts, mode, live result -> strategy, pinned, verified, failure class.
    type Row = (
        Facts,
        Mode,
        Option<Live>,
        Strategy,
        bool,
        Option<bool>,
        Option<Class>,
    );

    #[test]
    fn decision_table() {
        use Mode::*;
        use Strategy::*;
        let pass = || Some(live(Status::Pass, None));
        // (facts, mode, live result) -> (strategy, pinned, verified, failure)
        #[rustfmt::skip]
        let rows: Vec<Row> = vec![
            // qcompat's own injector, pinned: the pin decides offline and by default.
            (facts(26, Some((Injected, true)), true, Salting::Salted), Offline, None, Injected, true, None, None),
            (facts(26, Some((Injected, true)), true, Salting::Salted), Default, None, Injected, true, None, None),
            (facts(26, Some((Injected, true)), true, Salting::Salted), Verify, pass(), Injected, true, Some(true), None),
            // A failing live check overrides an injected pin.
            (facts(26, Some((Injected, true)), true, Salting::Salted), Verify, Some(live(Status::FailRelocation, Some(Class::NotInjected))), Stack, true, Some(false), Some(Class::NotInjected)),
            // No pin: offline falls back; default checks live.
            (facts(30, None, true, Salting::Salted), Offline, None, Stack, false, None, None),
            (facts(30, None, true, Salting::Salted), Default, pass(), Injected, false, Some(true), None),
            // Another injector: the builtin's pin does not vouch for it.
            (facts(26, Some((Injected, false)), false, Salting::Salted), Offline, None, Stack, false, None, None),
            (facts(26, Some((Injected, false)), false, Salting::Salted), Default, pass(), Injected, false, Some(true), None),
            // A stack pin speaks for every injector.
            (facts(12, Some((Stack, true)), false, Salting::Salted), Default, None, Stack, true, None, None),
            // Unsalted on Go <= 1.19: precompiled std, known without building.
            (facts(19, Some((Injected, false)), false, Salting::Unsalted), Offline, None, Stack, false, None, Some(Class::PrecompiledStd)),
            (facts(19, Some((Injected, false)), false, Salting::Unsalted), Default, Some(live(Status::FailBuild, Some(Class::RuntimeFile))), Stack, false, Some(false), Some(Class::RuntimeFile)),
            // Unsalted on 1.20+: works in a GOCACHE of its own.
            (facts(26, Some((Injected, false)), false, Salting::Unsalted), Verify, pass(), Injected, false, Some(true), None),
            // A wrong ID at run time.
            (facts(27, None, false, Salting::Salted), Default, Some(live(Status::FailRun, None)), Stack, false, Some(false), None),
            // --builds: a kind that fails decides, with its class; one this host
            // cannot build proves nothing either way.
            (facts(30, None, false, Salting::Salted), Verify, Some(live_with_kind(crate::verify::kind::BuildKind::Race, Status::FailRelocation, Some(Class::NotInjected))), Stack, false, Some(false), Some(Class::NotInjected)),
            (facts(30, None, false, Salting::Salted), Verify, Some(live_with_kind(crate::verify::kind::BuildKind::Plugin, Status::SkipCgo, None)), Injected, false, Some(true), None),
        ];
        for (i, (f, mode, l, strategy, pinned, verified, failure)) in rows.into_iter().enumerate() {
            let s = run(&f, mode, l);
            assert_eq!(
                (
                    s.strategy,
                    s.pinned,
                    Option::<bool>::from(s.verified),
                    s.failure
                ),
                (strategy, pinned, verified, failure),
                "row {i}: {:#?}",
                s.reasons
            );
            assert_eq!(s.toolexec_required, strategy == Injected, "row {i}");
            assert!(!s.reasons.is_empty(), "row {i}");
            assert_eq!(s.reasons.len(), s.reason_codes.len(), "row {i}");
        }
    }

    #[test]
    fn unsalted_needs_its_own_cache_and_says_why() {
        let s = run(
            &facts(26, None, false, Salting::Unsalted),
            Mode::Default,
            Some(live(Status::Pass, None)),
        );
        assert!(s.needs_own_gocache);
        assert!(
            s.has_reason(ReasonCode::UnsaltedOwnGocache),
            "{:?}",
            s.reasons
        );
        let s = run(
            &facts(19, None, false, Salting::Unsalted),
            Mode::Offline,
            None,
        );
        assert!(
            s.has_reason(ReasonCode::UnsaltedPrecompiledStd),
            "{:?}",
            s.reasons
        );
        assert!(
            !s.has_reason(ReasonCode::UnsaltedOwnGocache),
            "{:?}",
            s.reasons
        );
    }

    /// A live result whose probe line (plain, without the injector, when the
    /// injected build failed) reports the calibrated check.
    fn live_calibrated(injected: Status, result: &str) -> Live {
        let mut l = live(injected, None);
        let mut plain = live(Status::Pass, None).outcome;
        plain.note = Some(format!(
            "qcompat-probe ok=true checked=9 goos=linux goarch=amd64 default=none calibrated={result} offset=152 build=plain"
        ));
        l.plain = Some(plain);
        l
    }

    #[test]
    fn calibrated_where_injection_is_not_proven() {
        use crate::verify::probeprog::CalibratedResult;
        let proven = CalibratedEvidence::Pass {
            toolchains: vec!["go1.19.8".into()],
            offsets: vec![152],
        };
        // Unsalted injector on Go 1.19 (precompiled-std): stack without
        // calibrated evidence, calibrated with it.
        let mut f = facts(
            19,
            Some((Strategy::Injected, false)),
            false,
            Salting::Unsalted,
        );
        let s = run(&f, Mode::Offline, None);
        assert_eq!(s.strategy, Strategy::Stack, "{:?}", s.reasons);
        let why = s.reason_text(ReasonCode::CalibratedNotChosen).unwrap();
        assert!(why.contains("nothing has proven goid's calibrated path"));
        f.calibrated_pin = proven.clone();
        let s = run(&f, Mode::Offline, None);
        assert_eq!(
            (s.strategy, s.build_tags.len(), s.toolexec_required),
            (Strategy::Calibrated, 0, false),
            "{:?}",
            s.reasons
        );
        assert_eq!(s.goflags("q", "-tags=netgo,qcompat_stack"), "-tags=netgo");
        // No reason speaks of a stack fallback the selection did not take.
        let live19 = run(
            &f,
            Mode::Verify,
            Some(live(Status::FailBuild, Some(Class::RuntimeFile))),
        );
        for s in [&s, &live19] {
            assert_eq!(s.strategy, Strategy::Calibrated, "{:?}", s.reasons);
            assert!(
                !s.reasons.iter().any(|r| r.contains("to stack")),
                "{:?}",
                s.reasons
            );
        }
        assert_eq!(s.goflags("q", ""), "-tags=");
        assert_eq!(
            s.full_goflags("q", "-mod=mod -toolexec=q"),
            "-mod=mod -toolexec=q -tags="
        );
        // Each thing that rules it out.
        let mut off = f.clone();
        off.nocalibrate = true;
        let mut wasm = f.clone();
        wasm.goarch = "wasm".into();
        let mut pulls = f.clone();
        pulls.program = Some(ProgramFacts {
            dir: ".".into(),
            package: ".".into(),
            uses_goid: false,
            pulls_accessor: true,
            fallback: false,
            blocked: None,
        });
        let mut failed = f.clone();
        failed.calibrated_pin = CalibratedEvidence::NotProven {
            toolchain: "go1.19.8".into(),
            result: CalibratedResult::Fail,
        };
        for (i, g) in [off, wasm, pulls, failed].iter().enumerate() {
            let s = run(g, Mode::Offline, None);
            assert_eq!(s.strategy, Strategy::Stack, "case {i}: {:?}", s.reasons);
            assert!(s.has_reason(ReasonCode::CalibratedNotChosen), "case {i}");
            assert!(!s.has_reason(ReasonCode::CalibratedProven), "case {i}");
        }
        // Live: the plain probe's result decides over the pins.
        f.calibrated_pin = CalibratedEvidence::None;
        let s = run(
            &f,
            Mode::Verify,
            Some(live_calibrated(Status::FailRelocation, "pass")),
        );
        assert_eq!(s.strategy, Strategy::Calibrated, "{:?}", s.reasons);
        let why = s.reason_text(ReasonCode::CalibratedProven).unwrap();
        assert!(why.contains("without the injector read g.goid at offset 152"));
        f.calibrated_pin = proven;
        let s = run(
            &f,
            Mode::Verify,
            Some(live_calibrated(Status::FailRelocation, "fail")),
        );
        assert_eq!(s.strategy, Strategy::Stack, "{:?}", s.reasons);
        // A live result for the host says nothing of another target.
        let mut cross = f.clone();
        cross.goarch = "arm64".into();
        cross.calibrated_pin = CalibratedEvidence::None;
        let s = run(
            &cross,
            Mode::Verify,
            Some(live_calibrated(Status::FailRelocation, "pass")),
        );
        assert_eq!(s.strategy, Strategy::Stack, "{:?}", s.reasons);
        // Injection proven: injected, whatever the calibrated evidence.
        let mut g = facts(26, Some((Strategy::Injected, true)), true, Salting::Salted);
        g.calibrated_pin = CalibratedEvidence::Pass {
            toolchains: vec!["go1.26.8".into()],
            offsets: vec![152],
        };
        assert_eq!(run(&g, Mode::Offline, None).strategy, Strategy::Injected);
    }

    #[test]
    fn goflags_keep_the_users_tags() {
        let s = run(
            &facts(26, Some((Strategy::Injected, true)), false, Salting::Salted),
            Mode::Offline,
            None,
        );
        assert_eq!(
            s.goflags("q", "-tags=netgo,qcompat_stack -mod=mod"),
            "-tags=netgo,qcompat_injected -toolexec=q"
        );
        assert_eq!(s.goflags("q", ""), "-tags=qcompat_injected -toolexec=q");
        assert_eq!(
            s.full_goflags("q", "-mod=mod -tags=a,b -toolexec=/old/inj"),
            "-mod=mod -tags=a,b,qcompat_injected -toolexec=q"
        );
        assert_eq!(tags_in_goflags("-tags=x -tags=y,z"), ["y", "z"]);
    }

    #[test]
    fn gccgo_and_old_go() {
        let mut f = facts(18, None, true, Salting::Salted);
        f.compiler = Compiler::Gccgo;
        let s = run(&f, Mode::Verify, None);
        assert_eq!(s.strategy, Strategy::Stack);
        assert_eq!(s.reason_codes[0], ReasonCode::NotGc);
        let mut f = facts(12, None, true, Salting::Salted);
        f.expected = Policy::Unsupported;
        let s = run(&f, Mode::Verify, None);
        assert_eq!(s.strategy, Strategy::Stack);
        assert_eq!(s.reason_codes[0], ReasonCode::LinknameUnsupported);
        assert!(s.reasons[0].contains("predates"));
    }

    #[test]
    fn a_pin_that_does_not_name_a_prerelease_does_not_decide() {
        let mut f = facts(27, Some((Strategy::Injected, true)), true, Salting::Salted);
        f.pin.as_mut().unwrap().untested = Some("tested with go1.27.3 only".into());
        let s = run(&f, Mode::Offline, None);
        assert_eq!(
            (s.strategy, s.pinned, s.coverage),
            (Strategy::Stack, false, Coverage::Untested)
        );
        assert_eq!(s.reason_codes[0], ReasonCode::PinUntestedVersion);
        assert!(
            s.reasons[0].contains("tested with go1.27.3 only"),
            "{:?}",
            s.reasons
        );
        // By default it is checked live, as an unpinned version is.
        let s = run(&f, Mode::Default, Some(live(Status::Pass, None)));
        assert_eq!(
            (s.strategy, s.coverage),
            (Strategy::Injected, Coverage::Untested)
        );
    }
}
