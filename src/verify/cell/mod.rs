//! One cell of work: build a program for one toolchain and GOOS/GOARCH through
//! an injector, then run it where this machine can. The matrix runs many of
//! these; `select` and `doctor --deep` run one for the host.

use crate::go::gocmd::Go;
use crate::go::linkname::{undefined_accessor, INVALID_REFERENCE};
use crate::go::platforms::{needs_cgo, Target, CGO_ONLY_WHY};
use crate::support::process::{self, display_command};
use crate::verify::kind::BuildKind;
use serde::{Deserialize, Serialize};

pub use cache::CellCache;
use std::path::Path;
use std::time::Duration;

mod cache;
mod dynsym;
mod exec;
mod plain;
pub mod steps;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    FailRelocation,
    FailLinkname,
    FailBuild,
    FailRun,
    SkipCgo,
    SkipBroken,
    /// The injector under test could not be built by this toolchain.
    SkipInjector,
    /// A gccgo toolchain: there is no gc runtime to inject into.
    SkipGccgo,
    Timeout,
    /// The program under test cannot be built by this toolchain (its go.mod
    /// needs a newer Go), as an injector the toolchain cannot build.
    SkipProgram,
    /// The go command does not build this kind for this platform
    /// (`-race is not supported on linux/mips`), or the kind needs what
    /// the toolchain or program lacks (PGO before Go 1.21).
    SkipUnsupported,
    /// The go command refuses the toolchain itself (a GOROOT at a path it
    /// will not build from, broken sources): a build without the injector
    /// fails too, so the injector is not at fault.
    SkipToolchain,
}

impl Status {
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Status::FailRelocation
                | Status::FailLinkname
                | Status::FailBuild
                | Status::FailRun
                | Status::Timeout
        )
    }

    pub fn is_skip(self) -> bool {
        matches!(
            self,
            Status::SkipCgo
                | Status::SkipBroken
                | Status::SkipInjector
                | Status::SkipGccgo
                | Status::SkipProgram
                | Status::SkipUnsupported
                | Status::SkipToolchain
        )
    }

    /// The serde name (as in the JSON, the YAML and the schemas).
    pub fn name(self) -> &'static str {
        crate::support::serde_name::of(&self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verified {
    Link,
    Exec,
}

impl Verified {
    /// The serde name (as in the JSON, the YAML and the schemas).
    pub fn name(self) -> &'static str {
        crate::support::serde_name::of(&self)
    }
}

/// What to build and how.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// The go command; its context (environment snapshot, cancellation)
    /// is the cell's.
    pub go: &'a Go,
    pub goroot: &'a Path,
    pub platform: Target<'a>,
    /// The -toolexec value (None: build without an injector).
    pub toolexec: Option<&'a str>,
    /// The GOCACHE the builds use.
    pub gocache: CellCache<'a>,
    pub module_dir: &'a Path,
    pub package: &'a str,
    /// Where the binary goes. A directory that outlives the run lets the go
    /// command find the binary up to date next time and skip the link.
    pub out_dir: &'a Path,
    /// Scratch space for this cell (GOTMPDIR, runner scripts).
    pub work_dir: &'a Path,
    pub exec: bool,
    /// Build without DWARF and symbols: the same relocations, less work.
    /// Ignored where the toolchain ships a precompiled std for the target:
    /// any `-gcflags=all=` makes Go <= 1.19 rebuild it, which changes what an
    /// unsalted injector's users get.
    pub lean: bool,
    /// Which build of the program (`go build`, `go test -c -race`, a C
    /// library, ...).
    pub kind: BuildKind,
    /// The C compiler for a kind that needs cgo (the host's, or the
    /// target's cross compiler).
    pub cc: Option<&'a Path>,
    /// Extra go build flags (`-a`).
    pub extra_flags: &'a [&'a str],
    /// Build on one thread (see [`crate::go::gocmd::single_threaded`]): for
    /// a pool that keeps every core busy with other cells.
    pub single_threaded: bool,
    pub timeout: Duration,
    /// What the failure diagnosis needs to know beyond the output.
    pub diag: &'a crate::verify::diagnosis::Context,
}

