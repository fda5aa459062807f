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
    // select's lines with an injector in a folder whose name holds ESC: the
    // name shown escaped on every line, the terminal sent no control.
    let odd = dir.path().join("ev\u{1b}[31mil");
    std::fs::create_dir_all(&odd).unwrap();
    let inj = script(&odd, "inj", "exec \"$@\"\n");
    let o = run(&["select", "--offline", "--toolexec", inj.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        out.contains("injector    ") && out.contains("ev\\x1b[31mil/inj"),
        "{out}"
    );
}

/// Hostile values in a report (issue #34): ESC, C0 controls and NUL, HTML,
/// a `</details>`, a heading, images, `|` and backticks. The JUnit file is
/// well-formed XML without them; the Markdown and the step summary show
/// them as text (no tag, image, heading or broken grid row).
#[test]
fn hostile_report_values_are_escaped_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let go = "go1.26.8\u{1b}[2J\u{1}\u{0}";
    let cell = |goos: &str, goarch: &str, status: &str| {
        serde_json::json!({"go": go, "goos": goos, "goarch": goarch, "build": "build",
            "status": status, "duration_s": 1.0, "verified": "link", "command": "go build",
            "stderr_excerpt": "boom </details>\n## Owned <img src=x onerror=alert(1)>", "note": "n\u{1b}]0;t\u{7}"})
    };
    let report = serde_json::json!({"schema": 1, "complete": true,
    "started": "2026-12-01\u{0}\u{1b}[31m", "qcompat_version": "0.1.0",
    "spec": "s`.yaml</details>", "toolexec": "qcompat toolexec",
    "toolchains": [{"go": go, "path": "/p", "goroot": "/r", "private_gocache": true,
        "note": "</details>\n\n## Owned ![i](http://evil.example/i.png)"}],
    "notes": ["## heading", "<img src=http://evil.example/x.png>", "a | b"],
    "cells": [
        cell("linux</details>\n## Owned", "amd64|x", "pass"),
        cell("linux", "arm64![i](http://evil.example/i.png)", "fail-build"),
        cell("windows", "`amd64`", "skip-cgo"),
    ]});
    let r = dir.path().join("r.json");
    std::fs::write(&r, report.to_string()).unwrap();
    let (j, m, s) = (
        dir.path().join("j.xml"),
        dir.path().join("m.md"),
        dir.path().join("s.md"),
    );
    let o = run(&[
        "matrix",
        "merge",
        r.to_str().unwrap(),
        "--junit",
        j.to_str().unwrap(),
        "--markdown",
        m.to_str().unwrap(),
        "--summary-md",
        s.to_str().unwrap(),
    ]);
    assert!(
        j.exists() && m.exists() && s.exists(),
        "{}",
        text(&o.stderr)
    );
    let junit = std::fs::read_to_string(&j).unwrap();
    assert!(
        !junit.contains(['\u{1b}', '\u{1}', '\u{0}', '\u{7}']),
        "{junit:?}"
    );
    let mut reader = quick_xml::Reader::from_str(&junit);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                for a in e.attributes() {
                    a.unwrap_or_else(|e| panic!("bad attribute {e}: {junit}"));
                }
            }
            Ok(_) => {}
            Err(e) => panic!("JUnit is not well-formed: {e}: {junit}"),
        }
    }
    for (path, ours) in [(&m, 0), (&s, 1)] {
        let md = std::fs::read_to_string(path).unwrap();
        let name = path.display();
        assert!(
            !md.contains(['\u{1b}', '\u{1}', '\u{0}', '\u{7}']),
            "{name}: {md:?}"
        );
        // The spec's name in its code span, where HTML is text.
        let spans = md.replace("``s`.yaml</details>``", "").replace("\\<", "");
        assert_eq!(spans.matches("</details>").count(), ours, "{name}: {md}");
        let unescaped = md.replace("\\<", "");
        assert!(!unescaped.contains("<img"), "{name}: {md}");
        assert!(
            !md.replace("\\]", "").contains("](http"),
            "{name}: an image or link: {md}"
        );
        for l in md.lines() {
            let body = l.trim_start_matches("- ");
            assert!(
                !body.starts_with('#')
                    || body.starts_with("# qcompat matrix")
                    || body.starts_with("## qcompat matrix")
                    || body.starts_with("### Failures"),
                "{name}: a heading from a value: {l}"
            );
        }
        // Every row of the grid has as many cell breaks as its header.
        let bars = |l: &str| l.replace("\\|", "").matches('|').count();
        let header = md.lines().find(|l| l.starts_with("| platform |")).unwrap();
        for row in md
            .lines()
            .skip_while(|l| !l.starts_with("| platform |"))
            .take_while(|l| l.starts_with('|'))
        {
            assert_eq!(bars(row), bars(header), "{name}: {row}");
        }
        assert!(md.contains("spec ``s`.yaml</details>``"), "{name}: {md}");
    }
}

