//! Whether the user's program (`--program`) works with the injector under test.

use super::{Facts, ProgramVerdict, ReasonCode, Selection, Shown, Unbuildable};
use crate::policy::pins::Strategy;
use crate::verify::program::ProgramFacts;

/// The program's verdict from its facts and the live check's build of it.
/// A program with a fallback falls back with the strategy; one that pulls
/// `runtime.GoroutineID` itself has none, and is told what would fix it.
pub(super) fn program_verdict(f: &Facts, s: &mut Selection, p: &ProgramFacts) -> ProgramVerdict {
    let mut v = ProgramVerdict {
        facts: p.clone(),
        built: false,
        works: Shown::Nothing,
        failure: None,
        verdict: String::new(),
        fix: None,
    };
    if let Some(b) = &p.blocked {
        blocked(f, &mut v, b);
        s.reason(
            ReasonCode::ProgramUnbuildable,
            format!("program: {}", v.verdict),
        );
        return v;
    }
    let uses = uses(p);
    match s.live.as_ref().and_then(|l| l.program.as_ref()) {
        Some(o) if o.status == crate::verify::cell::Status::Pass => {
            v.built = true;
            v.works = Shown::Works;
            v.verdict = format!(
                "the program built and ran through {}; it {uses}",
                f.injector.describe
            );
        }
        Some(o) => {
            let o = o.clone();
            failed(f, s, &mut v, &o);
        }
        None => not_built(f, s, &mut v),
    }
    if !p.pulls_accessor && !p.fallback {
        // Nothing of ours in it: a verdict on goid would mislead.
    } else if p.pulls_accessor && v.works == Shown::Fails && s.strategy == Strategy::Stack {
        s.reason(
            ReasonCode::ProgramNoFallback,
            format!(
                "program: {}: -tags=qcompat_stack does not help it",
                v.verdict
            ),
        );
    } else {
        let code = match v.works {
            Shown::Works => ReasonCode::ProgramWorks,
            Shown::Fails if v.built => ReasonCode::ProgramFailed,
            Shown::Fails => ReasonCode::ProgramUnproven,
            Shown::Nothing => ReasonCode::ProgramNotBuilt,
        };
        s.reason(code, format!("program: {}", v.verdict));
    }
    v
}

/// Why no flags this selection gives build the program: it cannot be built
/// by this Go at all, or it pulls `runtime.GoroutineID` itself (no stack
/// fallback) and the strategy leaves the injector out. None when the
/// selection's flags may build it.
pub(super) fn unbuildable(v: &ProgramVerdict, strategy: Strategy) -> Option<Unbuildable> {
    let p = &v.facts;
    let needs_injector = p.pulls_accessor && strategy != Strategy::Injected;
    if p.blocked.is_none() && !needs_injector {
        return None;
    }
    let mut reason = format!(
        "your program ({} {}) does not build here: {}",
        p.dir, p.package, v.verdict
    );
    if needs_injector {
        reason.push_str(
            "; it has no stack fallback, so building without the injector (-tags=qcompat_stack) does not help it",
        );
    }
    Some(Unbuildable {
        reason,
        fix: v.fix.clone(),
    })
}

/// What the program uses of ours, for the verdict's sentence.
fn uses(p: &ProgramFacts) -> &'static str {
    if p.pulls_accessor {
        "pulls runtime.GoroutineID itself, so it has no fallback: it builds only through the injector"
    } else if p.fallback {
        "uses fallback-go's goid, so it also builds without the injector (-tags=qcompat_stack)"
    } else {
        "uses neither fallback-go's goid nor runtime.GoroutineID"
    }
}

/// The toolchain cannot build the program, whatever the injector.
fn blocked(f: &Facts, v: &mut ProgramVerdict, b: &crate::verify::program::Blocked) {
    let name = &f.go_name;
    v.works = Shown::Fails;
    match b {
        crate::verify::program::Blocked::GoTooOld { requires, .. } => {
            v.verdict = format!("{name} cannot build the program: its go.mod requires go >= {requires}, whatever the injector");
            v.fix = Some(format!(
                "build it with Go {requires} or newer (this is {name}), or lower the program's go line"
            ));
        }
        crate::verify::program::Blocked::Load { message } => {
            v.verdict = format!("{name} cannot load the program: {}", first_line(message));
            v.fix = Some("fix the program so that `go build` loads it, then check again".into());
        }
    }
}

/// The live check built the program through the injector and it failed:
/// an injected selection falls back to stack.
fn failed(f: &Facts, s: &mut Selection, v: &mut ProgramVerdict, o: &crate::verify::cell::Outcome) {
    v.built = true;
    v.works = Shown::Fails;
    v.failure = o.diagnosis.as_ref().map(|d| d.class);
    let line = o
        .diagnosis
        .as_ref()
        .map(|d| format!("{} ({})", d.explanation, d.class.name()))
        .unwrap_or_else(|| format!("`{}`", last_line(&o.stderr_excerpt)));
    v.verdict = format!(
        "the program built through {} gave {}: {line}",
        f.injector.describe,
        o.status.name()
    );
    v.fix = o.diagnosis.as_ref().map(|d| d.fix.clone()).or_else(|| {
        Some("`qcompat select --verify --json` shows the build command and its output".into())
    });
    if s.strategy == Strategy::Injected {
        s.strategy = Strategy::Stack;
        s.failure = s.failure.or(v.failure);
        s.reason(
            ReasonCode::ProgramFailedToStack,
            format!(
                "the probe passed, but {}; {}",
                v.verdict,
                super::decide::TO_STACK
            ),
        );
    }
    if v.facts.pulls_accessor {
        v.verdict.push_str(&format!("; it {}", uses(&v.facts)));
    }
}

/// The program was not built: what is known without a build, and the check
/// that would show more.
fn not_built(f: &Facts, s: &Selection, v: &mut ProgramVerdict) {
    let p = &v.facts;
    let uses = uses(p);
    let injected = s.strategy == Strategy::Injected;
    v.verdict = format!(
        "the program was not built ({}); it {uses}",
        if s.live.is_some() {
            "the live check built the probe only"
        } else {
            f.offline_why.as_str()
        }
    );
    if p.pulls_accessor && !injected {
        v.works = Shown::Fails;
        v.verdict = format!(
            "the program {uses}, and nothing shows that {} works with {} here",
            f.injector.describe, f.go_name
        );
        v.fix = Some(
            "check it live (`doctor --deep --program`), and follow that check's fix; its own fallback would be fallback-go's goid".into(),
        );
    } else if !p.fallback && !p.pulls_accessor {
        v.verdict = format!("the program {uses}: this selection does not concern it");
    } else {
        v.fix =
            Some("check it live: `doctor --deep --program` builds it through the injector".into());
    }
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

fn last_line(s: &str) -> &str {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}
