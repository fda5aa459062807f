//! q's path end to end, with the stand-ins of tests/injectors/qlike: an
//! injector that leaves `-V=full` unchanged, type-checks its users' packages
//! (reads export data) and whose module needs go 1.26, and an API that pulls
//! runtime.GoroutineID with no fallback. The matrix builds the injector per
//! toolchain; its shards merge; `pins update` writes a new pins file; that
//! evidence vouches for q's own binary in select and doctor; `doctor --deep
//! --program` fails for the export-data and too-old-Go cases and passes where
//! the program works; the `--format env` lines build the program in a fresh
//! shell.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A git checkout of the q-like module, as q's maintainer has one.
fn git(w: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(w)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
}

/// `git add -A` and a commit with a fixed identity.
fn commit_all(w: &Path, message: &str) {
    git(w, &["add", "-A"]);
    let id = ["-c", "user.email=t@example.com", "-c", "user.name=t"];
    git(w, &[&id[..], &["commit", "-qm", message]].concat());
}

fn checkout(dir: &Path) -> PathBuf {
    let w = dir.join("q");
    copy_tree(&repo().join("tests/injectors/qlike"), &w);
    std::fs::write(w.join(".gitignore"), "bin/\n").unwrap();
    git(&w, &["init", "-q"]);
    commit_all(&w, "q");
    w
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A user's go env: no go env file (this project's machines have one that
/// sets `GOFLAGS=-buildvcs=false` and `GOTOOLCHAIN=local`, which an empty
/// GOFLAGS does not override), so VCS stamping is on, as on q's machines.
fn as_user(c: &mut Command) -> &mut Command {
    let empty = std::env::temp_dir().join("qcompat-tests-empty-goenv");
    if !empty.is_file() {
        std::fs::write(&empty, "").unwrap();
    }
    c.env("GOENV", empty).env("GOFLAGS", "")
}

/// `go build FLAGS -o OUT ./cmd/q` with `go`, as q's maintainer builds it.
fn build_q(w: &Path, go: &Path, flags: &[&str], out: &Path) {
    let o = as_user(Command::new(go).arg("build").args(flags).arg("-o"))
        .arg(out)
        .arg("./cmd/q")
        .current_dir(w)
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
}

/// The go command's own word on a binary: its `vcs.modified` build setting.
fn vcs_modified(go: &Path, bin: &Path) -> bool {
    let o = as_user(Command::new(go).args(["version", "-m"]).arg(bin))
        .output()
        .unwrap();
    text(&o.stdout).contains("vcs.modified=true")
}

fn q(mut c: Command, cache: &Path) -> (Value, i32) {
    as_user(c.env("QCOMPAT_CACHE_DIR", cache));
    json_of(&mut c)
}

#[test]
fn q_adopts_qcompat_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let w = checkout(dir.path());
    let (go125, go126, go127) = (sdk("1.25.5"), go126(), go127());
    let goroot = |g: &Path| g.parent().unwrap().parent().unwrap().display().to_string();
    std::fs::create_dir_all(w.join(".github")).unwrap();
    let spec = w.join(".github/qcompat.yaml");
    std::fs::write(
        &spec,
        format!(
            "toolchains: [{{path: {}}}, {{path: {}}}, {{path: {}}}]\nplatforms: [linux/amd64]\ntoolexec: {{package: ./cmd/q, dir: ..}}\nprogram: {{dir: .., package: ./example/app}}\nverify: exec\n",
            goroot(&go125),
            goroot(&go126),
            goroot(&go127)
        ),
    )
    .unwrap();

    // q commits its spec; its CI runs the matrix at that commit.
    commit_all(&w, "spec");

    // The release matrix in two shards, merged, as q's CI runs it.
    let mut shards = vec![];
    for i in 1..=2 {
        let r = dir.path().join(format!("shard{i}.json"));
        let mut o = cmd(&[
            "matrix",
            "run",
            spec.to_str().unwrap(),
            "--offline",
            "--shard",
            &format!("{i}/2"),
            "--report",
            r.to_str().unwrap(),
        ]);
        let o = as_user(o.env("QCOMPAT_CACHE_DIR", &cache))
            .output()
            .unwrap();
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{}",
            text(&o.stderr)
        );
        // Preparing the plan is shown: each toolchain's build of q (the
        // second shard finds the first's in the cache; q's go line is newer
        // than go1.25.5).
        let how = ["was built", "is reused from the cache"][i - 1];
        for line in [
            "qcompat: go1.25.5: the injector package cannot be built: go: go.mod requires go >= 1.26".to_string(),
            format!("qcompat: go1.26.8: the injector package {how}: "),
            format!("qcompat: go1.27.3: the injector package {how}: "),
        ] {
            assert!(
                text(&o.stderr).contains(&line),
                "{line}\n{}",
                text(&o.stderr)
            );
        }
        shards.push(r);
    }
    let merged = dir.path().join("matrix.json");
    let o = cmd(&[
        "matrix",
        "merge",
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        "--report",
        merged.to_str().unwrap(),
    ])
    .env("QCOMPAT_CACHE_DIR", &cache)
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let m = read_doc(&merged, "report");
    // go1.25.5 cannot build q (its module needs go 1.26): a skip, not a failure.
    assert_eq!(
        cell(&m, "go1.25.5", "linux/amd64")["status"],
        "skip-injector",
        "{m:#}"
    );
    for go in ["go1.26.8", "go1.27.3"] {
        let c = cell(&m, go, "linux/amd64");
        assert_eq!(c["status"], "pass", "{c:#}");
        assert_eq!(c["verified"], "exec");
    }

    // First adoption: pins update into a file that does not exist yet, in
    // q's checkout (untracked: a build now stamps vcs.modified=true).
    let pins = w.join(".github/qcompat-pins.yaml");
    let o = cmd(&[
        "pins",
        "update",
        "--from",
        merged.to_str().unwrap(),
        "--pins",
        pins.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let p: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&pins).unwrap()).unwrap();
    validate("pins", &serde_json::to_value(&p).unwrap());
    assert_eq!(p["pins"].as_sequence().unwrap().len(), 2, "{p:?}");

    let bin = dir.path().join("bin");
    // `select --offline` for an injector binary with q's pins.
    let select = |go: &Path, toolexec: &str| {
        q(
            cmd(&[
                "select",
                "--json",
                "--offline",
                "--go",
                go.to_str().unwrap(),
                "--toolexec",
                toolexec,
                "--pins",
                pins.to_str().unwrap(),
            ]),
            &cache,
        )
    };
    // A default build is stamped with local modifications (the new pins
    // file): not the commit the run tested, and select says so and how to
    // build the binary the run tested.
    let stamped = bin.join("q-stamped");
    build_q(&w, &go126, &[], &stamped);
    assert!(
        vcs_modified(&go126, &stamped),
        "the untracked pins file did not mark the build modified"
    );
    let (s, code) = select(&go126, stamped.to_str().unwrap());
    assert_eq!(code, 0);
    assert_eq!(s["pinned"], false, "{s:#}");
    let why = s["reasons"].to_string();
    assert!(
        why.contains("with local modifications")
            && why.contains("go build -trimpath -buildvcs=false -o q ./cmd/q")
            && why.contains("go1.26.8"),
        "{s:#}"
    );
    // Built as select says, bin/q is the very binary the run tested, in a
    // work tree with an untracked file and VCS stamping on.
    build_q(
        &w,
        &go126,
        &["-trimpath", "-buildvcs=false"],
        &bin.join("q"),
    );
    let q_bin = bin.join("q");
    let qs = q_bin.to_str().unwrap();
    let (s, code) = select(&go126, qs);
    assert_eq!(code, 0);
    assert_eq!(s["pinned"], true, "{s:#}");
    assert_eq!(s["strategy"], "injected", "{s:#}");
    assert_eq!(s["coverage"], "tested");
    assert_eq!(s["needs_own_gocache"], true);
    // The very binary the run built is vouched for by its sha256.
    let built = m["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["go"] == "go1.27.3")
        .unwrap()["injector_build"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _) = select(&go127, &built);
    assert_eq!(s["pinned"], true, "{s:#}");
    // A build of other sources is another injector.
    std::fs::write(w.join("cmd/q/extra.go"), "package main\n\nvar _ = 1\n").unwrap();
    build_q(
        &w,
        &go126,
        &["-trimpath", "-buildvcs=false"],
        &bin.join("q-dirty"),
    );
    let (s, _) = select(&go126, bin.join("q-dirty").to_str().unwrap());
    assert_eq!(s["pinned"], false, "{s:#}");
    assert!(
        s["reasons"]
            .to_string()
            .contains("sha256 is none of the binaries the run built"),
        "{s:#}"
    );
    std::fs::remove_file(w.join("cmd/q/extra.go")).unwrap();

    // doctor --deep --program: works with go1.26.8 (q built by it) ...
    let program = format!("{}:./example/app", w.display());
    // A command of a q user's, with q and its program, on `go`.
    let with_q = |sub: &[&str], go: &Path| {
        let go = go.to_str().unwrap().to_string();
        let pins = pins.to_str().unwrap();
        let rest = [
            "--go",
            &go,
            "--toolexec",
            qs,
            "--program",
            &program,
            "--pins",
            pins,
        ];
        let mut c = cmd(&[sub, &rest[..]].concat());
        as_user(c.env("QCOMPAT_CACHE_DIR", &cache));
        c
    };
    let doctor = |go: &Path| json_of(&mut with_q(&["doctor", "--json", "--deep"], go));
    let (d, code) = doctor(&go126);
    assert_eq!(code, 0, "{d:#}");
    assert_eq!(check(&d, "program")["status"], "ok", "{d:#}");
    assert_eq!(check(&d, "version")["status"], "ok", "{d:#}");
    assert_eq!(d["selection"]["program"]["works"], true);
    assert_eq!(d["selection"]["program"]["fallback"], false);
    assert_eq!(d["selection"]["program"]["pulls_accessor"], true);
    // ... fails on go1.27.3, where q built by go1.26.8 cannot read the
    // export data (the probe alone passes: it imports only the runtime) ...
    let (d, code) = doctor(&go127);
    assert_eq!(code, 1, "{d:#}");
    assert_eq!(check(&d, "deep")["status"], "ok", "{d:#}");
    let pc = check(&d, "program");
    assert_eq!(pc["status"], "fail", "{d:#}");
    assert_eq!(pc["class"], "export-data", "{d:#}");
    assert_eq!(check(&d, "toolexec-go")["class"], "export-data");
    assert!(
        !d["advice"]
            .as_str()
            .unwrap()
            .contains("use -tags=qcompat_stack"),
        "{d:#}"
    );
    assert!(
        d["advice"]
            .as_str()
            .unwrap()
            .contains("rebuild the injector"),
        "{d:#}"
    );
    // select on go1.27.3 picks no flags that would fail: the program has no
    // fallback, so stack cannot build it; it says why (doctor's words) and
    // exits 1, printing no flags.
    let sel = |format: &[&str]| {
        with_q(&[&["select", "--verify"][..], format].concat(), &go127)
            .output()
            .unwrap()
    };
    let o = sel(&["--format", "goflags"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "", "flags that cannot build");
    let err = text(&o.stderr);
    assert!(
        err.contains("no flags build the program")
            && err.contains("export-data")
            && err.contains("rebuild the injector"),
        "{err}"
    );
    let o = sel(&["--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    validate("selection", &s);
    assert!(
        s["unbuildable"]["reason"]
            .as_str()
            .unwrap()
            .contains("-tags=qcompat_stack) does not help it"),
        "{s:#}"
    );
    // ... and on go1.25.5, too old for the program's module.
    let (d, code) = doctor(&go125);
    assert_eq!(code, 1, "{d:#}");
    let p = &d["selection"]["program"];
    assert_eq!(p["blocked"]["kind"], "go-too-old", "{d:#}");
    assert_eq!(p["blocked"]["requires"], "1.26");
    assert!(check(&d, "program")["fix"]
        .as_str()
        .unwrap()
        .contains("Go 1.26 or newer"));

    // The shell lines: in the user's usual GOCACHE, where a plain build
    // already left a plain runtime.a, GOFLAGS alone fails; with the lines'
    // GOCACHE the program builds and runs.
    let gocache = dir.path().join("usual-gocache");
    let lines = |format: &str| {
        let o = cmd(&[
            "select",
            "--offline",
            "--go",
            go126.to_str().unwrap(),
            "--toolexec",
            qs,
            "--pins",
            pins.to_str().unwrap(),
            "--format",
            format,
        ])
        .env("QCOMPAT_CACHE_DIR", &cache)
        .env("GOFLAGS", "-trimpath -tags=netgo")
        .output()
        .unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
        (text(&o.stdout), text(&o.stderr))
    };
    let (goflags, note) = lines("goflags");
    assert_eq!(
        goflags.trim(),
        format!("-tags=netgo,qcompat_injected -toolexec={qs}")
    );
    assert!(
        note.contains("GOCACHE of its own") && note.contains("--format env"),
        "{note}"
    );
    let (env, _) = lines("env");
    assert!(env.contains("export GOCACHE="), "{env}");
    let shell = |script: &str| {
        Command::new("sh")
            .args(["-c", script])
            .current_dir(&w)
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", go126.parent().unwrap().display()),
            )
            .env("HOME", dir.path())
            .env("GOCACHE", &gocache)
            .env("GOFLAGS", "-trimpath -tags=netgo")
            .env("GOTOOLCHAIN", "local")
            .output()
            .unwrap()
    };
    let warm = shell("go build -o /dev/null ./cmd/q");
    assert!(warm.status.success(), "{}", text(&warm.stderr));
    let plain = shell(&format!(
        "export GOFLAGS=\"$GOFLAGS {}\"; go build -o app ./example/app",
        goflags.trim()
    ));
    assert!(
        !plain.status.success(),
        "the shared-cache trap did not show"
    );
    assert!(
        text(&plain.stderr).contains("relocation target runtime.GoroutineID not defined"),
        "{}",
        text(&plain.stderr)
    );
    let ok = shell(&format!("{env}\ngo build -o app ./example/app && ./app"));
    assert!(
        ok.status.success(),
        "{}\n{}",
        text(&ok.stdout),
        text(&ok.stderr)
    );
    assert_eq!(text(&ok.stdout), "app ok=true\n");
}

/// The identity of an injector given as a package is the files that make
/// it: an unrelated file elsewhere in its module leaves it unchanged, a
/// change to a package it imports does not.
#[test]
fn package_identity_covers_what_the_package_imports() {
    let dir = tempfile::tempdir().unwrap();
    let w = checkout(dir.path());
    let id = || {
        let (s, _) = q(
            cmd(&[
                "select",
                "--json",
                "--offline",
                "--toolexec-package",
                "./cmd/q",
                "--toolexec-dir",
                w.to_str().unwrap(),
            ]),
            &dir.path().join("cache"),
        );
        s["injector"]["sha256"].as_str().unwrap().to_string()
    };
    let first = id();
    assert!(first.starts_with("src-"), "{first}");
    std::fs::create_dir_all(w.join("example/zz")).unwrap();
    std::fs::write(
        w.join("example/zz/main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    assert_eq!(id(), first, "an unrelated package changed the identity");
    std::fs::write(w.join("cmd/q/more.go"), "package main\n\nvar _ = 2\n").unwrap();
    assert_ne!(id(), first, "a file of the package did not change it");
}
