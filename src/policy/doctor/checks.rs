//! The checks of the toolchain and the environment: the go command, the
//! version against the pins, the compiler, the runtime, //go:linkname,
//! GOFLAGS and GOCACHE.

use super::{check, Check, Level, Options};
use crate::go::discover;
use crate::go::gocmd::Go;
use crate::go::linkname::{self, Policy};
use crate::go::runtime_layout::RuntimeLayout;
use crate::go::version::Compiler;
use crate::inject::command::self_name;
use crate::inject::injector::Injector;
use crate::policy::pins::{Pins, Strategy};
use std::path::Path;

/// Finds the go command and reads its toolchain; on failure, the checks say
/// why and what to do.
pub(super) fn toolchain(o: &Options, checks: &mut Vec<Check>) -> Option<(Go, discover::Toolchain)> {
    let go = match Go::locate(o.go_flag, o.timeout, o.env, o.cancel) {
        Ok(g) => g,
        Err(e) => {
            checks.push(check(
                "go",
                Level::Fail,
                format!("{e:#}"),
                Some("install Go (https://go.dev/doc/install) or pass --go /path/to/go".into()),
            ));
            return None;
        }
    };
    let tc = match discover::discover(&go) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!("{e:#}");
            let go_error = e.downcast_ref::<crate::go::gocmd::GoError>();
            if go_error.is_some_and(crate::go::gocmd::GoError::no_build_cache) {
                checks.push(check("go", Level::Ok, go.path.display().to_string(), None));
                checks.push(check(
                    "gocache",
                    Level::Fail,
                    msg,
                    Some("unset GOCACHE or point it at a writable directory".into()),
                ));
            } else {
                checks.push(check(
                    "go",
                    Level::Fail,
                    format!("{} does not run: {msg}", go.path.display()),
                    Some("check that this go installation works: `go env`".into()),
                ));
            }
            return None;
        }
    };
    Some((go, tc))
}

/// The version against the pins: tested (with this injector), a rule
/// nothing tested, or untested.
pub(super) fn version_check(
    tc: &discover::Toolchain,
    pins: &Pins,
    inj: Option<&Injector>,
) -> Check {
    let name = tc.version.go_name();
    let v = &tc.version.version;
    let gccgo = tc.version.compiler == Compiler::Gccgo;
    match pins.find(v) {
        Some(m) if !gccgo && other_injector(&m, inj).is_some() => {
            let (e, inj) = other_injector(&m, inj).expect("checked");
            other_injector_check(&name, &m, pins, e, inj)
        }
        _ if gccgo => check(
            "version",
            Level::Ok,
            format!("{name} (gccgo, language version from its release tags); the pins are about gc toolchains"),
            None,
        ),
        Some(m) => pinned_check(&name, v, &m, pins),
        None if pins.newer_than_all(v) => check(
            "version",
            Level::Warn,
            format!("{name} is newer than every pin in {}: nothing has verified the injector with it yet (untested)", pins.source),
            Some(format!("run `{0} doctor --deep` (or `{0} select`) to verify it live, and a matrix run plus `{0} pins update` to pin it{1}", self_name(), PINS_OUTSIDE)),
        ),
        None => check(
            "version",
            Level::Warn,
            format!("{name} is in no tested minor: no pin in {} covers it (untested)", pins.source),
            Some(format!("verify live with `{0} doctor --deep` or `{0} select`{1}", self_name(), PINS_OUTSIDE)),
        ),
    }
}

/// The pin's evidence and the injector under test, when an injected pin's
/// evidence comes from another injector.
fn other_injector<'p, 'i>(
    m: &crate::policy::pins::Match<'p>,
    inj: Option<&'i Injector>,
) -> Option<(&'p crate::policy::pins::Evidence, &'i Injector)> {
    let e = m.pin.evidence.as_ref()?;
    let inj = inj?;
    (m.pin.strategy == Strategy::Injected && !e.is_for(&inj.id)).then_some((e, inj))
}

