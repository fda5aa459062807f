//! The layout of qcompat's cache directory, in one place.
//!
//! Everything that outlives a run lives under [`root`], in folders named here.
//! Entries that hold build results are keyed on *content* ([`Key`]): the
//! injector's executable, the toolchain, the program's sources, the platform
//! and the flags. A key built from paths would let an injector replaced in
//! place (as `go install` does) reuse what its predecessor built.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// `$QCOMPAT_CACHE_DIR`, else `$XDG_CACHE_HOME/qcompat`, else
/// `~/.cache/qcompat`, made absolute (binaries kept there are run by path,
/// from other working directories).
pub fn root() -> PathBuf {
    let r = relative_root();
    std::path::absolute(&r).unwrap_or(r)
}

fn relative_root() -> PathBuf {
    if let Some(d) = std::env::var_os("QCOMPAT_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("qcompat");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("qcompat")
}

/// The folders of the cache. `prune` removes every one but `Bin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The `qcompat-toolexec` link (see `paths::toolexec_link`).
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

    pub fn dir(self) -> PathBuf {
        root().join(match self {
            Area::Bin => "bin",
            Area::Toolchains => "toolchains",
            Area::Probe => "probe",
            Area::MatrixBin => "matrix-bin",
            Area::PrivateGocache => "gocache-private",
            Area::Injectors => "injectors",
            Area::Wine => "wine",
            Area::Facts => "facts",
        })
    }

    /// The entry of this area for a content key.
    pub fn entry(self, key: &Key) -> PathBuf {
        self.dir().join(key.hex())
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

    /// Adds what makes a toolchain itself: GOROOT, version and the bytes of
    /// its compiler (a GOROOT rebuilt in place is another toolchain).
    pub fn toolchain(&mut self, tc: &crate::go::discover::Toolchain) -> &mut Key {
        self.str("goroot", &tc.env.goroot)
            .str("version", &tc.version.raw)
            .file("compile", &Path::new(&tc.env.gotooldir).join("compile"))
    }

    pub fn hex(&self) -> String {
        hex::encode(&self.0.clone().finalize()[..12])
    }
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
