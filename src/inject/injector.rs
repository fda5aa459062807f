//! The injector under test: the `-toolexec` command a user builds with.
//!
//! Verdicts must hold for the injector the user runs (q's, garble's, one of
//! their own), not only for qcompat's. This module resolves that command to
//! an executable, gives it a content identity (so a binary replaced in place
//! is a different injector), and reads what can be known without a build:
//! which Go built it.

use crate::support::cache::{file_sha256, Key};
use crate::support::env::Env;
use crate::support::shell::split_words;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where the injector under test came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// `--toolexec` on the command line (or a spec's `toolexec:`).
    Flag,
    /// `-toolexec=` in the user's GOFLAGS.
    Goflags,
    /// qcompat's own injector, used when nothing else is named.
    Builtin,
}

#[derive(Debug, Clone)]
pub struct Injector {
    /// The `-toolexec` value, as the go command will be given it.
    pub command: String,
    /// The executable it starts (symlinks resolved).
    pub exe: PathBuf,
    /// qcompat's own injector (this binary, under any of its names).
    pub builtin: bool,
    pub source: Source,
    /// Content identity: see [`Injector::id`].
    pub id: Identity,
    /// What the binary's Go build info says (None: not read yet, a script,
    /// or not a Go binary).
    pub build: Option<crate::inject::buildinfo::GoBuild>,
}

/// The identity name of qcompat's own injector.
pub const BUILTIN_NAME: &str = "builtin";

/// Who an injector is, for reports, pins and cache keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `builtin`, or the executable's file name (`q`, `garble`).
    pub name: String,
    /// For qcompat's own: `builtin-<salt>` (the salt hashes qcompat's version,
    /// the injected file and the injector's sources). Otherwise the sha256 of the executable, and
    /// for a script, of the files it names by absolute path.
    pub sha256: String,
    /// For an injector built from a Go package per toolchain: the package,
    /// its module and (when its folder is a git checkout) the commit. The
    /// sha256 is then a hash of its sources, the same for every toolchain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The module's version when the binary says it was built from one
    /// (`go install example.com/q/cmd/q@v1.4.0`); never `(devel)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Identity {
    /// qcompat's own injector.
    pub fn builtin() -> Identity {
        Identity {
            name: BUILTIN_NAME.into(),
            sha256: format!("{BUILTIN_NAME}-{}", crate::inject::companion::salt()),
            ..Identity::default()
        }
    }

    /// Evidence from qcompat's own injector applies to any qcompat build (the
    /// pins ship inside the binary). Another injector's applies to the same
    /// bytes (or sources), or to a build of the same module at the same clean
    /// commit or released version: that is the same program, built again.
    pub fn same_injector(&self, other: &Identity) -> bool {
        if self.is_builtin() || other.is_builtin() {
            return self.is_builtin() == other.is_builtin();
        }
        if self.sha256 == other.sha256 {
            return true;
        }
        let same_module = self.module.is_some() && self.module == other.module;
        let clean = |c: &Option<String>| c.clone().filter(|c| !c.ends_with("+dirty"));
        let same_commit =
            clean(&self.commit).is_some() && clean(&self.commit) == clean(&other.commit);
        // Go 1.24+ stamps a pseudo-version from VCS, `+dirty` when modified.
        let same_version =
            clean(&self.version).is_some() && clean(&self.version) == clean(&other.version);
        same_module && (same_commit || same_version)
    }

    /// qcompat's own injector (its identity is named, not hashed).
    pub fn is_builtin(&self) -> bool {
        self.name == BUILTIN_NAME
    }

    /// What kind of hash `sha256` holds, for labels: a binary's, or the
    /// sources' of an injector built per toolchain.
    pub fn hash_label(&self) -> &'static str {
        if self.sha256.starts_with("src-") {
            "sources"
        } else {
            "sha256"
        }
    }

    /// Fills in what the binary's Go build info says (module, version, VCS
    /// revision) where the identity does not know it yet.
    pub fn add_build_info(&mut self, b: &crate::inject::buildinfo::GoBuild) {
        if self.module.is_none() {
            self.module = b.module.clone();
        }
        if self.commit.is_none() {
            self.commit = b.commit();
        }
        if self.version.is_none() {
            self.version = b.version.clone();
        }
    }
}