/// A pin tested through another injector: untested with this one.
fn other_injector_check(
    name: &str,
    m: &crate::policy::pins::Match,
    pins: &Pins,
    e: &crate::policy::pins::Evidence,
    inj: &Injector,
) -> Check {
    let by = if e.injector_name() == crate::inject::injector::BUILTIN_NAME {
        "qcompat's own injector".to_string()
    } else {
        format!(
            "the injector {}",
            crate::support::output::shown(e.injector_name())
        )
    };
    check(
        "version",
        Level::Warn,
        format!(
            "{name} matches pin {} in {}, tested with {} through {by}, not through {}: untested with this injector",
            crate::support::output::shown(&m.pin.go),
            pins.source,
            e.toolchains.join(", "),
            inj.describe()
        ),
        Some(format!(
            "verify live with `{} doctor --deep`; to pin it, run the matrix with this injector and `pins update` into a pins file of your own, then pass it with --pins",
            self_name()
        )),
    )
}

/// A pin that covers the version: tested, tested but not for this exact
/// version, or a rule no matrix run tested.
fn pinned_check(
    name: &str,
    v: &semver::Version,
    m: &crate::policy::pins::Match,
    pins: &Pins,
) -> Check {
    match &m.pin.evidence {
        Some(e) if m.pin.strategy == Strategy::Injected && e.untested_for(v).is_some() => check(
            "version",
            Level::Warn,
            format!("{name} matches pin {} ({}) in {}, but {}", crate::support::output::shown(&m.pin.go), m.pin.strategy, pins.source, e.untested_for(v).unwrap_or_default()),
            Some(format!("run `qcompat doctor --deep` to check it live, and a matrix run of {name} plus `qcompat pins update` to pin it{PINS_OUTSIDE}")),
        ),
        Some(e) => check(
            "version",
            Level::Ok,
            format!(
                "{name} is covered by pin {} ({}), tested with {}",
                crate::support::output::shown(&m.pin.go),
                m.pin.strategy,
                e.tested_on()
            ),
            None,
        ),
        None => check(
            "version",
            Level::Warn,
            format!(
                "{name} matches pin {} ({}) in {}, a rule that no matrix run tested",
                crate::support::output::shown(&m.pin.go), m.pin.strategy, pins.source
            ),
            Some(format!("run `{} doctor --deep` to check this toolchain live", self_name())),
        ),
    }
}

pub(super) fn compiler_check(tc: &discover::Toolchain) -> Check {
    if tc.version.compiler == Compiler::Gc {
        check("compiler", Level::Ok, "gc".into(), None)
    } else {
        check(
            "compiler",
            Level::Ok,
            format!(
                "{}: the injector needs gc's compiler; goroutine IDs will come from fallback-go's own paths: g.goid through libgo's runtime.getg at an offset checked at first use (calibrated), else runtime.Stack (build with the gc toolchain to use the injected accessor)",
                tc.version.compiler
            ),
            None,
        )
    }
}

pub(super) fn runtime_check(tc: &discover::Toolchain, layout: &RuntimeLayout) -> Check {
    let gccgo = tc.version.compiler == Compiler::Gccgo;
    match (&layout.goid_field, &layout.goid_type) {
        _ if gccgo => check(
            "runtime",
            Level::Ok,
            "gccgo's runtime has no gc g.goid to inject and no //go:linkname on variables: goroutine IDs come from g through libgo's runtime.getg (calibrated, checked at first use) or runtime.Stack".into(),
            None,
        ),
        (true, Some(t)) => check("runtime", Level::Ok, format!("g.goid is {t}"), None),
        _ => check(
            "runtime",
            Level::Warn,
            format!(
                "no g.goid found: {}",
                layout.problem.as_deref().unwrap_or("unknown layout")
            ),
            Some("the stack fallback will be used; report this Go version to qcompat".into()),
        ),
    }
}

pub(super) fn linkname_check(tc: &discover::Toolchain) -> Option<Check> {
    let name = tc.version.go_name();
    let gccgo = tc.version.compiler == Compiler::Gccgo;
    match linkname::expected(&tc.version) {
        _ if gccgo => None,
        Policy::Permissive => Some(check("linkname", Level::Ok, format!("{name} links pull references into std freely"), None)),
        Policy::Restricted => Some(check("linkname", Level::Ok, format!("{name} restricts pulls into std to push-marked symbols; the injected file marks runtime.GoroutineID with //go:linkname, so it links"), None)),
        Policy::Unsupported => Some(check("linkname", Level::Warn, format!("{name} has no single-argument //go:linkname (Go 1.13+): the runtime cannot export GoroutineID"), Some("upgrade to Go 1.13 or later, or use the stack fallback (-tags=qcompat_stack)".into()))),
    }
}

