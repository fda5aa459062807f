//! Verdicts for third-party injectors: the Go injector in
//! tests/injectors/seed (unsalted, built in several variants and by two Go
//! releases), replaced in place, and chained in front of qcompat's own. Each
//! class of failure is checked through doctor (with and without --deep),
//! select and the matrix, on go1.19.8, go1.26.8 and go1.27.3.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the seed injector in variant `mode` with the go command `go`, once
/// per test process, under cargo's scratch directory.
fn injector(mode: &str, go: &Path, tag: &str) -> PathBuf {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _g = LOCK.lock().unwrap();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("injectors")
        .join(format!("{mode}-{tag}"));
    static BUILT: OnceLock<std::sync::Mutex<Vec<PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    if built.lock().unwrap().contains(&out) {
        return out;
    }
    build_seed(mode, go, &out);
    built.lock().unwrap().push(out.clone());
    out
}

fn seed() -> PathBuf {
    injector("seed", &go126(), "go126")
}

fn doctor(go: &Path, toolexec: &str, deep: bool, cache: &Path) -> Value {
    doctor_in(go, toolexec, deep, cache, None)
}

/// doctor with a GOCACHE of the test's own when `gocache` is given.
fn doctor_in(go: &Path, toolexec: &str, deep: bool, cache: &Path, gocache: Option<&Path>) -> Value {
    let mut args = vec![
        "doctor",
        "--json",
        "--go",
        go.to_str().unwrap(),
        "--toolexec",
        toolexec,
    ];
    if deep {
        args.push("--deep");
    }
    let mut c = cmd(&args);
    c.env("QCOMPAT_CACHE_DIR", cache);
    if let Some(g) = gocache {
        c.env("GOCACHE", g);
    }
    let (v, code) = json_of(&mut c);
    let want = if v["ok"] == true { 0 } else { 1 };
    assert_eq!(code, want, "{v:#}");
    v
}

/// `qcompat select --go GO [--toolexec T] ARGS...` with qcompat's cache in
/// `cache`.
fn select_cmd(go: &Path, toolexec: Option<&str>, cache: &Path, args: &[&str]) -> Command {
    let mut c = cmd(&["select", "--go", go.to_str().unwrap()]);
    if let Some(t) = toolexec {
        c.args(["--toolexec", t]);
    }
    c.args(args).env("QCOMPAT_CACHE_DIR", cache);
    c
}

fn select(go: &Path, toolexec: &str, cache: &Path) -> Value {
    let (v, code) = json_of(&mut select_cmd(go, Some(toolexec), cache, &["--json"]));
    assert_eq!(code, 0, "{v:#}");
    v
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The text of the selection's reason with this code (reason_codes is
/// parallel to reasons); "" when none has it.
fn reason<'a>(sel: &'a Value, code: &str) -> &'a str {
    let codes = sel["reason_codes"].as_array().expect("reason_codes");
    codes
        .iter()
        .position(|c| c == code)
        .map_or("", |i| s(&sel["reasons"][i]))
}

