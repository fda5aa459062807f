//! Finding and running the go command.
//!
//! Every go command qcompat runs gets `GOTOOLCHAIN=local`, so a go.mod in the
//! current directory cannot silently hand the work to another toolchain.

use crate::support::env::Env;
use crate::support::process::{self, Cancel, Captured};
use anyhow::{bail, Result};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A go command, the limit on each of its runs, and the context they run
/// in: the environment snapshot qcompat's choices consult and the token
/// that stops them.
#[derive(Debug, Clone)]
pub struct Go {
    pub path: PathBuf,
    pub timeout: Duration,
    pub env: Env,
    pub cancel: Cancel,
}

impl Go {
    pub fn new(path: PathBuf, timeout: Duration, env: &Env, cancel: Cancel) -> Go {
        Go {
            path,
            timeout,
            env: env.clone(),
            cancel,
        }
    }

    /// Finds the go command: `--go PATH` first, then `$QCOMPAT_GO` (clap fills
    /// `flag` from it), then `go` on `env`'s PATH.
    pub fn locate(flag: Option<&Path>, timeout: Duration, env: &Env, cancel: Cancel) -> Result<Go> {
        if let Some(p) = flag {
            if let Some(found) = resolve(p, env) {
                return Ok(Go::new(found, timeout, env, cancel));
            }
            bail!(
                "no go command at {} (from --go or $QCOMPAT_GO): point it at a go binary, e.g. $GOROOT/bin/go",
                p.display()
            );
        }
        if let Some(found) = resolve(Path::new("go"), env) {
            return Ok(Go::new(found, timeout, env, cancel));
        }
        bail!(
            "no go command found: --go was not given, $QCOMPAT_GO is unset, and no `go` is in PATH ({}); install Go or pass --go PATH",
            env.path_shown()
        )
    }

    /// Whether the go command accepts the GOFLAGS it inherits: `go env`
    /// does not parse them, so a flag it refuses (`-bogusflag`) shows only
    /// when a build starts. Ok(()) when GOFLAGS is empty or accepted; Err
    /// with the go command's words otherwise.
    pub fn check_goflags(&self, goflags: &str) -> std::result::Result<(), String> {
        if goflags.trim().is_empty() {
            return Ok(());
        }
        let mut cmd = self.command(["list", "-f", "{{.Name}}", "runtime"]);
        // Outside any module, so only GOFLAGS can make it fail.
        cmd.current_dir(std::env::temp_dir())
            .env("GO111MODULE", "off");
        match self.run(cmd) {
            Ok(out) if !out.success() && out.stderr.contains("GOFLAGS") => Err(out
                .stderr
                .lines()
                .find(|l| l.contains("GOFLAGS"))
                .unwrap_or_default()
                .trim()
                .to_string()),
            _ => Ok(()),
        }
    }

    /// A `go` command with qcompat's fixed environment.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(&self.path);
        cmd.args(args).env("GOTOOLCHAIN", "local");
        cmd
    }

    /// Runs a prepared command (go's or a tool's) within this go
    /// command's limit, stopped when its token is cancelled.
    pub fn run(&self, cmd: Command) -> Result<Captured> {
        process::run(cmd, self.timeout, self.cancel)
    }

    /// Runs a prepared command and fails with its stderr when it fails or hangs.
    pub fn run_ok(&self, cmd: Command) -> Result<Captured> {
        let shown = process::display_command(&cmd);
        let c = self.run(cmd)?;
        if c.timed_out {
            return Err(GoError::Deadline {
                command: shown,
                secs: self.timeout.as_secs(),
                stderr: c.stderr,
            }
            .into());
        }
        if !c.success() {
            return Err(GoError::Failed {
                command: shown,
                status: c.status.map(|s| s.to_string()).unwrap_or_default(),
                stderr: c.stderr,
            }
            .into());
        }
        Ok(c)
    }

    /// Runs `go ARGS...` and returns its stdout.
    pub fn output<I, S>(&self, args: I) -> Result<String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Ok(self.run_ok(self.command(args))?.stdout)
    }
}

/// Why a go command gave no answer, for callers that decide on the kind
/// (doctor tells a build cache the go command refuses from a broken go).
#[derive(Debug, thiserror::Error)]
pub enum GoError {
    #[error(
        "`{command}` did not finish within {secs}s (raise --timeout){}",
        stderr_note(stderr)
    )]
    Deadline {
        command: String,
        secs: u64,
        stderr: String,
    },
    #[error("`{command}` failed ({status}){}", stderr_note(stderr))]
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
}

impl GoError {
    /// The go command refused to start without a usable build cache
    /// (GOCACHE unset with no home, or not an absolute path).
    pub fn no_build_cache(&self) -> bool {
        matches!(self, GoError::Failed { stderr, .. } if stderr.contains("build cache"))
    }
}

fn stderr_note(stderr: &str) -> String {
    let t = process::tail(stderr, 2000);
    if t.is_empty() {
        String::new()
    } else {
        format!(":\n{t}")
    }
}

