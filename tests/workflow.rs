//! The CI workflow template's shell steps, run as written against a local
//! git repository: the qcompat ref (a branch, a tag or a commit) resolves to
//! a commit, and `cargo install --rev` installs that commit.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// The `run:` of the step called `name` in job `job` of the workflow.
fn step(wf: &serde_yaml::Value, job: &str, name: &str) -> String {
    wf["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step {name:?} in job {job}"))["run"]
        .as_str()
        .unwrap()
        .to_string()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
    text(&o.stdout).trim().to_string()
}

/// A crate called qcompat that prints `says`, committed on main.
fn commit_crate(dir: &Path, says: &str) -> String {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"qcompat\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"qcompat\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        format!("fn main() {{ println!(\"{says}\"); }}\n"),
    )
    .unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", says]);
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn qcompat_ref_resolves_and_installs_for_a_branch_a_tag_and_a_commit() {
    let wf: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(repo().join("ci/workflows/qcompat-matrix.yml")).unwrap(),
    )
    .unwrap();
    let resolve = step(&wf, "plan", "Resolve the qcompat ref to a commit");
    let install = step(&wf, "plan", "Install qcompat");
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    git(&src, &["init", "-q", "-b", "main"]);
    let one = commit_crate(&src, "one");
    git(&src, &["tag", "-a", "v9.9.9", "-m", "release"]);
    git(&src, &["tag", "v9.9.8"]);
    let two = commit_crate(&src, "two");
    let url = format!("file://{}", src.display());
    let cargo = std::path::PathBuf::from(std::env::var("CARGO").unwrap());
    let path = format!("{}:/usr/bin:/bin", cargo.parent().unwrap().display());
    let sh = |script: &str, qref: &str, rev: &str, out: &Path| {
        Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .env("PATH", &path)
            .env("QCOMPAT_GIT", &url)
            .env("QCOMPAT_REF", qref)
            .env("QCOMPAT_REV", rev)
            .env("GITHUB_OUTPUT", out)
            .env("CARGO_HOME", tmp.path().join("cargo-home"))
            .env_remove("RUSTUP_TOOLCHAIN")
            .output()
            .unwrap()
    };
    let resolved = |qref: &str| {
        let out = tmp.path().join(format!("out-{qref}"));
        let o = sh(&resolve, qref, "", &out);
        assert!(
            o.status.success(),
            "{qref}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        std::fs::read_to_string(&out).unwrap().trim().to_string()
    };
    assert_eq!(resolved("main"), format!("rev={two}"));
    assert_eq!(
        resolved("v9.9.9"),
        format!("rev={one}"),
        "annotated tag: its commit"
    );
    assert_eq!(resolved("v9.9.8"), format!("rev={one}"), "lightweight tag");
    assert_eq!(resolved(&one), format!("rev={one}"));
    let o = sh(&resolve, "nope", "", &tmp.path().join("out-nope"));
    assert!(!o.status.success());
    assert!(
        text(&o.stdout).contains("no branch, tag or commit"),
        "{}",
        text(&o.stdout)
    );

    // The install step with the tag's commit builds that commit.
    let o = sh(&install, "v9.9.9", &one, &tmp.path().join("unused"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let bin = tmp.path().join("cargo-home/bin/qcompat");
    let said = Command::new(&bin).output().unwrap();
    assert_eq!(text(&said.stdout).trim(), "one");
}
