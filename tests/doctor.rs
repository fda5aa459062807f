//! `qcompat select` and `qcompat doctor` with real and fake toolchains.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn doctor(go: &Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["doctor", "--json", "--go", go.to_str().unwrap()];
    args.extend_from_slice(extra);
    json_of(&mut cmd(&args))
}

fn deep_ok(go: &Path, version: &str) {
    let (r, code) = doctor(go, &["--deep"]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["schema"], 1);
    assert_eq!(r["ok"], true);
    assert_eq!(check(&r, "deep")["status"], "ok", "{r:#}");
    assert!(check(&r, "deep")["message"]
        .as_str()
        .unwrap()
        .contains(&format!("go={version}")));
    assert_eq!(check(&r, "version")["status"], "ok");
    let s = &r["selection"];
    assert_eq!(s["strategy"], "injected");
    assert_eq!(s["build_tags"], serde_json::json!(["qcompat_injected"]));
    assert_eq!(s["toolexec_required"], true);
    assert_eq!(s["pinned"], true);
    assert_eq!(s["verified"], true);
    assert!(!s["reasons"].as_array().unwrap().is_empty());
}

#[test]
fn deep_go119() {
    deep_ok(&go119(), "go1.19.8");
}

#[test]
fn deep_go126() {
    deep_ok(&go126(), "go1.26.8");
}

#[test]
fn deep_go127() {
    deep_ok(&go127(), "go1.27.3");
}

#[test]
fn select_formats() {
    let go = go126();
    let g = go.to_str().unwrap();
    let s = json(&["select", "--offline", "--json", "--go", g]);
    assert_eq!(s["strategy"], "injected");
    assert!(s["verified"].is_null());
    let y = run(&["select", "--offline", "--yaml", "--go", g]);
    let doc: serde_yaml::Value = serde_yaml::from_slice(&y.stdout).unwrap();
    assert_eq!(doc["strategy"], serde_yaml::Value::from("injected"));
}

/// `--format goflags` prints one line that works both as GOFLAGS and on a
/// command line: the injector is a `qcompat-toolexec` link, one word.
#[test]
fn select_goflags_work_as_goflags() {
    let go = go126();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let goflags = |cache: &Path| {
        let out = cmd(&["select", "--offline", "--format", "goflags"])
            .env("QCOMPAT_GO", &go)
            .env("QCOMPAT_CACHE_DIR", cache)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout).trim_end().to_string()
    };
    let line = goflags(&cache);
    let link = PathBuf::from(
        line.strip_prefix("-tags=qcompat_injected -toolexec=")
            .unwrap_or_else(|| panic!("{line}")),
    );
    assert!(link.starts_with(cache.join("bin")), "{line}");
    assert!(link.ends_with("qcompat-toolexec"), "{line}");
    assert_eq!(
        std::fs::canonicalize(&link).unwrap(),
        std::fs::canonicalize(qcompat()).unwrap()
    );
    // A stale link (the binary moved) is replaced.
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("/nonexistent/qcompat", &link).unwrap();
    assert_eq!(goflags(&cache), line);
    assert_eq!(
        std::fs::canonicalize(&link).unwrap(),
        std::fs::canonicalize(qcompat()).unwrap()
    );

    // Used as GOFLAGS, the build goes through the injector.
    let out = Command::new(&go)
        .args(["run", "./cmd/goid-mode"])
        .current_dir(repo().join("fallback-go"))
        .env("GOFLAGS", &line)
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "mode=injected id=1\n");

    // doctor knows that toolexec as its own; another one draws a warning.
    let goflags_check = |goflags: &str| {
        let out = cmd(&["doctor", "--json", "--go", go.to_str().unwrap()])
            .env("GOFLAGS", goflags)
            .output()
            .unwrap();
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        check(&r, "goflags")["status"].as_str().unwrap().to_string()
    };
    assert_eq!(goflags_check(&line), "ok");
    assert_eq!(goflags_check("-toolexec=/usr/bin/env"), "warn");
    // ... unless --toolexec names that same injector: q's own set-up.
    let out = cmd(&[
        "doctor",
        "--json",
        "--go",
        go.to_str().unwrap(),
        "--toolexec",
        "/usr/bin/env",
    ])
    .env("GOFLAGS", "-toolexec=/usr/bin/env")
    .output()
    .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check(&r, "goflags")["status"], "ok", "{r:#}");

    // A cache path with a space cannot be one GOFLAGS word: fall back to the
    // shell-quoted `qcompat toolexec` form for `eval`.
    let spaced = goflags(&dir.path().join("with space"));
    assert!(
        spaced.starts_with("-tags=qcompat_injected '-toolexec="),
        "{spaced}"
    );
    assert!(spaced.ends_with(" toolexec'"), "{spaced}");
}