/// Resolves a command name or path the way a shell would, on `env`'s PATH.
pub fn resolve(p: &Path, env: &Env) -> Option<PathBuf> {
    if p.components().count() > 1 || p.is_absolute() {
        return is_executable(p).then(|| p.to_path_buf());
    }
    let path = env.path.as_ref()?;
    std::env::split_paths(path)
        .map(|dir| dir.join(p))
        .find(|c| is_executable(c))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Runs the go command and the tools it starts on one thread: `GOMAXPROCS=1`
/// makes the go command build one package at a time (`-p 1`) and the
/// compiler compile one function at a time (`-c=1`). Parallelism inside one
/// build costs CPU (threads handing work over, more threads than cores);
/// when other builds keep every core busy anyway, one thread per build gets
/// through more of them (docs/src/benchmarks.md, `ci/bench/matrix_paired.sh`). The cache
/// keys do not change. A GOMAXPROCS the user set (in `env`) is kept.
pub fn single_threaded(cmd: &mut Command, env: &Env) {
    if env.gomaxprocs.is_none() {
        cmd.env("GOMAXPROCS", "1");
    }
}

/// Adds the lean build's flags to a `go build`: no DWARF, no symbol tables
/// (the same relocations, less work), and `ldflags` in the same `-ldflags`.
pub fn lean_flags(cmd: &mut Command, ldflags: &[&str], env: &Env) {
    let mut ld = vec!["-s", "-w"];
    ld.extend(ldflags);
    cmd.arg("-gcflags=all=-dwarf=false")
        .arg(format!("-ldflags={}", ld.join(" ")));
    // The compiler spends a tenth of a cold build collecting garbage; let
    // each tool grow to 1 GiB before it collects.
    if env.gogc.is_none() {
        cmd.env("GOGC", "off").env("GOMEMLIMIT", "1GiB");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the go commands qcompat starts get from qcompat, as `env` says.
    fn set(cmd: &Command, name: &str) -> Option<String> {
        cmd.get_envs()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.map(|v| v.to_string_lossy().into_owned()))
    }

    #[test]
    fn the_users_gomaxprocs_and_gogc_come_from_the_snapshot() {
        let mut mine = Command::new("go");
        single_threaded(&mut mine, &Env::default());
        lean_flags(&mut mine, &[], &Env::default());
        assert_eq!(set(&mine, "GOMAXPROCS").as_deref(), Some("1"));
        assert_eq!(set(&mine, "GOGC").as_deref(), Some("off"));
        let users = Env {
            gomaxprocs: Some("".into()),
            gogc: Some("200".into()),
            ..Env::default()
        };
        let mut theirs = Command::new("go");
        single_threaded(&mut theirs, &users);
        lean_flags(&mut theirs, &[], &users);
        assert_eq!(set(&theirs, "GOMAXPROCS"), None);
        assert_eq!(set(&theirs, "GOGC"), None);
        assert_eq!(set(&theirs, "GOMEMLIMIT"), None);
    }

    #[test]
    fn commands_are_found_on_the_snapshots_path_only() {
        let dir = tempfile::tempdir().unwrap();
        let go = dir.path().join("go");
        std::fs::write(&go, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        let on = |path: Option<&Path>| Env {
            path: path.map(|p| p.as_os_str().to_owned()),
            ..Env::default()
        };
        let cancel = Cancel::detached();
        let t = Duration::from_secs(1);
        let found = Go::locate(None, t, &on(Some(dir.path())), cancel).unwrap();
        assert_eq!(found.path, go);
        let e = Go::locate(None, t, &on(None), cancel)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no `go` is in PATH (empty)"), "{e}");
        let elsewhere = on(Some(Path::new("/nonexistent-qcompat")));
        let e = Go::locate(None, t, &elsewhere, cancel)
            .unwrap_err()
            .to_string();
        assert!(e.contains("(/nonexistent-qcompat)"), "{e}");
        assert_eq!(resolve(&go, &Env::default()), Some(go.clone()));
    }

    #[test]
    fn a_refused_build_cache_is_told_from_other_failures() {
        let failed = |stderr: &str| GoError::Failed {
            command: "go env".into(),
            status: "exit status: 1".into(),
            stderr: stderr.into(),
        };
        let gocache = "go: GOCACHE is not an absolute path\nbuild cache is required, but could not be located";
        assert!(failed(gocache).no_build_cache());
        assert!(!failed("go: cannot find GOROOT directory").no_build_cache());
        let late = GoError::Deadline {
            command: "go env".into(),
            secs: 1,
            stderr: gocache.into(),
        };
        assert!(!late.no_build_cache());
        assert!(late
            .to_string()
            .contains("did not finish within 1s (raise --timeout)"));
        // Through anyhow's context, as doctor receives it.
        let e = anyhow::Error::from(failed(gocache)).context("cannot run go");
        assert!(e
            .downcast_ref::<GoError>()
            .is_some_and(GoError::no_build_cache));
    }
}
