//! Injectors given as a Go package (`toolexec: {package: ./cmd/q, dir: ../q}`)
//! are built by each toolchain they are tested with: an injector that reads
//! export data (q type-checks code) must be at least as new as the Go it
//! wraps, so one binary cannot serve a multi-version run.
//!
//! Builds are kept in the cache keyed on the package's sources (`.go`, `.s`,
//! `go.mod`, `go.sum` ...) and the toolchain, so a rerun reuses them and a
//! changed source file rebuilds them.

use crate::go::discover::Toolchain;
use crate::inject::injector::{Identity, Injector, Source};
use crate::support::cache::{Area, Key};
use crate::support::process::Cancel;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The flags the matrix builds an injector package with: with them the
/// binary's bytes depend on its sources and the Go that builds it, not on
/// the folder it is built in nor on the work tree's VCS state, so a
/// maintainer's build of the same sources is the very binary the run tested.
pub const REPRODUCIBLE_FLAGS: &str = "-trimpath -buildvcs=false";

/// A Go package to build as the injector.
#[derive(Debug, Clone)]
pub struct PackageSpec {
    /// The module directory (absolute).
    pub dir: PathBuf,
    /// `./cmd/q`
    pub package: String,
}

impl PackageSpec {
    /// The identity every per-toolchain build shares: the package name and a
    /// hash of the sources that make it (see [`crate::inject::sources`]),
    /// with the module path and git commit when known (git stops when
    /// `cancel` is cancelled).
    pub fn identity(&self, cancel: Cancel) -> Result<Identity> {
        let files = crate::inject::sources::package_files(&self.dir, &self.package)
            .with_context(|| format!("the injector package {}", self.package))?;
        crate::inject::sources::require_go_files(&files, &self.package, &self.dir)?;
        let mut k = Key::new("injector-source");
        k.str("package", &self.package)
            .str("files", &files.len().to_string());
        for f in &files {
            k.file(f, &self.dir.join(f));
        }
        Ok(Identity {
            name: self.name(),
            sha256: format!("src-{}", k.hex()),
            package: Some(self.package.clone()),
            module: module_path(&self.dir),
            commit: git_commit(&self.dir, cancel),
            // A run at a tagged commit speaks for `go install PKG@TAG` builds,
            // which carry the version and no VCS stamp.
            version: git_tag(&self.dir, cancel),
        })
    }

    /// The binary's name: the package's last element (`q` for `./cmd/q`),
    /// or the module path's for `.`.
    fn name(&self) -> String {
        let last = |p: &str| {
            p.trim_end_matches('/')
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty() && *n != "." && *n != "..")
                .map(str::to_string)
        };
        last(&self.package)
            .or_else(|| module_path(&self.dir).and_then(|m| last(&m)))
            .unwrap_or_else(|| "injector".into())
    }
}

/// How a toolchain's injector came to be (the schema's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildStatus {
    Built,
    /// Found in the cache.
    Reused,
    Failed,
}

/// What happened to one toolchain's build of the injector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildInfo {
    pub status: BuildStatus,
    /// The Go that built it (the toolchain itself).
    pub built_by: String,
    /// The binary (absent when the build failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The binary's sha256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The go command's message when the build failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl BuildInfo {
    /// A failed build's reason on one line: the go command's first line
    /// that is not a `# package` header.
    pub fn reason(&self) -> &str {
        let message = self.message.as_deref().unwrap_or("");
        message.lines().find(|l| !l.starts_with('#')).unwrap_or("")
    }
}

