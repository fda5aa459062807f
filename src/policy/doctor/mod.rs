//! `qcompat doctor`: one report a user can act on, read by `q doctor` through
//! `--json` (a stable interface: see docs/src/json.md).

mod advice;
mod checks;
mod injector_checks;

use advice::finish;
use checks::{
    compiler_check, gocache_check, goflags_check, linkname_check, runtime_check, toolchain,
    version_check,
};
use injector_checks::{deep_check, injector_go_check, program_check, toolid_check};

use crate::go::gocmd::Go;
use crate::inject::facts::ToolchainFacts;
use crate::inject::injector::Injector;
use crate::policy::pins::Pins;
use crate::policy::select::{self, Mode, Selection};
use crate::verify::diagnosis::Class;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: Level,
    pub message: String,
    pub fix: Option<String>,
    /// For a failed or warned check, the failure class it shows
    /// (docs/src/failures.md), so a program such as `q doctor` can map it to
    /// its own words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<Class>,
}

impl Check {
    pub(super) fn class(mut self, c: Option<Class>) -> Check {
        self.class = c;
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    pub ok: bool,
    pub checks: Vec<Check>,
    pub selection: Option<Selection>,
    pub advice: String,
}

fn check(id: &'static str, status: Level, message: String, fix: Option<String>) -> Check {
    Check {
        id,
        status,
        message,
        fix,
        class: None,
    }
}

pub struct Options<'a> {
    pub go_flag: Option<&'a Path>,
    pub timeout: std::time::Duration,
    pub injector: &'a crate::inject::build::Request,
    pub deep: bool,
    /// Build kinds `--deep` also builds and runs (`--builds`).
    pub builds: &'a [crate::verify::kind::BuildKind],
    pub pins: &'a Pins,
    /// The user's program (`--program`).
    pub program: Option<&'a crate::verify::program::Program>,
    /// GOCACHE as the user's environment sets it (the go command reports a
    /// relative one as `off`: the check says why).
    pub gocache_set: Option<&'a std::ffi::OsStr>,
    /// The variables the checks consult (PATH, the cache's), read by the caller.
    pub env: &'a crate::support::env::Env,
    /// Stops the go commands and builds (Ctrl-C).
    pub cancel: crate::support::process::Cancel,
}

/// Runs doctor's checks, in the order they are shown; a check that makes the
/// rest meaningless (no go, no toolchain, no injector) ends the list.
pub fn diagnose(o: &Options) -> Report {
    let mut checks = Vec::new();
    let Some((go, tc)) = toolchain(o, &mut checks) else {
        return finish(o.env, checks, None, None, None);
    };
    checks.push(check(
        "go",
        Level::Ok,
        format!("{} ({})", go.path.display(), tc.version.raw),
        None,
    ));
    // The injector under test: --toolexec, else GOFLAGS', else qcompat's own.
    // Chosen first, as the version's coverage depends on it.
    let chosen = o.injector.choose(&tc);
    let t = ToolchainFacts::of(tc);
    let goflags_refused = environment_checks(o, &go, &t, chosen.as_ref().ok(), &mut checks);
    let injected_pin = o
        .pins
        .find(&t.toolchain.version.version)
        .is_some_and(|m| m.pin.strategy == crate::policy::pins::Strategy::Injected);
    if chosen.is_err() && injected_pin {
        // The version check read the pins for an injector that is not the
        // one asked for: say that nothing speaks for the one asked for.
        if let Some(c) = checks.iter_mut().find(|c| c.id == "version") {
            unavailable_injector(c, o.injector);
        }
    }
    let tc = &t.toolchain;
    // A -toolexec in GOFLAGS the go command refuses runs in no build: the
    // goflags check says so, and a split of our own would check something
    // else than any build runs.
    let from_goflags = o.injector.command.is_none()
        && o.injector.package.is_none()
        && crate::inject::injector::toolexec_in_goflags(&tc.env.goflags).is_some();
    if goflags_refused && from_goflags {
        return finish(o.env, checks, None, None, Some(tc.version.compiler));
    }
    let inj = match chosen {
        Ok(i) => i,
        Err(e) => {
            let fix = if o.injector.package.is_some() {
                "make the injector's package build with this Go (its go.mod's go line, its imports), or check with a Go that builds it (--go)".to_string()
            } else {
                "install the injector (for q: `go install` its command, so that it is in PATH), or name its path with --toolexec".to_string()
            };
            checks.push(check("toolexec", Level::Fail, format!("{e:#}"), Some(fix)));
            return finish(o.env, checks, None, None, Some(tc.version.compiler));
        }
    };
    let known = t.injector(&inj, None, o.timeout);
    if let Some(answer) = &known.tool_id {
        checks.push(toolid_check(
            tc,
            &inj.command,
            inj.builtin,
            known.precompiled_host_std,
            answer,
        ));
    }
    checks.extend(injector_go_check(tc, &inj, known.built_by.as_deref()));
    let selection = selection_checks(o, &t, &inj, &known, &mut checks);
    finish(
        o.env,
        checks,
        selection,
        Some(&inj),
        Some(tc.version.compiler),
    )
}

