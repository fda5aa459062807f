//! The hash of the injector's sources that salts its tool IDs. build.rs
//! includes this file (`#[path]`) to hash them at build time; the crate
//! includes it to show, in tests, what the hash covers.

use sha2::{Digest, Sha256};
use std::path::Path;

/// The files of `src/inject/` whose text shapes what an injected compile
/// writes: the companion file and how it is named and compiled
/// (companion.rs), and the toolexec wrapper that adds it (toolexec.rs).
pub const FILES: &[&str] = &["companion.rs", "toolexec.rs"];

/// A SHA-256 over [`FILES`] in `dir` (each file's name, length and bytes,
/// so no two lists hash alike), as lowercase hex. The same bytes give the
/// same hash wherever the folder is.
pub fn hash_dir(dir: &Path) -> std::io::Result<String> {
    let mut h = Sha256::new();
    for name in FILES {
        let bytes = std::fs::read(dir.join(name))?;
        h.update(name.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
