//! What reaches a terminal or a pipe: escaped control bytes, cut values,
//! formats given or refused, and a closed stderr.

mod common;
use common::*;
use std::process::Stdio;

#[test]
fn closed_stderr_is_no_panic() {
    let mut child = cmd(&["pins", "check", "garbage"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "a panic exits 101");
}

#[test]
fn untrusted_text_is_escaped_and_named_as_given() {
    let o = run(&["pins", "check", "\u{1b}[31mred\u{7}\u{202e}x"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        !e.contains('\u{1b}') && !e.contains('\u{7}') && !e.contains('\u{202e}'),
        "{e:?}"
    );
    assert!(e.contains("\\x1b[31mred\\x07\\u{202e}x"), "{e:?}");
    let o = run(&["pins", "check", "garbage"]);
    let e = text(&o.stderr);
    assert!(e.contains("\"garbage\" is not a Go version"), "{e}");
    assert!(!e.contains("gogarbage"), "{e}");
}

#[test]
fn a_huge_bad_value_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("huge.yaml");
    std::fs::write(
        &spec,
        format!("platforms: [\"{}\"]\n", "x".repeat(900 * 1024)),
    )
    .unwrap();
    let o = run(&["matrix", "plan", spec.to_str().unwrap(), "--shards", "1"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.len() < 10 * 1024, "{} bytes", e.len());
    assert!(
        e.contains("huge.yaml:1:") && e.contains("not of the form goos/goarch"),
        "{e}"
    );
}

#[test]
fn formats_are_given_or_refused() {
    // An uncovered version in JSON: null (no pin), not a sentence.
    let o = run(&["pins", "check", "1.20.3", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap(),
        serde_json::Value::Null
    );
    for args in [
        &["pins", "table", "--json"][..],
        &["schema", "doctor", "--yaml"][..],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
        assert!(text(&o.stderr).contains("drop --"), "{}", text(&o.stderr));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("probe")).unwrap();
    let o = cmd(&["toolchains", "prune", "--dry-run", "--json"])
        .env("QCOMPAT_CACHE_DIR", dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["dry_run"], true);
    assert!(
        v["removed"][0].as_str().unwrap().ends_with("/probe"),
        "{v:#}"
    );
}

#[test]
fn a_cell_twice_in_one_report_is_named_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut r: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("matrix/evidence/report.json")).unwrap(),
    )
    .unwrap();
    let first = r["cells"][0].clone();
    r["cells"].as_array_mut().unwrap().push(first);
    let p = dir.path().join("dup.json");
    std::fs::write(&p, r.to_string()).unwrap();
    let o = run(&["matrix", "merge", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        e.contains("appears twice in this report") && !e.contains("two reports"),
        "{e}"
    );
}

#[test]
fn values_and_paths_read_as_a_person_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    // ESC and U+200B in a spec value (YAML escapes): each escaped once, the
    // value quoted since its ends are not plain (`{:?}` showed `\u{1b}`).
    let spec = dir.path().join("odd.yaml");
    std::fs::write(&spec, "platforms: [\"linux/\\e[2J\\u200Bamd64\"]\n").unwrap();
    let o = run(&["matrix", "plan", spec.to_str().unwrap(), "--shards", "1"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        e.contains(r#"platform "linux/\x1b[2J\u{200b}amd64" is not of the form"#),
        "{e}"
    );
    assert!(!e.contains(r"\u{1b}") && !e.contains('\u{200b}'), "{e}");
    // A --pins path with U+200B: the path as it is, without quotes, the
    // invisible character escaped (it reached the terminal raw).
    let pins = dir.path().join("a\u{200b}b").join("pins.yaml");
    let o = run(&["pins", "check", "1.26.8", "--pins", pins.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    let want = format!(" {}/a\\u{{200b}}b/pins.yaml", dir.path().display());
    assert!(e.contains(&want) && !e.contains('\u{200b}'), "{e}");
    // A version range from a pins file: no Debug quotes around a plain
    // value, the text after `>` as written.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "schema: 1\npins:\n- go: '>=1.2x'\n  strategy: injected\n  linkname: restricted\n",
    )
    .unwrap();
    let o = run(&["pins", "check", "1.26.8", "--pins", bad.to_str().unwrap()]);
    let e = text(&o.stderr);
    assert!(e.contains(":3: >=1.2x is not a version range"), "{e}");
    // A pins file where no file can be made (/proc): the OS error, not
    // tempfile's `at path "/proc/.tmpXXXX"` naming a file never made.
    let report = repo().join("matrix/evidence/report.json");
    let o = pins_update(&report, std::path::Path::new("/proc/qcompat-pins.yaml"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    let e = text(&o.stderr);
    assert!(
        e.contains("cannot write /proc/qcompat-pins.yaml") && !e.contains("at path"),
        "{e}"
    );
}