/// Go 1.19 ships runtime precompiled for the host: an unsalted injector never
/// runs for it (precompiled-std), and when it does run (with -a) its
/// unconverted file does not compile (runtime-file).
#[test]
fn seed_injector_on_go119() {
    let cache = tempfile::tempdir().unwrap();
    let inj = seed();
    let t = inj.to_str().unwrap();
    let go = go119();

    let r = doctor(&go, t, false, cache.path());
    let id = check(&r, "toolexec-id");
    assert_eq!(id["status"], "warn");
    assert!(s(&id["message"]).contains("precompiled-std"), "{id:#}");
    assert!(s(&id["fix"]).contains("-a"), "{id:#}");
    assert!(
        !s(&id["fix"]).contains("GOCACHE"),
        "a fresh GOCACHE does not help here: {id:#}"
    );
    // Injection is ruled out, but the shipped pins record goid's calibrated
    // path passing on go1.19.8 linux/amd64 (the evidence run): calibrated.
    assert_eq!(r["selection"]["strategy"], "calibrated");
    assert_eq!(r["selection"]["failure"], "precompiled-std");
    assert_eq!(
        r["selection"]["pinned"], false,
        "the builtin's pin does not vouch for it"
    );
    assert!(
        !s(&r["advice"]).contains("qcompat_injected"),
        "{}",
        r["advice"]
    );

    // Without a live probe, it says which evidence proved the path.
    assert!(
        reason(&r["selection"], "calibrated-proven").contains("the pins' evidence for this Go minor shows goid's calibrated path passing on linux/amd64 with go1.19.8 (offset 152)"),
        "{:#}",
        r["selection"]
    );

    // Live, injection fails, but the plain probe (no injector) shows goid's
    // calibrated path: calibrated, with no tag and no injector.
    let r = doctor(&go, t, true, cache.path());
    assert_eq!(r["ok"], false);
    let deep = check(&r, "deep");
    assert_eq!(deep["status"], "fail");
    assert!(s(&deep["message"]).contains("runtime-file"), "{deep:#}");
    assert!(s(&deep["message"]).contains("g.goid is int64"), "{deep:#}");
    assert!(s(&deep["fix"]).contains("uint64(getg().goid)"), "{deep:#}");
    assert_eq!(
        r["selection"]["strategy"], "calibrated",
        "{:#}",
        r["selection"]
    );
    assert_eq!(r["selection"]["failure"], "runtime-file");
    assert_eq!(r["selection"]["verified"], false);
    assert_eq!(r["selection"]["build_tags"], serde_json::json!([]));
    assert!(
        s(&r["advice"]).contains("no qcompat tag and no injector"),
        "{}",
        r["advice"]
    );
    let plain = &r["selection"]["live"]["plain"];
    assert_eq!(plain["status"], "pass", "{plain:#}");
    assert!(
        s(&plain["note"]).contains("calibrated=pass offset=152 build=plain"),
        "{plain:#}"
    );

    let sel = select(&go, t, cache.path());
    assert_eq!(sel["strategy"], "calibrated");
    assert_eq!(sel["toolexec_required"], false);
    assert_eq!(sel["failure"], "runtime-file");
    assert_eq!(sel["injector"]["name"], "seed-go126");
    assert!(sel["live"]["with_a"].is_object(), "{sel:#}");
    assert!(
        reason(&sel, "calibrated-proven")
            .contains("without the injector read g.goid at offset 152"),
        "{sel:#}"
    );

    // The lines: no injector, and a bare -tags= that replaces a qcompat_stack
    // in GOFLAGS (the user's other tags kept).
    let line = |format: &str, goflags: &str| {
        let o = select_cmd(
            &go,
            Some(t),
            cache.path(),
            &["--verify", "--format", format],
        )
        .env("GOFLAGS", goflags)
        .output()
        .unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    assert_eq!(
        line("goflags", "-tags=netgo,qcompat_stack"),
        "-tags=netgo\n"
    );
    assert_eq!(line("goflags", ""), "-tags=\n");
    assert_eq!(
        line("env", "-mod=mod"),
        "export GOFLAGS='-mod=mod -tags='\n"
    );

    // The tag that turns the calibrated path off, in GOFLAGS: stack.
    let (off, _) = json_of(
        select_cmd(&go, Some(t), cache.path(), &["--verify", "--json"])
            .env("GOFLAGS", "-tags=qcompat_nocalibrate"),
    );
    assert_eq!(off["strategy"], "stack", "{off:#}");
    assert!(
        reason(&off, "calibrated-not-chosen").contains("qcompat_nocalibrate"),
        "{off:#}"
    );

    // A program that pulls runtime.GoroutineID itself is never told calibrated.
    let prog = tempfile::tempdir().unwrap();
    std::fs::write(prog.path().join("go.mod"), "module pulls\n\ngo 1.19\n").unwrap();
    std::fs::write(
        prog.path().join("main.go"),
        "package main\n\nimport _ \"unsafe\"\n\n//go:linkname goroutineID runtime.GoroutineID\nfunc goroutineID() uint64\n\nfunc main() { println(goroutineID()) }\n",
    )
    .unwrap();
    std::fs::write(prog.path().join("stub.s"), "").unwrap();
    let (p, _) = json_of(&mut select_cmd(
        &go,
        Some(t),
        cache.path(),
        &[
            "--verify",
            "--json",
            "--program",
            prog.path().to_str().unwrap(),
        ],
    ));
    assert_eq!(p["program"]["pulls_accessor"], true, "{p:#}");
    assert_eq!(p["strategy"], "stack", "{p:#}");
}

/// The pins' calibrated evidence for a Go minor and GOOS/GOARCH decides
/// offline, where injection is not proven; a platform goid has no calibrated
/// path on, or qcompat's injector where the pin proves it, is unaffected.
#[test]
fn calibrated_from_the_pins_evidence() {
    let cache = tempfile::tempdir().unwrap();
    let inj = seed();
    let t = inj.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.yaml");
    let entry = |go: &str, range: &str, result: &str| {
        format!(
            "- go: \"{range}\"\n  strategy: injected\n  linkname: permissive\n  evidence:\n    toolchains: [{go}]\n    platforms_linked: 1\n    platforms_executed: 1\n    date: \"2026-12-01\"\n    qcompat_version: \"0\"\n    per_toolchain:\n    - go: {go}\n      linked: 1\n      executed: 1\n      skipped: 0\n      date: \"2026-12-01\"\n      calibrated:\n      - {{goos: linux, goarch: amd64, result: {result}, offset: 152}}\n"
        )
    };
    let write = |result: &str| {
        std::fs::write(
            &pins,
            format!(
                "schema: 1\npins:\n{}{}",
                entry("go1.19.8", ">=1.19.0, <1.20.0", result),
                entry("go1.26.8", ">=1.26.0, <1.27.0", "pass")
            ),
        )
        .unwrap();
    };
    let sel = |go: &Path, toolexec: Option<&str>, goarch: Option<&str>| {
        let mut args = vec![
            "select",
            "--offline",
            "--json",
            "--go",
            go.to_str().unwrap(),
            "--pins",
            pins.to_str().unwrap(),
        ];
        if let Some(t) = toolexec {
            args.extend(["--toolexec", t]);
        }
        let mut c = cmd(&args);
        c.env("QCOMPAT_CACHE_DIR", cache.path());
        if let Some(a) = goarch {
            c.env("GOARCH", a).env("GOOS", "js");
        }
        let (v, code) = json_of(&mut c);
        assert_eq!(code, 0, "{v:#}");
        v
    };
    write("pass");
    let v = sel(&go119(), Some(t), None);
    assert_eq!(v["strategy"], "calibrated", "{v:#}");
    assert!(
        reason(&v, "calibrated-proven")
            .contains("passing on linux/amd64 with go1.19.8 (offset 152)"),
        "{v:#}"
    );
    let v = sel(&go119(), Some(t), Some("wasm"));
    assert_eq!(v["strategy"], "stack", "{v:#}");
    assert!(
        reason(&v, "calibrated-not-chosen").contains("no calibrated path on wasm"),
        "{v:#}"
    );
    write("fail");
    let v = sel(&go119(), Some(t), None);
    assert_eq!(v["strategy"], "stack", "{v:#}");
    // qcompat's own injector on go1.26.8, verified live: injected still.
    let (v, code) = json_of(&mut select_cmd(
        &go126(),
        None,
        cache.path(),
        &["--verify", "--json", "--pins", pins.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        (&v["strategy"], &v["verified"]),
        (&serde_json::json!("injected"), &serde_json::json!(true)),
        "{v:#}"
    );
    assert!(
        v["live"].get("plain").is_none(),
        "no plain probe when injection passes: {v:#}"
    );
    // pins table shows the column.
    let o = cmd(&["pins", "table", "--pins", pins.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        text(&o.stdout).contains("| 1 pass @152 |"),
        "{}",
        text(&o.stdout)
    );
}

/// Go 1.26 and 1.27: the unsalted injector works in a GOCACHE of its own
/// (shared-cache is a warning with that fix); on 1.27 an injector built by
/// go1.26.8 draws the export-data warning.
#[test]
fn seed_injector_on_go126_and_go127() {
    let cache = tempfile::tempdir().unwrap();
    let inj = seed();
    let t = inj.to_str().unwrap();
    for (go, name) in [(go126(), "go1.26.8"), (go127(), "go1.27.3")] {
        let r = doctor(&go, t, false, cache.path());
        let id = check(&r, "toolexec-id");
        assert_eq!(id["status"], "warn");
        assert!(s(&id["message"]).contains("shared-cache"), "{id:#}");
        assert!(s(&id["fix"]).contains("GOCACHE"), "{id:#}");
        assert_eq!(r["selection"]["verified"], Value::Null);

        let r = doctor(&go, t, true, cache.path());
        assert_eq!(r["ok"], true, "{r:#}");
        assert_eq!(check(&r, "deep")["status"], "ok");
        assert!(s(&check(&r, "deep")["message"]).contains(&format!("go={name}")));
        let sel = &r["selection"];
        assert_eq!(sel["strategy"], "injected");
        assert_eq!(sel["verified"], true);
        assert_eq!(sel["needs_own_gocache"], true);
        assert_eq!(sel["live"]["private_gocache"], true);
        assert!(
            s(&r["advice"]).contains(&format!("-toolexec={t}")),
            "{}",
            r["advice"]
        );
        assert!(s(&r["advice"]).contains("GOCACHE of their own"));

        let sel = select(&go, t, cache.path());
        assert_eq!(sel["strategy"], "injected", "{sel:#}");
        assert_eq!(sel["pinned"], false);
        assert_eq!(sel["verified"], true);

        let built = check(&r, "toolexec-go");
        if name == "go1.27.3" {
            assert_eq!(built["status"], "warn", "{built:#}");
            assert!(s(&built["message"]).contains("export-data"));
            assert!(s(&built["fix"]).contains("go1.27.3"));
        } else {
            assert_eq!(built["status"], "ok", "{built:#}");
        }
    }
    // Built by go1.19.8, wrapping go1.26.8: the same warning.
    let old = injector("seed", &go119(), "go119");
    let r = doctor(&go126(), old.to_str().unwrap(), false, cache.path());
    let built = check(&r, "toolexec-go");
    assert_eq!(built["status"], "warn", "{built:#}");
    assert!(s(&built["message"]).contains("built by go1.19.8"));
}

/// Two injectors that both add runtime.GoroutineID. The chain answers
/// `-V=full` with qcompat's salted line, so it shares cache entries with
/// qcompat-only builds: the user's GOCACHE, warmed by a qcompat-only build,
/// must not answer its live check or its matrix cells.
#[test]
fn chained_injectors_are_recognised() {
    let cache = tempfile::tempdir().unwrap();
    let gocache = cache.path().join("go-build");
    let inj = injector("convert", &go126(), "go126");
    let chained = format!("{} -chain={},toolexec", inj.display(), qcompat().display());
    // A qcompat-only live build leaves its runtime.a in the user's GOCACHE.
    let (warm, _) = json_of(
        select_cmd(&go126(), None, cache.path(), &["--json", "--verify"]).env("GOCACHE", &gocache),
    );
    assert_eq!(warm["verified"], true, "{warm:#}");
    let r = doctor_in(&go126(), &chained, true, cache.path(), Some(&gocache));
    let id = check(&r, "toolexec-id");
    assert_eq!(id["status"], "warn", "{id:#}");
    assert!(
        s(&id["message"]).contains("qcompat's own salted line"),
        "{id:#}"
    );
    let deep = check(&r, "deep");
    assert_eq!(deep["status"], "fail", "{r:#}");
    assert!(
        s(&deep["message"]).contains("chained-injectors"),
        "{deep:#}"
    );
    assert_eq!(deep["class"], "chained-injectors", "{deep:#}");
    assert_eq!(r["selection"]["live"]["private_gocache"], true);
    assert!(s(&deep["fix"]).contains("one injector own"), "{deep:#}");
    assert_eq!(r["selection"]["failure"], "chained-injectors");

    let dir = tempfile::tempdir().unwrap();
    let (m, out) = matrix_report_in(
        &format!("toolchains: [local]\nplatforms: [linux/amd64]\ntoolexec: {chained}\n"),
        dir.path(),
        cache.path(),
        Some(&gocache),
    );
    assert_eq!(out.status.code(), Some(1));
    let c = cell(&m, "go1.26.8", "linux/amd64");
    assert_eq!(c["status"], "fail-build", "{c:#}");
    assert_eq!(c["diagnosis"]["class"], "chained-injectors", "{c:#}");
}

fn matrix_report(spec_body: &str, dir: &Path, cache: &Path) -> (Value, std::process::Output) {
    matrix_report_in(spec_body, dir, cache, None)
}

fn matrix_report_in(
    spec_body: &str,
    dir: &Path,
    cache: &Path,
    gocache: Option<&Path>,
) -> (Value, std::process::Output) {
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, spec_body).unwrap();
    let report = dir.join("report.json");
    let junit = dir.join("junit.xml");
    let out = cmd(&[
        "matrix",
        "run",
        spec.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ])
    .env("QCOMPAT_CACHE_DIR", cache)
    .env("QCOMPAT_GO", go126())
    .env("GOCACHE", gocache.unwrap_or(&cache.join("go-build")))
    .output()
    .unwrap();
    assert!(report.is_file(), "no report: {}", text(&out.stderr));
    let r = read_doc(&report, "report");
    junit_agrees(&junit, &r);
    (r, out)
}

/// A run's JUnit file parses as XML, with one testcase per cell of its
/// report and the report's failures (`<failure>`s and the count).
fn junit_agrees(junit: &Path, report: &Value) {
    use quick_xml::events::Event;
    let xml = std::fs::read_to_string(junit).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut counted) = (0, 0, None);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => match e.name().as_ref() {
                "testcase" => cases += 1,
                "failure" => failures += 1,
                "testsuites" => {
                    let a = e.try_get_attribute("failures").unwrap().unwrap();
                    counted = Some(a.value.to_string());
                }
                _ => {}
            },
            Ok(_) => {}
            Err(e) => panic!("JUnit is not well-formed: {e}: {xml}"),
        }
    }
    let cells = report["cells"].as_array().unwrap();
    let failing = cells
        .iter()
        .filter(|c| s(&c["status"]).starts_with("fail-") || c["status"] == "timeout")
        .count();
    assert_eq!(cases, cells.len(), "{xml}");
    assert_eq!(failures, failing, "{xml}");
    assert_eq!(counted, Some(failing.to_string()), "{xml}");
}