/// An index whose version holds terminal escapes (issue #34) is refused,
/// and nothing raw reaches the terminal.
#[test]
fn remote_index_versions_that_are_not_go_versions_are_refused() {
    let srv = common::http::Server::start();
    *srv.index.lock().unwrap() = serde_json::json!([
        {"version": "go1.99.0", "stable": true, "files": []},
        {"version": "go1.99.1\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}", "stable": true, "files": []}
    ])
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    let o = cmd(&["toolchains", "list", "--remote"])
        .env("QCOMPAT_CACHE_DIR", dir.path())
        .env(
            "QCOMPAT_GO_INDEX",
            format!("{}?mode=json&include=all", srv.base),
        )
        .output()
        .unwrap();
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(2), "{out:?} {err:?}");
    assert!(err.contains("is not a Go version"), "{err}");
    for t in [&out, &err] {
        assert!(!t.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{t:?}");
    }
}

/// A GOROOT (and go path) holding ESC, BEL, U+202E and a newline (issue
/// #34): probe and doctor show it escaped, on one line.
#[test]
fn probe_and_doctor_escape_a_hostile_goroot() {
    let dir = tempfile::tempdir().unwrap();
    let real = go126().parent().unwrap().parent().unwrap().to_path_buf();
    let evil = dir.path().join("go\u{1b}]0;pwned\u{7}\u{202e}x\ny");
    std::os::unix::fs::symlink(&real, &evil).unwrap();
    let go = evil.join("bin/go");
    for args in [vec!["probe"], vec!["doctor"]] {
        let o = cmd(&args)
            .arg("--go")
            .arg(&go)
            .env("GOROOT", &evil)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let out = text(&o.stdout);
        assert!(!out.is_empty(), "{args:?}: {}", text(&o.stderr));
        assert!(
            !out.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{args:?}: {out:?}"
        );
        assert!(
            !out.lines().any(|l| l.starts_with("y/bin/go") || l == "y"),
            "{args:?}: {out}"
        );
        assert!(
            out.contains("go\\x1b]0;pwned\\x07\\u{202e}x\\ny"),
            "{args:?}: {out}"
        );
    }
}

#[test]
fn every_subcommand_prints_yaml_or_refuses_it() {
    // A small spec on the go command at hand: planning it reads no index.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, "toolchains: [local]\nplatforms: [linux/amd64]\n").unwrap();
    let spec = spec.to_str().unwrap();
    let evidence = repo().join("matrix/evidence/report.json");
    let evidence = evidence.to_str().unwrap();
    let yaml = |args: &[&str]| -> serde_yaml::Value {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        // YAML, not the JSON or text another flag gives.
        assert!(!out.trim_start().starts_with(['[', '{']), "{args:?}: {out}");
        serde_yaml::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    };
    let v = yaml(&["matrix", "plan", spec, "--offline", "--yaml"]);
    assert_eq!(v["shards"][0]["cells"].as_u64(), Some(1), "{v:?}");
    let v = yaml(&["toolchains", "path", "local", "--yaml"]);
    assert!(v[0].as_str().is_some_and(|p| !p.is_empty()), "{v:?}");
    let v = yaml(&["matrix", "merge", evidence, "--yaml"]);
    assert!(v["cells"].as_sequence().is_some_and(|c| !c.is_empty()));
    // A form that is not JSON or YAML refuses them, naming the flag.
    for args in [
        &[
            "matrix",
            "plan",
            spec,
            "--offline",
            "--format",
            "text",
            "--yaml",
        ][..],
        &["pins", "check", "--yaml"][..],
        &[
            "pins",
            "update",
            "--from",
            evidence,
            "--pins",
            "/nonexistent/p.yaml",
            "--json",
        ][..],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
        assert!(
            text(&o.stderr).contains("drop --"),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
}
