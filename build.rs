//! Records the git commit qcompat is built from, for reports and pins
//! ("evidence from the committed code" names its commit), and the hash of
//! the injector's sources that salts its tool IDs (src/inject/companion.rs).

use std::process::Command;

#[path = "src/inject/source_hash.rs"]
mod source_hash;

fn main() {
    // Every edit of the injector's sources moves the salt, so injected
    // archives built by another qcompat are never reused.
    let inject = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/inject");
    let hash = source_hash::hash_dir(&inject).expect("src/inject's sources read");
    println!("cargo:rustc-env=QCOMPAT_INJECT_SOURCES={hash}");
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| !o.stdout.is_empty());
    let commit = if dirty && commit != "unknown" {
        format!("{commit}+dirty")
    } else {
        commit
    };
    println!("cargo:rustc-env=QCOMPAT_COMMIT={commit}");
    // A new commit moves the branch ref; a checkout moves HEAD.
    // Edits to the sources make the tree dirty.
    for p in [
        ".git/HEAD",
        ".git/index",
        ".git/refs/heads",
        ".git/packed-refs",
        "src",
        "matrix",
        "fallback-go",
        "Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={p}");
    }
}