#[test]
fn select_verify_agrees_with_pin() {
    let s = json(&[
        "select",
        "--verify",
        "--json",
        "--go",
        go127().to_str().unwrap(),
    ]);
    assert_eq!(s["strategy"], "injected");
    assert_eq!(s["verified"], true);
    assert_eq!(s["live"]["status"], "pass");
    assert_eq!(s["live"]["verified"], "exec");
}

#[test]
fn unpinned_future_go_falls_back_to_stack() {
    let dir = tempfile::tempdir().unwrap();
    let go = fake_go(dir.path(), "go1.30.0", Some(RUNTIME2_UINT64));
    let g = go.to_str().unwrap();
    let off = json(&["select", "--offline", "--json", "--go", g]);
    assert_eq!(off["strategy"], "stack");
    assert_eq!(off["pinned"], false);
    assert_eq!(off["reason_codes"][0], "unverified", "{off:#}");
    assert!(off["reasons"][0]
        .as_str()
        .unwrap()
        .contains("no pin covers go1.30.0"));
    // Default mode verifies live; the fake go cannot build, so: stack, verified false.
    let live = json(&["select", "--json", "--go", g]);
    assert_eq!(live["strategy"], "stack");
    assert_eq!(live["verified"], false);
    assert_eq!(live["build_tags"], serde_json::json!(["qcompat_stack"]));
    assert_eq!(live["toolexec_required"], false);
    assert_eq!(
        run(&["select", "--format", "goflags", "--offline", "--go", g]).stdout,
        b"-tags=qcompat_stack\n"
    );

    let (r, code) = doctor(&go, &[]);
    assert_eq!(code, 0);
    let v = check(&r, "version");
    assert_eq!(v["status"], "warn");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("newer than every pin"));
    assert!(v["fix"].as_str().unwrap().contains("--deep"));
}

#[test]
fn devel_and_gccgo() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("devel");
    std::fs::create_dir(&d).unwrap();
    let devel = fake_go(
        &d,
        "devel go1.28-5f2c3e1 Tue Aug 1 10:00:00 2026 +0000",
        Some(RUNTIME2_UINT64),
    );
    let (r, _) = doctor(&devel, &[]);
    assert_eq!(check(&r, "version")["status"], "warn");

    let d = dir.path().join("gccgo");
    std::fs::create_dir(&d).unwrap();
    let gccgo = fake_go(&d, "go1.18 gccgo (GCC) 12.2.0", Some(RUNTIME2_UINT64));
    let s = json(&["select", "--json", "--go", gccgo.to_str().unwrap()]);
    assert_eq!(s["strategy"], "stack");
    assert_eq!(s["reason_codes"][0], "not-gc", "{s:#}");
    assert!(s["reasons"][0].as_str().unwrap().contains("gccgo"), "{s:#}");
    // gccgo is a supported setup (the stack fallback), not a warning.
    let (r, _) = doctor(&gccgo, &[]);
    let c = check(&r, "compiler");
    assert_eq!(c["status"], "ok");
    assert!(
        c["message"].as_str().unwrap().contains("runtime.Stack"),
        "{c:#}"
    );
    assert_eq!(r["selection"]["strategy"], "stack");

    let d = dir.path().join("nogoid");
    std::fs::create_dir(&d).unwrap();
    let nogoid = fake_go(
        &d,
        "go1.30.0",
        Some("package runtime\ntype g struct {\n\tm *m\n}\n"),
    );
    let s = json(&["select", "--json", "--go", nogoid.to_str().unwrap()]);
    assert_eq!(s["strategy"], "stack");
    assert_eq!(s["reason_codes"][0], "no-goid-field", "{s:#}");
    assert!(s["reasons"][0].as_str().unwrap().contains("no g.goid"));
}

