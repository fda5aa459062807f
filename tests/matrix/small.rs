//! The small specs of CI, run for real: matrix/ci-small.yaml once (its report,
//! grid, JUnit, step summary and pins each checked by a test of their own) and
//! matrix/ci-minors.yaml on every toolchain of ci/toolchains.txt.

use super::*;
use std::sync::OnceLock;

/// The outputs of one `matrix run matrix/ci-small.yaml`, shared by the tests
/// below (one run: every cell is a real build, some under qemu and Wine).
struct Small {
    dir: PathBuf,
    report: Value,
}

impl Small {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap()
    }
}

fn small() -> &'static Small {
    static RUN: OnceLock<Small> = OnceLock::new();
    RUN.get_or_init(|| {
        // Not a TempDir: a static is never dropped. The next test run
        // removes what this one left.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("matrix-ci-small");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = |n: &str| dir.join(n).to_str().unwrap().to_string();
        let spec = repo().join("matrix/ci-small.yaml");
        let o = matrix(
            &[
                "matrix",
                "run",
                spec.to_str().unwrap(),
                "--report",
                &out("r.json"),
                "--markdown",
                &out("grid.md"),
                "--junit",
                &out("junit.xml"),
                "--summary-md",
                &out("summary.md"),
            ],
            &dir.join("cache"),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}\n{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        let report = read_doc(&dir.join("r.json"), "report");
        Small { dir, report }
    })
}

#[test]
fn small_cells_execute_and_check_the_calibrated_path() {
    let r = &small().report;
    assert_eq!(r["schema"], 1);
    assert_eq!(r["complete"], true);
    assert_eq!(r["cells"].as_array().unwrap().len(), 12);
    for go in ["go1.26.8", "go1.19.8"] {
        for p in ["linux/amd64", "linux/arm64", "linux/riscv64", "js/wasm"] {
            let c = cell(r, go, p);
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
    }
}

/// windows/amd64 runs under Wine (Go 1.21+ through qcompat's ProcessPrng
/// shim in its own prefix).
#[test]
fn small_windows_cells_run_under_wine() {
    let r = &small().report;
    for go in ["go1.26.8", "go1.19.8"] {
        let w = cell(r, go, "windows/amd64");
        assert_eq!(w["status"], "pass", "{w:#}");
        assert_eq!(w["verified"], "exec", "{w:#}");
        assert!(w["command"].as_str().unwrap().contains("GOOS=windows"));
        assert!(
            w["note"].as_str().unwrap().contains("goos=windows"),
            "{w:#}"
        );
    }
}

/// The go command itself refuses the cgo-only pair on new Go: a skip, with
/// its words, counted as a skip in the step summary.
#[test]
fn small_cgo_only_pair_is_a_counted_skip() {
    let s = small();
    let a = cell(&s.report, "go1.26.8", "android/amd64");
    assert_eq!(a["status"], "skip-cgo");
    assert!(a["stderr_excerpt"]
        .as_str()
        .unwrap()
        .contains("requires external (cgo) linking"));
    let summary = s.read("summary.md");
    assert!(
        summary.contains("## qcompat matrix: 11 cell(s) pass, 1 skipped"),
        "{summary}"
    );
}

#[test]
fn small_grid_shows_verification_and_offsets() {
    let grid = small().read("grid.md");
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
}

#[test]
fn small_junit_has_a_suite_per_toolchain() {
    let junit = small().read("junit.xml");
    assert!(
        junit.contains(
            "<testsuite name=\"go1.26.8\" tests=\"6\" skipped=\"1\" errors=\"0\" failures=\"0\""
        ),
        "{junit}"
    );
    assert!(junit.contains("<skipped"), "{junit}");
    assert!(junit.contains("calibrated: pass offset=152"), "{junit}");
}

/// The run's evidence goes into a copy of the pins: one pin per tested
/// minor; this run's entry for each toolchain replaces the older one, with
/// the measured facts and the commit.
#[test]
fn small_evidence_updates_a_copy_of_the_pins() {
    let s = small();
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.yaml");
    std::fs::copy(repo().join("matrix/pins.yaml"), &pins).unwrap();
    let o = pins_update(&s.file("r.json"), &pins);
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
    let pass = script(dir.path(), "passthrough", "exec \"$@\"\n");
    let (sel, code) = json_of(
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
    assert_eq!(code, 0, "{sel:#}");
    assert_eq!(sel["strategy"], "calibrated", "{sel:#}");
    let table = text(&run(&["pins", "table", "--pins", pins.to_str().unwrap()]).stdout);
    assert!(table.contains("| 4 pass @152, 1 unsupported |"), "{table}");
}

/// The small matrix on all eight toolchains, one per minor (ci/toolchains.sh
/// installs 1.21-1.25): the host, linux/arm64 and windows/amd64 executed
/// (qemu, Wine), js/wasm under Node; the probe checks the injected accessor
/// and goid's calibrated path in each.
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
            // goid's calibrated path too, on every minor (the goid tests run
            // on each in tests/toolexec.rs).
            let want = if p == "js/wasm" {
                "unsupported"
            } else {
                "pass"
            };
            assert_eq!(c["calibrated"]["result"], want, "{c:#}");
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