impl Job<'_> {
    /// Runs one of the cell's commands within its limit, stopped when the
    /// go command's token is cancelled.
    fn run(&self, cmd: std::process::Command) -> anyhow::Result<process::Captured> {
        process::run(cmd, self.timeout, self.go.cancel)
    }
}

/// What building (and maybe running) one cell gave. The matrix report's
/// cells are this with the toolchain and platform beside it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub verified: Verified,
    pub duration_s: f64,
    pub command: String,
    pub stderr_excerpt: String,
    /// Why a linked cell was not executed, or the probe's verdict line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A failed build's class, what happened and the fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<crate::verify::diagnosis::Diagnosis>,
}

impl Outcome {
    /// A cell decided without building: its status and why.
    pub fn skipped(status: Status, note: String) -> Outcome {
        Outcome {
            status,
            verified: Verified::Link,
            duration_s: 0.0,
            command: String::new(),
            stderr_excerpt: String::new(),
            note: Some(note),
            diagnosis: None,
        }
    }
}

const EXCERPT: usize = 1500;

/// A shared library or plugin that linked proves less than one that loaded:
/// a link can leave the accessor undefined (golang/go#81051).
pub(crate) const LINKED_NOT_LOADED: &str = "linked, not loaded: only loading a c-shared library or plugin shows that runtime.GoroutineID resolved (a link can leave it undefined, golang/go#81051)";

/// How many goroutines the probe checks (main and 8 others): a probe line
/// with fewer did not check what it claims.
pub const PROBE_CHECKS: u32 = 9;

/// Reads the go command's verdict on a failed build for `target`.
pub fn classify_build_failure(stderr: &str, target: Target) -> Status {
    if undefined_accessor(stderr).is_some() {
        Status::FailRelocation
    } else if stderr.contains(INVALID_REFERENCE) {
        Status::FailLinkname
    } else if go_mod_too_new(stderr).is_some() {
        Status::SkipProgram
    } else if unsupported_line(stderr).is_some() {
        Status::SkipUnsupported
    } else if stderr.contains("requires cgo") {
        // `-race requires cgo; enable cgo by setting CGO_ENABLED=1`
        Status::SkipCgo
    } else if stderr.contains("requires external (cgo) linking")
        // Go 1.19 runs the host C compiler for cgo-only ports; anywhere else
        // a failed external link is a real failure.
        || (needs_cgo(target) && external_linker_failed(stderr))
    {
        Status::SkipCgo
    } else {
        Status::FailBuild
    }
}

/// The go command's refusal of a main module that needs a newer Go:
/// `go: go.mod requires go >= 1.26 (running go 1.21.13; GOTOOLCHAIN=local)`.
fn go_mod_too_new(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("go: ") && l.contains("go.mod requires go >= "))
}

/// Go 1.20 and older build a module whose go line is newer and fail on the
/// std packages they lack: the verdict of Go 1.21+'s refusal (skip-program).
fn old_go_missing_packages(
    job: &Job,
    stderr: &str,
) -> Option<crate::verify::program::GoLineTooNew> {
    if !stderr.contains("is not in GOROOT") && !stderr.contains("is not in std") {
        return None;
    }
    let v = crate::go::version::parse(&job.diag.go).ok()?;
    crate::verify::program::go_too_old(job.module_dir, &v)
}

/// Older Go (1.19) does not refuse cgo-only ports with CGO_ENABLED=0: its
/// linker switches to external linking and runs the host C compiler, which
/// cannot link for android or ios. That is the same verdict as newer Go's.
fn external_linker_failed(stderr: &str) -> bool {
    stderr
        .lines()
        .any(|l| l.contains("/link: running ") && l.contains(" failed:"))
}