/// The matrix gives the same verdicts as doctor, lean or not: on go1.19.8 the
/// host cell is precompiled-std and the cross cell runtime-file; on go1.26.8
/// both pass in a private GOCACHE. Pins recorded with qcompat's own injector
/// draw no regression lines for another injector.
#[test]
fn matrix_verdicts_for_the_seed_injector_lean_or_not() {
    let inj = seed();
    for lean in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (r, out) = matrix_report(
            &format!(
                "toolchains:\n  - local\n  - path: {}\nplatforms: [linux/amd64, linux/arm64]\ntoolexec: {}\nverify: exec\nlean: {lean}\n",
                go119_root().display(),
                inj.display()
            ),
            dir.path(),
            &dir.path().join("cache"),
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let host = cell(&r, "go1.19.8", "linux/amd64");
        assert_eq!(host["status"], "fail-relocation", "lean={lean}: {host:#}");
        assert_eq!(host["diagnosis"]["class"], "precompiled-std", "{host:#}");
        assert!(!s(&host["command"]).contains("-dwarf=false"), "{host:#}");
        let cross = cell(&r, "go1.19.8", "linux/arm64");
        assert_eq!(cross["status"], "fail-build", "{cross:#}");
        assert_eq!(cross["diagnosis"]["class"], "runtime-file", "{cross:#}");
        assert!(
            s(&cross["note"]).contains("uint64(getg().goid)"),
            "{cross:#}"
        );
        assert!(s(&cross["stderr_excerpt"]).contains("cannot use getg().goid"));
        for p in ["linux/amd64", "linux/arm64"] {
            let c = cell(&r, "go1.26.8", p);
            assert_eq!(c["status"], "pass", "{c:#}");
            assert_eq!(c["verified"], "exec", "{c:#}");
        }
        assert_eq!(r["injector"]["name"], "seed-go126");
        let err = text(&out.stderr);
        assert!(!err.contains("qcompat: regression:"), "{err}");
        assert!(err.contains("no pins in"), "{err}");
    }
}

