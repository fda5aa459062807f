//! `qcompat probe` against the real toolchains of this machine and fake ones.

mod common;
use common::*;

fn probe(go: &std::path::Path, verify: bool) -> serde_json::Value {
    let go = go.to_str().unwrap();
    let mut args = vec!["probe", "--json", "--go", go];
    if verify {
        args.push("--verify");
    }
    json(&args)
}

#[test]
fn go119_is_int64_and_permissive() {
    let r = probe(&go119(), true);
    assert_eq!(r["schema"], 1);
    assert_eq!(r["go"]["version"], "1.19.8");
    assert_eq!(r["go"]["compiler"], "gc");
    assert_eq!(r["runtime"]["goid_field"], true);
    assert_eq!(r["runtime"]["goid_type"], "int64");
    assert_eq!(r["linkname"]["expected"], "permissive");
    let v = &r["linkname"]["verified"];
    assert_eq!(v["pull_unmarked_allowed"], true, "{r:#}");
    assert_eq!(v["checklinkname_flag"], false, "{r:#}");
    assert_eq!(v["policy"], "permissive");
    assert!(r["linkname"].get("disagreement").is_none(), "{r:#}");
    assert_eq!(r["platforms"].as_array().unwrap().len(), 46);
}

fn restricted(go: &std::path::Path, version: &str) {
    let r = probe(go, true);
    assert_eq!(r["go"]["version"], version);
    assert_eq!(r["runtime"]["goid_type"], "uint64");
    assert_eq!(r["linkname"]["expected"], "restricted");
    let v = &r["linkname"]["verified"];
    assert_eq!(v["pull_unmarked_allowed"], false, "{r:#}");
    assert_eq!(v["checklinkname_flag"], true, "{r:#}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("invalid reference to runtime.findnull"),
        "{r:#}"
    );
    assert!(r["linkname"].get("disagreement").is_none(), "{r:#}");
    let plats = r["platforms"].as_array().unwrap();
    assert_eq!(plats.len(), 47);
    let first: Vec<_> = plats.iter().filter(|p| p["first_class"] == true).collect();
    assert_eq!(first.len(), 8);
}

#[test]
fn go126_is_uint64_and_restricted() {
    restricted(&go126(), "1.26.8");
}

#[test]
fn go127_is_uint64_and_restricted() {
    restricted(&go127(), "1.27.3");
}

#[test]
fn static_probe_has_no_verification() {
    let r = probe(&go126(), false);
    assert!(r["linkname"]["verified"].is_null());
    let y = run(&["probe", "--yaml", "--go", go126().to_str().unwrap()]);
    assert!(y.status.success());
    let doc: serde_yaml::Value = serde_yaml::from_slice(&y.stdout).unwrap();
    assert_eq!(doc["schema"], serde_yaml::Value::from(1));
    let h = run(&["probe", "--go", go126().to_str().unwrap()]);
    assert!(text(&h.stdout).contains("g.goid is uint64"));
}

#[test]
fn fake_toolchains() {
    let dir = tempfile::tempdir().unwrap();
    for (v, semver, compiler, devel, expected) in [
        ("go1.30.0", "1.30.0", "gc", false, "restricted"),
        ("go1.31rc1", "1.31.0-rc.1", "gc", false, "restricted"),
        (
            "devel go1.28-5f2c3e1 Tue Aug 1 10:00:00 2026 +0000",
            "1.28.0-devel.5f2c3e1",
            "gc",
            true,
            "restricted",
        ),
        (
            "go1.18 gccgo (GCC) 12.2.0",
            "1.18.0",
            "gccgo",
            false,
            "unsupported",
        ),
        ("go1.12.17", "1.12.17", "gc", false, "unsupported"),
    ] {
        let d = dir.path().join(semver);
        std::fs::create_dir_all(&d).unwrap();
        let go = fake_go(&d, v, Some(RUNTIME2_UINT64));
        let r = probe(&go, false);
        assert_eq!(r["go"]["version"], semver, "{v}");
        assert_eq!(r["go"]["compiler"], compiler, "{v}");
        assert_eq!(r["go"]["devel"], devel, "{v}");
        assert_eq!(r["linkname"]["expected"], expected, "{v}");
        assert_eq!(r["runtime"]["goid_type"], "uint64");
    }
}