impl Injector {
    /// qcompat's own injector (its link, when one is needed, in `env`'s
    /// cache).
    pub fn builtin(env: &Env) -> Result<Injector> {
        let exe = std::env::current_exe().context("cannot find qcompat's own path")?;
        Ok(Injector {
            command: crate::inject::command::self_toolexec(env)?,
            exe,
            builtin: true,
            source: Source::Builtin,
            id: Identity::builtin(),
            build: None,
        })
    }

    /// The injector a `-toolexec` value names. The first word is looked up in
    /// `env`'s PATH as the go command would; the command must exist now.
    pub fn from_command(command: &str, source: Source, env: &Env) -> Result<Injector> {
        let words = split_words(command);
        let Some(first) = words.first() else {
            bail!("the toolexec command is empty: name an injector, e.g. --toolexec q");
        };
        let exe = find_executable(first, env).with_context(|| {
            format!(
                "toolexec {}: {} is not an executable file (nor found in PATH)",
                crate::support::output::shown(command),
                crate::support::output::shown(first)
            )
        })?;
        let exe = exe.canonicalize().unwrap_or(exe);
        // A relative path would name another file once the go command runs
        // the injector from a package's folder: make it absolute.
        let command = if first.contains('/') && !first.starts_with('/') {
            std::iter::once(exe.to_string_lossy().into_owned())
                .chain(words[1..].iter().cloned())
                .map(|w| crate::support::shell::go_word(&w).unwrap_or(w))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            command.to_string()
        };
        let command = command.as_str();
        let me = std::env::current_exe()
            .ok()
            .and_then(|p| p.canonicalize().ok());
        if me.as_deref() == Some(exe.as_path()) {
            let mut b = Injector::builtin(env)?;
            b.command = command.to_string();
            b.source = source;
            return Ok(b);
        }
        let name = exe
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| first.clone());
        let mut key = Key::new("injector");
        key.file("exe", &exe);
        for w in &words[1..] {
            key.str("arg", w);
        }
        for dep in script_dependencies(&exe) {
            key.file(&dep.display().to_string(), &dep);
        }
        Ok(Injector {
            command: command.to_string(),
            builtin: false,
            source,
            id: Identity {
                name,
                sha256: full_hex(&key, &exe),
                ..Identity::default()
            },
            exe,
            build: None,
        })
    }

    /// The injector under test: `--toolexec` when given, else the one in
    /// GOFLAGS, else qcompat's own.
    pub fn choose(flag: Option<&str>, goflags: &str, env: &Env) -> Result<Injector> {
        if let Some(c) = flag {
            return Injector::from_command(c, Source::Flag, env);
        }
        if let Some(c) = toolexec_in_goflags(goflags) {
            return Injector::from_command(&c, Source::Goflags, env).with_context(|| {
                format!(
                    "the -toolexec in GOFLAGS ({})",
                    crate::support::output::shown(goflags)
                )
            });
        }
        Injector::builtin(env)
    }

    /// A short human name: `qcompat's injector` or `"q"`.
    pub fn describe(&self) -> String {
        if self.builtin {
            "qcompat's injector".into()
        } else if let Some(p) = &self.id.package {
            // Not the cache path of qcompat's build: the user has their own.
            format!(
                "the injector {} (built from {p})",
                crate::support::output::shown(&self.id.name)
            )
        } else {
            format!(
                "the injector {}",
                crate::support::output::shown(&self.command)
            )
        }
    }

    /// How to name it in advice: the command, or for one built from a
    /// package, its name as the user installs it.
    pub fn advice_name(&self) -> String {
        match &self.id.package {
            Some(_) => self.id.name.clone(),
            None => self.command.clone(),
        }
    }

    /// Reads the binary's Go build info (`go version -m`) once, and adds
    /// its module, version and revision to the identity, so that a binary
    /// built from the commit a matrix run tested is recognised as that
    /// injector. Nothing for qcompat's own, scripts and non-Go binaries.
    pub fn read_build_info(&mut self, go: &crate::go::gocmd::Go) {
        if self.builtin || self.build.is_some() {
            return;
        }
        self.build = crate::inject::buildinfo::read(go, &self.exe);
        if let Some(b) = &self.build {
            self.id.add_build_info(b);
        }
    }

    /// The Go release that built the injector (`go version -m` on it), for
    /// injectors that are Go binaries; None for scripts and on any doubt.
    pub fn built_by(&self, go: &crate::go::gocmd::Go) -> Option<String> {
        if self.builtin {
            return None;
        }
        let b = match &self.build {
            Some(b) => b.clone(),
            None => crate::inject::buildinfo::read(go, &self.exe)?,
        };
        b.go.starts_with("go").then_some(b.go)
    }
}