/// An injector replaced in place (as `go install` does) by one that injects
/// nothing is a new injector: no kept binary or private GOCACHE of the old
/// one gives it a stale pass.
#[test]
fn injector_replaced_in_place_gets_no_stale_pass() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let path = dir.path().join("q");
    std::fs::copy(injector("convert", &go126(), "go126"), &path).unwrap();
    let body = format!(
        "toolchains: [local]\nplatforms: [linux/amd64]\ntoolexec: {}\nverify: exec\n",
        path.display()
    );
    let (r, _) = matrix_report(&body, dir.path(), &cache);
    assert_eq!(cell(&r, "go1.26.8", "linux/amd64")["status"], "pass");
    let first = r["injector"]["sha256"].clone();
    // The seed adds runtime.GoroutineID only: the probe sees that goid's
    // default build takes the stack path, and the report says so.
    assert!(
        s(&cell(&r, "go1.26.8", "linux/amd64")["note"]).contains("default=undetected"),
        "{r:#}"
    );
    assert!(
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| s(n).starts_with("default build: the injector is not detected")),
        "{r:#}"
    );

    std::fs::remove_file(&path).unwrap();
    std::fs::copy(injector("none", &go126(), "go126"), &path).unwrap();
    let (r, out) = matrix_report(&body, dir.path(), &cache);
    assert_eq!(out.status.code(), Some(1));
    let c = cell(&r, "go1.26.8", "linux/amd64");
    assert_eq!(c["status"], "fail-relocation", "{c:#}");
    assert_ne!(r["injector"]["sha256"], first);

    // doctor --deep sees the replacement too.
    let d = doctor(&go126(), path.to_str().unwrap(), true, &cache);
    assert_eq!(check(&d, "deep")["status"], "fail", "{d:#}");
}

