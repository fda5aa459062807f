//! The layout of qcompat's cache directory, in one place.
//!
//! Everything that outlives a run lives under [`root`], in folders named here.
//! Entries that hold build results are keyed on *content* ([`Key`]): the
//! injector's executable, the toolchain, the program's sources, the platform
//! and the flags. A key built from paths would let an injector replaced in
//! place (as `go install` does) reuse what its predecessor built.

use crate::support::env::Env;
use anyhow::{bail, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `$QCOMPAT_CACHE_DIR`, else `$XDG_CACHE_HOME/qcompat`, else
/// `~/.cache/qcompat`, made absolute (binaries kept there are run by path,
/// from other working directories). With none of the three there is no
/// cache: a shared fallback such as `/tmp/.cache/qcompat` would let another
/// user of the machine plant the toolchains and the injector qcompat runs.
///
/// The variables come from `env`: `commands/` snapshots them, the injector
/// reads its own; both get the root from here.
pub fn root(env: &Env) -> Result<PathBuf> {
    let r = relative_root(env)?;
    Ok(std::path::absolute(&r).unwrap_or(r))
}

fn relative_root(env: &Env) -> Result<PathBuf> {
    if let Some(d) = &env.qcompat_cache_dir {
        return Ok(d.clone());
    }
    if let Some(d) = &env.xdg_cache_home {
        return Ok(d.join("qcompat"));
    }
    match &env.home {
        Some(home) => Ok(home.join(".cache").join("qcompat")),
        None => bail!(
            "qcompat has no cache directory: HOME and XDG_CACHE_HOME are unset; set QCOMPAT_CACHE_DIR to a folder only you can write (a shared folder such as /tmp would let other users plant what qcompat runs)"
        ),
    }
}

/// The file a process holds a shared lock on while it uses the derived
/// areas (a matrix run, a live check); `prune` leaves them alone while any
/// process holds it.
const IN_USE: &str = ".in-use.lock";

/// Takes the shared in-use lock once for the life of this process (waiting
/// while a `prune` holds it exclusively). A cache that cannot hold the lock
/// file (read-only) is used without it.
fn mark_in_use(root: &Path) {
    static HELD: OnceLock<Option<std::fs::File>> = OnceLock::new();
    HELD.get_or_init(|| {
        std::fs::create_dir_all(root).ok()?;
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(root.join(IN_USE))
            .ok()?;
        f.lock_shared().ok()?;
        Some(f)
    });
}

/// For `prune`: the in-use lock held exclusively, or None while another
/// process uses the derived areas.
pub fn lock_unused(env: &Env) -> Result<Option<std::fs::File>> {
    use anyhow::Context;
    let root = root(env)?;
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let path = root.join(IN_USE);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// The folders of the cache. `prune` removes every one but `Bin`. One more,
/// `release`, is not qcompat's: the Go client (fallback-go/qcompat) installs
/// qcompat's release archives there, and `prune` leaves it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `qcompat-toolexec` links, one folder per qcompat binary (see
    /// `inject::command::toolexec_link`).
    Bin,
    /// Installed toolchains (`goX.Y.Z`), their locks and staging folders.
    Toolchains,
    /// The embedded probe module, written once per content.
    Probe,
    /// Binaries kept between matrix runs so a rerun finds them up to date.
    MatrixBin,
    /// GOCACHEs of their own for injectors that leave `-V=full` unchanged.
    PrivateGocache,
    /// Injectors built from a Go package, one per toolchain and source state.
    Injectors,
    /// The private Wine prefix that runs windows/amd64 binaries.
    Wine,
    /// What depends on a toolchain alone (`go tool dist list -json`), so a
    /// warm `probe` runs one go command.
    Facts,
    /// The injector's companion file, one folder per content. Not derived
    /// for `prune`: a compile of runtime may be reading it at any time, and
    /// it is a few hundred bytes per qcompat version.
    Companion,
}

impl Area {
    /// Every area that holds derived data, which `prune` may remove.
    pub const DERIVED: [Area; 6] = [
        Area::Probe,
        Area::MatrixBin,
        Area::PrivateGocache,
        Area::Injectors,
        Area::Wine,
        Area::Facts,
    ];

    /// The area's folder. Asking for a derived area marks the cache in use
    /// by this process until it exits (see [`lock_unused`]).
    pub fn dir(self, env: &Env) -> Result<PathBuf> {
        let root = root(env)?;
        if Area::DERIVED.contains(&self) {
            mark_in_use(&root);
        }
        Ok(self.path_in(&root))
    }

    /// The area's folder below `root`, without marking anything in use.
    pub fn path_in(self, root: &Path) -> PathBuf {
        root.join(match self {
            Area::Bin => "bin",
            Area::Toolchains => "toolchains",
            Area::Probe => "probe",
            Area::MatrixBin => "matrix-bin",
            Area::PrivateGocache => "gocache-private",
            Area::Injectors => "injectors",
            Area::Wine => "wine",
            Area::Facts => "facts",
            Area::Companion => "companion",
        })
    }

    /// The entry of this area for a content key.
    pub fn entry(self, key: &Key, env: &Env) -> Result<PathBuf> {
        Ok(self.dir(env)?.join(key.hex()))
    }
}

/// A content hash built from labelled parts, so that no two different inputs
/// share an entry.
#[derive(Clone)]
pub struct Key(Sha256);

impl Key {
    pub fn new(kind: &str) -> Key {
        let mut k = Key(Sha256::new());
        k.bytes("kind", kind.as_bytes());
        k
    }

    pub fn bytes(&mut self, label: &str, value: &[u8]) -> &mut Key {
        self.0.update(label.as_bytes());
        self.0.update((value.len() as u64).to_le_bytes());
        self.0.update(value);
        self
    }

    pub fn str(&mut self, label: &str, value: &str) -> &mut Key {
        self.bytes(label, value.as_bytes())
    }

    /// Adds a file's content (or that it is missing).
    pub fn file(&mut self, label: &str, path: &Path) -> &mut Key {
        match file_sha256(path) {
            Some(h) => self.str(label, &h),
            None => self.str(label, "missing"),
        }
    }

    /// Adds a file's identity without reading it: device, inode, size,
    /// mtime and ctime (to the nanosecond). Writing the file's bytes, or
    /// putting another file in its place, changes the ctime, which no tool
    /// can set back; this is for keys checked on every run, where hashing a
    /// 20 MB tool would cost more than the work it saves.
    pub fn stat(&mut self, label: &str, path: &Path) -> &mut Key {
        use std::os::unix::fs::MetadataExt;
        match std::fs::metadata(path) {
            Ok(m) => self.str(
                label,
                &format!(
                    "{}:{}:{}:{}.{}:{}.{}",
                    m.dev(),
                    m.ino(),
                    m.size(),
                    m.mtime(),
                    m.mtime_nsec(),
                    m.ctime(),
                    m.ctime_nsec()
                ),
            ),
            Err(_) => self.str(label, "missing"),
        }
    }

    /// Adds every source file of a Go module tree by relative path and
    /// content: `.go`, `.s`, `.c`, `.h`, `go.mod`, `go.sum` (embedded data is
    /// not followed). Hidden folders and `testdata` are skipped; where the
    /// tree lives does not count.
    pub fn tree(&mut self, label: &str, dir: &Path) -> &mut Key {
        let mut files = Vec::new();
        collect_sources(dir, dir, &mut files);
        files.sort();
        self.str(label, &files.len().to_string());
        for rel in files {
            let p = dir.join(&rel);
            self.file(&rel, &p);
        }
        self
    }

    pub fn hex(&self) -> String {
        hex::encode(&self.0.clone().finalize()[..12])
    }
}

/// The first 12 characters of a hash, as labels show it.
pub fn short_hash(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

fn collect_sources(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if !name.starts_with('.') && name != "testdata" {
                collect_sources(root, &e.path(), out);
            }
        } else if [".go", ".s", ".c", ".h"].iter().any(|x| name.ends_with(x))
            || name == "go.mod"
            || name == "go.sum"
        {
            if let Ok(rel) = e.path().strip_prefix(root) {
                out.push(rel.display().to_string());
            }
        }
    }
}

