//! One cell of work: build a program for one toolchain and GOOS/GOARCH through
//! an injector, then run it where this machine can. The matrix runs many of
//! these; `select` and `doctor --deep` run one for the host.

use crate::go::linkname::{INVALID_REFERENCE, UNDEFINED_ACCESSOR};
use crate::go::platforms::{needs_cgo, precompiled_std, CGO_ONLY_WHY};
use crate::go::runners;
use crate::support::process::{self, display_command};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::FailRelocation => "fail-relocation",
            Status::FailLinkname => "fail-linkname",
            Status::FailBuild => "fail-build",
            Status::FailRun => "fail-run",
            Status::SkipCgo => "skip-cgo",
            Status::SkipBroken => "skip-broken",
            Status::SkipInjector => "skip-injector",
            Status::SkipGccgo => "skip-gccgo",
            Status::Timeout => "timeout",
            Status::SkipProgram => "skip-program",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verified {
    Link,
    Exec,
}

impl Verified {
    pub fn name(self) -> &'static str {
        match self {
            Verified::Link => "link",
            Verified::Exec => "exec",
        }
    }
}

/// What to build and how.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub go: &'a Path,
    pub goroot: &'a Path,
    pub goos: &'a str,
    pub goarch: &'a str,
    /// The -toolexec value (None: build without an injector).
    pub toolexec: Option<&'a str>,
    /// A private GOCACHE, or None for the user's.
    pub gocache: Option<&'a Path>,
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
    /// Extra go build flags (`-a`).
    pub extra_flags: &'a [&'a str],
    /// Build on one thread (see [`crate::go::gocmd::single_threaded`]): for
    /// a pool that keeps every core busy with other cells.
    pub single_threaded: bool,
    pub timeout: Duration,
    /// What the failure diagnosis needs to know beyond the output.
    pub diag: &'a crate::verify::diagnosis::Context,
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

const EXCERPT: usize = 1500;

/// How many goroutines the probe checks (main and 8 others): a probe line
/// with fewer did not check what it claims.
pub const PROBE_CHECKS: u32 = 9;

