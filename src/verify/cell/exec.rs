//! Running a built cell where this machine can (natively, qemu-user, Node,
//! Wine) and reading its verdict: the probe's line, or a user program's exit
//! status, or the loader's refusal of a library.

use super::steps::Plan;
use super::{dynsym, Job, Outcome, Ran, Status, Verified, EXCERPT, PROBE_CHECKS};
use crate::go::runners;
use crate::support::process::{self, display_command};
use crate::verify::kind::BuildKind;
use std::path::Path;

/// Runs `exe` with `args` for the built cell `outcome` and records the
/// verdict; a binary this machine cannot run leaves the cell linked.
pub(super) fn run(job: &Job, plan: &Plan, mut outcome: Outcome) -> Ran {
    let (exe, args) = (&plan.exe, &plan.args);
    let built_s = outcome.duration_s;
    let not_run = |why: &str, outcome: &mut Outcome| match &plan.library {
        Some(lib) => dynsym::linked_only(job, lib, Some(why), outcome),
        None => outcome.note = Some(format!("linked, not run: {why}")),
    };
    let runner = match runners::find(job.platform, job.go, job.goroot, job.work_dir) {
        Ok(r) => r,
        Err(why) => {
            not_run(&why.to_string(), &mut outcome);
            return Ran::Finished(outcome);
        }
    };
    if job.kind == BuildKind::Race && !runner.argv.is_empty() {
        // Measured: qemu-aarch64 gives a 39-bit address space and the race
        // runtime stops with "ThreadSanitizer: unsupported VMA range".
        outcome.note = Some(
            "linked, not run: the race detector's runtime (ThreadSanitizer) does not run under an emulator (qemu-user's address space is not the one it needs)".into(),
        );
        return Ran::Finished(outcome);
    }
    if let Some((path, text)) = &runner.script {
        // Cells of one toolchain share the script (js/wasm build, test,
        // debug, ...): a new file renamed into place, so a Node loading it
        // meanwhile never reads a half-written one.
        if let Err(e) = write_replacing(path, text) {
            outcome.note = Some(format!(
                "linked, not run: cannot write {}: {e}",
                path.display()
            ));
            return Ran::Finished(outcome);
        }
    }
    let mut rcmd = runner.command(exe);
    rcmd.args(args);
    match cross_libraries(job) {
        // A cgo or PIE binary for another architecture is dynamically
        // linked: qemu finds its loader and libc in the cross folder.
        Ok(Some(prefix)) => {
            rcmd.env("QEMU_LD_PREFIX", prefix);
        }
        Ok(None) => {}
        Err(why) => {
            not_run(&why.to_string(), &mut outcome);
            return Ran::Finished(outcome);
        }
    }
    outcome.command = format!("{} && {}", outcome.command, display_command(&rcmd));
    outcome.verified = Verified::Exec;
    let ran = match job.run(rcmd) {
        Ok(c) => c,
        Err(e) => {
            outcome.status = Status::FailRun;
            outcome.stderr_excerpt = format!("{e:#}");
            return Ran::Finished(outcome);
        }
    };
    outcome.duration_s = built_s + ran.duration.as_secs_f64();
    let all = format!("{}{}", ran.stdout, ran.stderr);
    outcome.stderr_excerpt = process::excerpt(&all, EXCERPT);
    if ran.timed_out || ran.cancelled {
        outcome.status = Status::Timeout;
        return Ran::Finished(outcome);
    }
    verdict(job, &all, ran.success(), &mut outcome);
    Ran::Finished(outcome)
}

/// The cell's status from what the run printed.
fn verdict(job: &Job, all: &str, success: bool, outcome: &mut Outcome) {
    match crate::verify::probeprog::parse_line(all) {
        Some(p) if p.ok && success && p.checked == PROBE_CHECKS => {
            outcome.note = Some(p.line);
        }
        Some(p) if p.ok && success => {
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
        None if success && !job.package.ends_with(crate::verify::probeprog::PACKAGE) => {}
        None => {
            outcome.status = Status::FailRun;
            // A library or plugin whose runtime lacks the accessor links (Go
            // 1.27 can leave the symbol undefined, golang/go#81051) and is
            // refused only when loaded: `undefined symbol: runtime.GoroutineID`.
            dynsym::loader_refusal(job, all, outcome);
        }
    }
}

fn write_replacing(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// The library folder of a dynamically linked cell's cross target
/// (`/usr/aarch64-linux-gnu`); an error when it is not installed.
fn cross_libraries(job: &Job) -> Result<Option<String>, String> {
    use crate::verify::kind::{gnu_triplet, host_goarch};
    let dynamic = job.kind.needs_cgo() || job.kind == BuildKind::Pie;
    if !dynamic || job.platform.goos != "linux" || Some(job.platform.goarch) == host_goarch() {
        return Ok(None);
    }
    let Some(triplet) = gnu_triplet(job.platform.goarch) else {
        return Err(format!(
            "a {} binary for linux/{} is dynamically linked and no loader folder is known for it",
            job.kind, job.platform.goarch
        ));
    };
    let dir = format!("/usr/{triplet}");
    if Path::new(&dir).is_dir() {
        Ok(Some(dir))
    } else {
        Err(format!(
            "a {} binary for linux/{} is dynamically linked and its loader is not installed ({dir}; Debian: the libc6 cross package of gcc-{triplet})",
            job.kind, job.platform.goarch
        ))
    }
}
