//! The checks of the injector: its answer to `compile -V=full`, the Go
//! that built it, and the live check's builds of the probe and the program.

use super::{check, Check, Level};
use crate::go::discover;
use crate::inject::command::self_name;
use crate::inject::injector::Injector;
use crate::verify::diagnosis::Class;

/// The live check's verdict on the probe under --deep, saying what was
/// built: the probe alone cannot show what an injector does to the user's
/// packages.
pub(super) fn deep_check(inj: &Injector, live: &crate::verify::live::Live, program: bool) -> Check {
    let what = if program {
        "the probe (and then your program, see `program`)"
    } else {
        "the probe"
    };
    if live.passed() {
        let mut m = format!(
            "built and ran {what} through {}{}: {}",
            inj.describe(),
            live.kinds_checked(),
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
pub(super) fn program_check(p: &crate::policy::select::ProgramVerdict) -> Check {
    use crate::policy::select::Shown;
    let level = match p.works {
        Shown::Works => Level::Ok,
        Shown::Fails => Level::Fail,
        Shown::Nothing if p.facts.pulls_accessor => Level::Warn,
        Shown::Nothing => Level::Ok,
    };
    check("program", level, p.verdict.clone(), p.fix.clone()).class(p.failure)
}

/// Whether the injector alters `compile -V=full` (its answers, from the
/// facts), with the fix that works for this toolchain.
pub(super) fn toolid_check(
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
pub(super) fn injector_go_check(
    tc: &discover::Toolchain,
    inj: &Injector,
    by: Option<&str>,
) -> Option<Check> {
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
