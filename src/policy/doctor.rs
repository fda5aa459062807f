//! `qcompat doctor`: one report a user can act on, read by `q doctor` through
//! `--json` (a stable interface: see README.md).

use crate::go::discover;
use crate::go::gocmd::Go;
use crate::go::linkname::{self, Policy};
use crate::go::runtime_layout::{self, RuntimeLayout};
use crate::go::version::Compiler;
use crate::inject::command::self_name;
use crate::inject::injector::Injector;
use crate::policy::pins::{Pins, Strategy};
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
    /// For a failed or warned check, the failure class it shows (README:
    /// "When the injected build fails"), so a program such as `q doctor` can
    /// map it to its own words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<Class>,
}

impl Check {
    fn class(mut self, c: Option<Class>) -> Check {
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
    pub pins: &'a Pins,
    /// The user's program (`--program`).
    pub program: Option<&'a crate::verify::program::Program>,
}

/// Runs doctor's checks, in the order they are shown; a check that makes the
/// rest meaningless (no go, no toolchain, no injector) ends the list.
pub fn diagnose(o: &Options) -> Report {
    let mut checks = Vec::new();
    let Some((go, tc)) = toolchain(o, &mut checks) else {
        return finish(checks, None, None, None);
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
    checks.push(version_check(&tc, o.pins, chosen.as_ref().ok()));
    checks.push(compiler_check(&tc));
    let layout = runtime_layout::read(tc.goroot());
    checks.push(runtime_check(&tc, &layout));
    checks.extend(linkname_check(&tc));
    checks.push(match go.check_goflags(&tc.env.goflags) {
        Ok(()) => goflags_check(&tc.env.goflags, chosen.as_ref().ok()),
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
    checks.push(gocache_check(&tc.env.gocache));

    let inj = match chosen {
        Ok(i) => i,
        Err(e) => {
            let fix = if o.injector.package.is_some() {
                "make the injector's package build with this Go (its go.mod's go line, its imports), or check with a Go that builds it (--go)".to_string()
            } else {
                "install the injector (for q: `go install` its command, so that it is in PATH), or name its path with --toolexec".to_string()
            };
            checks.push(check("toolexec", Level::Fail, format!("{e:#}"), Some(fix)));
            return finish(checks, None, None, Some(tc.version.compiler));
        }
    };
    let known = crate::inject::facts::gather(&tc, &inj, None, o.timeout);
    if let Some(answer) = &known.tool_id {
        checks.push(toolid_check(
            &tc,
            &inj.command,
            inj.builtin,
            known.precompiled_host_std,
            answer,
        ));
    }
    if let Some(c) = injector_go_check(&tc, &inj, known.built_by.as_deref()) {
        checks.push(c);
    }

    // Selection, with the live check under --deep.
    let mode = if o.deep { Mode::Verify } else { Mode::Offline };
    let selection = match select::select(
        &tc,
        &layout,
        o.pins,
        &inj,
        &known,
        select::Ask {
            mode,
            offline_why: "doctor builds only with --deep",
            program: o.program,
        },
    ) {
        Ok(s) => {
            if let Some(live) = s.live.as_ref().filter(|_| o.deep) {
                checks.push(deep_check(&inj, live, o.program.is_some()));
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
    };
    finish(checks, selection, Some(&inj), Some(tc.version.compiler))
}

/// Finds the go command and reads its toolchain; on failure, the checks say
/// why and what to do.
fn toolchain(o: &Options, checks: &mut Vec<Check>) -> Option<(Go, discover::Toolchain)> {
    let go = match Go::locate(o.go_flag, o.timeout) {
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
            return None;
        }
    };
    Some((go, tc))
}

/// The version against the pins: tested (with this injector), a rule
/// nothing tested, or untested.
fn version_check(tc: &discover::Toolchain, pins: &Pins, inj: Option<&Injector>) -> Check {
    let name = tc.version.go_name();
    let v = &tc.version.version;
    let gccgo = tc.version.compiler == Compiler::Gccgo;
    fn other_injector<'p, 'i>(
        m: &crate::policy::pins::Match<'p>,
        inj: Option<&'i Injector>,
    ) -> Option<(&'p crate::policy::pins::Evidence, &'i Injector)> {
        let e = m.pin.evidence.as_ref()?;
        let inj = inj?;
        (m.pin.strategy == crate::policy::pins::Strategy::Injected && !e.is_for(&inj.id))
            .then_some((e, inj))
    }
    match pins.find(v) {
        Some(m) if !gccgo && other_injector(&m, inj).is_some() => {
            let (e, inj) = other_injector(&m, inj).expect("checked");
            let by = if e.injector_name() == crate::inject::injector::BUILTIN_NAME {
                "qcompat's own injector".to_string()
            } else {
                format!("the injector {}", crate::support::output::shown(e.injector_name()))
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
        _ if gccgo => check(
            "version",
            Level::Ok,
            format!("{name} (gccgo, language version from its release tags); the pins are about gc toolchains"),
            None,
        ),
        Some(m) => match &m.pin.evidence {
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
                    "{name} is covered by pin {} ({}), tested with {} on {}",
                    crate::support::output::shown(&m.pin.go),
                    m.pin.strategy,
                    e.toolchains.join(", "),
                    e.date
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
        },
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

fn compiler_check(tc: &discover::Toolchain) -> Check {
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

fn runtime_check(tc: &discover::Toolchain, layout: &RuntimeLayout) -> Check {
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

fn linkname_check(tc: &discover::Toolchain) -> Option<Check> {
    let name = tc.version.go_name();
    let gccgo = tc.version.compiler == Compiler::Gccgo;
    match linkname::expected(&tc.version) {
        _ if gccgo => None,
        Policy::Permissive => Some(check("linkname", Level::Ok, format!("{name} links pull references into std freely"), None)),
        Policy::Restricted => Some(check("linkname", Level::Ok, format!("{name} restricts pulls into std to push-marked symbols; the injected file marks runtime.GoroutineID with //go:linkname, so it links"), None)),
        Policy::Unsupported => Some(check("linkname", Level::Warn, format!("{name} has no single-argument //go:linkname (Go 1.13+): the runtime cannot export GoroutineID"), Some("upgrade to Go 1.13 or later, or use the stack fallback (-tags=qcompat_stack)".into()))),
    }
}

/// The live check's verdict on the probe under --deep, saying what was
/// built: the probe alone cannot show what an injector does to the user's
/// packages.
fn deep_check(inj: &Injector, live: &crate::verify::live::Live, program: bool) -> Check {
    let what = if program {
        "the probe (and then your program, see `program`)"
    } else {
        "the probe"
    };
    if live.passed() {
        let mut m = format!(
            "built and ran {what} through {}: {}",
            inj.describe(),
            live.outcome.note.clone().unwrap_or_default()
        );
        if !program && !inj.builtin {
            m.push_str("; the probe imports only the runtime, so an injector that type-checks your packages (reads export data, as q does) can still fail on them: pass --program to build your own");
        }
        check("deep", Level::Ok, m, None)
    } else {
        let d = live.diagnosis();
        check(
            "deep",
            Level::Fail,
            format!(
                "{what} built through {} gave {}{}",
                inj.describe(),
                live.summary(),
                d.map(|d| format!(". {} ({})", d.explanation, d.class.name()))
                    .unwrap_or_default()
            ),
            Some(d.map(|d| d.fix.clone()).unwrap_or_else(|| {
                format!(
                    "`{} select --verify --json` shows the command and its output",
                    self_name()
                )
            })),
        )
        .class(d.map(|d| d.class))
    }
}

/// Whether the user's program works with the injector here.
fn program_check(p: &crate::policy::select::ProgramVerdict) -> Check {
    let level = match p.works {
        Some(true) => Level::Ok,
        Some(false) => Level::Fail,
        None if p.facts.pulls_accessor => Level::Warn,
        None => Level::Ok,
    };
    check("program", level, p.verdict.clone(), p.fix.clone()).class(p.failure)
}

fn goflags_check(goflags: &str, inj: Option<&Injector>) -> Check {
    let is_under_test = |t: &str| {
        inj.is_some_and(|i| {
            // Named with --toolexec: the user runs it on purpose (q's own
            // set-up); found only in GOFLAGS, it still deserves the word.
            i.source == crate::inject::injector::Source::Flag
                && crate::inject::injector::Injector::from_command(t, i.source)
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

fn gocache_check(gocache: &str) -> Check {
    // The go command reports a relative GOCACHE as "off": say why.
    if let Some(set) = std::env::var_os("GOCACHE").filter(|v| !v.is_empty()) {
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

/// Whether the injector alters `compile -V=full` (its answers, from the
/// facts), with the fix that works for this toolchain.
fn toolid_check(
    tc: &discover::Toolchain,
    toolexec: &str,
    inj_builtin: bool,
    precompiled: bool,
    answer: &anyhow::Result<crate::inject::toolid::ToolIdCheck>,
) -> Check {
    match answer {
        // The go command refuses the line: every build through it fails.
        Ok(c) if c.rejected.is_some() => check(
            "toolexec-id",
            Level::Fail,
            format!("{} answers `compile -V=full` with {}, which the go command refuses, so every build through it fails with: {} (bad-tool-id)", crate::support::output::shown(toolexec), crate::support::output::shown(&c.injected), c.rejected.clone().unwrap_or_default()),
            Some(format!("the injector must print the compiler's line ({}) with a field appended, or, on a devel toolchain, with the buildID= field last", crate::support::output::shown(&c.plain))),
        ),
        // A chain in front of qcompat's injector passes qcompat's salted line
        // through: its builds share cache entries with qcompat-only builds.
        Ok(c) if c.altered
            && !inj_builtin
            && c.injected.trim_end()
                == crate::inject::companion::salt_version_line(&c.plain, &crate::inject::companion::salt()).trim_end() =>
        {
            check(
                "toolexec-id",
                Level::Warn,
                format!("{} answers `compile -V=full` with qcompat's own salted line ({}): it wraps qcompat's injector, so its builds share cache entries with `qcompat toolexec` builds and can link their runtime.a", crate::support::output::shown(toolexec), crate::support::output::shown(&c.injected)),
                Some("let the outer injector alter the line itself (append its own salt), or give its builds a GOCACHE of their own".into()),
            ).class(Some(Class::Chained))
        }
        Ok(c) if c.altered => check("toolexec-id", Level::Ok, format!("{} alters `compile -V=full` ({} -> {}): its builds get cache entries of their own", crate::support::output::shown(toolexec), crate::support::output::shown(&c.plain), crate::support::output::shown(&c.injected)), None),
        Ok(c) if precompiled => check(
            "toolexec-id",
            Level::Warn,
            format!(
                "{} leaves `compile -V=full` unchanged ({}), and {} ships runtime precompiled in $GOROOT/pkg for this host: the go command links that runtime.a and never runs this injector for runtime, so a build fails with `relocation target runtime.GoroutineID not defined` even with a fresh GOCACHE (precompiled-std); cross builds do run it",
                crate::support::output::shown(toolexec), crate::support::output::shown(&c.plain),
                tc.version.go_name()
            ),
            Some(format!("pass -a to go build (std is then rebuilt through the injector), or use an injector that alters `compile -V=full`; `{} doctor --deep` shows whether the injector's runtime file compiles when it does run", self_name())),
        ).class(Some(Class::PrecompiledStd)),
        Ok(c) => check(
            "toolexec-id",
            Level::Warn,
            format!(
                "{} leaves `compile -V=full` unchanged ({}): builds with and without it share cache entries, so an injected build can link a plain runtime.a and fail with `relocation target runtime.GoroutineID not defined` (shared-cache)",
                crate::support::output::shown(toolexec), crate::support::output::shown(&c.plain)
            ),
            Some(format!("give its builds a GOCACHE of their own: `eval \"$({} select --toolexec {} --format env)\"` sets GOFLAGS and GOCACHE; or use an injector that alters `compile -V=full` (appends a salt of its own, as garble and orchestrion do)", self_name(), crate::support::shell::shell_quote(toolexec))),
        ).class(Some(Class::SharedCache)),
        Err(e) => check("toolexec-id", Level::Fail, format!("cannot query the injector: {e:#}"), Some("check the --toolexec command: it is run as `CMD <GOTOOLDIR>/compile -V=full`".into())),
    }
}

/// An injector built by an older Go than the toolchain it wraps crashes when
/// it reads newer export data (as type-checking injectors such as q do).
fn injector_go_check(tc: &discover::Toolchain, inj: &Injector, by: Option<&str>) -> Option<Check> {
    let by = by?;
    let name = tc.version.go_name();
    let older = crate::go::version::parse(by)
        .ok()
        .is_some_and(|b| b.minor_line() < tc.version.minor_line());
    Some(if older {
        check(
            "toolexec-go",
            Level::Warn,
            format!("{} was built by {by}, an older Go than {name}: an injector that reads export data (type-checks code, as q does) crashes with `export data version ... is greater than maximum supported` (export-data)", crate::support::output::shown(&inj.command)),
            Some(format!("rebuild the injector with {name} (`go install` it with this toolchain)")),
        )
        .class(Some(Class::ExportData))
    } else {
        check(
            "toolexec-go",
            Level::Ok,
            format!(
                "{} was built by {by}",
                crate::support::output::shown(&inj.command)
            ),
            None,
        )
    })
}

/// Whether qcompat's cache can be written (the goflags line needs its link).
fn cache_writable() -> bool {
    crate::support::cache::root().is_ok_and(|root| {
        std::fs::create_dir_all(&root).is_ok() && tempfile::tempfile_in(&root).is_ok()
    })
}

/// The report: the checks, the selection, and the advice for this injector
/// and compiler (None: no toolchain was found).
fn finish(
    checks: Vec<Check>,
    selection: Option<Selection>,
    inj: Option<&Injector>,
    compiler: Option<Compiler>,
) -> Report {
    let ok = checks.iter().all(|c| c.status != Level::Fail);
    let me = self_name();
    let gccgo = compiler == Some(Compiler::Gccgo);
    let mut advice = match (&selection, inj) {
        (Some(s), Some(inj)) if s.toolexec_required => {
            let tags = s.build_tags.join(",");
            let mut a = if inj.builtin && !cache_writable() {
                format!(
                    "build with -tags={tags} and -toolexec=\"{me} toolexec\" on the go command line: qcompat's cache {} cannot be written, so `select --format goflags` cannot make the one-word link GOFLAGS needs (set QCOMPAT_CACHE_DIR to a writable folder to use it)",
                    crate::support::cache::root()
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
        (Some(s), inj) if s.strategy == Strategy::Calibrated => {
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
        (Some(_), _) if gccgo => {
            "gccgo: fallback-go's default build (no tag) reads g.goid under gccgo through libgo's runtime.getg at an offset it finds and checks against runtime.Stack at first use, and parses runtime.Stack when that is not proven; -tags=qcompat_stack keeps to runtime.Stack; the injector does not apply".to_string()
        }
        (Some(s), inj) => {
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
        (None, _) => {
            "no selection could be made; fallback-go's goid with -tags=qcompat_stack works with any toolchain and needs no injector".to_string()
        }
    };
    // A program that pulls runtime.GoroutineID itself has no stack fallback:
    // what it needs comes first.
    if let Some(p) = selection.as_ref().and_then(|s| s.program.as_ref()) {
        if p.facts.pulls_accessor || p.facts.blocked.is_some() {
            let state = match p.works {
                Some(true) => "works here".to_string(),
                Some(false) => format!("does not work here: {}", p.verdict),
                None => format!("is not shown to work here: {}", p.verdict),
            };
            let fix = p
                .fix
                .as_deref()
                .map(|f| format!(" Fix: {f}."))
                .unwrap_or_default();
            advice = if p.works == Some(true) {
                format!(
                    "your program ({} {}) {state}. {advice}",
                    p.facts.dir, p.facts.package
                )
            } else {
                format!("your program ({} {}) {state}.{fix} It has no stack fallback, so -tags=qcompat_stack does not help it", p.facts.dir, p.facts.package)
            };
        }
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