/// Builds (and maybe runs) one cell. Never fails: problems become statuses,
/// and every failure carries a diagnosis (`unknown`, with the excerpt's
/// telling line, when no class matches).
pub fn run(job: &Job) -> Ran {
    match build_and_run(job) {
        Ran::Finished(mut outcome) => {
            let unexplained = outcome
                .diagnosis
                .as_ref()
                .is_none_or(|d| d.class == crate::verify::diagnosis::Class::Unknown);
            if outcome.status == Status::FailBuild && unexplained {
                plain::check(job, &mut outcome);
            }
            if outcome.status.is_failure() && outcome.diagnosis.is_none() {
                outcome.diagnosis =
                    Some(crate::verify::diagnosis::unknown(&outcome.stderr_excerpt));
            }
            Ran::Finished(outcome)
        }
        interrupted => interrupted,
    }
}

/// How a cell's build ended.
#[derive(Debug)]
pub enum Ran {
    Finished(Outcome),
    /// Ctrl-C (or SIGTERM) stopped the build: no result.
    Interrupted(Outcome),
}

impl Ran {
    /// The outcome, for a caller that shows an interrupted build as one: a
    /// timeout with the note `interrupted`.
    pub fn outcome(self) -> Outcome {
        match self {
            Ran::Finished(o) => o,
            Ran::Interrupted(mut o) => {
                o.note = Some("interrupted".into());
                o
            }
        }
    }
}

fn build_and_run(job: &Job) -> Ran {
    let seeded = match cache::seed_plain(job) {
        cache::Seed::Stopped => {
            return Ran::Interrupted(Outcome::skipped(Status::Timeout, "interrupted".into()))
        }
        cache::Seed::Built { command, seconds } => Some((command, seconds)),
        cache::Seed::Nothing => None,
    };
    let mut plan = steps::plan(job);
    let mut outcome = Outcome {
        status: Status::FailBuild,
        verified: Verified::Link,
        duration_s: 0.0,
        command: plan
            .steps
            .iter()
            .map(|s| display_command(&s.cmd))
            .collect::<Vec<_>>()
            .join(" && "),
        stderr_excerpt: String::new(),
        note: None,
        diagnosis: None,
    };
    if let Some((command, seconds)) = seeded {
        outcome.command = format!("{command} ; {}", outcome.command);
        outcome.duration_s = seconds;
    }
    for step in std::mem::take(&mut plan.steps) {
        if let Some(end) = build_step(job, step, plan.precompiled, &mut outcome) {
            return end;
        }
    }
    if job.kind.is_test() && !plan.exe.exists() {
        // `go test -c` of a package without tests writes no binary.
        outcome.status = Status::SkipUnsupported;
        outcome.note = Some(format!(
            "{} has no test files: `go test -c` built no test binary",
            job.package
        ));
        return Ran::Finished(outcome);
    }
    outcome.status = Status::Pass;
    if !job.exec {
        if let Some(lib) = &plan.library {
            dynsym::linked_only(job, lib, None, &mut outcome);
        }
        return Ran::Finished(outcome);
    }
    exec::run(job, &plan, outcome)
}

/// Runs one build command of the cell; Some with the cell's end when it
/// failed (or was stopped), None to go on.
fn build_step(
    job: &Job,
    step: steps::Step,
    precompiled: bool,
    outcome: &mut Outcome,
) -> Option<Ran> {
    let built = match job.run(step.cmd) {
        Ok(c) => c,
        Err(e) => {
            outcome.stderr_excerpt = format!("{e:#}");
            return Some(Ran::Finished(outcome.clone()));
        }
    };
    outcome.duration_s += built.duration.as_secs_f64();
    outcome.stderr_excerpt = process::excerpt(&built.stderr, EXCERPT);
    if built.timed_out || built.cancelled {
        outcome.status = Status::Timeout;
        if built.cancelled {
            return Some(Ran::Interrupted(outcome.clone()));
        }
        return Some(Ran::Finished(outcome.clone()));
    }
    if built.success() {
        return None;
    }
    outcome.status = classify_build_failure(&built.stderr, job.platform);
    if job.toolexec.is_some() {
        let mut cx = job.diag.clone();
        cx.precompiled_std = precompiled;
        cx.private_gocache = job.gocache.is_private();
        outcome.diagnosis = crate::verify::diagnosis::diagnose(&built.stderr, &cx);
    }
    if let Some(note) = failure_note(job, step.go, outcome.status, &built.stderr) {
        if outcome.status == Status::SkipUnsupported {
            outcome.diagnosis = None;
        }
        outcome.note = Some(note);
    }
    if let Some(l) = go_mod_too_new(&built.stderr) {
        outcome.diagnosis = None;
        outcome.note = Some(format!(
            "the program cannot be built by {}: {l}",
            job.diag.go
        ));
    } else if let Some(old) = old_go_missing_packages(job, &built.stderr) {
        outcome.status = Status::SkipProgram;
        outcome.diagnosis = None;
        outcome.note = Some(format!(
            "the program cannot be built by {}: {}",
            job.diag.go,
            old.explain(&built.stderr)
        ));
    }
    Some(Ran::Finished(outcome.clone()))
}

