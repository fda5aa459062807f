//! Removing cached toolchains, leftovers of interrupted installs, and the
//! matrix's kept binaries and private GOCACHEs.

use super::cache_root;
use super::events::{Event, Reporter};
use crate::support::cache::{self, Area};
use crate::support::env::Env;
use crate::support::lock::LockFile;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a name in the toolchains folder is.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    /// `goX.Y.Z`: an installed toolchain (or what is left of one).
    Toolchain(String),
    /// `.goX.Y.Z-<random>`: the staging folder of an install.
    Staging(String),
    /// `.goX.Y.Z.lock`: held while that version is installed.
    Lock(String),
}

fn classify(name: &str) -> Option<Entry> {
    if let Some(v) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".lock")) {
        return v.starts_with("go").then(|| Entry::Lock(v.to_string()));
    }
    if let Some(rest) = name.strip_prefix('.') {
        let (v, _) = rest.split_once('-')?;
        return v.starts_with("go").then(|| Entry::Staging(v.to_string()));
    }
    name.starts_with("go")
        .then(|| Entry::Toolchain(name.to_string()))
}

/// Prefix of the names things get in the cache root just before they are
/// deleted, so that a prune killed mid-way leaves nothing that resolves.
const TRASH: &str = ".trash-";

/// Removes `path` by first renaming it into the cache root as `.trash-*`
/// (no reader can find a half-deleted tree under its own name), then
/// deleting it. A later prune reclaims what a killed one left.
pub(super) fn discard(path: &Path, env: &Env) -> Result<()> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let trash = cache::root(env)?.join(format!(
        "{TRASH}{}-{}-{}",
        name.trim_start_matches('.'),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    // Another file system (a cache folder mounted apart): delete in place.
    let target = match std::fs::rename(path, &trash) {
        Ok(()) => trash,
        Err(_) => path.to_path_buf(),
    };
    remove(&target)
}

fn remove(p: &Path) -> Result<()> {
    let dir = std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    if dir {
        std::fs::remove_dir_all(p)
    } else {
        std::fs::remove_file(p)
    }
    .with_context(|| format!("cannot remove {}", p.display()))
}

/// Removes qcompat's cached toolchains (except `keep`), leftovers of
/// interrupted installs and prunes, and the matrix's kept binaries and
/// private GOCACHEs (rebuilt on the next run). While another process uses
/// the cache (a matrix run, a live check), its derived areas and installed
/// toolchains are left alone. Returns what it removed.
pub fn prune(
    keep: &[String],
    dry_run: bool,
    reporter: &dyn Reporter,
    env: &Env,
) -> Result<Vec<PathBuf>> {
    let cache = cache::root(env)?;
    let unused = cache::lock_unused(env)?;
    if unused.is_none() {
        reporter.event(Event::Note(&format!(
            "another qcompat (a matrix run, a live check) is using {}: its build areas and installed toolchains are left alone; prune again once it ends",
            cache.display()
        )));
    }
    // What a killed prune or install left in the cache root.
    let mut doomed: Vec<PathBuf> = read_sorted(&cache)
        .into_iter()
        .filter(|e| {
            e.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(TRASH))
        })
        .collect();
    // One lock per version, taken once: several leftovers of one version
    // must not make prune wait for itself.
    let mut locks = Locks {
        held: HashMap::new(),
        reporter,
    };
    let root = cache_root(env)?;
    let busy = unused.is_none();
    doomed.extend(toolchain_entries(&root, keep, busy, dry_run, &mut locks)?);
    if !busy {
        for area in Area::DERIVED {
            let p = area.path_in(&cache);
            if p.exists() {
                doomed.push(p);
            }
        }
    }
    doomed.sort();
    if !dry_run {
        remove_all(&doomed, &root, env)?;
    }
    for held in locks.held.into_values().flatten() {
        if dry_run {
            held.release_keeping_file();
        }
    }
    drop(unused);
    Ok(doomed)
}

/// The entries of the toolchains folder to remove: staging folders and
/// toolchains not kept (installed ones only when no other qcompat is
/// `busy`), each under its version's lock, and lock files no install holds.
fn toolchain_entries(
    root: &Path,
    keep: &[String],
    busy: bool,
    dry_run: bool,
    locks: &mut Locks,
) -> Result<Vec<PathBuf>> {
    let mut doomed = Vec::new();
    for path in read_sorted(root) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (version, installed) = match classify(&name) {
            // A lock file no install holds goes when the lock below is
            // released; one an install holds stays.
            Some(Entry::Lock(v)) => {
                if lock(locks, root, &v, dry_run)? && !root.join(&v).exists() {
                    doomed.push(path);
                }
                continue;
            }
            Some(Entry::Staging(v)) => (v, false),
            Some(Entry::Toolchain(v)) => (v, true),
            None => continue,
        };
        let kept = keep
            .iter()
            .any(|k| k == &version || format!("go{k}") == version);
        if installed && (kept || busy) {
            continue;
        }
        if !lock(locks, root, &version, dry_run)? {
            continue;
        }
        doomed.push(path);
    }
    Ok(doomed)
}

/// Removes what prune chose: leftovers at once, the rest moved aside first;
/// lock files are left to their LockFile, which removes them while held.
fn remove_all(doomed: &[PathBuf], root: &Path, env: &Env) -> Result<()> {
    for p in doomed {
        let lock_file = p.parent() == Some(root)
            && matches!(
                p.file_name().and_then(|n| classify(&n.to_string_lossy())),
                Some(Entry::Lock(_))
            );
        if lock_file {
            continue;
        }
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(TRASH))
        {
            remove(p)?;
        } else {
            discard(p, env)?;
        }
    }
    Ok(())
}

/// Takes `version`'s install lock unless this prune already tried; false
/// when an install holds it (said once). A dry run creates no lock file:
/// where there is none, no install is under way.
/// The versions' locks prune took (None: another qcompat holds it), and
/// where to say so.
struct Locks<'a> {
    held: HashMap<String, Option<LockFile>>,
    reporter: &'a dyn Reporter,
}

fn lock(locks: &mut Locks, root: &Path, version: &str, dry_run: bool) -> Result<bool> {
    if let Some(held) = locks.held.get(version) {
        return Ok(held.is_some());
    }
    let path = root.join(format!(".{version}.lock"));
    if dry_run && !path.exists() {
        return Ok(true);
    }
    let held = LockFile::try_acquire(&path)?;
    if held.is_none() {
        locks.reporter.event(Event::Note(&format!(
            "{version} is being installed by another qcompat; left alone"
        )));
    }
    let ok = held.is_some();
    locks.held.insert(version.to_string(), held);
    Ok(ok)
}

fn read_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified() {
        assert_eq!(
            classify("go1.22.5"),
            Some(Entry::Toolchain("go1.22.5".into()))
        );
        assert_eq!(
            classify(".go1.22.5-Ab12"),
            Some(Entry::Staging("go1.22.5".into()))
        );
        assert_eq!(
            classify(".go1.22.5.lock"),
            Some(Entry::Lock("go1.22.5".into()))
        );
        assert_eq!(classify(".in-use.lock"), None);
        assert_eq!(classify("README"), None);
    }
}
