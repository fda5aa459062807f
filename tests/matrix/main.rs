//! `qcompat matrix` with real toolchains, real cross builds and real qemu and
//! Node runs. One module a concern; the helpers below are shared.

#[path = "../common/mod.rs"]
mod common;
mod failures;
mod kinds;
mod merge;
mod pins;
mod shards;
mod signals;
mod small;
mod spec;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes the spec `name` with `body` into `dir`.
fn spec(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// `matrix run SPEC --report REPORT` with a cache of the test's own.
fn run_spec(spec: &Path, report: &Path, cache: &Path) -> std::process::Output {
    matrix(
        &[
            "matrix",
            "run",
            spec.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        cache,
    )
}

fn matrix(args: &[&str], cache: &Path) -> std::process::Output {
    cmd(args)
        .env("QCOMPAT_CACHE_DIR", cache)
        .env("QCOMPAT_GO", go126())
        .output()
        .unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The cell of `go`, `platform` and build kind `kind`.
pub(crate) fn kind_cell<'a>(r: &'a Value, go: &str, platform: &str, kind: &str) -> &'a Value {
    r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["go"] == go
                && format!("{}/{}", s(&c["goos"]), s(&c["goarch"])) == platform
                && c["build"] == kind
        })
        .unwrap_or_else(|| panic!("no cell {go} {platform} {kind} in {r:#}"))
}