/// The note of a failed build step: why a skip is one, or which step failed.
fn failure_note(job: &Job, go_step: bool, status: Status, stderr: &str) -> Option<String> {
    let (kind, goos, goarch) = (job.kind, job.platform.goos, job.platform.goarch);
    Some(match status {
        Status::SkipCgo if kind.needs_cgo() => format!(
            "{kind} builds need cgo on {goos}/{goarch}: {}",
            first_line(stderr)
        ),
        Status::SkipCgo if kind == BuildKind::Build => {
            format!("{goos}/{goarch} needs {CGO_ONLY_WHY}")
        }
        // A kind that needs external linking there (-buildmode=pie on
        // linux/386): the go command's words, not the port's.
        Status::SkipCgo => format!(
            "{kind} on {goos}/{goarch} needs external (cgo) linking; qcompat builds it with CGO_ENABLED=0: {}",
            first_line(stderr)
        ),
        Status::SkipUnsupported => format!(
            "the go command does not build {kind} for {goos}/{goarch}: {}",
            unsupported_line(stderr).unwrap_or("")
        ),
        Status::FailBuild if !go_step => {
            format!("the C host did not build: {}", first_line(stderr))
        }
        _ => return None,
    })
}

/// The first line of an output that is not the go command's `# package`
/// header.
fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("# "))
        .unwrap_or("")
}

/// The go command's refusal of a build kind on a platform:
/// `-race is not supported on linux/mips`,
/// `-buildmode=pie not supported on js/wasm`.
fn unsupported_line(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| l.contains(" not supported on ") && l.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(goos: &'static str, goarch: &'static str) -> Target<'static> {
        Target { goos, goarch }
    }

    #[test]
    fn classifies_go_command_verdicts() {
        let c = |s| classify_build_failure(s, on("ios", "arm64"));
        assert_eq!(
            c("main.main: relocation target runtime.GoroutineID not defined"),
            Status::FailRelocation
        );
        assert_eq!(
            c("link: main: invalid reference to runtime.findnull"),
            Status::FailLinkname
        );
        assert_eq!(
            c("android/amd64 requires external (cgo) linking, but cgo is not enabled"),
            Status::SkipCgo
        );
        let go119_ios = "loadinternal: cannot find runtime/cgo\n/usr/lib/go-1.19/pkg/tool/linux_amd64/link: running gcc failed: exit status 1\ngo.o: file not recognized";
        assert_eq!(c(go119_ios), Status::SkipCgo);
        assert_eq!(c("./main.go:3:1: syntax error"), Status::FailBuild);
        assert_eq!(
            c("go: go.mod requires go >= 1.26 (running go 1.21.13; GOTOOLCHAIN=local)"),
            Status::SkipProgram
        );
        // A failed external link is skip-cgo only for the cgo-only ports.
        assert_eq!(
            classify_build_failure(go119_ios, on("linux", "amd64")),
            Status::FailBuild
        );
        assert_eq!(
            classify_build_failure(go119_ios, on("android", "386")),
            Status::SkipCgo
        );
    }
}
