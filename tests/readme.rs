//! The README's generated parts match what qcompat prints today.

mod common;
use common::*;

/// The per-minor pins table in README.md is `qcompat pins table` of the
/// shipped pins, between its markers.
#[test]
fn readme_pins_table_is_current() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (start, end) = ("<!-- pins-table -->\n", "<!-- /pins-table -->");
    let a = readme.find(start).expect("README has <!-- pins-table -->") + start.len();
    let b = readme[a..]
        .find(end)
        .expect("README has <!-- /pins-table -->")
        + a;
    let out = run(&[
        "pins",
        "table",
        "--pins",
        repo().join("matrix/pins.yaml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        &readme[a..b],
        text(&out.stdout),
        "README's pins table is stale: paste `qcompat pins table` between the markers"
    );
}

/// The schemas are the contract: a field removed or retyped fails.
#[test]
fn schemas_catch_removed_and_retyped_fields() {
    let doc = json(&["doctor", "--json", "--go", go126().to_str().unwrap()]);
    let mut removed = doc.clone();
    removed.as_object_mut().unwrap().remove("advice");
    let mut retyped = doc.clone();
    retyped["ok"] = serde_json::json!("yes");
    let mut sel = doc.clone();
    sel["selection"]["strategy"] = serde_json::json!("turbo");
    for bad in [removed, retyped, sel] {
        let r = std::panic::catch_unwind(|| validate("doctor", &bad));
        assert!(r.is_err(), "accepted: {bad:#}");
    }
    // `qcompat schema NAME` prints the shipped file.
    for (name, file) in [
        ("probe", "probe"),
        ("select", "selection"),
        ("doctor", "doctor"),
        ("report", "report"),
        ("pins", "pins"),
    ] {
        let out = run(&["schema", name]);
        assert!(out.status.success());
        let shipped =
            std::fs::read_to_string(repo().join(format!("matrix/schema/{file}.schema.json")))
                .unwrap();
        assert_eq!(text(&out.stdout), shipped);
    }
    // The shipped pins validate.
    let pins: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("matrix/pins.yaml")).unwrap())
            .unwrap();
    validate("pins", &serde_json::to_value(pins).unwrap());
}

/// The README's section for q runs as written: in a scratch project whose
/// `q` is the stand-in injector of tests/injectors/modern (built from its
/// `cmd/q`), with this repository as `qcompat/`.
#[test]
fn q_section_commands_run() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (start, end) = ("<!-- q-commands -->\n", "<!-- /q-commands -->");
    let a = readme.find(start).expect("README has <!-- q-commands -->") + start.len();
    let b = readme[a..].find(end).unwrap() + a;
    let commands: Vec<&str> = readme[a..b]
        .lines()
        .filter(|l| !l.starts_with("```") && !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert!(commands.len() >= 8, "{commands:?}");

    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("app");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(proj.join("cmd/q")).unwrap();
    std::fs::create_dir_all(proj.join(".github")).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(proj.join("go.mod"), "module example.com/app\n\ngo 1.21\n").unwrap();
    std::fs::write(
        proj.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/qcompat/qcompat/fallback-go/goid\"\n)\n\nfunc main() { fmt.Printf(\"mode=%s id=%d\\n\", goid.CurrentMode(), goid.ID()) }\n",
    )
    .unwrap();
    std::fs::copy(
        repo().join("tests/injectors/modern/main.go"),
        proj.join("cmd/q/main.go"),
    )
    .unwrap();
    std::fs::write(
        proj.join(".github/qcompat.yaml"),
        "toolchains: [local]\nplatforms: [linux/amd64, linux/arm64]\ntoolexec: {package: ./cmd/q, dir: ..}\nprogram: {dir: .., package: .}\nverify: exec\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(repo(), proj.join("qcompat")).unwrap();
    std::os::unix::fs::symlink(qcompat(), bin.join("qcompat")).unwrap();
    let go = go126();
    let q = std::process::Command::new(&go)
        .args(["build", "-o"])
        .arg(bin.join("q"))
        .arg(".")
        .current_dir(repo().join("tests/injectors/modern"))
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", text(&q.stderr));
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        go.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for c in &commands {
        let out = std::process::Command::new("sh")
            .args(["-c", c])
            .current_dir(&proj)
            .env("PATH", &path)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "")
            .env("QCOMPAT_GO", &go)
            .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README command failed: {c}\n{}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    let run = |exe: &str| {
        let o = std::process::Command::new(proj.join(exe)).output().unwrap();
        assert!(o.status.success());
        text(&o.stdout)
    };
    assert_eq!(run("app-auto"), "mode=calibrated id=1\n");
    assert_eq!(run("app-stack"), "mode=stack id=1\n");
    assert_eq!(run("app-injected"), "mode=injected id=1\n");
    let doc = read_doc(&proj.join("doctor-deep.json"), "doctor");
    assert_eq!(doc["ok"], true, "{doc:#}");
    assert_eq!(doc["selection"]["strategy"], "injected");
    assert_eq!(doc["selection"]["verified"], true);
    let m = read_doc(&proj.join("matrix.json"), "report");
    for p in ["linux/amd64", "linux/arm64"] {
        let c = cell(&m, "go1.26.8", p);
        assert_eq!(c["status"], "pass", "{c:#}");
        assert_eq!(c["verified"], "exec");
    }
}

/// One grammar: the same version forms and flags everywhere.
#[test]
fn command_line_forms() {
    // `pins check` takes 1.22.5 as well as go1.22.5.
    for v in ["1.22.5", "go1.22.5"] {
        let o = run(&["pins", "check", v]);
        assert!(o.status.success(), "{v}: {}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains(">=1.22.0, <1.23.0"),
            "{}",
            text(&o.stdout)
        );
    }
    // `toolchains path` takes selectors, offline from local toolchains.
    go127();
    let o = run(&["toolchains", "path", "1.27.x", "--offline"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("go1.27.3"), "{}", text(&o.stdout));
    let o = run(&["toolchains", "path", "1.27.x", "--offline", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0].as_str().unwrap().contains("go1.27.3"));
    // --json is produced or refused, never ignored.
    let o = run(&["matrix", "plan", "--json", "--offline"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0]["cells"].as_u64().unwrap() > 0);
    let o = run(&["select", "--offline", "--format", "goflags", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("drop --json"),
        "{}",
        text(&o.stderr)
    );
    // The injector's own help.
    let o = run(&["toolexec", "--help"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("-toolexec=\"qcompat toolexec\""));
}