/// Copies a test injector module to a folder of the test's own.
fn copy_module(from: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(repo().join(from)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn toolchain<'a>(r: &'a Value, go: &str) -> &'a Value {
    r["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["go"] == go)
        .unwrap_or_else(|| panic!("no toolchain {go} in {r:#}"))
}

/// An injector given as a Go package is built by each toolchain of the run:
/// go1.19.8 cannot (it uses the slices package), so its cells are one
/// skip-injector each; go1.26.8 and go1.27.3 build it and their cells pass.
/// A rerun reuses the builds; a changed source file rebuilds them.
#[test]
fn injector_package_is_built_per_toolchain() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("modern");
    copy_module("tests/injectors/modern", &module);
    let cache = dir.path().join("cache");
    let body = format!(
        "toolchains:\n  - local\n  - path: {}\n  - path: {}\nplatforms: [linux/amd64, linux/arm64]\ntoolexec: {{package: ., dir: {}}}\nverify: exec\n",
        go119_root().display(),
        go127().display(),
        module.display()
    );
    let builds = |r: &Value| -> Vec<String> {
        ["go1.19.8", "go1.26.8", "go1.27.3"]
            .iter()
            .map(|g| s(&toolchain(r, g)["injector_build"]["status"]).to_string())
            .collect()
    };
    let (r, out) = matrix_report_in(&body, dir.path(), &cache, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(builds(&r), ["failed", "built", "built"]);
    for p in ["linux/amd64", "linux/arm64"] {
        let old = cell(&r, "go1.19.8", p);
        assert_eq!(old["status"], "skip-injector", "{old:#}");
        assert!(s(&old["note"]).contains("slices"), "{old:#}");
        for g in ["go1.26.8", "go1.27.3"] {
            let c = cell(&r, g, p);
            assert_eq!(c["status"], "pass", "{c:#}");
            assert_eq!(c["verified"], "exec");
            assert!(s(&c["command"]).contains("/injectors/"), "{c:#}");
        }
    }
    for g in ["go1.26.8", "go1.27.3"] {
        assert_eq!(toolchain(&r, g)["injector_build"]["built_by"], g);
        assert_eq!(toolchain(&r, g)["injector_built_by"], g);
    }
    assert_eq!(r["injector"]["name"], "moderninjector");
    assert_eq!(r["injector"]["package"], ".");
    assert_eq!(r["injector"]["module"], "example.com/moderninjector");
    let grid = grid_of(&dir.path().join("report.json"));
    assert!(
        grid.contains("go1.27.3: injector built by go1.27.3"),
        "{grid}"
    );
    assert!(grid.contains("⏭ injector"), "{grid}");

    let (r, _) = matrix_report_in(&body, dir.path(), &cache, None);
    assert_eq!(builds(&r), ["failed", "reused", "reused"]);

    let main = module.join("main.go");
    let mut src = std::fs::read_to_string(&main).unwrap();
    src.push_str("\n// touched\n");
    std::fs::write(&main, src).unwrap();
    let (r2, _) = matrix_report_in(&body, dir.path(), &cache, None);
    assert_eq!(builds(&r2), ["failed", "built", "built"]);
    assert_ne!(r2["injector"]["sha256"], r["injector"]["sha256"]);

    // doctor takes the same package form for one toolchain.
    let doc = |go: &Path| {
        let out = cmd(&[
            "doctor",
            "--json",
            "--deep",
            "--go",
            go.to_str().unwrap(),
            "--toolexec-package",
            ".",
            "--toolexec-dir",
            module.to_str().unwrap(),
        ])
        .env("QCOMPAT_CACHE_DIR", &cache)
        .output()
        .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let d = doc(&go127());
    assert_eq!(check(&d, "deep")["status"], "ok", "{d:#}");
    assert_eq!(
        check(&d, "toolexec-go")["message"]
            .as_str()
            .map(|m| m.contains("go1.27.3")),
        Some(true)
    );
    let d = doc(&go119());
    let t = check(&d, "toolexec");
    assert_eq!(t["status"], "fail", "{d:#}");
    assert!(
        s(&t["message"]).contains("cannot be built by go1.19.8"),
        "{t:#}"
    );
}

/// The probe can fail: an injector whose accessor returns a wrong ID (goid+1)
/// or 0 links everywhere but gives fail-run, natively and under qemu.
#[test]
fn wrong_ids_fail_the_run() {
    for mode in ["wrongid", "zero"] {
        let inj = injector(mode, &go126(), "go126");
        let dir = tempfile::tempdir().unwrap();
        let (r, out) = matrix_report(
            &format!(
                "toolchains: [local]\nplatforms: [linux/amd64, linux/arm64]\ntoolexec: {}\nverify: exec\n",
                inj.display()
            ),
            dir.path(),
            &dir.path().join("cache"),
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        for p in ["linux/amd64", "linux/arm64"] {
            let c = cell(&r, "go1.26.8", p);
            assert_eq!(c["status"], "fail-run", "{mode} {p}: {c:#}");
            assert_eq!(c["verified"], "exec");
            assert!(s(&c["note"]).contains("ok=false"), "{c:#}");
            assert!(s(&c["note"]).contains("mismatch="), "{c:#}");
            assert_eq!(c["diagnosis"]["class"], "wrong-id", "{c:#}");
            assert!(s(&c["diagnosis"]["evidence"]).contains("ok=false"), "{c:#}");
        }
    }
}

/// An injector whose `compile -V=full` answer the go command refuses fails
/// doctor's toolexec-id check with the go command's words, and its matrix
/// cells carry a class of their own (bad-tool-id).
#[test]
fn garbage_tool_id_fails_doctor_and_is_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let inj = script(
        dir.path(),
        "garbage-inj",
        "if [ \"$2\" = -V=full ]; then echo garbage; exit 0; fi\nexec \"$@\"\n",
    );
    let cache = dir.path().join("cache");
    let r = doctor(&go126(), inj.to_str().unwrap(), false, &cache);
    assert_eq!(r["ok"], false, "{r:#}");
    let c = check(&r, "toolexec-id");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        s(&c["message"])
            .contains("parsing buildID from go tool compile -V=full: unexpected output"),
        "{c:#}"
    );
    let (r, out) = matrix_report(
        &format!(
            "toolchains: [local]\nplatforms: [linux/amd64]\ntoolexec: {}\nverify: link\n",
            inj.display()
        ),
        dir.path(),
        &cache,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let c = cell(&r, "go1.26.8", "linux/amd64");
    assert_eq!(c["diagnosis"]["class"], "bad-tool-id", "{c:#}");
}

/// `--builds`: doctor --deep and select --verify also build and run the
/// named kinds. qcompat's injector passes as test and race; an injector that
/// gets -race wrong (the seed in mode norace: it injects nothing when runtime
/// is compiled for -race) passes a plain build but not the race one, and
/// select falls back (to goid's calibrated path here) naming the kind.
#[test]
fn builds_named_are_checked_live() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let (r, code) = json_of(
        cmd(&[
            "doctor",
            "--json",
            "--deep",
            "--builds",
            "test,race",
            "--go",
        ])
        .arg(go126())
        .env("QCOMPAT_CACHE_DIR", &cache),
    );
    assert_eq!(code, 0, "{r:#}");
    let deep = check(&r, "deep");
    assert_eq!(deep["status"], "ok", "{r:#}");
    assert!(
        s(&deep["message"]).contains("also as test, race"),
        "{deep:#}"
    );
    assert_eq!(
        r["selection"]["builds"],
        serde_json::json!(["build", "test", "race"]),
        "{r:#}"
    );
    let norace = injector("norace", &go126(), "go126");
    let t = norace.to_str().unwrap();
    let (sel, code) = json_of(&mut select_cmd(
        &go126(),
        Some(t),
        &cache,
        &["--verify", "--builds", "race", "--json"],
    ));
    assert_eq!(code, 0, "{sel:#}");
    // Not injected: goid's own path (calibrated, which the plain probe
    // proved here; it is right under -race too).
    assert_eq!(sel["strategy"], "calibrated", "{sel:#}");
    assert_eq!(sel["toolexec_required"], false, "{sel:#}");
    assert_eq!(sel["verified"], false, "{sel:#}");
    assert_eq!(sel["failure"], "not-injected", "{sel:#}");
    let why = sel["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(why.contains("race: fail-relocation"), "{why}");
    // Without --builds the same injector passes: only the race build is wrong.
    let (plain, _) = json_of(&mut select_cmd(
        &go126(),
        Some(t),
        &cache,
        &["--verify", "--json"],
    ));
    assert_eq!(plain["verified"], true, "{plain:#}");
    // --builds needs the live check it extends.
    let o = select_cmd(&go126(), Some(t), &cache, &["--builds", "race"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}