/// The injector's identity as a 64-hex string (a full sha256 when it is a
/// single file, so it can be checked with `sha256sum`).
fn full_hex(key: &Key, exe: &Path) -> String {
    if script_dependencies(exe).is_empty() {
        if let Some(h) = file_sha256(exe) {
            return h;
        }
    }
    key.hex()
}

/// The `-toolexec=` value in a GOFLAGS string (the last one wins, as in the
/// go command).
pub fn toolexec_in_goflags(goflags: &str) -> Option<String> {
    split_words(goflags)
        .iter()
        .filter_map(|w| {
            w.strip_prefix("-toolexec=")
                .or_else(|| w.strip_prefix("--toolexec="))
                .map(str::to_string)
        })
        .next_back()
}

fn find_executable(word: &str, env: &Env) -> Option<PathBuf> {
    crate::go::gocmd::resolve(Path::new(word), env)
}

/// For a script (`#!`), the files it names by absolute path (its interpreter
/// aside): a wrapper's identity must change when what it wraps changes.
fn script_dependencies(exe: &Path) -> Vec<PathBuf> {
    let Ok(bytes) = std::fs::read(exe) else {
        return vec![];
    };
    if !bytes.starts_with(b"#!") || bytes.len() > 1 << 20 {
        return vec![];
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut deps: Vec<PathBuf> = text
        .lines()
        .skip(1)
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || "\"'`;|&()<>=".contains(c)))
        .filter(|w| w.starts_with('/') && w.len() > 1)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .collect();
    deps.sort();
    deps.dedup();
    deps.truncate(16);
    deps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goflags_toolexec() {
        assert_eq!(
            toolexec_in_goflags("-buildvcs=false -toolexec=/opt/q").as_deref(),
            Some("/opt/q")
        );
        assert_eq!(
            toolexec_in_goflags("'-toolexec=/a b/qcompat toolexec'").as_deref(),
            Some("/a b/qcompat toolexec")
        );
        assert_eq!(toolexec_in_goflags("-tags=x"), None);
    }

    #[test]
    fn identity_follows_content_and_wrapped_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("inner");
        std::fs::write(&inner, "v1").unwrap();
        let wrapper = dir.path().join("wrap");
        std::fs::write(
            &wrapper,
            format!("#!/bin/sh\nexec {} \"$@\"\n", inner.display()),
        )
        .unwrap();
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let c = wrapper.to_str().unwrap();
        let a = Injector::from_command(c, Source::Flag, &Env::default()).unwrap();
        assert_eq!(a.id.name, "wrap");
        assert!(!a.builtin);
        std::fs::write(&inner, "v2").unwrap();
        let b = Injector::from_command(c, Source::Flag, &Env::default()).unwrap();
        assert_ne!(a.id, b.id, "the wrapped file changed");
        assert!(!a.id.same_injector(&b.id));
        let err =
            Injector::from_command("/nonexistent/q", Source::Flag, &Env::default()).unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/q"));
        assert!(Injector::from_command("  ", Source::Flag, &Env::default()).is_err());
    }

    #[test]
    fn builtin_matches_builtin_only() {
        let id = |name: &str, sha: &str| Identity {
            name: name.into(),
            sha256: sha.into(),
            ..Identity::default()
        };
        let b = id("builtin", "builtin-1");
        let b2 = id("builtin", "builtin-2");
        let q = id("q", "builtin-1");
        assert!(b.same_injector(&b2));
        assert!(!b.same_injector(&q));
    }
}
