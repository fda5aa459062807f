//! `qcompat matrix` with real toolchains, real cross builds and real qemu and
//! Node runs.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A spec file in `dir` whose `path:` toolchain points at Debian's go1.19.
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

#[test]
fn ci_small_spec_runs_for_real() {
    let dir = tempfile::tempdir().unwrap();
    let out = |n: &str| dir.path().join(n);
    let spec = repo().join("matrix/ci-small.yaml");
    let o = matrix(
        &[
            "matrix",
            "run",
            spec.to_str().unwrap(),
            "--report",
            out("r.json").to_str().unwrap(),
            "--markdown",
            out("grid.md").to_str().unwrap(),
            "--junit",
            out("junit.xml").to_str().unwrap(),
            "--summary-md",
            out("summary.md").to_str().unwrap(),
        ],
        &out("cache"),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let r = read_doc(&out("r.json"), "report");
    assert_eq!(r["schema"], 1);
    assert_eq!(r["complete"], true);
    assert_eq!(r["cells"].as_array().unwrap().len(), 12);
    for go in ["go1.26.8", "go1.19.8"] {
        for p in ["linux/amd64", "linux/arm64", "linux/riscv64", "js/wasm"] {
            let c = cell(&r, go, p);
            assert_eq!(c["status"], "pass", "{go} {p}: {c:#}");
            assert_eq!(c["verified"], "exec", "{go} {p}: {c:#}");
            assert!(
                c["note"]
                    .as_str()
                    .unwrap()
                    .contains("qcompat-probe ok=true"),
                "{c:#}"
            );
            // goid's calibrated path, checked by the probe on every executed
            // cell: g.goid at 152 on these 64-bit ports, no g on wasm.
            let want = if p == "js/wasm" {
                serde_json::json!({"result": "unsupported", "offset": 0})
            } else {
                serde_json::json!({"result": "pass", "offset": 152})
            };
            assert_eq!(c["calibrated"], want, "{go} {p}: {c:#}");
        }
        // windows/amd64 runs under Wine (Go 1.21+ through qcompat's
        // ProcessPrng shim in its own prefix).
        let w = cell(&r, go, "windows/amd64");
        assert_eq!(w["status"], "pass", "{w:#}");
        assert_eq!(w["verified"], "exec", "{w:#}");
        assert!(w["command"].as_str().unwrap().contains("GOOS=windows"));
        assert!(
            w["note"].as_str().unwrap().contains("goos=windows"),
            "{w:#}"
        );
    }
    // The go command itself refuses the cgo-only pair on new Go.
    let a = cell(&r, "go1.26.8", "android/amd64");
    assert_eq!(a["status"], "skip-cgo");
    assert!(a["stderr_excerpt"]
        .as_str()
        .unwrap()
        .contains("requires external (cgo) linking"));
    let grid = std::fs::read_to_string(out("grid.md")).unwrap();
    assert!(
        grid.contains("| platform | go1.19.8 | go1.26.8 |"),
        "{grid}"
    );
    assert!(
        grid.contains("| linux/riscv64 | ✅ exec | ✅ exec |"),
        "{grid}"
    );
    assert!(
        grid.contains("| linux/riscv64 | ✅ 152 | ✅ 152 |"),
        "{grid}"
    );
    let junit = std::fs::read_to_string(out("junit.xml")).unwrap();
    assert!(
        junit.contains("<testsuite name=\"go1.26.8\" tests=\"6\" failures=\"0\""),
        "{junit}"
    );
    assert!(junit.contains("<skipped"), "{junit}");
    assert!(junit.contains("calibrated: pass offset=152"), "{junit}");
    let summary = std::fs::read_to_string(out("summary.md")).unwrap();
    // The cgo-only pair's skip is counted, not "all cells pass".
    assert!(
        summary.contains("## qcompat matrix: 11 cell(s) pass, 1 skipped"),
        "{summary}"
    );

    // Its evidence goes into a copy of the pins.
    let pins = out("pins.yaml");
    std::fs::copy(repo().join("matrix/pins.yaml"), &pins).unwrap();
    let o = run(&[
        "pins",
        "update",
        "--from",
        out("r.json").to_str().unwrap(),
        "--pins",
        pins.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let updated: Value = serde_json::to_value(
        serde_yaml::from_str::<serde_yaml::Value>(&std::fs::read_to_string(&pins).unwrap())
            .unwrap(),
    )
    .unwrap();
    let pin = |range: &str| {
        updated["pins"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["go"] == range)
            .unwrap_or_else(|| panic!("no pin {range} in {updated:#}"))
            .clone()
    };
    // One pin per tested minor; this run's entry for each toolchain replaces
    // the older one, with the measured facts and the commit.
    let p = pin(">=1.26.0, <1.27.0");
    let mine = p["evidence"]["per_toolchain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["go"] == "go1.26.8")
        .unwrap()
        .clone();
    assert_eq!(
        (
            mine["linked"].as_u64(),
            mine["executed"].as_u64(),
            mine["skipped"].as_u64()
        ),
        (Some(5), Some(5), Some(1)),
        "{p:#}"
    );
    assert_eq!(p["linkname"], "restricted");
    assert_eq!(p["goid_type"], "uint64");
    assert!(p["evidence"]["commit"].is_string(), "{p:#}");
    let old = pin(">=1.19.0, <1.20.0");
    assert_eq!(old["linkname"], "permissive");
    assert_eq!(old["goid_type"], "int64");
    let mine = old["evidence"]["per_toolchain"][0].clone();
    assert_eq!(mine["go"], "go1.19.8");
    assert_eq!(mine["linked"].as_u64(), Some(6), "{old:#}");
    // Each executed cell's calibrated result is recorded with it ...
    let amd64 = mine["calibrated"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["goos"] == "linux" && c["goarch"] == "amd64")
        .unwrap_or_else(|| panic!("no linux/amd64 calibrated entry: {old:#}"))
        .clone();
    assert_eq!(
        (amd64["result"].as_str(), amd64["offset"].as_u64()),
        (Some("pass"), Some(152)),
        "{old:#}"
    );
    // ... and makes select offline say calibrated on go1.19.8 for an
    // unsalted injector that cannot work there (precompiled-std).
    let dir = tempfile::tempdir().unwrap();
    let pass = script(dir.path(), "passthrough", "exec \"$@\"\n");
    let (s, code) = json_of(
        cmd(&[
            "select",
            "--offline",
            "--json",
            "--pins",
            pins.to_str().unwrap(),
            "--go",
            go119().to_str().unwrap(),
            "--toolexec",
            pass.to_str().unwrap(),
        ])
        .env("QCOMPAT_CACHE_DIR", dir.path().join("cache")),
    );
    assert_eq!(code, 0, "{s:#}");
    assert_eq!(s["strategy"], "calibrated", "{s:#}");
    let table = text(&run(&["pins", "table", "--pins", pins.to_str().unwrap()]).stdout);
    assert!(table.contains("| 4 pass @152, 1 unsupported |"), "{table}");
}

#[test]
fn passthrough_injector_gives_fail_relocation() {
    let dir = tempfile::tempdir().unwrap();
    let pass = script(dir.path(), "passthrough", "exec \"$@\"\n");
    let s = spec(
        dir.path(),
        "broken.yaml",
        &format!(
            "toolchains:\n  - local\n  - path: /usr/lib/go-1.19\nplatforms: [linux/amd64]\ntoolexec: {}\nverify: exec\n",
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

#[test]
fn shards_merge_back_into_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "link.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64, linux/386, linux/arm64, windows/amd64, freebsd/amd64]\nverify: link\n",
    );
    let cache = dir.path().join("cache");
    let plan = matrix(
        &[
            "matrix",
            "plan",
            s.to_str().unwrap(),
            "--shards",
            "2",
            "--format",
            "github",
        ],
        &cache,
    );
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(plan["include"].as_array().unwrap().len(), 2);
    assert_eq!(plan["include"][0]["shard"], "1/2");
    assert_eq!(plan["include"][0]["cells"], 3);
    assert_eq!(plan["include"][1]["cells"], 2);

    let mut reports = Vec::new();
    for i in 1..=2 {
        let r = dir.path().join(format!("shard{i}.json"));
        let o = matrix(
            &[
                "matrix",
                "run",
                s.to_str().unwrap(),
                "--shard",
                &format!("{i}/2"),
                "--report",
                r.to_str().unwrap(),
            ],
            &cache,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        reports.push(r);
    }
    let merged = dir.path().join("merged.json");
    let junit = dir.path().join("merged.xml");
    let o = run(&[
        "matrix",
        "merge",
        reports[0].to_str().unwrap(),
        reports[1].to_str().unwrap(),
        "--report",
        merged.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let m = read_doc(&merged, "report");
    assert_eq!(m["complete"], true);
    assert_eq!(m["cells"].as_array().unwrap().len(), 5);
    assert_eq!(m["merged_shards"], serde_json::json!(["1/2", "2/2"]));
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .contains("tests=\"5\""));

    let whole = dir.path().join("whole.json");
    let o = matrix(
        &[
            "matrix",
            "run",
            s.to_str().unwrap(),
            "--report",
            whole.to_str().unwrap(),
        ],
        &cache,
    );
    assert!(o.status.success());
    // One linkname check and five builds on a worker per core: all but the
    // last (cores - 1) tasks build on one thread.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let narrow = read_doc(&whole, "report")["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["command"].as_str().unwrap().contains("GOMAXPROCS=1 "))
        .count();
    assert_eq!(narrow, 6usize.saturating_sub(cores), "cores: {cores}");
    let mut a: Vec<String> = m["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["goos"], c["status"]))
        .collect();
    let mut b: Vec<String> = read_doc(&whole, "report")["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["goos"], c["status"]))
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);

    // One shard alone is an incomplete merge; a shard twice is an error.
    let part = dir.path().join("part.json");
    let o = run(&[
        "matrix",
        "merge",
        reports[0].to_str().unwrap(),
        "--report",
        part.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let p = read_doc(&part, "report");
    assert_eq!(p["complete"], false);
    assert!(p["notes"][0].as_str().unwrap().contains("2/2"));
    let o = run(&[
        "pins",
        "update",
        "--from",
        part.to_str().unwrap(),
        "--pins",
        repo().join("matrix/pins.yaml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("incomplete"));
    let o = run(&[
        "matrix",
        "merge",
        reports[0].to_str().unwrap(),
        reports[0].to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("twice"));
}

#[test]
fn sigint_writes_a_partial_report() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    let report = dir.path().join("partial.json");
    let mut child = start_slow_run(
        dir.path(),
        "[linux/amd64, linux/arm64, linux/ppc64le, linux/s390x, freebsd/arm64, netbsd/amd64]",
        &report,
        6,
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    unsafe_sigint(child.id());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let r = read_doc(&report, "report");
    assert_eq!(r["complete"], false);
    let n = r["cells"].as_array().unwrap().len();
    assert!((1..6).contains(&n), "{n} cells");
    assert!(r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x.as_str().unwrap().contains("interrupted")));
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "temp files left: {left:?}");
}

/// Starts a one-job, link-only run over `platforms` with a fresh GOCACHE
/// (every cell a cold build of seconds) and TMPDIR `dir/tmp`, and returns
/// once its first of `cells` cells has finished.
fn start_slow_run(dir: &Path, platforms: &str, report: &Path, cells: usize) -> std::process::Child {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let s = spec(
        dir,
        "slow.yaml",
        &format!("toolchains: [local]\nplatforms: {platforms}\nverify: link\njobs: 1\n"),
    );
    let mut child = cmd(&[
        "matrix",
        "run",
        s.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ])
    .env("QCOMPAT_CACHE_DIR", dir.join("cache"))
    .env("QCOMPAT_GO", go126())
    .env("GOCACHE", dir.join("gocache"))
    .env("TMPDIR", &tmp)
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with(&format!("[1/{cells}]")), "{first}");
    // Keep draining stderr so the run never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    child
}

fn unsafe_sigint(pid: u32) {
    let ok = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn spec_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    for (name, body, want) in [
        (
            "typo.yaml",
            "toolchains: [local]\nplatfroms: all\n",
            "typo.yaml:2",
        ),
        (
            "plat.yaml",
            "platforms:\n  - linux/amd64\n  - plan10/amd64\n",
            "plan10/amd64 is not a port",
        ),
        (
            "shape.yaml",
            "platforms:\n  - linux-amd64\n",
            "shape.yaml:2",
        ),
        ("glob.yaml", "exclude:\n  - 'linux/[x'\n", "glob.yaml:2"),
        (
            "selector.yaml",
            "platforms: [linux/amd64]\ntoolchains:\n  - local\n  - latest\n",
            "selector.yaml:4: toolchains: version selector \"latest\"",
        ),
    ] {
        let s = spec(dir.path(), name, body);
        let o = matrix(&["matrix", "run", s.to_str().unwrap()], &cache);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = text(&o.stderr);
        assert!(err.contains(want), "{name}: {err}");
        assert!(!err.contains("panicked"));
    }
    let o = matrix(&["matrix", "run", "/nonexistent/spec.yaml"], &cache);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("/nonexistent/spec.yaml"));
    let o = matrix(
        &["matrix", "run", "--shard", "3/2", "/nonexistent/spec.yaml"],
        &cache,
    );
    assert!(text(&o.stderr).contains("I/N"));

    // An injector that cannot be started names itself and the spec.
    let s = spec(
        dir.path(),
        "noinjector.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64]\nverify: link\ntoolexec: qcompat-no-such-injector\n",
    );
    let o = matrix(&["matrix", "run", s.to_str().unwrap()], &cache);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("noinjector.yaml")
            && err.contains("\"qcompat-no-such-injector\" is not an executable file"),
        "{err}"
    );

    // Outputs that cannot be written are refused before any cell is built.
    let ok = spec(
        dir.path(),
        "ok.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64]\nverify: link\n",
    );
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "").unwrap();
    let under_file = file.join("report.json");
    for flag in ["--report", "--junit", "--markdown", "--summary-md"] {
        for target in [under_file.as_path(), dir.path()] {
            let o = matrix(
                &[
                    "matrix",
                    "run",
                    ok.to_str().unwrap(),
                    flag,
                    target.to_str().unwrap(),
                ],
                &cache,
            );
            assert_eq!(o.status.code(), Some(2), "{flag} {}", target.display());
            let err = text(&o.stderr);
            assert!(err.contains(target.to_str().unwrap()), "{flag}: {err}");
            assert!(!err.contains("[1/1]"), "{flag}: a cell ran first: {err}");
        }
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
            "toolchains: [local]\nplatforms: [linux/amd64, linux/arm64]\nprogram:\n  dir: {}\n  package: ./cmd/goid-mode\nverify: exec\n",
            repo().join("fallback-go").display()
        ),
    );
    let report = dir.path().join("r.json");
    let o = run_spec(&s, &report, &dir.path().join("cache"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = read_doc(&report, "report");
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
        text(&o.stderr).contains("note: 1 of 1 cell(s) skipped, not verified"),
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

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// A first `pins update` into a file that does not exist, or is empty,
/// creates it; the dates it writes are quoted, so a YAML 1.1 reader (PyYAML)
/// gets strings.
#[test]
fn pins_update_creates_a_new_file_with_quoted_dates() {
    let dir = tempfile::tempdir().unwrap();
    let report = repo().join("matrix/evidence/report.json");
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "# q's pins\n\n").unwrap();
    for pins in [dir.path().join("new.yaml"), empty] {
        let o = run(&[
            "pins",
            "update",
            "--from",
            report.to_str().unwrap(),
            "--pins",
            pins.to_str().unwrap(),
        ]);
        assert!(
            o.status.success(),
            "{}: {}",
            pins.display(),
            text(&o.stderr)
        );
        let written = std::fs::read_to_string(&pins).unwrap();
        assert!(written.contains("date: '20"), "{written}");
        let py = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); \
                 ev = [p['evidence'] for p in d['pins'] if 'evidence' in p]; \
                 assert ev and all(type(e['date']) is str for e in ev), ev; print('strings')",
            ])
            .arg(&pins)
            .output()
            .unwrap();
        assert!(py.status.success(), "{}", text(&py.stderr));
    }
}

/// `X.Y.x` resolves from local toolchains when the providers say so, and a
/// network failure suggests --offline.
#[test]
fn minor_selectors_resolve_offline() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "sel.yaml",
        "toolchains: [1.27.x]\nplatforms: [linux/amd64]\n",
    );
    let plan = |extra: &[(&str, &str)], args: &[&str]| {
        let mut c = cmd(&[
            &["matrix", "plan", s.to_str().unwrap(), "--format", "json"],
            args,
        ]
        .concat());
        c.env("QCOMPAT_CACHE_DIR", dir.path().join("cache"));
        for (k, v) in extra {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let _ = go127(); // make sure the gotoolchain download is on disk
    for (env, args) in [
        (vec![("QCOMPAT_PROVIDERS", "local")], vec![]),
        (
            vec![("QCOMPAT_GO_INDEX", "http://127.0.0.1:9/dl")],
            vec!["--offline"],
        ),
    ] {
        let o = plan(&env, &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{env:?} {args:?}: {}",
            text(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v[0]["cells"], 1);
    }
    let o = plan(
        &[
            ("QCOMPAT_GO_INDEX", "http://127.0.0.1:9/dl"),
            ("QCOMPAT_RETRY_BASE_MS", "1"),
        ],
        &["--timeout", "3"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("--offline"), "{err}");
    assert!(!err.contains("Selector("), "{err}");
}

/// The probe runs by absolute path, never through `env`: a cache folder with
/// `=` in its name, given relative, still runs it, and no environment ends up
/// in the report.
#[test]
fn native_exec_with_odd_cache_paths() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "host.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64]\nverify: exec\n",
    );
    let o = cmd(&["matrix", "run", "host.yaml", "--report", "r.json"])
        .current_dir(dir.path())
        .env("QCOMPAT_CACHE_DIR", "odd=cache")
        .env("QCOMPAT_GO", go126())
        .env("QCOMPAT_SECRET_FOR_TEST", "do-not-leak")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(s.exists());
    let r = read_doc(&dir.path().join("r.json"), "report");
    let c = cell(&r, "go1.26.8", "linux/amd64");
    assert_eq!(c["verified"], "exec", "{c:#}");
    let all = serde_json::to_string(&r).unwrap();
    assert!(
        !all.contains("do-not-leak"),
        "the environment leaked into the report"
    );
    let run = c["command"]
        .as_str()
        .unwrap()
        .rsplit(" && ")
        .next()
        .unwrap();
    assert!(
        run.starts_with(&format!("{}/odd=cache/", dir.path().display())),
        "the binary runs by absolute path: {run}"
    );
}

/// qcompat installed under a path with a space and a single quote still
/// passes itself to the go command as one -toolexec word.
#[test]
fn qcompat_under_a_quoted_path() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("it's here");
    std::fs::create_dir(&odd).unwrap();
    let bin = odd.join("qcompat");
    std::fs::copy(qcompat(), &bin).unwrap();
    let s = spec(
        dir.path(),
        "host.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64]\nverify: exec\n",
    );
    let report = dir.path().join("r.json");
    let o = Command::new(&bin)
        .args(["matrix", "run", s.to_str().unwrap(), "--report"])
        .arg(&report)
        .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
        .env("QCOMPAT_GO", go126())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = read_doc(&report, "report");
    assert_eq!(cell(&r, "go1.26.8", "linux/amd64")["status"], "pass");
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

/// SIGKILL mid-run: the builds die with qcompat, the journal holds the cells
/// that finished and `matrix merge` turns it into a report, and the next
/// prune reclaims the dead run's work folder.
#[test]
fn sigkill_leaves_a_journal_and_nothing_running() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    let report = dir.path().join("r.json");
    let mut child = start_slow_run(
        dir.path(),
        "[linux/amd64, linux/arm64, linux/ppc64le, linux/s390x]",
        &report,
        4,
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    // The build in progress dies with qcompat (PR_SET_PDEATHSIG); its
    // compiler may take a moment to notice.
    let start = std::time::Instant::now();
    loop {
        let ps = Command::new("pgrep")
            .args(["-f", tmp.to_str().unwrap()])
            .output()
            .unwrap();
        if ps.stdout.is_empty() {
            break;
        }
        assert!(
            start.elapsed().as_secs() < 20,
            "still running: {}",
            text(&ps.stdout)
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(!report.exists());
    let journal = dir.path().join("r.json.journal");
    assert!(journal.exists());
    let merged = dir.path().join("m.json");
    let o = matrix(
        &[
            "matrix",
            "merge",
            journal.to_str().unwrap(),
            "--report",
            merged.to_str().unwrap(),
        ],
        &dir.path().join("cache"),
    );
    assert!(o.status.code().is_some(), "{}", text(&o.stderr));
    let r = read_doc(&merged, "report");
    assert_eq!(r["complete"], false);
    assert!(!r["cells"].as_array().unwrap().is_empty(), "{r:#}");
    // The dead run's work folder is reclaimed by the next prune.
    let stale = |tmp: &Path| {
        std::fs::read_dir(tmp)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("qcompat-matrix-")
            })
            .count()
    };
    assert_eq!(stale(&tmp), 1);
    let o = cmd(&["toolchains", "prune"])
        .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(stale(&tmp), 0, "{}", text(&o.stdout));
}

/// The small matrix on all eight toolchains, one per minor (ci/toolchains.sh
/// installs 1.21-1.25): the host and linux/arm64 executed, windows/amd64
/// linked, js/wasm executed under Node.
#[test]
fn every_minor_small_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    for (_, _) in every_minor() {} // fail early, with the hint, if one is missing
    let o = matrix(
        &[
            "matrix",
            "run",
            repo().join("matrix/ci-minors.yaml").to_str().unwrap(),
            "--offline",
            "--report",
            report.to_str().unwrap(),
        ],
        &dir.path().join("cache"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = read_doc(&report, "report");
    for (_, go) in every_minor() {
        for p in ["linux/amd64", "linux/arm64", "js/wasm"] {
            let c = cell(&r, go, p);
            assert_eq!(c["status"], "pass", "{c:#}");
            assert_eq!(c["verified"], "exec", "{c:#}");
            assert!(c["note"].as_str().unwrap().contains("checked=9"), "{c:#}");
        }
        let w = cell(&r, go, "windows/amd64");
        assert_eq!(w["status"], "pass", "{w:#}");
        assert_eq!(w["verified"], "exec", "{w:#}");
        let t = r["toolchains"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["go"] == go)
            .unwrap();
        let minor: u32 = go.split('.').nth(1).unwrap().parse().unwrap();
        assert_eq!(t["goid_type"], if minor <= 19 { "int64" } else { "uint64" });
        assert_eq!(
            t["linkname"],
            if minor >= 23 {
                "restricted"
            } else {
                "permissive"
            },
            "{t:#}"
        );
    }
}

/// ci/goid_offsets.py writes goid's offset table from a report's calibrated
/// fields: one file per Go minor, conflicting or failed cells left out, stale
/// files removed, bad input refused with nothing written.
#[test]
fn goid_offset_table_from_report() {
    let dir = tempfile::tempdir().unwrap();
    let goid = dir.path().join("goid");
    std::fs::create_dir(&goid).unwrap();
    std::fs::write(goid.join("offsets_go1_20.go"), "stale").unwrap();
    let cell = |go: &str, arch: &str, result: &str, offset: u64| {
        serde_json::json!({"go": go, "goos": "linux", "goarch": arch, "status": "pass",
            "verified": "exec", "calibrated": {"result": result, "offset": offset}})
    };
    let report = dir.path().join("r.json");
    let doc = serde_json::json!({"cells": [
        cell("go1.26.8", "amd64", "pass", 152),
        cell("go1.26.8", "arm64", "pass", 152),
        cell("go1.26.8", "386", "pass", 80),
        cell("go1.23.9", "amd64", "pass", 160),
        cell("go1.23.9", "386", "pass", 84),
        cell("go1.23.9", "386", "fail", 0),
        cell("go1.23.9", "wasm", "unsupported", 0),
    ]});
    std::fs::write(&report, doc.to_string()).unwrap();
    let gen = |r: &Path| {
        Command::new("python3")
            .arg(repo().join("ci/goid_offsets.py"))
            .arg(r)
            .arg(&goid)
            .output()
            .unwrap()
    };
    let o = gen(&report);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("left out"), "{}", text(&o.stderr));
    let t26 = std::fs::read_to_string(goid.join("offsets_go1_26.go")).unwrap();
    assert!(t26.contains("//go:build go1.26 && !go1.27"), "{t26}");
    assert!(
        t26.contains("case \"amd64\", \"arm64\":\n\t\ttableOffset = 152"),
        "{t26}"
    );
    assert!(t26.contains("case \"386\":\n\t\ttableOffset = 80"), "{t26}");
    let t23 = std::fs::read_to_string(goid.join("offsets_go1_23.go")).unwrap();
    assert!(
        t23.contains("tableOffset = 160") && !t23.contains("386"),
        "{t23}"
    );
    assert!(!goid.join("offsets_go1_20.go").exists());
    // Malformed: refused, the files stay as they were.
    std::fs::write(
        &report,
        r#"{"cells": [{"go": "go1.26.8", "calibrated": {"result": "maybe"}}]}"#,
    )
    .unwrap();
    let o = gen(&report);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("malformed calibrated"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(goid.join("offsets_go1_26.go")).unwrap(),
        t26
    );
}
