//! The user's own program (`--program DIR[:PKG]`), checked beside the probe.
//!
//! The probe imports only the runtime, so it cannot show what an injector
//! does to the user's packages: one that type-checks them (reads export data,
//! as q does) can crash on them, and a program whose module needs a newer Go
//! cannot be built at all. What the program uses also decides whether it has
//! a fallback: fallback-go's `goid` builds without the injector
//! (`-tags=qcompat_stack`, or its default build), a direct pull of
//! `runtime.GoroutineID` does not.

use crate::go::discover::Toolchain;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// fallback-go's goroutine-ID package.
pub const GOID_PACKAGE: &str = "github.com/qcompat/qcompat/fallback-go/goid";

/// A program to build: its module folder and package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub dir: PathBuf,
    pub package: String,
}

impl Program {
    /// `DIR` or `DIR:PKG` (PKG relative to DIR, default `.`).
    pub fn parse(arg: &str) -> Result<Program> {
        let (dir, package) = match arg.rsplit_once(':') {
            Some((d, p)) if !d.is_empty() && !p.is_empty() => (d, p),
            _ => (arg, "."),
        };
        let d = PathBuf::from(dir);
        let dir = d.canonicalize().with_context(|| {
            format!(
                "--program {arg}: {} is not a folder here (give DIR or DIR:PKG)",
                d.display()
            )
        })?;
        if !dir.join("go.mod").is_file() {
            bail!(
                "--program {arg}: {} has no go.mod: name the program's module folder (DIR or DIR:PKG, e.g. .:./cmd/app)",
                dir.display()
            );
        }
        Ok(Program {
            dir,
            package: package.to_string(),
        })
    }
}

/// Why the program cannot be built by this toolchain, before any injector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Blocked {
    /// The module's `go` line needs a newer Go than this toolchain.
    GoTooOld { requires: String, message: String },
    /// The go command cannot load it (missing package, syntax error, ...).
    Load { message: String },
}

/// What the program's sources show, without building it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramFacts {
    pub dir: String,
    pub package: String,
    /// It imports fallback-go's `goid`.
    pub uses_goid: bool,
    /// A package of its own (not fallback-go's `qcompat_injected` file, which
    /// its tags leave out) pulls `runtime.GoroutineID` with //go:linkname.
    pub pulls_accessor: bool,
    /// It builds without the injector: it uses `goid` and pulls nothing
    /// itself, so `-tags=qcompat_stack` (or goid's default build) works.
    pub fallback: bool,
    /// This toolchain cannot load it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Blocked>,
}