#[test]
fn missing_runtime_source_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let go = fake_go(dir.path(), "go1.30.0", None);
    let r = probe(&go, false);
    assert_eq!(r["runtime"]["goid_field"], false);
    assert!(r["runtime"]["goid_type"].is_null());
    assert!(r["runtime"]["problem"]
        .as_str()
        .unwrap()
        .contains("cannot read"));
}

#[test]
fn errors_exit_2_with_a_message() {
    let out = run(&["probe", "--go", "/nonexistent/bin/go"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("/nonexistent/bin/go"), "{err}");
    assert!(!err.contains("panicked"));

    let out = cmd(&["probe"])
        .env("PATH", "/nonexistent")
        .env_remove("QCOMPAT_GO")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no `go` is in PATH"),
        "{}",
        text(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let failing = script(dir.path(), "go", "echo 'go: boom' >&2; exit 1\n");
    let out = run(&["probe", "--go", failing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("go: boom"));

    let hanging = script(dir.path(), "slowgo", "sleep 30\n");
    let start = std::time::Instant::now();
    let out = run(&["probe", "--timeout", "1", "--go", hanging.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("within 1s"),
        "{}",
        text(&out.stderr)
    );
    assert!(start.elapsed().as_secs() < 15);

    // A zero timeout would fail every go command: refuse it up front.
    let out = run(&["probe", "--timeout", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--timeout"),
        "{}",
        text(&out.stderr)
    );

    let garbage = script(
        dir.path(),
        "badgo",
        "echo '{\"GOVERSION\":\"gox\",\"GOROOT\":\"/\",\"GOOS\":\"linux\",\"GOARCH\":\"amd64\"}'\n",
    );
    let out = run(&["probe", "--go", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot parse Go version gox:"),
        "{}",
        text(&out.stderr)
    );
}

/// `dist list` depends on the toolchain alone: a second probe takes it from
/// qcompat's cache (the go command runs `env` only), and a toolchain whose
/// `dist` is replaced in place lists afresh.
#[test]
fn warm_probe_runs_go_env_only() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("qcache");
    let log = dir.path().join("calls.log");
    let real = go126();
    let go = script(
        dir.path(),
        "go",
        &format!(
            "echo \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.display()
        ),
    );
    let probe_with = |go: &std::path::Path| {
        json_of(
            cmd(&["probe", "--json", "--go", go.to_str().unwrap()])
                .env("QCOMPAT_CACHE_DIR", &cache),
        )
        .0
    };
    let cold = probe_with(&go);
    assert!(std::fs::read_to_string(&log)
        .unwrap()
        .contains("tool dist list"));
    std::fs::remove_file(&log).unwrap();
    let warm = probe_with(&go);
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        !calls.contains("tool dist"),
        "a warm probe listed again: {calls}"
    );
    assert_eq!(cold["platforms"], warm["platforms"]);
    assert!(warm["platforms"].as_array().unwrap().len() > 40, "{warm:#}");

    // A fake toolchain's dist replaced in place: the new list is read.
    let fake = dir.path().join("fake");
    std::fs::create_dir_all(&fake).unwrap();
    let fgo = fake_go(&fake, "go1.30.0", Some(RUNTIME2_UINT64));
    let tooldir = fake.join("goroot/pkg/tool/linux_amd64");
    std::fs::create_dir_all(&tooldir).unwrap();
    std::fs::write(tooldir.join("dist"), "one").unwrap();
    assert_eq!(probe_with(&fgo)["platforms"].as_array().unwrap().len(), 2);
    std::fs::write(
        fake.join("dist.json"),
        r#"[{"GOOS":"linux","GOARCH":"amd64","CgoSupported":true,"FirstClass":true}]"#,
    )
    .unwrap();
    assert_eq!(
        probe_with(&fgo)["platforms"].as_array().unwrap().len(),
        2,
        "the same dist: from the cache"
    );
    std::fs::write(tooldir.join("dist"), "two").unwrap();
    assert_eq!(probe_with(&fgo)["platforms"].as_array().unwrap().len(), 1);
}
