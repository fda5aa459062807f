//! The commands that build one cell, per build kind: the go command's build
//! (`go build`, or `go test -c` for the test kinds), then for C libraries and
//! plugins the host that loads them; and what to run afterwards.

use super::Job;
use crate::verify::kind::BuildKind;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The probe module's C library (`package main` with exported functions).
pub const LIB_PACKAGE: &str = "./cmd/qcompat-probe-lib";
/// The C host that loads (c-shared) or links (c-archive) that library.
pub const C_HOST: &str = "cmd/qcompat-probe-lib/host/host.c";
/// The probe as a plugin, and the Go host that opens it.
pub const PLUGIN_PACKAGE: &str = "./cmd/qcompat-probe-plugin";
pub const PLUGIN_HOST_PACKAGE: &str = "./cmd/qcompat-probe-pluginhost";
/// A CPU profile of the probe, for the `pgo` kind (not `default.pgo`, which
/// every build of the probe would pick up).
pub const PGO_PROFILE: &str = "cmd/qcompat-probe/testdata/probe.pgo";

/// One command of a cell's build.
pub(super) struct Step {
    pub cmd: Command,
    /// The go command (its failures are the go command's words), or the C
    /// compiler linking a host.
    pub go: bool,
}

/// What a cell builds, then runs.
pub(super) struct Plan {
    pub steps: Vec<Step>,
    /// The binary to run and its arguments.
    pub exe: PathBuf,
    pub args: Vec<String>,
    /// The c-shared library or plugin the binary loads.
    pub library: Option<PathBuf>,
    /// The toolchain ships a precompiled std for this build (lean flags are
    /// left out: any `-gcflags=all=` would make Go <= 1.19 rebuild it).
    pub precompiled: bool,
}

/// The steps of `job`'s build, by kind.
pub(super) fn plan(job: &Job) -> Plan {
    // Named after the program, so a user program's binary is not a "probe".
    let stem = Path::new(job.package)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n != "." && n != "..")
        .unwrap_or_else(|| "program".into());
    let suffix = match job.kind {
        BuildKind::Build => String::new(),
        k => format!("-{k}"),
    };
    let out = job.out_dir.join(format!(
        "{stem}-{}-{}{suffix}",
        job.platform.goos, job.platform.goarch
    ));
    let precompiled = precompiled(job);
    let (steps, exe, args) = match job.kind {
        k if k.is_test() => test_steps(job, out, precompiled),
        BuildKind::CShared | BuildKind::CArchive => library_steps(job, out, precompiled),
        BuildKind::Plugin => plugin_steps(job, out, precompiled),
        _ => (
            vec![go_step(
                job,
                "build",
                kind_flags(job),
                &out,
                job.package,
                precompiled,
            )],
            out,
            vec![],
        ),
    };
    // The host of a c-shared library or plugin gets its path, loads it.
    let library = matches!(job.kind, BuildKind::CShared | BuildKind::Plugin)
        .then(|| args.first().map(PathBuf::from))
        .flatten();
    Plan {
        steps,
        exe,
        args,
        library,
        precompiled,
    }
}

/// The steps, the binary to run and its arguments.
type Steps = (Vec<Step>, PathBuf, Vec<String>);

fn kind_flags(job: &Job) -> Vec<String> {
    job.kind.go_flags(Some(&job.module_dir.join(PGO_PROFILE)))
}

fn go_step(
    job: &Job,
    sub: &str,
    flags: Vec<String>,
    out: &Path,
    package: &str,
    precompiled: bool,
) -> Step {
    let sub: &[&str] = match sub {
        "test" => &["test", "-c"],
        _ => &["build"],
    };
    Step {
        cmd: go_command(job, sub, &flags, out, package, precompiled),
        go: true,
    }
}

/// `go test -c`; the probe's binary runs only its TestProbe.
fn test_steps(job: &Job, out: PathBuf, precompiled: bool) -> Steps {
    let args = if job.package.ends_with(crate::verify::probeprog::PACKAGE) {
        vec!["-test.run=^TestProbe$".to_string()]
    } else {
        vec![]
    };
    let step = go_step(job, "test", kind_flags(job), &out, job.package, precompiled);
    (vec![step], out, args)
}

