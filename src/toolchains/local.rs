//! Toolchains already on this machine: the go on PATH, `~/sdk/go*`,
//! `/usr/lib/go-*`, `/usr/local/go*`, the go command's downloads in
//! GOMODCACHE, and qcompat's cache.

use super::index::{self};
use super::{cache_root, Installed};
use crate::go::version::{self};
use std::path::{Path, PathBuf};

/// The version a GOROOT holds, from its VERSION file.
pub(super) fn goroot_version(goroot: &Path) -> Option<String> {
    version::goroot_version_line(goroot)
}

/// Whether `goroot` is a whole toolchain for this host: `VERSION` names a
/// release (`want`, when given), with `bin/go`, `src/runtime` and the host's
/// `pkg/tool/<os>_<arch>/compile`. Err says what is wrong.
pub(super) fn is_toolchain(goroot: &Path, want: Option<&str>) -> Result<(), String> {
    let got = goroot_version(goroot);
    match (want, got.as_deref()) {
        (_, None) => return Err("VERSION names no Go release".into()),
        (Some(w), Some(g)) if w != g => return Err(format!("VERSION says {g}, not {w}")),
        _ => {}
    }
    let tool = format!(
        "pkg/tool/{}_{}/compile",
        index::host_os(),
        index::host_goarch()
    );
    let missing: Vec<&str> = [
        ("bin/go", true),
        ("src/runtime", false),
        (tool.as_str(), true),
    ]
    .into_iter()
    .filter(|(p, file)| {
        let m = std::fs::metadata(goroot.join(p));
        !m.is_ok_and(|m| if *file { m.is_file() } else { m.is_dir() })
    })
    .map(|(p, _)| p)
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("no {}", missing.join(", no ")))
    }
}

fn push(out: &mut Vec<Installed>, goroot: PathBuf, source: &str) {
    let goroot = goroot.canonicalize().unwrap_or(goroot);
    if !goroot.join("bin/go").is_file() || out.iter().any(|i| i.goroot == goroot) {
        return;
    }
    if let Some(v) = goroot_version(&goroot) {
        out.push(Installed {
            version: v,
            goroot,
            source: source.to_string(),
        });
    }
}

fn glob_dirs(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every toolchain this machine already has (`env` says where the user's
/// home and module cache are).
pub fn list_local(env: &crate::support::env::Env) -> Vec<Installed> {
    let mut out = Vec::new();
    if let Some(go) = crate::go::gocmd::resolve(Path::new("go"), env) {
        let real = go.canonicalize().unwrap_or(go);
        if let Some(root) = real.parent().and_then(Path::parent) {
            push(&mut out, root.to_path_buf(), "path");
        }
    }
    if let Some(h) = &env.home {
        for d in glob_dirs(&h.join("sdk"), "go") {
            push(&mut out, d, "sdk");
        }
    }
    for d in glob_dirs(Path::new("/usr/lib"), "go-") {
        push(&mut out, d, "system");
    }
    for d in glob_dirs(Path::new("/usr/local"), "go") {
        push(&mut out, d, "system");
    }
    if let Some(m) = env.modcache() {
        let suffix = format!(".{}-{}", index::host_os(), index::host_arch());
        for d in glob_dirs(&m.join("golang.org"), "toolchain@v0.0.1-go") {
            if d.to_string_lossy().ends_with(&suffix) {
                push(&mut out, d, "gotoolchain");
            }
        }
    }
    // Only whole toolchains: not a folder a killed install or prune left.
    if let Ok(root) = cache_root(env) {
        for d in glob_dirs(&root, "go") {
            if is_toolchain(&d, None).is_ok() {
                push(&mut out, d, "cache");
            }
        }
    }
    out
}
