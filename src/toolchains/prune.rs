//! Removing cached toolchains, leftovers of interrupted installs, and the
//! matrix's kept binaries and private GOCACHEs.

use super::cache_root;
use anyhow::{Context, Result};
use std::path::PathBuf;

/// Removes qcompat's cached toolchains (except `keep`), leftovers of
/// interrupted installs, and the matrix's kept binaries and private GOCACHEs
/// (rebuilt on the next run). Returns what it removed.
pub fn prune(keep: &[String], dry_run: bool) -> Result<Vec<PathBuf>> {
    let mut doomed = Vec::new();
    // Installs hold `.goX.Y.Z.lock`: what belongs to one under way (its
    // staging folder, the toolchain it is writing) is left alone.
    let mut held = Vec::new();
    let root = cache_root();
    if let Ok(rd) = std::fs::read_dir(&root) {
        for e in rd.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let leftover = name.starts_with('.') && !name.ends_with(".lock");
            // A lock file no install holds, of a version not installed (a
            // failed or refused install left it).
            if let Some(v) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".lock")) {
                let idle = std::fs::OpenOptions::new()
                    .write(true)
                    .open(e.path())
                    .is_ok_and(|f| f.try_lock().is_ok());
                if idle && !root.join(v).exists() {
                    doomed.push(e.path());
                }
                continue;
            }
            let toolchain = name.starts_with("go")
                && !keep.iter().any(|k| k == &name || format!("go{k}") == name);
            if !(leftover || toolchain) {
                continue;
            }
            // `go1.22.5` or `.go1.22.5-abc123` (staging).
            let version = name
                .trim_start_matches('.')
                .split('-')
                .next()
                .unwrap_or("")
                .to_string();
            let lock_path = root.join(format!(".{version}.lock"));
            if lock_path.exists() {
                let lock = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&lock_path)
                    .with_context(|| format!("cannot open {}", lock_path.display()))?;
                match lock.try_lock() {
                    Ok(()) => held.push(lock),
                    Err(std::fs::TryLockError::WouldBlock) => {
                        crate::errln!(
                            "qcompat: {} is being installed by another qcompat; left alone",
                            version
                        );
                        continue;
                    }
                    Err(std::fs::TryLockError::Error(e)) => {
                        return Err(e)
                            .with_context(|| format!("cannot lock {}", lock_path.display()))
                    }
                }
            }
            doomed.push(e.path());
        }
    }
    for area in crate::support::cache::Area::DERIVED {
        let p = area.dir();
        if p.exists() {
            doomed.push(p);
        }
    }
    doomed.sort();
    if !dry_run {
        for p in &doomed {
            if p.is_dir() {
                std::fs::remove_dir_all(p)
            } else {
                std::fs::remove_file(p)
            }
            .with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    drop(held);
    Ok(doomed)
}
