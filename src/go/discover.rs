//! Reading a toolchain's facts: `go env -json`, its version (for gccgo, from
//! its release tags and banner), and what GOTOOLCHAIN would switch to.

use crate::go::gocmd::Go;
use crate::go::version::{self, GoVersion};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The `go env -json` keys qcompat reads. Older toolchains lack some.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub struct GoEnv {
    pub goversion: Option<String>,
    pub goroot: String,
    #[serde(default)]
    pub gotooldir: String,
    pub goos: String,
    pub goarch: String,
    #[serde(default)]
    pub gohostos: String,
    #[serde(default)]
    pub gohostarch: String,
    #[serde(default)]
    pub gocache: String,
    #[serde(default)]
    pub goflags: String,
    pub gotoolchain: Option<String>,
    #[serde(default)]
    pub goenv: String,
    /// The gccgo compiler the go command would use (a real path for a
    /// gccgo toolchain, the default `gccgo` for gc).
    #[serde(default)]
    pub gccgo: String,
}

/// The `go env` variables qcompat reads.
const ENV_VARS: &[&str] = &[
    "GOVERSION",
    "GOROOT",
    "GOTOOLDIR",
    "GOOS",
    "GOARCH",
    "GOHOSTOS",
    "GOHOSTARCH",
    "GOCACHE",
    "GOFLAGS",
    "GOTOOLCHAIN",
    "GOENV",
    "GCCGO",
];

/// What one go command says about itself.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub go: Go,
    pub env: GoEnv,
    pub version: GoVersion,
    /// The GOTOOLCHAIN the user's own go commands would use, and where it came from.
    pub user_gotoolchain: String,
    /// Set when the user's setting would run another toolchain from the current directory.
    pub toolchain_switch: Option<String>,
}

impl Toolchain {
    /// Adds what makes a toolchain itself to a cache key: GOROOT, version
    /// and the bytes of its compiler (a GOROOT rebuilt in place is another
    /// toolchain).
    pub fn key_into<'k>(
        &self,
        key: &'k mut crate::support::cache::Key,
    ) -> &'k mut crate::support::cache::Key {
        key.str("goroot", &self.env.goroot)
            .str("version", &self.version.raw)
            .file("compile", &Path::new(&self.env.gotooldir).join("compile"))
    }

    pub fn goroot(&self) -> &Path {
        Path::new(&self.env.goroot)
    }

    /// The GOOS/GOARCH the user's builds target, as `go env` names them.
    pub fn target(&self) -> crate::go::platforms::Target<'_> {
        crate::go::platforms::Target {
            goos: &self.env.goos,
            goarch: &self.env.goarch,
        }
    }

    /// The host's GOOS/GOARCH, as `go env` names them.
    pub fn host(&self) -> crate::go::platforms::Target<'_> {
        crate::go::platforms::Target {
            goos: &self.env.gohostos,
            goarch: &self.env.gohostarch,
        }
    }
}

/// Runs `go env -json` and parses the version it reports.
pub fn discover(go: &Go) -> Result<Toolchain> {
    // Naming the variables lets the go command skip the costly ones (cgo
    // flags), which makes this cheaper than a bare `go env -json`.
    let mut args = vec!["env", "-json"];
    args.extend_from_slice(ENV_VARS);
    let out = go.output(args)?;
    let env: GoEnv = serde_json::from_str(&out).with_context(|| {
        format!(
            "cannot read the output of `{} env -json`",
            go.path.display()
        )
    })?;
    let raw = match &env.goversion {
        Some(v) if !v.trim().is_empty() => v.clone(),
        // Before Go 1.16 there is no GOVERSION.
        _ => go.output(["version"])?,
    };
    let version = match version::parse(&raw) {
        Ok(v) => v,
        // gccgo's go command (Debian's gccgo-go) says `unknown`.
        Err(_) if is_gccgo(&env, &raw) => gccgo_version(go, &env)?,
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "{} reports a version qcompat cannot read",
                    go.path.display()
                )
            })
        }
    };
    let user_gotoolchain = user_gotoolchain(&env, go.env.gotoolchain.as_deref());
    let toolchain_switch = switch_note(&version, &user_gotoolchain, &std::env::current_dir()?);
    Ok(Toolchain {
        go: go.clone(),
        env,
        version,
        user_gotoolchain,
        toolchain_switch,
    })
}

/// A gccgo toolchain: its tool directory is GCC's, or it reports no version.
fn is_gccgo(env: &GoEnv, raw: &str) -> bool {
    env.gotooldir.contains("/gcc/") || (raw.trim() == "unknown" && env.gccgo.starts_with('/'))
}

