//! Throwaway Go modules for the programs qcompat builds to measure a toolchain.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

/// A temporary module directory holding the given files (removed on drop).
pub fn module(files: &[(&str, &str)]) -> Result<TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("qcompat-")
        .tempdir()
        .context("cannot create a temporary directory")?;
    write_files(dir.path(), files)?;
    Ok(dir)
}

/// Writes `files` (relative paths) below `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) -> Result<()> {
    for (name, text) in files {
        let p = root.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

/// Makes a build independent of the user's settings that would change what is
/// measured: module mode on, no workspace, no extra flags, no cgo.
pub fn isolate(cmd: &mut Command) {
    // An empty GOFLAGS falls back to the go env file; -mod=mod is harmless here.
    cmd.env("GOFLAGS", "-mod=mod")
        .env("GO111MODULE", "on")
        .env("GOWORK", "off")
        .env("CGO_ENABLED", "0")
        .env_remove("GOOS")
        .env_remove("GOARCH");
}
