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

/// Three `pins update` of one file at once, each from a report of another
/// toolchain (issue #34): every round keeps all three pins, and no
/// temporary or lock file is left beside the pins.
#[test]
fn concurrent_pins_updates_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let whole: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("matrix/evidence/report.json")).unwrap(),
    )
    .unwrap();
    let gos = ["go1.23.9", "go1.24.11", "go1.25.5"];
    let reports: Vec<PathBuf> = gos
        .iter()
        .map(|go| {
            let mut r = whole.clone();
            r.as_object_mut().unwrap().remove("fingerprint");
            let keep = |v: &Value| v["go"] == *go;
            r["toolchains"] = Value::Array(
                r["toolchains"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|t| keep(t))
                    .cloned()
                    .collect(),
            );
            r["cells"] = Value::Array(
                r["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|c| keep(c))
                    .cloned()
                    .collect(),
            );
            let p = dir.path().join(format!("{go}.json"));
            std::fs::write(&p, r.to_string()).unwrap();
            p
        })
        .collect();
    let pins_dir = dir.path().join("pins");
    std::fs::create_dir(&pins_dir).unwrap();
    let pins = pins_dir.join("pins.yaml");
    for round in 0..8 {
        let _ = std::fs::remove_file(&pins);
        let children: Vec<_> = reports
            .iter()
            .map(|r| {
                cmd(&["pins", "update", "--from"])
                    .arg(r)
                    .arg("--pins")
                    .arg(&pins)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "round {round}: {}", text(&o.stderr));
        }
        let written = std::fs::read_to_string(&pins).unwrap();
        for minor in ["1.23", "1.24", "1.25"] {
            assert!(
                written.contains(&format!("go: '>={minor}.0")),
                "round {round}: the pin of {minor} was lost:\n{written}"
            );
        }
        let left: Vec<_> = std::fs::read_dir(&pins_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["pins.yaml"], "round {round}");
    }
}

/// YAML alias bombs (issue #34): one big anchored string repeated by
/// thousands of aliases in fields the documents accept. Under a 1 GiB
/// address-space limit (the expansion needs some 2 GB), each reader
/// refuses the document with where the alias stands, within a second.
#[test]
fn yaml_alias_bombs_are_refused_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(200 * 1024);
    let aliases = vec!["*a"; 10_000].join(", ");
    let pins = dir.path().join("pins.yaml");
    std::fs::write(
        &pins,
        format!("schema: 1\npins:\n- go: '>=1.26.0, <1.27.0'\n  strategy: injected\n  linkname: restricted\n  note: &a {big}\n  evidence:\n    toolchains: [{aliases}]\n"),
    )
    .unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        format!("platforms: [&a {big}]\ntoolchains: [{aliases}]\n"),
    )
    .unwrap();
    let report = dir.path().join("r.yaml");
    std::fs::write(
        &report,
        format!("schema: 1\ncomplete: true\nstarted: &a {big}\nqcompat_version: '0'\nspec: s.yaml\ntoolexec: x\ntoolchains: []\nnotes: [{aliases}]\ncells: []\n"),
    )
    .unwrap();
    let (p, s, r) = (
        pins.to_str().unwrap(),
        spec.to_str().unwrap(),
        report.to_str().unwrap(),
    );
    for (args, what) in [
        (vec!["pins", "check", "--pins", p], p),
        (vec!["matrix", "plan", s], s),
        (vec!["matrix", "merge", r], r),
    ] {
        let start = std::time::Instant::now();
        let o = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1048576; exec \"$@\"")
            .arg("sh")
            .arg(qcompat())
            .args(&args)
            .env("QCOMPAT_GO", go126())
            .output()
            .unwrap();
        let took = start.elapsed();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {:?} {err}", o.status);
        assert!(
            err.contains(&format!("{what}:")) && err.contains("a YAML alias"),
            "{args:?}: {err}"
        );
        assert!(
            took < std::time::Duration::from_secs(1),
            "{args:?}: {took:?}"
        );
    }
}

/// Pins that claim what their evidence does not show (issue #34): evidence
/// from another minor, an open range, a date in the future. Each is
/// refused with the pin named.
#[test]
fn pins_claiming_more_than_their_evidence_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = std::fs::read_to_string(repo().join("matrix/pins.yaml")).unwrap();
    let at = builtin.find("- go: '>=1.26.0, <1.27.0'").unwrap();
    let pin = &builtin[at..builtin[at + 2..]
        .find("\n- go: '")
        .map_or(builtin.len(), |e| at + 2 + e)];
    let head = "schema: 1\npins:\n";
    let foreign = pin.replacen("- go1.26.8", "- go1.19.8", 1);
    let open = pin.replacen("'>=1.26.0, <1.27.0'", "'>=1.26.0'", 1);
    let date = pin.find("date: '").unwrap() + "date: '".len();
    let future = format!("{}2999-01-01{}", &pin[..date], &pin[date + 10..]);
    for (name, body, want) in [
        ("foreign", &foreign, "cites evidence from go1.19.8"),
        ("open", &open, "has no upper bound"),
        ("future", &future, "dated 2999-01-01, after today"),
    ] {
        let p = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&p, format!("{head}{body}")).unwrap();
        let o = run(&["pins", "check", "--pins", p.to_str().unwrap(), "1.99.0"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {}{err}", text(&o.stdout));
        assert!(err.contains(want), "{name}: {err}");
    }
    // The pin unchanged is accepted.
    let p = dir.path().join("ok.yaml");
    std::fs::write(&p, format!("{head}{pin}")).unwrap();
    let o = run(&["pins", "check", "--pins", p.to_str().unwrap(), "1.26.8"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
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