/// The hex sha256 of a file's bytes, or None when it cannot be read.
pub fn file_sha256(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    Some(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_follows_its_variables_in_order() {
        let mut env = Env {
            home: Some("/h".into()),
            ..Env::default()
        };
        assert_eq!(root(&env).unwrap(), PathBuf::from("/h/.cache/qcompat"));
        env.xdg_cache_home = Some("/x".into());
        assert_eq!(root(&env).unwrap(), PathBuf::from("/x/qcompat"));
        env.qcompat_cache_dir = Some("/q".into());
        assert_eq!(root(&env).unwrap(), PathBuf::from("/q"));
        assert_eq!(
            Area::Facts.path_in(&root(&env).unwrap()),
            PathBuf::from("/q/facts")
        );
        // Relative roots are made absolute: binaries there are run by path.
        env.qcompat_cache_dir = Some("rel".into());
        assert!(root(&env).unwrap().is_absolute());
        let e = root(&Env::default()).unwrap_err().to_string();
        assert!(e.contains("set QCOMPAT_CACHE_DIR"), "{e}");
    }

    #[test]
    fn keys_follow_content_not_paths() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("inj");
        std::fs::write(&f, "one").unwrap();
        let k1 = Key::new("t").file("inj", &f).hex();
        std::fs::write(&f, "two").unwrap();
        let k2 = Key::new("t").file("inj", &f).hex();
        assert_ne!(k1, k2, "a file replaced in place changes the key");
        // Labels separate parts: "ab"+"c" is not "a"+"bc".
        let a = Key::new("t").str("x", "ab").str("y", "c").hex();
        let b = Key::new("t").str("x", "a").str("y", "bc").hex();
        assert_ne!(a, b);
    }

    #[test]
    fn trees_hash_sources_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("cmd/p")).unwrap();
        std::fs::write(dir.path().join("go.mod"), "module m\n").unwrap();
        std::fs::write(dir.path().join("cmd/p/main.go"), "package main\n").unwrap();
        let k = || Key::new("t").tree("src", dir.path()).hex();
        let before = k();
        std::fs::write(dir.path().join("README"), "docs").unwrap();
        assert_eq!(before, k());
        std::fs::write(dir.path().join("cmd/p/main.go"), "package main\n//x\n").unwrap();
        assert_ne!(before, k());
    }
}
