//! A toolchain the go command itself refuses (a GOROOT at a path with a
//! newline: `invalid package directory`; sources missing or broken) fails
//! every build, with or without an injector. Told apart from an injector's
//! failure by the go command's own work without the injector.

use super::{Job, Outcome, Status};
use crate::verify::diagnosis::{Class, Diagnosis};
use std::process::Command;

/// For an injected build that failed with nothing known to explain it:
/// loads the program's packages and builds runtime for the same platform
/// without the injector. When the go command refuses that too, the cell is
/// `skip-toolchain` (class `toolchain-broken`): the toolchain is broken
/// here, which is no verdict on the injector and no regression.
pub(super) fn check(job: &Job, outcome: &mut Outcome) {
    if job.toolexec.is_none() {
        return;
    }
    let load = go(
        job,
        &[
            "list",
            "-e",
            "-deps",
            "-f",
            // The toolchain's own packages only: the program's errors are
            // its own.
            "{{if .Standard}}{{with .Error}}{{$.ImportPath}}: {{.}}{{end}}{{end}}",
            job.package,
        ],
    );
    let build = go(job, &["build", "runtime"]);
    for (what, cmd) in [
        ("loading the program's packages", load),
        ("building runtime", build),
    ] {
        let Ok(r) = job.run(cmd) else {
            return;
        };
        let said = format!("{}{}", r.stdout.trim(), r.stderr.trim());
        if r.success() && said.is_empty() || r.timed_out || r.cancelled {
            continue;
        }
        // The go command's last line names what it refused.
        let evidence = said
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.starts_with("# "))
            .unwrap_or("(no output)")
            .chars()
            .take(300)
            .collect::<String>();
        outcome.status = Status::SkipToolchain;
        outcome.note = Some(format!(
            "{} refuses this toolchain without the injector too ({what}): {evidence}",
            job.diag.go
        ));
        outcome.diagnosis = Some(Diagnosis {
            class: Class::ToolchainBroken,
            evidence,
            explanation: format!(
                "the go command fails {what} for {}/{} without the injector as well: the toolchain (its GOROOT) is broken, not the injector",
                job.platform.goos, job.platform.goarch
            ),
            fix: "repair or reinstall the toolchain (a GOROOT whose path holds a newline cannot be built from: move it), then run again".into(),
        });
        return;
    }
}

/// The go command of `job`, without its injector, for its platform.
fn go(job: &Job, args: &[&str]) -> Command {
    let mut cmd = Command::new(&job.go.path);
    cmd.args(args);
    super::steps::cell_env(job, &mut cmd);
    cmd
}