/// Reads the program's package graph with `tc` (`go list -deps`).
pub fn facts(tc: &Toolchain, p: &Program) -> ProgramFacts {
    let mut f = ProgramFacts {
        dir: p.dir.display().to_string(),
        package: p.package.clone(),
        uses_goid: false,
        pulls_accessor: false,
        fallback: false,
        blocked: None,
    };
    let mut cmd = tc.go.command([
        "list",
        "-deps",
        "-f",
        "{{if not .Standard}}{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \" \"}}{{end}}",
    ]);
    cmd.arg(&p.package)
        .current_dir(&p.dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod");
    let out = match tc.go.run(cmd) {
        Ok(o) => o,
        Err(e) => {
            f.blocked = Some(Blocked::Load {
                message: format!("{e:#}"),
            });
            return f;
        }
    };
    if !out.success() {
        f.blocked = Some(match go_too_old(&p.dir, &tc.version) {
            Some(b) => b.blocked(&out.stderr),
            None => blocked(&out.stderr),
        });
        return f;
    }
    for line in out.stdout.lines() {
        let mut parts = line.split('\t');
        let (Some(path), Some(dir), Some(files)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if path == GOID_PACKAGE {
            f.uses_goid = true;
            // goid's own pull is behind the qcompat_injected tag, which
            // `go list` without tags leaves out.
            continue;
        }
        if files
            .split(' ')
            .filter(|n| !n.is_empty())
            .any(|n| pulls_accessor(&Path::new(dir).join(n)))
        {
            f.pulls_accessor = true;
        }
    }
    f.fallback = f.uses_goid && !f.pulls_accessor;
    f
}

/// Whether a Go file pulls `runtime.GoroutineID` (`//go:linkname x runtime.GoroutineID`).
fn pulls_accessor(file: &Path) -> bool {
    std::fs::read_to_string(file).is_ok_and(|t| {
        t.lines().any(|l| {
            let mut w = l.split_whitespace();
            w.next() == Some("//go:linkname")
                && w.nth(1)
                    .is_some_and(|target| target == "runtime.GoroutineID")
        })
    })
}

/// A module whose `go` line names a newer Go than the toolchain, where the
/// go command does not check it (before Go 1.21): it then fails on what it
/// lacks (`package slices is not in GOROOT`), not with go 1.21+'s refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoLineTooNew {
    /// The module's `go` line (`1.26`).
    pub requires: String,
    /// The toolchain (`go1.19.8`).
    pub go: String,
}

impl GoLineTooNew {
    /// The sentence a skipped cell or a blocked program carries.
    pub fn explain(&self, failure: &str) -> String {
        let first = failure
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        format!(
            "go.mod requires go >= {} and {} predates the go command's check of it (Go 1.21), so it fails on what it lacks: {first}",
            self.requires, self.go
        )
    }

    fn blocked(&self, stderr: &str) -> Blocked {
        Blocked::GoTooOld {
            requires: self.requires.clone(),
            message: self.explain(stderr),
        }
    }
}

/// The module in `dir` needs a newer Go than `v` and `v` does not say so
/// itself (Go 1.20 and older). None when the go line fits, or is missing.
pub fn go_too_old(dir: &Path, v: &crate::go::version::GoVersion) -> Option<GoLineTooNew> {
    if v.at_least(1, 21) {
        return None;
    }
    let text = std::fs::read_to_string(dir.join("go.mod")).ok()?;
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("go "))?
        .trim();
    let mut parts = line.split('.');
    let major: u64 = parts.next()?.parse().ok()?;
    let minor: u64 = parts
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    (!v.at_least(major, minor)).then(|| GoLineTooNew {
        requires: format!("{major}.{minor}"),
        go: v.go_name(),
    })
}

/// Reads the go command's refusal to load a program.
fn blocked(stderr: &str) -> Blocked {
    let message = crate::support::process::excerpt(stderr, 600);
    // go: go.mod requires go >= 1.26 (running go 1.25.5; GOTOOLCHAIN=local)
    let requires = stderr.lines().find_map(|l| {
        let rest = l.split("requires go >= ").nth(1)?;
        Some(rest.split([' ', ')']).next()?.to_string())
    });
    match requires {
        Some(requires) => Blocked::GoTooOld { requires, message },
        None => Blocked::Load { message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_refusals() {
        let b = blocked("go: go.mod requires go >= 1.26 (running go 1.25.5; GOTOOLCHAIN=local)\n");
        assert!(
            matches!(&b, Blocked::GoTooOld { requires, .. } if requires == "1.26"),
            "{b:?}"
        );
        let b = blocked("main.go:3:1: syntax error\n");
        assert!(matches!(b, Blocked::Load { .. }));
    }

    #[test]
    fn parses_program_args() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("go.mod"), "module m\n").unwrap();
        let arg = format!("{}:./cmd/app", d.path().display());
        let p = Program::parse(&arg).unwrap();
        assert_eq!(p.package, "./cmd/app");
        assert_eq!(
            Program::parse(d.path().to_str().unwrap()).unwrap().package,
            "."
        );
        let e = Program::parse("/nonexistent/x").unwrap_err();
        assert!(format!("{e:#}").contains("/nonexistent/x"));
        let sub = d.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let e = Program::parse(sub.to_str().unwrap()).unwrap_err();
        assert!(format!("{e:#}").contains("no go.mod"));
    }
}
