//! The report's advice: how to build, for the selection, the injector and
//! the compiler, with the user's program first when it has no fallback.

use super::{Check, Level, Report};
use crate::go::version::Compiler;
use crate::inject::command::self_name;
use crate::inject::injector::Injector;
use crate::policy::pins::Strategy;
use crate::policy::select::Selection;
use crate::support::env::Env;

/// Whether qcompat's cache can be written (the goflags line needs its link).
fn cache_writable(env: &Env) -> bool {
    crate::support::cache::root(env).is_ok_and(|root| {
        std::fs::create_dir_all(&root).is_ok() && tempfile::tempfile_in(&root).is_ok()
    })
}

/// The report: the checks, the selection, and the advice for this injector
/// and compiler (None: no toolchain was found).
pub(super) fn finish(
    env: &Env,
    checks: Vec<Check>,
    selection: Option<Selection>,
    inj: Option<&Injector>,
    compiler: Option<Compiler>,
) -> Report {
    let ok = checks.iter().all(|c| c.status != Level::Fail);
    let gccgo = compiler == Some(Compiler::Gccgo);
    let mut advice = match (&selection, inj) {
        (Some(s), Some(inj)) if s.toolexec_required => injected(s, inj, env),
        (Some(s), inj) if s.strategy == Strategy::Calibrated => calibrated(inj),
        (Some(_), _) if gccgo => {
            "gccgo: fallback-go's default build (no tag) reads g.goid under gccgo through libgo's runtime.getg at an offset it finds and checks against runtime.Stack at first use, and parses runtime.Stack when that is not proven; -tags=qcompat_stack keeps to runtime.Stack; the injector does not apply".to_string()
        }
        (Some(s), inj) => stack(s, inj),
        (None, _) => {
            "no selection could be made; fallback-go's goid with -tags=qcompat_stack works with any toolchain and needs no injector".to_string()
        }
    };
    match (selection.as_ref(), inj) {
        (Some(s), _) if s.program.is_some() => {
            advice = program_first(s.program.as_ref().expect("matched"), advice);
        }
        (Some(_), Some(inj)) if !inj.builtin => advice.push_str(&goid_only(inj)),
        _ => {}
    }
    let advice = if ok {
        advice
    } else {
        format!("fix the failed checks above; until then, {advice}")
    };
    Report {
        schema: 1,
        ok,
        checks,
        selection,
        advice,
    }
}

/// Another injector and no program named: the verdict is about fallback-go's
/// goid, not about code that calls the injector's own accessor.
fn goid_only(inj: &Injector) -> String {
    format!(
        ". This verdict covers fallback-go's goid only: a program that calls {}'s own API (q.GoroutineID for q, which pulls runtime.GoroutineID) needs that injector whatever goid does; check such a program with `{} doctor --deep --program DIR[:PKG]`",
        inj.describe(),
        self_name()
    )
}

/// Build through the injector: qcompat's own (through its one-word link
/// when the cache can hold it) or the one checked here.
fn injected(s: &Selection, inj: &Injector, env: &Env) -> String {
    let me = self_name();
    let tags = s.build_tags.join(",");
    let mut a = if inj.builtin && !cache_writable(env) {
        format!(
            "build with -tags={tags} and -toolexec=\"{me} toolexec\" on the go command line: qcompat's cache {} cannot be written, so `select --format goflags` cannot make the one-word link GOFLAGS needs (set QCOMPAT_CACHE_DIR to a writable folder to use it)",
            crate::support::cache::root(env)
                .map(|r| r.display().to_string())
                .unwrap_or_else(|e| format!("({e:#})"))
        )
    } else if inj.builtin {
        format!(
            "build with -tags={tags} and -toolexec=\"{me} toolexec\"; `eval \"$({me} select --format env)\"` sets both in GOFLAGS and keeps what GOFLAGS held"
        )
    } else {
        let t = crate::support::shell::shell_quote(&inj.advice_name());
        let built = if inj.id.package.is_some() {
            " (your build of it; this check built its own)"
        } else {
            ""
        };
        format!(
            "build with -tags={tags} and -toolexec={t}{built}, the injector checked here (one -toolexec per build: keep it as the only one)"
        )
    };
    if s.needs_own_gocache && !inj.builtin {
        a.push_str(&format!(
            "; it leaves `compile -V=full` unchanged, so give those builds a GOCACHE of their own: `eval \"$({me} select --toolexec {} --format env)\"` sets GOFLAGS and GOCACHE",
            crate::support::shell::shell_quote(&inj.advice_name())
        ));
    }
    a
}

/// Build with neither tag nor injector: goid's calibrated path.
fn calibrated(inj: Option<&Injector>) -> String {
    let me = self_name();
    let mut a = format!(
        "build with no qcompat tag and no injector (`eval \"$({me} select{} --format env)\"` clears a qcompat_stack from GOFLAGS): fallback-go's default build reads goroutine IDs from g at the offset checked here, and checks it again at first use; -tags=qcompat_stack or -tags=qcompat_nocalibrate turn that off",
        inj.filter(|i| !i.builtin)
            .map(|i| format!(" --toolexec {}", crate::support::shell::shell_quote(&i.advice_name())))
            .unwrap_or_default()
    );
    if let Some(inj) = inj.filter(|i| !i.builtin) {
        a.push_str(&format!(
            "; {} may still be needed for its other rewrites, but goid does not need it",
            inj.describe()
        ));
    }
    a
}

/// Build with the stack tag: runtime.Stack.
fn stack(s: &Selection, inj: Option<&Injector>) -> String {
    let mut a = format!(
        "build with -tags={}: goroutine IDs come from runtime.Stack",
        s.build_tags.join(",")
    );
    if let Some(inj) = inj.filter(|i| !i.builtin) {
        a.push_str(&format!(
            "; {} may still be needed for its other rewrites. qcompat's own injector replaces it only for a program that uses nothing from it but runtime.GoroutineID",
            inj.describe()
        ));
    }
    a
}

/// A program that pulls runtime.GoroutineID itself (or cannot build) has no
/// stack fallback: what it needs comes before `advice`.
fn program_first(p: &crate::policy::select::ProgramVerdict, advice: String) -> String {
    if !p.facts.pulls_accessor && p.facts.blocked.is_none() {
        return advice;
    }
    let state = match p.works {
        crate::policy::select::Shown::Works => "works here".to_string(),
        crate::policy::select::Shown::Fails => format!("does not work here: {}", p.verdict),
        crate::policy::select::Shown::Nothing => {
            format!("is not shown to work here: {}", p.verdict)
        }
    };
    let fix = p
        .fix
        .as_deref()
        .map(|f| format!(" Fix: {f}."))
        .unwrap_or_default();
    if p.works == crate::policy::select::Shown::Works {
        format!(
            "your program ({} {}) {state}. {advice}",
            p.facts.dir, p.facts.package
        )
    } else {
        format!("your program ({} {}) {state}.{fix} It has no stack fallback, so -tags=qcompat_stack does not help it", p.facts.dir, p.facts.package)
    }
}
