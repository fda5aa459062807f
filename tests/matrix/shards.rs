//! Sharded runs and `matrix merge`.

use super::*;

#[test]
fn shards_merge_back_into_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "link.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64, linux/386, linux/arm64, windows/amd64, freebsd/amd64]\nverify: link\n",
    );
    let cache = dir.path().join("cache");
    let plan_as = |format: &str| -> Value {
        let argv = ["matrix", "plan", s.to_str().unwrap(), "--shards", "2"];
        let o = matrix(&[&argv[..], &["--format", format]].concat(), &cache);
        assert!(o.status.success(), "{}", text(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let plan = plan_as("github");
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
    // The plan is the value the runs executed: each shard's report holds
    // exactly the plan's cells of that shard, in planned order, and carries
    // the plan's fingerprint.
    let doc = plan_as("json");
    validate("plan", &doc);
    assert_eq!(doc["complete"], true);
    assert_eq!(doc["shards"], plan["include"], "{doc:#}");
    let line = |c: &Value| format!("{} {}/{} {}", c["go"], c["goos"], c["goarch"], c["build"]);
    for (i, r) in reports.iter().enumerate() {
        let report = read_doc(r, "report");
        assert_eq!(report["fingerprint"], doc["fingerprint"], "shard {}", i + 1);
        let ran: Vec<String> = report["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(line)
            .collect();
        let planned: Vec<String> = doc["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["shard"] == format!("{}/2", i + 1))
            .map(line)
            .collect();
        assert_eq!(ran, planned, "shard {}: {doc:#}", i + 1);
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
    // ... written, and a failure: a shard that died must not leave CI green.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("qcompat: error: the merged report is incomplete"),
        "{}",
        text(&o.stderr)
    );
    let p = read_doc(&part, "report");
    assert_eq!(p["complete"], false);
    assert!(p["notes"][0].as_str().unwrap().contains("2/2"));
    let o = pins_update(&part, &repo().join("matrix/pins.yaml"));
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
    // The fingerprint counts the whole plan's cells.
    assert_eq!(p["fingerprint"]["cells"], 5, "{p:#}");
    let notes = p["notes"].to_string();
    assert!(
        notes.contains("3 of the run's 5 cells are present"),
        "{notes}"
    );

    // Shard 2 run from another version of the spec file (one cell fewer):
    // not a shard of the same run.
    std::fs::write(
        &s,
        "toolchains: [local]\nplatforms: [linux/amd64, linux/386, linux/arm64, windows/amd64]\nverify: link\n",
    )
    .unwrap();
    let other = dir.path().join("other2.json");
    let o = matrix(
        &[
            "matrix",
            "run",
            s.to_str().unwrap(),
            "--shard",
            "2/2",
            "--report",
            other.to_str().unwrap(),
        ],
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = run(&[
        "matrix",
        "merge",
        reports[0].to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("was run from a spec with other contents than"),
        "{}",
        text(&o.stderr)
    );
}

/// `matrix run --plan FILE` executes the plan `matrix plan` wrote: its
/// shards carry its fingerprint; its toolchains are the versions it names,
/// whatever the spec's selectors resolve to here now; a plan of another
/// spec, another split or other cells is refused.
#[test]
fn a_run_executes_the_plan_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "p.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64, linux/386]\nverify: link\n",
    );
    let cache = dir.path().join("cache");
    let o = matrix(
        &[
            "matrix",
            "plan",
            s.to_str().unwrap(),
            "--shards",
            "2",
            "--format",
            "json",
        ],
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let plan_file = |name: &str, doc: &Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_string(doc).unwrap()).unwrap();
        p
    };
    let run_plan = |plan: &Path, shard: &str| {
        let r = dir.path().join("r.json");
        let _ = std::fs::remove_file(&r);
        let o = matrix(
            &[
                "matrix",
                "run",
                s.to_str().unwrap(),
                "--plan",
                plan.to_str().unwrap(),
                "--shard",
                shard,
                "--report",
                r.to_str().unwrap(),
            ],
            &cache,
        );
        let report = if r.exists() {
            read_doc(&r, "report")
        } else {
            Value::Null
        };
        (o, report)
    };
    let plan = plan_file("plan.json", &doc);
    for shard in ["1/2", "2/2"] {
        let (o, r) = run_plan(&plan, shard);
        assert!(o.status.success(), "{shard}: {}", text(&o.stderr));
        assert_eq!(r["fingerprint"], doc["fingerprint"], "{shard}");
    }
    // The same plan as YAML (`--yaml` into a .yaml file) runs too.
    let yaml = dir.path().join("plan.yaml");
    std::fs::write(&yaml, serde_yaml::to_string(&doc).unwrap()).unwrap();
    let (o, r) = run_plan(&yaml, "1/2");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(r["fingerprint"], doc["fingerprint"]);
    // The plan names go1.25.5 (an estimate: the versions only): the run
    // builds with it though the spec says `local` (go1.26.8 here).
    let mut older = doc.clone();
    older["toolchains"] = serde_json::json!([{"go": "go1.25.5", "path": null}]);
    older["fingerprint"] = Value::Null;
    older["complete"] = Value::Bool(false);
    let (o, r) = run_plan(&plan_file("older.json", &older), "1/2");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let gos: Vec<&str> = r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["go"].as_str().unwrap())
        .collect();
    assert_eq!(gos, ["go1.25.5"], "{r:#}");
    // A plan edited by hand: complete without its fingerprint; a toolchain
    // whose go reports another version than its name; the cells' split
    // moved: refused.
    let mut bare = doc.clone();
    bare["fingerprint"] = Value::Null;
    let (o, _) = run_plan(&plan_file("bare.json", &bare), "1/2");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("complete without its fingerprint"),
        "{}",
        text(&o.stderr)
    );
    let mut custom = older.clone();
    let go125 = sdk("1.25.5");
    custom["toolchains"] = serde_json::json!([{"go": "go1.25.5-custom", "path": go125}]);
    let (o, _) = run_plan(&plan_file("custom.json", &custom), "1/2");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("toolchain go1.25.5-custom is go1.25.5 on this machine"),
        "{}",
        text(&o.stderr)
    );
    let mut moved = doc.clone();
    for c in moved["cells"].as_array_mut().unwrap() {
        c["shard"] = Value::String("1/2".into());
    }
    let (o, _) = run_plan(&plan_file("moved.json", &moved), "1/2");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("splits the plan's cells otherwise"),
        "{}",
        text(&o.stderr)
    );
    // Other cells than the plan's, another split, another spec: refused.
    let mut other = doc.clone();
    other["fingerprint"]["cells_sha256"] = Value::String("0".repeat(64));
    let (o, _) = run_plan(&plan_file("other.json", &other), "1/2");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("plans other cells than the plan holds"),
        "{}",
        text(&o.stderr)
    );
    let (o, _) = run_plan(&plan, "1/3");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("splits the run into 2 shards, not 3"),
        "{}",
        text(&o.stderr)
    );
    std::fs::write(
        &s,
        "toolchains: [local]\nplatforms: [linux/amd64]\nverify: link\n",
    )
    .unwrap();
    let (o, _) = run_plan(&plan, "1/2");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("was made from another spec"),
        "{}",
        text(&o.stderr)
    );
}

/// A plan's toolchain must be one the spec's selectors name: a plan for
/// `1.25.x` edited to name go1.24.11 is refused (with `local` in the spec,
/// any version is the planner's go).
#[test]
fn a_plan_names_only_toolchains_the_spec_admits() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec(
        dir.path(),
        "m.yaml",
        "toolchains: [1.25.x]\nplatforms: [linux/amd64]\nverify: link\n",
    );
    let cache = dir.path().join("cache");
    let o = matrix(
        &[
            "matrix",
            "plan",
            s.to_str().unwrap(),
            "--offline",
            "--format",
            "json",
        ],
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["toolchains"][0]["go"], "go1.25.5", "{doc:#}");
    doc["toolchains"][0]["go"] = Value::String("go1.24.11".into());
    doc["fingerprint"] = Value::Null;
    doc["complete"] = Value::Bool(false);
    let p = dir.path().join("plan.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let o = matrix(
        &[
            "matrix",
            "run",
            s.to_str().unwrap(),
            "--offline",
            "--plan",
            p.to_str().unwrap(),
        ],
        &cache,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("toolchain go1.24.11 is none the spec's toolchains (1.25.x) name"),
        "{}",
        text(&o.stderr)
    );
}
