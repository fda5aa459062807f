//! Failures the matrix names: an injector that never injects, an unusable
//! GOCACHE, a program this toolchain cannot build, a program of the user's.

use super::*;

#[test]
fn passthrough_injector_gives_fail_relocation() {
    let dir = tempfile::tempdir().unwrap();
    let pass = script(dir.path(), "passthrough", "exec \"$@\"\n");
    let s = spec(
        dir.path(),
        "broken.yaml",
        &format!(
            "toolchains:\n  - local\n  - path: {}\nplatforms: [linux/amd64]\ntoolexec: {}\nverify: exec\n",
            go119_root().display(),
            pass.display()
        ),
    );
    let report = dir.path().join("r.yaml");
    let o = run_spec(&s, &report, &dir.path().join("cache"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let r: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let r: Value = serde_json::to_value(r).unwrap();
    for go in ["go1.26.8", "go1.19.8"] {
        let c = cell(&r, go, "linux/amd64");
        assert_eq!(c["status"], "fail-relocation", "{c:#}");
        assert!(c["stderr_excerpt"]
            .as_str()
            .unwrap()
            .contains("relocation target runtime.GoroutineID not defined"));
    }
    for t in r["toolchains"].as_array().unwrap() {
        assert_eq!(t["private_gocache"], true, "{t:#}");
    }
    let old = r["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["go"] == "go1.19.8")
        .unwrap();
    assert!(old["note"].as_str().unwrap().contains("precompiled std"));
    // The pins were recorded with qcompat's own injector: they say nothing
    // about this one, so no regression is claimed.
    let err = text(&o.stderr);
    assert!(!err.contains("qcompat: regression:"), "{err}");
    assert!(err.contains("no pins in"), "{err}");
    assert_eq!(
        cell(&r, "go1.26.8", "linux/amd64")["diagnosis"]["class"],
        "not-injected"
    );
    assert_eq!(
        cell(&r, "go1.19.8", "linux/amd64")["diagnosis"]["class"],
        "precompiled-std"
    );
}

/// An unusable GOCACHE fails every cell, but as the machine's fault: the
/// cells say so and no regression against the pins is claimed.
#[test]
fn environment_failures_are_not_regressions() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "env.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64, linux/arm64]\nverify: link\n",
    );
    let report = dir.path().join("r.json");
    let o = cmd(&[
        "matrix",
        "run",
        s.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ])
    .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
    .env("QCOMPAT_GO", go126())
    .env("GOCACHE", "/proc/version/cache")
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(!err.contains("qcompat: regression:"), "{err}");
    assert!(err.contains("because of this machine"), "{err}");
    let r = read_doc(&report, "report");
    for p in ["linux/amd64", "linux/arm64"] {
        let c = cell(&r, "go1.26.8", p);
        assert_eq!(c["diagnosis"]["class"], "environment", "{c:#}");
    }
}

/// A program of the user's instead of the probe: exec verification is its exit status.
#[test]
fn user_program_cells() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "user.yaml",
        &format!(
            "toolchains: [local]\nplatforms: [linux/amd64, linux/arm64]\nprogram:\n  dir: {}\n  package: ./cmd/goid-mode\nverify: exec\nbuilds: [build, {{kind: test, platforms: [linux/amd64]}}]\n",
            repo().join("fallback-go").display()
        ),
    );
    let report = dir.path().join("r.json");
    let o = run_spec(&s, &report, &dir.path().join("cache"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = read_doc(&report, "report");
    // goid-mode has no tests: the test kind builds nothing, and the legend
    // says so, of the program, not of the probe.
    let t = kind_cell(&r, "go1.26.8", "linux/amd64", "test");
    assert_eq!(t["status"], "skip-unsupported", "{t:#}");
    let legend = grid_of(&report);
    assert!(
        legend.contains("the program's package has no test files")
            && legend.contains("`go test -c -race` of the program")
            && !legend.contains("of the probe"),
        "{legend}"
    );
    for p in ["linux/amd64", "linux/arm64"] {
        let c = cell(&r, "go1.26.8", p);
        assert_eq!(c["status"], "pass", "{c:#}");
        assert_eq!(c["verified"], "exec");
        assert!(
            c["stderr_excerpt"]
                .as_str()
                .unwrap()
                .contains("mode=injected"),
            "{c:#}"
        );
        assert!(
            c["command"].as_str().unwrap().contains("/goid-mode-linux-"),
            "the binary is named after the program: {c:#}"
        );
    }
    assert!(r["program"].as_str().unwrap().ends_with("./cmd/goid-mode"));
    // The probe built beside the program records goid's calibrated path,
    // so the user's own pins offer it: select --offline picks calibrated
    // for an injector they do not vouch for.
    for (p, offset) in [("linux/amd64", 152), ("linux/arm64", 152)] {
        let c = cell(&r, "go1.26.8", p);
        assert_eq!(c["calibrated"]["result"], "pass", "{p}: {c:#}");
        assert_eq!(c["calibrated"]["offset"], offset, "{p}: {c:#}");
    }
    let pins = dir.path().join("own-pins.yaml");
    let o = pins_update(&report, &pins);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let other = script(dir.path(), "other", "exec \"$@\"\n");
    let sel = json(&[
        "select",
        "--json",
        "--offline",
        "--toolexec",
        other.to_str().unwrap(),
        "--pins",
        pins.to_str().unwrap(),
    ]);
    assert_eq!(sel["strategy"], "calibrated", "{sel:#}");
    let grid = grid_of(&report);
    assert!(grid.contains("the program ran and exited 0"), "{grid}");
    assert!(!grid.contains("the probe ran"), "{grid}");
    let bad = spec(
        dir.path(),
        "nomod.yaml",
        "program:\n  dir: /nonexistent\n  package: ./cmd/x\n",
    );
    let o = matrix(
        &["matrix", "run", bad.to_str().unwrap()],
        &dir.path().join("cache"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("nomod.yaml:3") && text(&o.stderr).contains("no go.mod"),
        "{}",
        text(&o.stderr)
    );
}

/// A program whose go.mod needs a newer Go than the toolchain is a skip with
/// the go command's reason, not a failure; a failure no class explains
/// carries the `unknown` diagnosis with its telling line.
#[test]
fn program_too_new_is_a_skip_and_unknown_failures_are_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let go121 = sdk("1.21.13");
    let goroot = go121.parent().unwrap().parent().unwrap();
    let cache = dir.path().join("cache");
    for (name, gomod, src) in [
        ("newer", "go 1.26\n", "package main\n\nfunc main() {}\n"),
        (
            "broken",
            "go 1.21\n",
            "package main\n\nfunc main() { undefinedThing() }\n",
        ),
    ] {
        let m = dir.path().join(name);
        std::fs::create_dir_all(&m).unwrap();
        std::fs::write(
            m.join("go.mod"),
            format!("module example.com/{name}\n\n{gomod}"),
        )
        .unwrap();
        std::fs::write(m.join("main.go"), src).unwrap();
    }
    let run_program = |name: &str| {
        let s = spec(
            dir.path(),
            &format!("{name}.yaml"),
            &format!(
                "toolchains: [{{path: {}}}]\nplatforms: [linux/amd64]\nprogram: {{dir: {}, package: .}}\nverify: exec\n",
                goroot.display(),
                dir.path().join(name).display()
            ),
        );
        let report = dir.path().join(format!("{name}.json"));
        let o = run_spec(&s, &report, &cache);
        (read_doc(&report, "report"), o)
    };
    let (r, o) = run_program("newer");
    let c = cell(&r, "go1.21.13", "linux/amd64");
    assert_eq!(c["status"], "skip-program", "{c:#}");
    assert!(
        s(&c["note"]).contains("go.mod requires go >= 1.26"),
        "{c:#}"
    );
    assert!(
        c.get("diagnosis").is_none(),
        "a skip is not a failure: {c:#}"
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Skips are counted, never "all cells pass" in silence.
    assert!(
        text(&o.stderr).contains("note: 1 of 1 cell skipped, not verified"),
        "{}",
        text(&o.stderr)
    );
    let summary = dir.path().join("summary.md");
    let m = matrix(
        &[
            "matrix",
            "merge",
            dir.path().join("newer.json").to_str().unwrap(),
            "--summary-md",
            summary.to_str().unwrap(),
        ],
        &cache,
    );
    assert!(m.status.success(), "{}", text(&m.stderr));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("## qcompat matrix: 0 cell(s) pass, 1 skipped"),
        "{summary}"
    );
    let (r, o) = run_program("broken");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let c = cell(&r, "go1.21.13", "linux/amd64");
    assert_eq!(c["status"], "fail-build", "{c:#}");
    assert_eq!(c["diagnosis"]["class"], "unknown", "{c:#}");
    assert!(
        s(&c["diagnosis"]["evidence"]).contains("undefined: undefinedThing"),
        "{c:#}"
    );
}

/// A module whose go line needs Go 1.26, on go1.19.8 (which predates the go
/// command's check of that line and fails on the std packages it lacks):
/// skip-program in the matrix and go-too-old in doctor, as go1.21+ give,
/// not fail-build `unknown` and a bare `package slices is not in GOROOT`.
#[test]
fn old_go_names_a_go_line_it_does_not_check() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("newmod");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(m.join("go.mod"), "module example.com/newmod\n\ngo 1.26\n").unwrap();
    std::fs::write(
        m.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\t\"slices\"\n)\n\nfunc main() { fmt.Println(slices.Contains([]int{1}, 1)) }\n",
    )
    .unwrap();
    let sp = spec(
        dir.path(),
        "old.yaml",
        &format!(
            "toolchains: [{{path: {}}}]\nplatforms: [linux/amd64]\nprogram: {{dir: newmod, package: .}}\n",
            go119_root().display()
        ),
    );
    let report = dir.path().join("r.json");
    let o = run_spec(&sp, &report, &dir.path().join("cache"));
    let r = read_doc(&report, "report");
    assert_eq!(o.status.code(), Some(0), "{}\n{r:#}", text(&o.stderr));
    let c = cell(&r, "go1.19.8", "linux/amd64");
    assert_eq!(c["status"], "skip-program", "{c:#}");
    assert!(s(&c["note"]).contains("requires go >= 1.26"), "{c:#}");

    let (d, _) = json_of(&mut cmd(&[
        "doctor",
        "--json",
        "--go",
        go119().to_str().unwrap(),
        "--program",
        m.to_str().unwrap(),
    ]));
    let p = &d["selection"]["program"];
    assert_eq!(p["blocked"]["kind"], "go-too-old", "{d:#}");
    assert_eq!(p["blocked"]["requires"], "1.26", "{d:#}");
}