pub(super) fn goflags_check(
    goflags: &str,
    inj: Option<&Injector>,
    env: &crate::support::env::Env,
) -> Check {
    let is_under_test = |t: &str| {
        inj.is_some_and(|i| {
            // Named with --toolexec: the user runs it on purpose (q's own
            // set-up); found only in GOFLAGS, it still deserves the word.
            i.source == crate::inject::injector::Source::Flag
                && crate::inject::injector::Injector::from_command(t, i.source, env)
                    .is_ok_and(|g| g.exe == i.exe)
        })
    };
    match crate::inject::injector::toolexec_in_goflags(goflags) {
        Some(t) if is_under_test(&t) => check(
            "goflags",
            Level::Ok,
            format!("GOFLAGS runs every build through {}, the injector checked here: {goflags}", crate::support::output::shown(&t)),
            None,
        ),
        Some(t)
            if Path::new(crate::support::shell::split_words(&t).first().map_or("", |w| w.as_str()))
                .file_name()
                .is_some_and(|n| n == crate::inject::command::TOOLEXEC_NAME) =>
        {
            check(
                "goflags",
                Level::Ok,
                format!("GOFLAGS runs every build through qcompat's injector: {goflags}"),
                None,
            )
        }
        Some(t) => check(
            "goflags",
            Level::Warn,
            format!("GOFLAGS runs every build through the toolexec {}: {goflags}", crate::support::output::shown(&t)),
            Some(format!("every build goes through it, and doctor checks it as the injector unless --toolexec names another. Appending qcompat's `select --format goflags` line would replace it (the go command keeps the last -toolexec): use `{} select --toolexec {} --format goflags` to keep {}", self_name(), crate::support::shell::shell_quote(&t), crate::support::output::shown(&t))),
        ),
        None => check(
            "goflags",
            Level::Ok,
            if goflags.is_empty() {
                "GOFLAGS is empty".into()
            } else {
                format!("GOFLAGS={goflags}")
            },
            None,
        ),
    }
}

/// Where pins live for a user outside qcompat's repository: the built-in
/// pins are compiled in, so `pins update` needs a file of one's own.
const PINS_OUTSIDE: &str = " (outside qcompat's repository, keep your own pins file and pass it with --pins or $QCOMPAT_PINS)";

pub(super) fn gocache_check(gocache: &str, set: Option<&std::ffi::OsStr>) -> Check {
    // The go command reports a relative GOCACHE as "off": say why.
    if let Some(set) = set.filter(|v| !v.is_empty()) {
        if gocache == "off" && set != "off" && !Path::new(&set).is_absolute() {
            return check(
                "gocache",
                Level::Fail,
                format!(
                    "GOCACHE={} is not an absolute path, so the go command disables the build cache",
                    set.to_string_lossy()
                ),
                Some("set GOCACHE to an absolute path, or unset it".into()),
            );
        }
    }
    if gocache.is_empty() || gocache == "off" {
        return check(
            "gocache",
            Level::Fail,
            format!(
                "GOCACHE is {}: the go command needs a build cache",
                crate::support::output::shown(gocache)
            ),
            Some("unset GOCACHE or point it at a writable directory".into()),
        );
    }
    let dir = Path::new(gocache);
    let probe = std::fs::create_dir_all(dir).and_then(|_| tempfile::tempfile_in(dir).map(|_| ()));
    match probe {
        Ok(()) => check("gocache", Level::Ok, format!("{gocache} is writable"), None),
        Err(e) => check(
            "gocache",
            Level::Fail,
            format!("cannot write in GOCACHE {gocache}: {e}"),
            Some("fix its permissions or set GOCACHE to a writable directory".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    /// GOCACHE as set is given, not read: a relative one the go command
    /// reports as "off" is named; an unset one is not guessed at.
    #[test]
    fn a_relative_gocache_is_named_from_what_was_given() {
        let c = gocache_check("off", Some(OsStr::new("rel/cache")));
        assert_eq!(c.status, Level::Fail);
        assert!(
            c.message
                .contains("GOCACHE=rel/cache is not an absolute path"),
            "{}",
            c.message
        );
        let c = gocache_check("off", None);
        assert_eq!(c.status, Level::Fail);
        assert!(!c.message.contains("absolute"), "{}", c.message);
    }
}
