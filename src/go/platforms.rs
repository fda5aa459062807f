//! A toolchain's GOOS/GOARCH pairs (`go tool dist list`), the ports that
//! need cgo to link, and where Go <= 1.19 ships a precompiled std.

use super::discover::Toolchain;
use super::gocmd::Go;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One GOOS/GOARCH pair from `go tool dist list -json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    #[serde(rename(deserialize = "GOOS"))]
    pub goos: String,
    #[serde(rename(deserialize = "GOARCH"))]
    pub goarch: String,
    #[serde(rename(deserialize = "CgoSupported"), default)]
    pub cgo_supported: bool,
    #[serde(rename(deserialize = "FirstClass"), default)]
    pub first_class: bool,
    #[serde(
        rename(deserialize = "Broken"),
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub broken: bool,
}

impl Platform {
    pub fn name(&self) -> String {
        self.target().name()
    }

    /// The GOOS/GOARCH pair alone.
    pub fn target(&self) -> Target<'_> {
        Target {
            goos: &self.goos,
            goarch: &self.goarch,
        }
    }
}

/// A GOOS/GOARCH pair, borrowed, for code that decides on the pair alone:
/// how to run a binary, which C compiler, how to read a failed build,
/// which evidence applies. It is what travels where a full [`Platform`]
/// (first class, broken, cgo) is not known: the host of a live check
/// (`go env` names it, `go tool dist list` is not run), a report's cell,
/// the evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    pub goos: &'a str,
    pub goarch: &'a str,
}

impl Target<'_> {
    pub fn name(&self) -> String {
        format!("{}/{}", self.goos, self.goarch)
    }
}

/// Runs `go tool dist list -json` (see [`platforms_with_broken`] for the
/// ports a toolchain marks broken).
pub fn platforms(go: &Go) -> Result<Vec<Platform>> {
    let out = go.output(["tool", "dist", "list", "-json"])?;
    let list: Vec<Platform> = serde_json::from_str(&out)
        .with_context(|| format!("cannot read `{} tool dist list -json`", go.path.display()))?;
    Ok(list)
}

/// [`platforms`], from qcompat's cache when this toolchain listed them
/// before. The list is compiled into `dist`, so the key is the toolchain's
/// GOROOT and version and the identity of its `go` and `dist` binaries
/// ([`Key::stat`](crate::support::cache::Key::stat)): a toolchain rebuilt or
/// replaced in place lists afresh. A cache that cannot be written is no error.
pub fn platforms_cached(go: &Go, tc: &Toolchain) -> Result<Vec<Platform>> {
    use crate::support::cache::{Area, Key};
    let tooldir = Path::new(&tc.env.gotooldir);
    let mut key = Key::new("dist-list");
    key.str("goroot", &tc.env.goroot)
        .str("version", &tc.version.raw)
        .stat("go", &go.path)
        .stat("dist", &tooldir.join("dist"));
    // No cache (no HOME, say) is no error: list without it.
    let Ok(facts) = Area::Facts.dir(&go.env) else {
        return platforms(go);
    };
    let entry = facts.join(format!("{}.json", key.hex()));
    if let Some(list) = std::fs::read_to_string(&entry)
        .ok()
        .and_then(|t| serde_json::from_str::<Vec<Cached>>(&t).ok())
    {
        return Ok(list.into_iter().map(Platform::from).collect());
    }
    let list = platforms(go)?;
    let cached: Vec<Cached> = list.iter().cloned().map(Cached::from).collect();
    if std::fs::create_dir_all(&facts).is_ok() {
        if let Ok(text) = serde_json::to_string(&cached) {
            let _ = crate::support::fs::write_atomic(&entry, &text);
        }
    }
    Ok(list)
}

/// A platform as the cache stores it (the `Platform` fields read dist's
/// names and write qcompat's).
#[derive(Serialize, Deserialize)]
struct Cached {
    goos: String,
    goarch: String,
    cgo_supported: bool,
    first_class: bool,
    broken: bool,
}

impl From<Platform> for Cached {
    fn from(p: Platform) -> Cached {
        Cached {
            goos: p.goos,
            goarch: p.goarch,
            cgo_supported: p.cgo_supported,
            first_class: p.first_class,
            broken: p.broken,
        }
    }
}

impl From<Cached> for Platform {
    fn from(c: Cached) -> Platform {
        Platform {
            goos: c.goos,
            goarch: c.goarch,
            cgo_supported: c.cgo_supported,
            first_class: c.first_class,
            broken: c.broken,
        }
    }
}

/// The one pair a gccgo toolchain builds for (its go command has no `dist`).
pub fn host_only(tc: &Toolchain) -> Vec<Platform> {
    vec![Platform {
        goos: tc.env.goos.clone(),
        goarch: tc.env.goarch.clone(),
        cgo_supported: true,
        first_class: false,
        broken: false,
    }]
}

/// Like [`platforms`], with ports the toolchain hides as broken marked `broken`.
pub fn platforms_with_broken(go: &Go) -> Result<Vec<Platform>> {
    let mut cmd = go.command(["tool", "dist", "list", "-json", "-broken"]);
    cmd.env("GOFLAGS", "");
    match go.run_ok(cmd) {
        Ok(c) => Ok(serde_json::from_str(&c.stdout)
            .context("cannot read `go tool dist list -json -broken`")?),
        // Before Go 1.21 there is no -broken flag and no port is hidden.
        Err(_) => platforms(go),
    }
}

/// Whether `goroot` ships a precompiled runtime for `target` (Go 1.19
/// and older install std in `$GOROOT/pkg/<goos>_<goarch>`).
pub fn precompiled_std(goroot: &Path, target: Target) -> bool {
    goroot
        .join("pkg")
        .join(format!("{}_{}", target.goos, target.goarch))
        .join("runtime.a")
        .is_file()
}

/// Pairs that cannot link without cgo (go-facts: `requires external (cgo) linking`).
pub fn needs_cgo(target: Target) -> bool {
    let Target { goos, goarch } = target;
    goos == "ios" || (goos == "android" && matches!(goarch, "386" | "amd64" | "arm"))
}

/// Why a cgo-only port is not linked, after "needs" or "requires".
pub const CGO_ONLY_WHY: &str = "external (cgo) linking; qcompat builds with CGO_ENABLED=0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgo_only_pairs() {
        assert!(needs_cgo(Target {
            goos: "android",
            goarch: "386"
        }));
        assert!(needs_cgo(Target {
            goos: "ios",
            goarch: "arm64"
        }));
        assert!(!needs_cgo(Target {
            goos: "android",
            goarch: "arm64"
        }));
        assert!(!needs_cgo(Target {
            goos: "linux",
            goarch: "amd64"
        }));
    }
}
