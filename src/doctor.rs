//! `qcompat doctor`: one report a user can act on, read by `q doctor` through
//! `--json` (a stable interface: see README.md).

use crate::discover;
use crate::gocmd::Go;
use crate::linkname::{self, Policy};
use crate::output::{self, Format, Style};
use crate::pins::Pins;
use crate::runtime_layout;
use crate::select::{self, Mode, Selection};
use crate::version::Compiler;
use anyhow::Result;
use serde::Serialize;
use std::fmt::Write;
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
    }
}

pub struct Options<'a> {
    pub go_flag: Option<&'a Path>,
    pub timeout: std::time::Duration,
    pub toolexec: Option<&'a str>,
    pub deep: bool,
    pub pins: &'a Pins,
}

pub fn diagnose(o: &Options) -> Report {
    let mut checks = Vec::new();
    let go = match Go::locate(o.go_flag, o.timeout) {
        Ok(g) => g,
        Err(e) => {
            checks.push(check(
                "go",
                Level::Fail,
                format!("{e:#}"),
                Some("install Go (https://go.dev/doc/install) or pass --go /path/to/go".into()),
            ));
            return finish(checks, None);
        }
    };
    let tc = match discover::discover(&go) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!("{e:#}");
            // The go command refuses to start without a usable build cache.
            if msg.contains("build cache") {
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
            return finish(checks, None);
        }
    };
    let name = tc.version.go_name();
    checks.push(check(
        "go",
        Level::Ok,
        format!("{} ({})", go.path.display(), tc.version.raw),
        None,
    ));

    // Version against the pins.
    let v = &tc.version.version;
    match o.pins.find(v) {
        Some(m) => checks.push(check("version", Level::Ok, format!("{name} is covered by pin {:?} ({})", m.pin.go, m.pin.strategy), None)),
        None if o.pins.newer_than_all(v) => checks.push(check(
            "version",
            Level::Warn,
            format!("{name} is newer than every pin in {}: nothing has verified the injector with it yet", o.pins.source),
            Some("run `qcompat doctor --deep` (or `qcompat select`) to verify it live, and a matrix run plus `qcompat pins update` to pin it".into()),
        )),
        None => checks.push(check("version", Level::Warn, format!("no pin in {} covers {name}", o.pins.source), Some("verify live with `qcompat select --verify`".into()))),
    }

    // Compiler.
    if tc.version.compiler == Compiler::Gc {
        checks.push(check("compiler", Level::Ok, "gc".into(), None));
    } else {
        checks.push(check(
            "compiler",
            Level::Warn,
            format!(
                "{}: the injector needs gc's compiler; goroutine IDs will come from runtime.Stack",
                tc.version.compiler
            ),
            Some("build with the gc toolchain to use the injected accessor".into()),
        ));
    }

    // Runtime layout.
    let layout = runtime_layout::read(tc.goroot());
    match (&layout.goid_field, &layout.goid_type) {
        (true, Some(t)) => checks.push(check("runtime", Level::Ok, format!("g.goid is {t}"), None)),
        _ => checks.push(check(
            "runtime",
            Level::Warn,
            format!(
                "no g.goid found: {}",
                layout.problem.as_deref().unwrap_or("unknown layout")
            ),
            Some("the stack fallback will be used; report this Go version to qcompat".into()),
        )),
    }

    // Linkname policy.
    match linkname::expected(&tc.version) {
        Policy::Permissive => checks.push(check("linkname", Level::Ok, format!("{name} links pull references into std freely"), None)),
        Policy::Restricted => checks.push(check("linkname", Level::Ok, format!("{name} restricts pulls into std to push-marked symbols; the injected file marks runtime.GoroutineID with //go:linkname, so it links"), None)),
        Policy::Unsupported => checks.push(check("linkname", Level::Warn, format!("{name} has no single-argument //go:linkname (Go 1.13+): the runtime cannot export GoroutineID"), Some("upgrade to Go 1.13 or later, or use the stack fallback (-tags=qcompat_stack)".into()))),
    }

    // GOFLAGS.
    let own_injector = tc
        .env
        .goflags
        .split_whitespace()
        .filter_map(|w| {
            w.strip_prefix("-toolexec=")
                .or_else(|| w.strip_prefix("--toolexec="))
        })
        .any(|t| {
            Path::new(t)
                .file_name()
                .is_some_and(|n| n == crate::paths::TOOLEXEC_NAME)
        });
    if own_injector {
        checks.push(check(
            "goflags",
            Level::Ok,
            format!(
                "GOFLAGS runs every build through qcompat's injector: {}",
                tc.env.goflags
            ),
            None,
        ));
    } else if tc.env.goflags.contains("-toolexec") {
        checks.push(check("goflags", Level::Warn, format!("GOFLAGS already carries a toolexec: {}", tc.env.goflags), Some("every build runs through it; make sure it is the injector you mean (qcompat's own checks clear GOFLAGS)".into())));
    } else {
        checks.push(check(
            "goflags",
            Level::Ok,
            if tc.env.goflags.is_empty() {
                "GOFLAGS is empty".into()
            } else {
                format!("GOFLAGS={}", tc.env.goflags)
            },
            None,
        ));
    }

    // Toolchain switching.
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

    // GOCACHE.
    checks.push(gocache_check(&tc.env.gocache));

    // The user's injector and the tool ID.
    if let Some(t) = o.toolexec {
        checks.push(toolid_check(&tc, t, o.timeout));
    }

    // Selection, with the live check under --deep.
    let mode = if o.deep { Mode::Verify } else { Mode::Offline };
    let selection = match select::select(&tc, &layout, o.pins, mode) {
        Ok(s) => {
            if o.deep {
                let live = s.live.as_ref();
                match s.verified {
                    Some(true) => checks.push(check("deep", Level::Ok, format!("built and ran the probe through the injector: {}", live.and_then(|l| l.note.clone()).unwrap_or_default()), None)),
                    _ => checks.push(check(
                        "deep",
                        Level::Fail,
                        format!("the injected probe build gave {}: {}", live.map(|l| l.status.name()).unwrap_or("no result"), live.map(|l| crate::process::tail(&l.stderr_excerpt, 400)).unwrap_or_default()),
                        Some("build with -tags=qcompat_stack until this is resolved; see `qcompat select --verify --json` for the command".into()),
                    )),
                }
            }
            Some(s)
        }
        Err(e) => {
            checks.push(check("selection", Level::Fail, format!("{e:#}"), None));
            None
        }
    };
    finish(checks, selection)
}