/// gccgo's version: the language version is the newest release tag the go
/// command accepts (`go1.18` for GCC 12), the compiler's from its banner.
fn gccgo_version(go: &Go, env: &GoEnv) -> Result<version::GoVersion> {
    let tags = go.output(["list", "-f", "{{context.ReleaseTags}}", "runtime"])?;
    let lang = tags
        .trim()
        .trim_matches(['[', ']'])
        .split_whitespace()
        .filter_map(|t| version::parse(t).ok())
        .max_by(|a, b| a.version.cmp(&b.version))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{} looks like gccgo but lists no release tags ({})",
                go.path.display(),
                tags.trim()
            )
        })?;
    let mut cmd = std::process::Command::new(&env.gccgo);
    cmd.arg("--version");
    let banner = go
        .run(cmd)
        .ok()
        .map(|o| o.stdout.lines().next().unwrap_or("").to_string())
        .unwrap_or_default();
    // `x86_64-linux-gnu-gccgo-12 (Debian 12.2.0-14+deb12u1) 12.2.0`
    let gcc = banner
        .split_whitespace()
        .last()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .unwrap_or("unknown");
    let text = format!("{} gccgo (GCC) {gcc}", lang.go_name());
    Ok(version::parse(&text)?)
}

/// The user's GOTOOLCHAIN: the environment's (`from_env`, not empty), else
/// their go env file, else the toolchain's own `$GOROOT/go.env`, else `auto`
/// (Go 1.21+) or `local`.
fn user_gotoolchain(env: &GoEnv, from_env: Option<&str>) -> String {
    if let Some(v) = from_env {
        return v.to_string();
    }
    let from_file = |p: &Path| -> Option<String> {
        let text = std::fs::read_to_string(p).ok()?;
        text.lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("GOTOOLCHAIN="))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if !env.goenv.is_empty() {
        if let Some(v) = from_file(Path::new(&env.goenv)) {
            return v;
        }
    }
    if let Some(v) = from_file(&Path::new(&env.goroot).join("go.env")) {
        return v;
    }
    if env.gotoolchain.is_some() {
        "auto".into()
    } else {
        "local".into()
    }
}

/// Explains when the user's GOTOOLCHAIN would run something other than this
/// toolchain for builds started in `dir`.
pub fn switch_note(local: &GoVersion, setting: &str, dir: &Path) -> Option<String> {
    if !local.at_least(1, 21) {
        return None; // GOTOOLCHAIN did not exist yet.
    }
    let (base, auto) = match setting.split_once('+') {
        Some((b, m)) => (b, m == "auto"),
        None if setting == "auto" => ("local", true),
        None => (setting, false),
    };
    if base != "local" {
        if let Ok(v) = version::parse(base) {
            if v.version != local.version {
                return Some(format!(
                    "GOTOOLCHAIN={setting} makes the go command run {} instead of this {}; your builds would use that Go, while this check ran {}",
                    base, local.raw, local.raw
                ));
            }
        }
    }
    if !auto {
        return None;
    }
    let (file, need) = required_go(dir)?;
    let want = version::parse(&format!("go{need}")).ok()?;
    (want.version > local.version).then(|| {
        format!(
            "{} asks for go {need}: with GOTOOLCHAIN={setting} the go command switches from {} to go{need} in this directory, so your builds there use go{need}, not the Go checked here",
            file.display(),
            local.go_name()
        )
    })
}

/// The newest of the `go` and `toolchain` lines of the nearest go.work or go.mod.
fn required_go(dir: &Path) -> Option<(PathBuf, String)> {
    for d in dir.ancestors() {
        for name in ["go.work", "go.mod"] {
            let p = d.join(name);
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let mut best: Option<(semver::Version, String)> = None;
            for line in text.lines() {
                let line = line.trim();
                let v = if let Some(v) = line.strip_prefix("go ") {
                    v.trim().to_string()
                } else if let Some(v) = line.strip_prefix("toolchain ") {
                    v.trim().trim_start_matches("go").to_string()
                } else {
                    continue;
                };
                if let Ok(parsed) = version::parse(&format!("go{v}")) {
                    if best.as_ref().is_none_or(|(b, _)| parsed.version > *b) {
                        best = Some((parsed.version, v));
                    }
                }
            }
            return best.map(|(_, v)| (p, v));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_notes() {
        let local = version::parse("go1.26.8").unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert!(switch_note(&local, "auto", dir.path()).is_none());
        std::fs::write(dir.path().join("go.mod"), "module x\n\ngo 1.27.3\n").unwrap();
        let note = switch_note(&local, "auto", dir.path()).unwrap();
        assert!(note.contains("go1.27.3"), "{note}");
        assert!(switch_note(&local, "local", dir.path()).is_none());
        assert!(switch_note(&local, "go1.27.3", Path::new("/")).is_some());
        assert!(switch_note(&local, "go1.26.8", Path::new("/")).is_none());
        let old = version::parse("go1.19.8").unwrap();
        assert!(switch_note(&old, "auto", dir.path()).is_none());
    }
}