/// The probe's C library, then the C host that loads (c-shared) or links
/// (c-archive) it, in one folder (which the go command does not create).
fn library_steps(job: &Job, out: PathBuf, precompiled: bool) -> Steps {
    let _ = std::fs::create_dir_all(&out);
    let shared = job.kind == BuildKind::CShared;
    let lib = out.join(if shared {
        "libqprobe.so"
    } else {
        "libqprobe.a"
    });
    let host = out.join("host");
    let mut cc = Command::new(job.cc.unwrap_or(Path::new("cc")));
    cc.arg("-o").arg(&host);
    if shared {
        cc.arg("-DQPROBE_DLOPEN").arg(job.module_dir.join(C_HOST));
        cc.args(["-ldl", "-lpthread"]);
    } else {
        cc.arg("-I")
            .arg(&out)
            .arg(job.module_dir.join(C_HOST))
            .arg(&lib);
        cc.args(["-lpthread", "-ldl", "-lm"]);
    }
    let args = if shared {
        vec![lib.display().to_string()]
    } else {
        vec![]
    };
    let steps = vec![
        go_step(
            job,
            "build",
            kind_flags(job),
            &lib,
            LIB_PACKAGE,
            precompiled,
        ),
        Step { cmd: cc, go: false },
    ];
    (steps, host, args)
}

/// The plugin, then its Go host, built the same way but for the build mode.
fn plugin_steps(job: &Job, out: PathBuf, precompiled: bool) -> Steps {
    let _ = std::fs::create_dir_all(&out);
    let so = out.join("probe.so");
    let host = out.join("host");
    let steps = vec![
        go_step(
            job,
            "build",
            kind_flags(job),
            &so,
            PLUGIN_PACKAGE,
            precompiled,
        ),
        go_step(
            job,
            "build",
            vec![],
            &host,
            PLUGIN_HOST_PACKAGE,
            precompiled,
        ),
    ];
    (steps, host, vec![so.display().to_string()])
}

/// Whether the toolchain ships std precompiled for this build: Go <= 1.19
/// has `$GOROOT/pkg/<os>_<arch>` (and `_race` for -race builds). A kind that
/// changes the build mode (`_shared`, `_dynlink`) or std's flags (-N -l,
/// -trimpath, -pgo) makes that std stale, so the go command rebuilds it
/// (`go list -f {{.Stale}} runtime` says so on go1.19.8).
fn precompiled(job: &Job) -> bool {
    let dir = match job.kind {
        BuildKind::Build | BuildKind::Test | BuildKind::Cover => {
            format!("{}_{}", job.platform.goos, job.platform.goarch)
        }
        BuildKind::Race => format!("{}_{}_race", job.platform.goos, job.platform.goarch),
        _ => return false,
    };
    job.goroot.join("pkg").join(dir).join("runtime.a").is_file()
}

/// A go command of the cell, with its environment: the target, the build
/// cache, a work folder this run removes, and cgo where the kind needs it.
fn go_command(
    job: &Job,
    sub: &[&str],
    flags: &[String],
    out: &Path,
    package: &str,
    precompiled: bool,
) -> Command {
    let mut cmd = Command::new(&job.go.path);
    cmd.args(sub).arg("-o").arg(out);
    cmd.args(job.extra_flags);
    cmd.args(flags);
    if let Some(t) = job.toolexec {
        cmd.arg(format!("-toolexec={t}"));
    }
    if job.lean && job.kind.allows_lean() && !precompiled {
        crate::go::gocmd::lean_flags(&mut cmd, &[], &job.go.env);
    }
    if job.single_threaded {
        crate::go::gocmd::single_threaded(&mut cmd, &job.go.env);
    }
    cmd.arg(package);
    cell_env(job, &mut cmd);
    cmd
}

/// What every go command of a cell runs with: the module folder, the
/// platform, cgo for the kinds that need it, the cell's GOCACHE and scratch
/// folders.
pub(super) fn cell_env(job: &Job, cmd: &mut Command) {
    cmd.current_dir(job.module_dir);
    crate::support::scratch::isolate(cmd);
    cmd.env("GOTOOLCHAIN", "local")
        .env("GOOS", job.platform.goos)
        .env("GOARCH", job.platform.goarch);
    if job.kind.needs_cgo() {
        cmd.env("CGO_ENABLED", "1");
        if let Some(cc) = job.cc {
            cmd.env("CC", cc);
        }
    }
    if let Some(c) = job.gocache.dir() {
        cmd.env("GOCACHE", c);
    }
    // The go command leaves its work directory behind when interrupted: keep
    // it, and the injector's files, inside a directory this run removes.
    let tmp = job.work_dir.join("tmp");
    if std::fs::create_dir_all(&tmp).is_ok() {
        cmd.env("GOTMPDIR", &tmp).env("TMPDIR", &tmp);
    }
}