fn gocache_check(gocache: &str) -> Check {
    if gocache.is_empty() || gocache == "off" {
        return check(
            "gocache",
            Level::Fail,
            format!(
                "GOCACHE is {:?}: the go command needs a build cache",
                gocache
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

fn toolid_check(tc: &discover::Toolchain, toolexec: &str, timeout: std::time::Duration) -> Check {
    match crate::toolid::check(Path::new(&tc.env.gotooldir), toolexec, timeout) {
        Ok(c) if c.altered => check("toolexec-id", Level::Ok, format!("{toolexec:?} alters `compile -V=full` ({:?} -> {:?}): its builds get cache entries of their own", c.plain, c.injected), None),
        Ok(c) => {
            let mut msg = format!(
                "{toolexec:?} leaves `compile -V=full` unchanged ({:?}): builds with and without it share cache entries, so an injected build can link a plain runtime.a and fail with `relocation target runtime.GoroutineID not defined`",
                c.plain
            );
            if !tc.version.at_least(1, 20) {
                msg.push_str(&format!(
                    "; {} ships a precompiled std in $GOROOT/pkg, so the go command never even runs this injector for runtime, even with a fresh GOCACHE, unless -a is passed",
                    tc.version.go_name()
                ));
            }
            check("toolexec-id", Level::Warn, msg, Some("give injected builds their own GOCACHE (GOCACHE=$HOME/.cache/go-build-q), or use an injector that alters -V=full (as `qcompat toolexec`, garble and orchestrion do)".into()))
        }
        Err(e) => check("toolexec-id", Level::Fail, format!("cannot query the injector: {e:#}"), Some("check the --toolexec command: it is run as `CMD <GOTOOLDIR>/compile -V=full`".into())),
    }
}

fn finish(checks: Vec<Check>, selection: Option<Selection>) -> Report {
    let ok = checks.iter().all(|c| c.status != Level::Fail);
    let advice = match (&selection, ok) {
        (_, false) => {
            "fix the failed checks above before relying on the injected goroutine ID".to_string()
        }
        (Some(s), true) if s.toolexec_required => format!(
            "build with -tags={} and -toolexec=\"qcompat toolexec\" (or q's injector); `export GOFLAGS=\"$(qcompat select --format goflags)\"` sets both",
            s.build_tags.join(",")
        ),
        (Some(s), true) => format!(
            "build with -tags={}: goroutine IDs come from runtime.Stack",
            s.build_tags.join(",")
        ),
        (None, true) => "no selection could be made".to_string(),
    };
    Report {
        schema: 1,
        ok,
        checks,
        selection,
        advice,
    }
}

pub fn render(r: &Report, format: Format) -> Result<()> {
    let style = Style::detect();
    output::emit(format, r, |s| {
        for c in &r.checks {
            let tag = match c.status {
                Level::Ok => style.green("ok  "),
                Level::Warn => style.yellow("warn"),
                Level::Fail => style.red("FAIL"),
            };
            let _ = writeln!(s, "{tag} {:<12} {}", c.id, c.message);
            if let Some(f) = &c.fix {
                let _ = writeln!(s, "     {:<12} fix: {f}", "");
            }
        }
        if let Some(sel) = &r.selection {
            let _ = writeln!(s);
            select::human(sel, s);
        }
        let _ = writeln!(s, "\n{} {}", style.bold("advice:"), r.advice);
    })
}
