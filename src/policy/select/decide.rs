//! The decision table: the strategy from the facts, a live check when the
//! table asks for one, then the default build, the program and calibrated.

use super::default_build::{calibrated, default_build};
use super::verdict::program_verdict;
use super::{Coverage, Facts, Mode, ReasonCode, Selection, Shown};
use crate::go::linkname::Policy;
use crate::go::version::Compiler;
use crate::policy::pins::Strategy;
use crate::verify::diagnosis::Class;
use crate::verify::live::Live;
use crate::verify::probeprog::DefaultBuild;
use anyhow::Result;

/// How a reason says the injector is not used; the calibrated path, when it
/// replaces stack afterwards, rewrites it.
pub(super) const TO_STACK: &str = "falling back to stack";

fn selection(f: &Facts, strategy: Strategy) -> Selection {
    Selection {
        schema: 1,
        go_version: f.go_version.clone(),
        strategy,
        build_tags: vec![],
        toolexec_required: false,
        pinned: false,
        pin: None,
        verified: Shown::Nothing,
        reasons: vec![],
        reason_codes: vec![],
        toolexec: f.injector.command.clone(),
        injector: f.injector.id.clone(),
        needs_own_gocache: false,
        coverage: if f
            .pin
            .as_ref()
            .is_some_and(|p| p.for_this_injector && p.has_evidence && p.untested.is_none())
        {
            Coverage::Tested
        } else {
            Coverage::Untested
        },
        failure: None,
        live: None,
        program: None,
        unbuildable: None,
        gocache: None,
        builds: vec![],
        default_build: f.injector.id.is_builtin().then_some(DefaultBuild::Injected),
    }
}

fn finish(mut s: Selection) -> Selection {
    // Calibrated is goid's default build: no qcompat tag (the line's bare
    // `-tags=` also clears a qcompat_stack left in GOFLAGS) and no injector.
    let (tag, toolexec) = match s.strategy {
        Strategy::Injected => (Some("qcompat_injected"), true),
        Strategy::Stack => (Some("qcompat_stack"), false),
        Strategy::Calibrated => (None, false),
    };
    s.build_tags = tag.map(str::to_string).into_iter().collect();
    s.toolexec_required = toolexec;
    s
}

/// Decides the strategy, and for a named program whether it works. `verify`
/// runs the live check when the table asks for one; its error is the
/// selection's error.
pub fn decide(
    f: &Facts,
    mode: Mode,
    verify: &mut dyn FnMut() -> Result<Live>,
) -> Result<Selection> {
    let mut s = decide_strategy(f, mode, verify)?;
    default_build(&mut s);
    if let Some(p) = &f.program {
        let v = program_verdict(f, &mut s, p);
        s.program = Some(v);
    }
    calibrated(f, &mut s);
    if s.strategy == Strategy::Calibrated {
        // The reasons written before calibrated() replaced stack name the
        // fallback the selection took.
        for r in &mut s.reasons {
            *r = r.replace(TO_STACK, "falling back to goid's calibrated path");
        }
    }
    s.unbuildable = s
        .program
        .as_ref()
        .and_then(|p| super::verdict::unbuildable(p, s.strategy));
    Ok(finish(s))
}

/// The strategy for fallback-go's `goid` with this injector: what rules the
/// injector out, what the pin says, what the static facts show, then the
/// live check when the mode wants one.
fn decide_strategy(
    f: &Facts,
    mode: Mode,
    verify: &mut dyn FnMut() -> Result<Live>,
) -> Result<Selection> {
    if let Some(s) = ruled_out(f) {
        return Ok(s);
    }
    let mut s = selection(f, Strategy::Stack);
    let pin_applies = f
        .pin
        .as_ref()
        .is_some_and(|p| p.for_this_injector && p.untested.is_none());
    apply_pin(f, &mut s);
    if f.pin.is_none() && f.expected == Policy::Unsupported {
        s.reason(
            ReasonCode::LinknameUnsupported,
            format!(
            "{} predates the single-argument //go:linkname (Go 1.13): the runtime cannot export GoroutineID",
            f.go_name
        ));
        return Ok(s);
    }
    unsalted(f, &mut s);
    let live_wanted = match mode {
        Mode::Offline => false,
        Mode::Default => !pin_applies,
        Mode::Verify => true,
    };
    if !live_wanted {
        without_live(f, &mut s, pin_applies);
        return Ok(s);
    }
    let live = verify()?;
    with_live(f, &mut s, pin_applies, live);
    Ok(s)
}

/// Stack, when the toolchain is not gc or its runtime has no g.goid.
fn ruled_out(f: &Facts) -> Option<Selection> {
    let (code, why) = if f.compiler != Compiler::Gc {
        (
            ReasonCode::NotGc,
            format!(
                "{} is not the gc toolchain: the injector only works with gc's compiler",
                f.compiler
            ),
        )
    } else if !f.goid_field {
        (
            ReasonCode::NoGoidField,
            format!(
                "the runtime has no g.goid field ({}): nothing to inject",
                f.layout_problem.as_deref().unwrap_or("unknown layout")
            ),
        )
    } else {
        return None;
    };
    let mut s = selection(f, Strategy::Stack);
    s.reason(code, why);
    Some(s)
}