#[test]
fn injector_that_keeps_the_tool_id_draws_the_cache_warning() {
    let dir = tempfile::tempdir().unwrap();
    let passthrough = script(dir.path(), "passthrough", "exec \"$@\"\n");
    let p = passthrough.to_str().unwrap();
    let (r, code) = doctor(&go126(), &["--toolexec", p]);
    assert_eq!(code, 0);
    let c = check(&r, "toolexec-id");
    assert_eq!(c["status"], "warn");
    let msg = c["message"].as_str().unwrap();
    assert!(
        msg.contains("relocation target runtime.GoroutineID not defined"),
        "{msg}"
    );
    assert!(c["fix"].as_str().unwrap().contains("GOCACHE"));
    // Go 1.19 ships std precompiled: the warning says the injector never
    // runs for runtime, and the fix is -a, not a fresh GOCACHE.
    let (r, _) = doctor(&go119(), &["--toolexec", p]);
    let c = check(&r, "toolexec-id");
    assert!(
        c["message"].as_str().unwrap().contains("precompiled-std"),
        "{c:#}"
    );
    assert!(c["fix"].as_str().unwrap().contains("pass -a"), "{c:#}");

    let ours = format!("{} toolexec", qcompat().display());
    let (r, _) = doctor(&go126(), &["--toolexec", &ours]);
    assert_eq!(check(&r, "toolexec-id")["status"], "ok", "{r:#}");
}

#[test]
fn failing_checks_exit_1_and_bad_input_exits_2() {
    let out = cmd(&["doctor", "--json", "--go", go126().to_str().unwrap()])
        .env("GOCACHE", "/proc/version/cache")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["ok"], false);
    assert_eq!(check(&r, "gocache")["status"], "fail");

    let (r, code) = doctor(Path::new("/nonexistent/go"), &[]);
    assert_eq!(code, 1);
    assert_eq!(check(&r, "go")["status"], "fail");

    let out = run(&["doctor", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));

    // GOFLAGS the go command refuses: `go env` reads them without a word,
    // every build fails. doctor fails the goflags check, select refuses.
    let mut c = cmd(&["doctor", "--json", "--go", go126().to_str().unwrap()]);
    c.env("GOFLAGS", "-bogusflag");
    let (r, code) = json_of(&mut c);
    assert_eq!(code, 1, "{r:#}");
    let g = check(&r, "goflags");
    assert_eq!(g["status"], "fail", "{g:#}");
    assert!(
        g["message"]
            .as_str()
            .unwrap()
            .contains("unknown flag -bogusflag"),
        "{g:#}"
    );
    // A cache qcompat cannot write: the advice names what works there.
    let mut c = cmd(&["doctor", "--json", "--go", go126().to_str().unwrap()]);
    c.env("QCOMPAT_CACHE_DIR", "/proc/version/qcompat");
    let (r, _) = json_of(&mut c);
    let a = r["advice"].as_str().unwrap();
    assert!(
        a.contains("cannot be written") && a.contains(" toolexec\" on the go command line"),
        "{a}"
    );
    let out = cmd(&["select", "--offline", "--go", go126().to_str().unwrap()])
        .env("GOFLAGS", "-bogusflag")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown flag -bogusflag"),
        "{}",
        text(&out.stderr)
    );

    let human = cmd(&["doctor", "--go", go126().to_str().unwrap()])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let t = text(&human.stdout);
    assert!(t.contains("advice:") && !t.contains('\x1b'), "{t}");
}