/// The version check when the injector asked for could not be set up (a
/// package this Go cannot build, a command not found): the pins' evidence
/// is another injector's, so the check warns instead of vouching.
fn unavailable_injector(c: &mut Check, asked: &crate::inject::build::Request) {
    if c.status != Level::Ok {
        return;
    }
    let what = match (&asked.package, &asked.command) {
        (Some(p), _) => format!("the injector package {} in {}", p.package, p.dir.display()),
        (None, Some(cmd)) => format!("the injector {}", crate::support::output::shown(cmd)),
        (None, None) => "the injector in GOFLAGS".to_string(),
    };
    c.status = Level::Warn;
    c.message = format!(
        "{}; but {what} could not be set up here (see `toolexec`), so nothing was checked with it: that evidence does not speak for it",
        c.message
    );
    c.fix = Some("fix what the toolexec check says, then run doctor again".into());
}

/// The checks that need no injector: the version against the pins, the
/// compiler, the runtime layout, linkname, GOFLAGS, a toolchain switch and
/// GOCACHE. True when the go command refuses GOFLAGS.
fn environment_checks(
    o: &Options,
    go: &Go,
    t: &ToolchainFacts,
    inj: Option<&Injector>,
    checks: &mut Vec<Check>,
) -> bool {
    let tc = &t.toolchain;
    checks.push(version_check(tc, o.pins, inj));
    checks.push(compiler_check(tc));
    checks.push(runtime_check(tc, &t.layout));
    checks.extend(linkname_check(tc));
    let goflags = go.check_goflags(&tc.env.goflags);
    let refused = goflags.is_err();
    checks.push(match goflags {
        Ok(()) => goflags_check(&tc.env.goflags, inj, &go.env),
        Err(words) => check(
            "goflags",
            Level::Fail,
            format!("the go command refuses GOFLAGS={}: {words}; every go build fails so", tc.env.goflags),
            Some("remove or correct that flag in GOFLAGS (`go env -w GOFLAGS=...` if it is set there)".into()),
        )
        .class(Some(Class::Environment)),
    });
    if let Some(n) = &tc.toolchain_switch {
        checks.push(check(
            "gotoolchain",
            Level::Warn,
            n.clone(),
            Some(
                "pin the toolchain (GOTOOLCHAIN=local) or check the switched-to version with --go"
                    .into(),
            ),
        ));
    }
    checks.push(gocache_check(&tc.env.gocache, o.gocache_set));
    refused
}

/// The selection, with the live check under --deep, and the checks of what
/// that check built.
fn selection_checks(
    o: &Options,
    t: &ToolchainFacts,
    inj: &Injector,
    known: &crate::inject::facts::Facts,
    checks: &mut Vec<Check>,
) -> Option<Selection> {
    let mode = if o.deep { Mode::Verify } else { Mode::Offline };
    let ask = select::Ask {
        mode,
        offline_why: "doctor builds only with --deep",
        program: o.program,
        builds: o.builds,
    };
    match select::select(t, o.pins, inj, known, ask) {
        Ok(s) => {
            if let Some(live) = s.live.as_ref().filter(|_| o.deep) {
                let mut c = deep_check(inj, live, o.program.is_some());
                if s.strategy == crate::policy::pins::Strategy::Calibrated {
                    // The fallback the selection took, not the stack tag.
                    c.fix = c.fix.map(|f| f.replace(crate::verify::diagnosis::STACK_UNTIL, "build with goid's default build (no qcompat tag, no injector: its calibrated path is proven here)"));
                }
                checks.push(c);
            }
            if let Some(p) = &s.program {
                checks.push(program_check(p));
            }
            Some(s)
        }
        Err(e) => {
            checks.push(check("selection", Level::Fail, format!("{e:#}"), None));
            None
        }
    }
}