/// A toolchain the go command refuses (issue #34): a copy of Go 1.26.8 at
/// a path with a newline (`invalid package directory`). Its cell is
/// `skip-toolchain`, class `toolchain-broken`, and no regression against
/// the pins, which record go1.26.8 as injected.
#[test]
fn a_toolchain_the_go_command_refuses_is_no_regression() {
    let dir = tempfile::tempdir().unwrap();
    let goroot = go126().parent().unwrap().parent().unwrap().to_path_buf();
    let broken = dir.path().join("go\nbroken");
    // Hard links: a copy of some 250 MB in a second, where the file system
    // allows it.
    let cp = |flag: &str| {
        Command::new("cp")
            .arg(flag)
            .arg(&goroot)
            .arg(&broken)
            .status()
            .unwrap()
            .success()
    };
    assert!(cp("-al") || cp("-a"), "cannot copy {}", goroot.display());
    let sp = spec(
        dir.path(),
        "broken.yaml",
        &format!(
            "toolchains:\n  - path: {}\nplatforms: [linux/amd64]\nverify: link\n",
            serde_json::to_string(broken.to_str().unwrap()).unwrap()
        ),
    );
    let report = dir.path().join("r.json");
    let o = run_spec(&sp, &report, &dir.path().join("cache"));
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    let r = read_doc(&report, "report");
    let c = &r["cells"][0];
    assert_eq!(c["status"], "skip-toolchain", "{c:#}\n{out}{err}");
    assert_eq!(c["diagnosis"]["class"], "toolchain-broken", "{c:#}");
    assert!(s(&c["note"]).contains("invalid package directory"), "{c:#}");
    assert!(!format!("{out}{err}").contains("regression"), "{out}{err}");
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
}