#[test]
fn bad_pins_files() {
    let dir = tempfile::tempdir().unwrap();
    let g = go126();
    let cases = [
        ("syntax.yaml", "schema: 1\npins:\n  - go: [\n", "syntax.yaml:"),
        (
            "overlap.yaml",
            "schema: 1\npins:\n- go: \">=1.13.0, <1.24.0\"\n  strategy: injected\n  linkname: permissive\n- go: \">=1.23.0\"\n  strategy: injected\n  linkname: restricted\n",
            "overlap.yaml:6: range >=1.23.0 overlaps",
        ),
        (
            "strategy.yaml",
            "schema: 1\npins:\n- go: \">=1.13.0\"\n  strategy: turbo\n  linkname: permissive\n",
            "strategy.yaml:4",
        ),
    ];
    for (name, body, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        for sub in ["select", "doctor"] {
            let out = run(&[
                sub,
                "--pins",
                p.to_str().unwrap(),
                "--go",
                g.to_str().unwrap(),
            ]);
            assert_eq!(out.status.code(), Some(2), "{sub} {name}");
            let err = text(&out.stderr);
            assert!(err.contains(want), "{sub} {name}: {err}");
            assert!(!err.contains("panicked"));
        }
    }
    let missing = run(&["select", "--pins", "/nonexistent/pins.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("/nonexistent/pins.yaml"));
}

/// A release no pin covers (here: pins that stop before 1.26) is verified
/// live with the real toolchain; a pin that disagrees with the live result
/// is reported.
#[test]
fn unpinned_real_toolchain_is_verified_live() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old-pins.yaml");
    std::fs::write(&old, "schema: 1\npins:\n- go: \">=1.13.0, <1.26.0\"\n  strategy: injected\n  linkname: restricted\n").unwrap();
    let g = go126();
    let s = json(&[
        "select",
        "--json",
        "--pins",
        old.to_str().unwrap(),
        "--go",
        g.to_str().unwrap(),
    ]);
    assert_eq!(s["pinned"], false);
    assert_eq!(s["verified"], true, "{s:#}");
    assert_eq!(s["strategy"], "injected");
    assert_eq!(s["reason_codes"][0], "live-passed", "{s:#}");

    let stack = dir.path().join("stack-pins.yaml");
    std::fs::write(&stack, "schema: 1\npins:\n- go: \">=1.26.0, <1.27.0\"\n  strategy: stack\n  linkname: restricted\n").unwrap();
    let s = json(&[
        "select",
        "--verify",
        "--json",
        "--pins",
        stack.to_str().unwrap(),
        "--go",
        g.to_str().unwrap(),
    ]);
    assert_eq!(s["strategy"], "stack");
    assert_eq!(s["verified"], true);
    assert!(
        s["reason_codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "live-contradicts-stack-pin"),
        "{s:#}"
    );
}

/// Ctrl-C during a live check stops the go build, removes the temporary
/// folders and exits 130, for select --verify and doctor --deep alike.
#[test]
fn sigint_during_a_live_check_leaves_nothing_running() {
    for args in [
        &["select", "--verify", "--json"][..],
        &["doctor", "--deep", "--json"][..],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).unwrap();
        let gocache = dir.path().join("gocache");
        // A fresh GOCACHE: the injected runtime takes seconds to build.
        let child = cmd(args)
            .env("QCOMPAT_GO", go126())
            .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
            .env("GOCACHE", &gocache)
            .env("TMPDIR", &tmp)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the build is under way (its GOCACHE appears).
        let start = std::time::Instant::now();
        while !gocache.join("README").exists() && start.elapsed().as_secs() < 30 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
        let ok = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(130),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("interrupted"),
            "{}",
            text(&out.stderr)
        );
        // No go command or compiler is left working in that TMPDIR (the
        // build's output and work files are all below it).
        let ps = Command::new("pgrep")
            .args(["-f", tmp.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(ps.stdout.is_empty(), "{args:?} left: {}", text(&ps.stdout));
        let left: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "{args:?}: temp files left: {left:?}");
    }
}

/// A real gccgo (Debian's gccgo 12): probe, select and doctor recognise it,
/// fallback-go builds under it with no tag and takes its calibrated path
/// (its tests, 10,000 goroutines against runtime.Stack, pass there), and a
/// matrix cell says why injection does not apply.
#[test]
fn real_gccgo() {
    let go = gccgo();
    let g = go.to_str().unwrap();
    let p = json(&["probe", "--json", "--go", g]);
    assert_eq!(p["go"]["compiler"], "gccgo", "{p:#}");
    assert_eq!(p["go"]["version"], "1.18.0");
    assert_eq!(p["runtime"]["goid_field"], false);
    assert_eq!(p["platforms"].as_array().unwrap().len(), 1);
    let s = json(&["select", "--json", "--go", g]);
    assert_eq!(s["strategy"], "stack");
    assert!(s["reasons"][0].as_str().unwrap().contains("gccgo"), "{s:#}");
    let (r, code) = doctor(&go, &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["ok"], true);
    assert!(r["advice"].as_str().unwrap().contains("gccgo"), "{r:#}");

    // fallback-go: the default build picks the stack path by itself.
    let fb = repo().join("fallback-go");
    let run = |args: &[&str]| {
        Command::new(&go)
            .args(args)
            .current_dir(&fb)
            .env("GOFLAGS", "-mod=mod")
            .output()
            .unwrap()
    };
    // The default build takes the calibrated path (g from libgo's
    // runtime.getg, through //extern); qcompat_nocalibrate keeps to the stack.
    let o = run(&["run", "./cmd/goid-mode"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "mode=calibrated id=1\n");
    let o = run(&["run", "-tags=qcompat_nocalibrate", "./cmd/goid-mode"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "mode=stack id=1\n");
    let o = run(&["test", "-count=1", "./goid", "./internal/..."]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));

    // A matrix naming it: one skip-gccgo cell that says why.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("g.yaml");
    std::fs::write(
        &spec,
        format!("toolchains: [{{path: {g}}}]\nplatforms: [linux/amd64]\n"),
    )
    .unwrap();
    let report = dir.path().join("r.json");
    let o = cmd(&[
        "matrix",
        "run",
        spec.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ])
    .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let c = &r["cells"][0];
    assert_eq!(c["status"], "skip-gccgo", "{c:#}");
    assert!(
        c["note"].as_str().unwrap().contains("nothing to inject"),
        "{c:#}"
    );
}

/// A toolchain built from source is `{path: GOROOT}`: the wrapper devel
/// GOROOT (go1.28-devel_abc1234, Go 1.26.8's tools underneath) through
/// select (checked live: no pin names it), doctor, and a one-platform matrix
/// whose `next` finds no pre-release here (no cells, a note); `pins update`
/// records it under its exact name, after which select calls it tested and
/// `pins check go1.28.0` says it was tested with the devel build only.
#[test]
fn devel_toolchain_through_select_doctor_and_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let gobin = devel_goroot(dir.path(), DEVEL_NEW);
    let g = gobin.to_str().unwrap();
    let cache = dir.path().join("qcache");
    let gocache = dir.path().join("gocache");
    let with = |c: &mut Command| {
        c.env("QCOMPAT_CACHE_DIR", &cache)
            .env("GOCACHE", &gocache)
            .env("QCOMPAT_PROVIDERS", "local");
    };
    let mut c = cmd(&["select", "--json", "--go", g]);
    with(&mut c);
    let (s, code) = json_of(&mut c);
    assert_eq!(code, 0, "{s:#}");
    assert_eq!(
        (s["strategy"].clone(), s["verified"].clone()),
        (serde_json::json!("injected"), serde_json::json!(true)),
        "{s:#}"
    );
    assert_eq!(s["coverage"], "untested", "{s:#}");
    assert_eq!(s["go_version"], "1.28.0-devel.abc1234");

    let mut c = cmd(&["doctor", "--json", "--deep", "--go", g]);
    with(&mut c);
    let (r, _) = json_of(&mut c);
    assert_eq!(check(&r, "version")["status"], "warn", "{r:#}");
    assert!(
        check(&r, "version")["message"]
            .as_str()
            .unwrap()
            .contains("untested"),
        "{r:#}"
    );
    assert_eq!(check(&r, "deep")["status"], "ok", "{r:#}");
    assert_eq!(r["selection"]["coverage"], "untested", "{r:#}");

    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        format!(
            "toolchains: [{{path: {}}}, next]\nplatforms: [linux/amd64]\nverify: exec\n",
            dir.path().join("goroot").display()
        ),
    )
    .unwrap();
    let report = dir.path().join("report.json");
    let mut c = cmd(&[
        "matrix",
        "run",
        spec.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    with(&mut c);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let r = read_doc(&report, "report");
    assert_eq!(r["cells"].as_array().unwrap().len(), 1, "{r:#}");
    assert_eq!(
        cell(&r, "go1.28-devel_abc1234", "linux/amd64")["status"],
        "pass",
        "{r:#}"
    );
    assert!(
        r["notes"]
            .to_string()
            .contains("is newer than the newest stable release there"),
        "{r:#}"
    );

    let pins = dir.path().join("pins.yaml");
    std::fs::write(&pins, include_str!("../matrix/pins.yaml")).unwrap();
    let o = pins_update(&report, &pins);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(&pins)
        .unwrap()
        .contains("go1.28-devel_abc1234"));
    let mut c = cmd(&[
        "select",
        "--offline",
        "--json",
        "--pins",
        pins.to_str().unwrap(),
        "--go",
        g,
    ]);
    with(&mut c);
    let (s, _) = json_of(&mut c);
    assert_eq!(
        (s["coverage"].clone(), s["pinned"].clone()),
        (serde_json::json!("tested"), serde_json::json!(true)),
        "{s:#}"
    );
    let o = run(&[
        "pins",
        "check",
        "--pins",
        pins.to_str().unwrap(),
        "go1.28.0",
    ]);
    assert!(
        text(&o.stdout).contains("tested with go1.28-devel_abc1234 only"),
        "{}",
        text(&o.stdout)
    );
    // doctor on the release says the same.
    let d = dir.path().join("rel");
    std::fs::create_dir(&d).unwrap();
    let rel = fake_go(&d, "go1.28.0", Some(RUNTIME2_UINT64));
    let (r, _) = doctor(&rel, &["--pins", pins.to_str().unwrap()]);
    let v = check(&r, "version");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("tested with go1.28-devel_abc1234 only"),
        "{v:#}"
    );
}

