//! Spec files and how they resolve: errors with file and line, minor
//! selectors offline, odd paths.

use super::*;

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
            "selector.yaml:4: toolchains: version selector latest is not a Go version",
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
            && err.contains("qcompat-no-such-injector is not an executable file"),
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
        assert_eq!(v["shards"][0]["cells"], 1);
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

/// matrix/here.yaml (the evidence run's spec) names every toolchain of
/// ci/toolchains.txt, the one list, and the committed evidence ran on exactly
/// those.
#[test]
fn here_yaml_and_the_evidence_follow_the_toolchain_list() {
    let here: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("matrix/here.yaml")).unwrap())
            .unwrap();
    let entries: Vec<String> = here["toolchains"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| match t {
            serde_yaml::Value::String(s) => s.clone(),
            m => format!("path: {}", m["path"].as_str().unwrap()),
        })
        .collect();
    let want: Vec<String> = listed()
        .iter()
        .map(|l| {
            let minor = l
                .version
                .trim_start_matches("go")
                .rsplit_once('.')
                .unwrap()
                .0;
            match l.source {
                "debian" => format!("path: {}", l.bin.trim_end_matches("/bin/go")),
                "path" => "local".to_string(),
                _ => format!("{minor}.x"),
            }
        })
        .collect();
    assert_eq!(entries, want, "matrix/here.yaml against ci/toolchains.txt");
    let evidence = read_doc(&repo().join("matrix/evidence/report.json"), "report");
    let mut ran: Vec<&str> = evidence["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["go"].as_str().unwrap())
        .collect();
    ran.sort();
    let mut listed_versions: Vec<&str> = listed().iter().map(|l| l.version).collect();
    listed_versions.sort();
    assert_eq!(ran, listed_versions, "matrix/evidence/report.json");
}

/// Under `--json`, stdout is the report and stderr one JSON object per
/// line, one per event of the run: nothing a program reading them must
/// skip.
#[test]
fn json_runs_write_their_events_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    // A race cell on linux/386 is skipped: the verdict's note is an event too.
    let s = spec(
        dir.path(),
        "one.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64, linux/386]\nverify: link\nbuilds: [build, {kind: race, platforms: [linux/386]}]\n",
    );
    let o = matrix(
        &["matrix", "run", s.to_str().unwrap(), "--json"],
        &dir.path().join("cache"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    validate("report", &report);
    let events: Vec<Value> = text(&o.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    // Cells run two at a time: their events may interleave.
    let (cells, rest): (Vec<&str>, Vec<&str>) = names.iter().partition(|n| n.starts_with("cell-"));
    assert_eq!(
        (rest, cells.len()),
        (vec!["prepared", "started", "stopped", "note"], 6),
        "{events:?}"
    );
    assert_eq!(events[0]["go"], "go1.26.8");
    assert_eq!(events[1]["cells"], 3);
    let finished: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "cell-finished")
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        finished.iter().filter(|s| **s == "pass").count(),
        2,
        "{events:?}"
    );
    let note = events.last().unwrap()["message"].as_str().unwrap();
    assert!(
        note.starts_with("1 of 3 cells skipped, not verified"),
        "{note}"
    );
}

/// A spec whose filters leave no cell is an error, not a green run that
/// tested nothing (a glob typo); `next` with no pre-release, which resolves
/// to no toolchain at all, is not.
#[test]
fn filters_that_leave_no_cell_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        (
            "inc.yaml",
            "platforms: [linux/amd64]\ninclude: [\"windows/*\"]\n",
        ),
        ("exc.yaml", "platforms: [linux/amd64]\nexclude: [\"**\"]\n"),
    ] {
        let s = spec(dir.path(), name, &format!("toolchains: [local]\n{body}"));
        for verb in ["run", "plan"] {
            let o = matrix(
                &["matrix", verb, s.to_str().unwrap(), "--offline"],
                &dir.path().join("cache"),
            );
            let e = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{name} {verb}: {e}");
            assert!(e.contains(&format!("{name}: no cell to run")), "{e}");
        }
    }
    // `next` naming nothing, with a platform list: no toolchain, no port
    // to check the list against, a run of no cell that says why.
    let s = spec(
        dir.path(),
        "next.yaml",
        "toolchains: [next]\nplatforms: [linux/amd64]\nverify: link\n",
    );
    let o = matrix(
        &["matrix", "run", s.to_str().unwrap(), "--offline", "--json"],
        &dir.path().join("cache"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        r["notes"].to_string().contains("next: no toolchain fits"),
        "{r:#}"
    );
}
