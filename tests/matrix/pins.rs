//! What a report becomes: pins written into a new file, goid's offset table.

use super::*;

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
        let o = pins_update(&report, &pins);
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

/// A pre-release in the semver form qcompat prints (`1.27.0-rc.1`) is that
/// pre-release, untested by the release's evidence; `--json` says coverage.
#[test]
fn pins_check_reads_semver_prereleases_and_says_coverage() {
    for given in ["1.27.0-rc.1", "1.27rc1", "go1.27rc1"] {
        let o = run(&["pins", "check", given]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        assert!(
            out.starts_with("go1.27rc1 -> pin") && out.contains("coverage: untested"),
            "{given}: {out}"
        );
    }
    let j = json(&["pins", "check", "1.26rc1", "--json"]);
    assert_eq!(j["coverage"], "untested", "{j:#}");
    assert!(
        j["untested"].as_str().unwrap().contains("go1.26rc1"),
        "{j:#}"
    );
    let j = json(&["pins", "check", "1.26.8", "--json"]);
    assert_eq!(j["coverage"], "tested", "{j:#}");
    assert!(j.get("untested").is_none(), "{j:#}");
}