/// The Reliability list's input edges: a huge --timeout and --shard are
/// refused, an empty QCOMPAT_PINS means unset, a relative GOCACHE is named.
#[test]
fn input_edges_of_the_reliability_list() {
    let go = go126();
    let go = go.to_str().unwrap();
    let o = run(&[
        "select",
        "--offline",
        "--go",
        go,
        "--timeout",
        "9223372036854775807",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = run(&[
        "matrix",
        "run",
        "--offline",
        "--shard",
        "1/18446744073709551615",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let (s, code) =
        json_of(cmd(&["select", "--json", "--offline", "--go", go]).env("QCOMPAT_PINS", ""));
    assert_eq!(code, 0);
    assert!(
        s["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("qcompat's built-in pins")),
        "{s:#}"
    );
    let (r, code) =
        json_of(cmd(&["doctor", "--json", "--go", go]).env("GOCACHE", "relative/cache"));
    assert_eq!(code, 1, "{r:#}");
    let g = check(&r, "gocache");
    assert!(
        g["message"]
            .as_str()
            .unwrap()
            .contains("not an absolute path"),
        "{g:#}"
    );
}

/// GOFLAGS whose -toolexec is quoted (issue #34): the go command splits
/// GOFLAGS on spaces and refuses it, so doctor fails the goflags check and
/// checks no injector of its own reading (no `unrecognized subcommand`).
#[test]
fn quoted_toolexec_in_goflags_fails_goflags_only() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("go.env");
    std::fs::write(&env, "").unwrap();
    let goflags = format!("-toolexec='{} toolexec'", qcompat().display());
    let mut c = cmd(&["doctor", "--json", "--go", go126().to_str().unwrap()]);
    c.env("GOENV", &env).env("GOFLAGS", &goflags);
    let (r, code) = json_of(&mut c);
    assert_eq!(code, 1, "{r:#}");
    let g = check(&r, "goflags");
    assert_eq!(g["status"], "fail", "{g:#}");
    assert!(g["message"].as_str().unwrap().contains("non-flag"), "{g:#}");
    let all = r.to_string();
    assert!(!all.contains("unrecognized subcommand"), "{r:#}");
    for c in r["checks"].as_array().unwrap() {
        assert!(
            c["id"] == "goflags" || c["status"] != "fail",
            "only goflags fails: {r:#}"
        );
    }
}

/// Go 1.19.8 with an unsalted injector that does not convert the int64
/// goid (the seed, as q's first design): the deep check fails, the pins
/// prove goid's calibrated path there, so the selection is calibrated; no
/// reason then says it falls back to stack, and the deep check's fix names
/// goid's default build, not -tags=qcompat_stack.
#[test]
fn go119_unsalted_deep_names_the_calibrated_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed");
    build_seed("seed", &go126(), &seed);
    let mut c = cmd(&[
        "doctor",
        "--json",
        "--deep",
        "--go",
        go119().to_str().unwrap(),
        "--toolexec",
        seed.to_str().unwrap(),
    ]);
    c.env("QCOMPAT_CACHE_DIR", dir.path().join("cache"));
    let (r, code) = json_of(&mut c);
    assert_eq!(code, 1, "{r:#}");
    let s = &r["selection"];
    assert_eq!(s["strategy"], "calibrated", "{r:#}");
    let reasons = s["reasons"].to_string();
    assert!(!reasons.contains("to stack"), "{reasons}");
    assert!(
        reasons.contains("falling back to goid's calibrated path"),
        "{reasons}"
    );
    let deep = check(&r, "deep");
    assert_eq!(deep["status"], "fail", "{deep:#}");
    let fix = deep["fix"].as_str().unwrap();
    assert!(
        !fix.contains("qcompat_stack") && fix.contains("goid's default build"),
        "{fix}"
    );
}

/// An injector package this Go cannot build (q-like, whose module needs Go
/// 1.26, on go1.21.13): the toolexec check fails, and the version check no
/// longer says "ok, tested" from qcompat's own injector's evidence.
#[test]
fn unbuildable_injector_package_is_not_vouched_by_builtin_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(&[
        "doctor",
        "--json",
        "--go",
        sdk("1.21.13").to_str().unwrap(),
        "--toolexec-package",
        "./cmd/q",
        "--toolexec-dir",
        repo().join("tests/injectors/qlike").to_str().unwrap(),
    ]);
    c.env("QCOMPAT_CACHE_DIR", dir.path().join("cache"));
    let (r, code) = json_of(&mut c);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(check(&r, "toolexec")["status"], "fail", "{r:#}");
    assert!(r["selection"].is_null(), "{r:#}");
    let v = check(&r, "version");
    assert_eq!(v["status"], "warn", "{v:#}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("could not be set up here"),
        "{v:#}"
    );
}

/// A q user's GOFLAGS name q, and no program: whatever the strategy, the
/// advice says it covers fallback-go's goid, and that code calling the
/// injector's own API is checked with --program.
#[test]
fn another_injector_without_a_program_says_what_the_verdict_covers() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("q");
    build_seed("convert", &go126(), &seed);
    let mut c = cmd(&["doctor", "--json", "--go", go126().to_str().unwrap()]);
    c.env("GOFLAGS", format!("-toolexec={}", seed.display()))
        .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"));
    let (r, _) = json_of(&mut c);
    let advice = r["advice"].as_str().unwrap();
    assert!(
        advice.contains("covers fallback-go's goid only") && advice.contains("--program"),
        "{r:#}"
    );
    // Named with a program, the advice is about that program instead.
    let (r, _) = doctor(
        &go126(),
        &[
            "--toolexec",
            seed.to_str().unwrap(),
            "--program",
            repo().join("fallback-go").to_str().unwrap(),
        ],
    );
    assert!(
        !r["advice"]
            .as_str()
            .unwrap()
            .contains("covers fallback-go's goid only"),
        "{r:#}"
    );
}