/// Reads the go command's verdict on a failed build for `goos/goarch`.
pub fn classify_build_failure(stderr: &str, goos: &str, goarch: &str) -> Status {
    if UNDEFINED_ACCESSOR.iter().any(|m| stderr.contains(m)) {
        Status::FailRelocation
    } else if stderr.contains(INVALID_REFERENCE) {
        Status::FailLinkname
    } else if go_mod_too_new(stderr).is_some() {
        Status::SkipProgram
    } else if stderr.contains("requires external (cgo) linking")
        // Go 1.19 runs the host C compiler for cgo-only ports; anywhere else
        // a failed external link is a real failure.
        || (needs_cgo(goos, goarch) && external_linker_failed(stderr))
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
    // Named after the program, so a user program's binary is not a "probe".
    let stem = Path::new(job.package)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n != "." && n != "..")
        .unwrap_or_else(|| "program".into());
    let out: PathBuf = job
        .out_dir
        .join(format!("{stem}-{}-{}", job.goos, job.goarch));
    let precompiled = precompiled_std(job.goroot, job.goos, job.goarch);
    let mut cmd = std::process::Command::new(job.go);
    cmd.arg("build").arg("-o").arg(&out);
    cmd.args(job.extra_flags);
    if let Some(t) = job.toolexec {
        cmd.arg(format!("-toolexec={t}"));
    }
    if job.lean && !precompiled {
        crate::go::gocmd::lean_flags(&mut cmd, &[]);
    }
    if job.single_threaded {
        crate::go::gocmd::single_threaded(&mut cmd);
    }
    cmd.arg(job.package).current_dir(job.module_dir);
    crate::support::scratch::isolate(&mut cmd);
    cmd.env("GOTOOLCHAIN", "local")
        .env("GOOS", job.goos)
        .env("GOARCH", job.goarch);
    if let Some(c) = job.gocache {
        cmd.env("GOCACHE", c);
    }
    let command = display_command(&cmd);
    // The go command leaves its work directory behind when interrupted: keep
    // it, and the injector's files, inside a directory this run removes.
    let tmp = job.work_dir.join("tmp");
    if std::fs::create_dir_all(&tmp).is_ok() {
        cmd.env("GOTMPDIR", &tmp).env("TMPDIR", &tmp);
    }
    let mut outcome = Outcome {
        status: Status::FailBuild,
        verified: Verified::Link,
        duration_s: 0.0,
        command,
        stderr_excerpt: String::new(),
        note: None,
        diagnosis: None,
    };
    let built = match process::run(cmd, job.timeout) {
        Ok(c) => c,
        Err(e) => {
            outcome.stderr_excerpt = format!("{e:#}");
            return Ran::Finished(outcome);
        }
    };
    outcome.duration_s = built.duration.as_secs_f64();
    outcome.stderr_excerpt = process::excerpt(&built.stderr, EXCERPT);
    if built.timed_out || built.cancelled {
        outcome.status = Status::Timeout;
        if built.cancelled {
            return Ran::Interrupted(outcome);
        }
        return Ran::Finished(outcome);
    }
    if !built.success() {
        outcome.status = classify_build_failure(&built.stderr, job.goos, job.goarch);
        if job.toolexec.is_some() {
            let mut cx = job.diag.clone();
            cx.precompiled_std = precompiled;
            cx.private_gocache = job.gocache.is_some();
            outcome.diagnosis = crate::verify::diagnosis::diagnose(&built.stderr, &cx);
        }
        if outcome.status == Status::SkipCgo {
            outcome.note = Some(format!("{}/{} needs {CGO_ONLY_WHY}", job.goos, job.goarch));
        }
        if let Some(l) = go_mod_too_new(&built.stderr) {
            outcome.diagnosis = None;
            outcome.note = Some(format!(
                "the program cannot be built by {}: {l}",
                job.diag.go
            ));
        }
        return Ran::Finished(outcome);
    }
    outcome.status = Status::Pass;
    if !job.exec {
        return Ran::Finished(outcome);
    }
    let runner = match runners::find(job.goos, job.goarch, job.goroot, job.work_dir) {
        Ok(r) => r,
        Err(why) => {
            outcome.note = Some(format!("linked, not run: {why}"));
            return Ran::Finished(outcome);
        }
    };
    if let Some((path, text)) = &runner.script {
        if let Err(e) = std::fs::write(path, text) {
            outcome.note = Some(format!(
                "linked, not run: cannot write {}: {e}",
                path.display()
            ));
            return Ran::Finished(outcome);
        }
    }
    let rcmd = runner.command(&out);
    outcome.command = format!("{} && {}", outcome.command, display_command(&rcmd));
    outcome.verified = Verified::Exec;
    let ran = match process::run(rcmd, job.timeout) {
        Ok(c) => c,
        Err(e) => {
            outcome.status = Status::FailRun;
            outcome.stderr_excerpt = format!("{e:#}");
            return Ran::Finished(outcome);
        }
    };
    outcome.duration_s = built.duration.as_secs_f64() + ran.duration.as_secs_f64();
    let all = format!("{}{}", ran.stdout, ran.stderr);
    outcome.stderr_excerpt = process::excerpt(&all, EXCERPT);
    if ran.timed_out || ran.cancelled {
        outcome.status = Status::Timeout;
        return Ran::Finished(outcome);
    }
    match crate::verify::probeprog::parse_line(&all) {
        Some(p) if p.ok && ran.success() && p.checked == PROBE_CHECKS => {
            outcome.note = Some(p.line);
        }
        Some(p) if p.ok && ran.success() => {
            outcome.status = Status::FailRun;
            outcome.note = Some(format!(
                "{} (the probe must check {PROBE_CHECKS} goroutines)",
                p.line
            ));
        }
        Some(p) => {
            outcome.status = Status::FailRun;
            if !p.ok {
                outcome.diagnosis = Some(crate::verify::diagnosis::wrong_id(&p.line, job.diag));
            }
            outcome.note = Some(p.line);
        }
        // A user program prints no probe line: its exit status decides.
        None if ran.success() && !job.package.ends_with("qcompat-probe") => {}
        None => outcome.status = Status::FailRun,
    }
    Ran::Finished(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_go_command_verdicts() {
        let c = |s| classify_build_failure(s, "ios", "arm64");
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
            classify_build_failure(go119_ios, "linux", "amd64"),
            Status::FailBuild
        );
        assert_eq!(
            classify_build_failure(go119_ios, "android", "386"),
            Status::SkipCgo
        );
    }
}