/// What the pin covering this version says, and whether it speaks for this
/// injector and this exact version.
fn apply_pin(f: &Facts, s: &mut Selection) {
    let Some(p) = f.pin.as_ref() else { return };
    let name = &f.go_name;
    let range = crate::support::output::shown(&p.range);
    s.pin = Some(p.range.clone());
    if !p.for_this_injector {
        s.reason(
            ReasonCode::PinOtherInjector,
            format!(
                "{name} matches pin {range} in {}, but it does not vouch for {}: {}",
                f.pins_source,
                f.injector.describe,
                p.why_not_for
                    .as_deref()
                    .unwrap_or("its evidence comes from another injector")
            ),
        );
    } else if let Some(untested) = &p.untested {
        s.reason(
            ReasonCode::PinUntestedVersion,
            format!(
                "{name} matches pin {range} in {}, but {untested}: the pin does not vouch for it",
                f.pins_source,
            ),
        );
    } else {
        s.strategy = p.strategy;
        s.pinned = true;
        s.reason(
            ReasonCode::PinVouches,
            format!(
                "{name} matches pin {range} in {}: {}{}",
                f.pins_source, p.strategy, p.evidence
            ),
        );
        if let Some(note) = &p.note {
            s.reason(ReasonCode::PinNote, note.clone());
        }
    }
}

/// An injector that leaves `compile -V=full` unchanged needs a GOCACHE of
/// its own, and cannot reach a precompiled runtime at all.
fn unsalted(f: &Facts, s: &mut Selection) {
    let inj = &f.injector;
    if inj.salted != crate::inject::facts::Salting::Unsalted {
        return;
    }
    s.needs_own_gocache = true;
    let (code, why) = if inj.precompiled_host_std {
        (ReasonCode::UnsaltedPrecompiledStd, format!(" and {} links its precompiled runtime for this host, so the injector never runs for runtime (precompiled-std): pass -a, or use an injector that alters -V=full", f.go_name))
    } else {
        (ReasonCode::UnsaltedOwnGocache, ": its builds need a GOCACHE of their own, or a plain runtime.a from the shared cache is linked (shared-cache)".to_string())
    };
    s.reason(
        code,
        format!("{} leaves `compile -V=full` unchanged{why}", inj.describe),
    );
}

/// No live check: the pin when it applies, stack otherwise.
fn without_live(f: &Facts, s: &mut Selection, pin_applies: bool) {
    let inj = &f.injector;
    if inj.salted == crate::inject::facts::Salting::Unsalted && inj.precompiled_host_std {
        s.strategy = Strategy::Stack;
        s.failure = Some(Class::PrecompiledStd);
    } else if !pin_applies {
        s.strategy = Strategy::Stack;
        let untested = if f.pin.is_none() {
            format!("no pin covers {}", f.go_name)
        } else {
            format!("nothing has verified {} with {}", inj.describe, f.go_name)
        };
        s.reason(
            ReasonCode::Unverified,
            format!(
                "{untested} and {}: {TO_STACK} (a live check would build through the injector)",
                f.offline_why
            ),
        );
    }
}

/// The live check's result against the pin: injected when it passed and no
/// pin decides, stack when it failed.
fn with_live(f: &Facts, s: &mut Selection, pin_applies: bool, live: Live) {
    let inj = &f.injector;
    let passed = live.passed();
    s.verified = Shown::from(passed);
    if passed {
        if !pin_applies {
            s.strategy = Strategy::Injected;
            s.reason(
                ReasonCode::LivePassed,
                format!(
                    "{}a live build through {} linked and returned the right IDs{}",
                    if f.pin.is_none() {
                        format!("no pin covers {}; ", f.go_name)
                    } else {
                        String::new()
                    },
                    inj.describe,
                    live.kinds_checked()
                ),
            );
        } else if s.strategy == Strategy::Stack {
            s.reason(ReasonCode::LiveContradictsStackPin, format!(
                "the live check passed{}, which contradicts the pin's stack strategy: the pin is kept; update the pins after a matrix run",
                live.kinds_checked()
            ));
        } else {
            s.reason(
                ReasonCode::LiveConfirmedPin,
                format!(
                    "a live build through {} confirmed the pin{}",
                    inj.describe,
                    live.kinds_checked()
                ),
            );
        }
    } else {
        let mut why = format!(
            "the live build through {} gave {}",
            inj.describe,
            live.summary()
        );
        if let Some(d) = live.diagnosis() {
            s.failure = Some(d.class);
            why.push_str(&format!(". {}. Fix: {}", d.explanation, d.fix));
        }
        if s.pinned && s.strategy == Strategy::Injected {
            s.reason(
                ReasonCode::LiveContradictsPin,
                format!("{why}; this contradicts the pin, {TO_STACK}"),
            );
        } else {
            s.reason(ReasonCode::LiveFailed, format!("{why}; {TO_STACK}"));
        }
        s.strategy = Strategy::Stack;
    }
    s.live = Some(live);
}