/// Builds (or finds) the injector for `tc`. A failed build is not an error:
/// it is returned as `Err(BuildInfo)` for the caller to report per toolchain.
pub fn build(
    spec: &PackageSpec,
    tc: &Toolchain,
) -> Result<std::result::Result<(Injector, BuildInfo), BuildInfo>> {
    let identity = spec.identity(tc.go.cancel)?;
    let mut key = Key::new("injector-build");
    key.str("src", &identity.sha256)
        .str("package", &spec.package)
        .str("flags", REPRODUCIBLE_FLAGS);
    tc.key_into(&mut key);
    let dir = Area::Injectors.entry(&key, &tc.go.env)?;
    let bin = dir.join(spec.name());
    let built_by = tc.version.go_name();
    let mut status = BuildStatus::Reused;
    if !bin.is_file() {
        status = BuildStatus::Built;
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let tmp = dir.join(format!(".{}.{}", spec.name(), std::process::id()));
        let mut cmd = tc.go.command(["build", "-o"]);
        cmd.arg(&tmp)
            .arg(&spec.package)
            .current_dir(&spec.dir)
            // A host tool, built so that its bytes depend only on its
            // sources and this Go: a maintainer who builds it the same way
            // gets the very binary the run tests, whatever the folder and
            // the work tree's VCS state (stamping also fails outside a
            // checkout or for another owner's folder).
            .env("GOFLAGS", REPRODUCIBLE_FLAGS)
            .env_remove("GOOS")
            .env_remove("GOARCH")
            .env("GOWORK", "off");
        let out = tc.go.run(cmd)?;
        if !out.success() {
            let _ = std::fs::remove_file(&tmp);
            let message = if out.timed_out {
                format!("timed out after {}s", tc.go.timeout.as_secs())
            } else {
                crate::support::process::excerpt(&out.stderr, 800)
            };
            return Ok(Err(BuildInfo {
                status: BuildStatus::Failed,
                built_by,
                path: None,
                sha256: None,
                message: Some(message),
            }));
        }
        std::fs::rename(&tmp, &bin)
            .with_context(|| format!("cannot move the built injector to {}", bin.display()))?;
    }
    let command = bin.to_string_lossy().into_owned();
    let mut inj = Injector::from_command(&command, Source::Flag, &tc.go.env)?;
    let info = BuildInfo {
        status,
        built_by,
        path: Some(command),
        sha256: Some(inj.id.sha256.clone()),
        message: None,
    };
    // Every toolchain's build is the same injector: name it by its sources.
    inj.id = identity;
    Ok(Ok((inj, info)))
}

/// The `module` line of `dir/go.mod`.
pub fn module_path(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("go.mod")).ok()?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("module "))
        .map(|m| m.trim().trim_matches('"').to_string())
}

/// The semver tag at `HEAD` (`v1.4.0`), when the work tree is clean. Tags
/// of a module in a subfolder carry its path (`sub/v1.4.0`): not matched.
fn git_tag(dir: &Path, cancel: Cancel) -> Option<String> {
    let commit = git_commit(dir, cancel)?;
    if commit.ends_with("+dirty") {
        return None;
    }
    let out = git(dir, &["tag", "--points-at", "HEAD"], cancel)?;
    out.stdout
        .lines()
        .map(str::trim)
        .find(|t| t.starts_with('v') && semver::Version::parse(&t[1..]).is_ok())
        .map(str::to_string)
}

/// How long a `git` query may take (a huge or networked checkout).
const GIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A `git` query's output in `dir`, when it ran and succeeded in time.
fn git(dir: &Path, args: &[&str], cancel: Cancel) -> Option<crate::support::process::Captured> {
    let mut cmd = std::process::Command::new("git");
    cmd.args(args).current_dir(dir);
    crate::support::process::run(cmd, GIT_TIMEOUT, cancel)
        .ok()
        .filter(|o| o.success())
}

/// `HEAD`'s commit when `dir` is in a git checkout (with `+dirty` when the
/// work tree has changes).
fn git_commit(dir: &Path, cancel: Cancel) -> Option<String> {
    let run = |args: &[&str]| git(dir, args, cancel).map(|o| o.stdout.trim().to_string());
    let head = run(&["rev-parse", "HEAD"])?;
    let dirty = run(&["status", "--porcelain", "--", "."]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{head}+dirty") } else { head })
}

/// The injector a command line asks for: `--toolexec CMD`, or
/// `--toolexec-package PKG [--toolexec-dir DIR]` (built by the toolchain under
/// test), else the one in GOFLAGS, else qcompat's own.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub command: Option<String>,
    pub package: Option<PackageSpec>,
}

impl Request {
    pub fn choose(&self, tc: &Toolchain) -> Result<Injector> {
        let Some(p) = &self.package else {
            let mut inj = Injector::choose(self.command.as_deref(), &tc.env.goflags, &tc.go.env)?;
            inj.read_build_info(&tc.go);
            return Ok(inj);
        };
        match build(p, tc)? {
            Ok((inj, _)) => Ok(inj),
            Err(info) => anyhow::bail!(
                "the injector package {} in {} cannot be built by {}: {}",
                p.package,
                p.dir.display(),
                info.built_by,
                info.message.unwrap_or_default()
            ),
        }
    }
}
