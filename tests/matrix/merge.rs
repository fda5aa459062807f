//! `matrix merge` given reports that do not add up (issue #34): no green
//! verdict for cells that are not there, whatever the order of the reports.

use super::*;
use serde_json::json;
use sha2::{Digest, Sha256};

const PLAN: [&str; 4] = [
    "go1.26.8 linux/amd64 build",
    "go1.26.8 linux/386 build",
    "go1.26.8 linux/arm64 build",
    "go1.26.8 windows/amd64 build",
];

/// The fingerprint a run of `plan` writes.
fn fingerprint(plan: &[&str]) -> Value {
    let mut h = Sha256::new();
    for l in plan {
        h.update(format!("{l}\n"));
    }
    json!({"spec_sha256": "ab".repeat(32), "cells": plan.len(),
        "cells_sha256": hex::encode(h.finalize()), "planned": plan})
}

/// A shard's report holding `cells` (plan lines), all passing.
fn shard(shard: &str, fp: Option<Value>, cells: &[&str]) -> Value {
    let cells: Vec<Value> = cells
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let (goos, goarch) = f[1].split_once('/').unwrap();
            json!({"go": f[0], "goos": goos, "goarch": goarch, "build": f[2], "status": "pass",
                "duration_s": 1.5, "verified": "link", "command": "go build", "stderr_excerpt": ""})
        })
        .collect();
    let mut r = json!({"schema": 1, "complete": true, "started": "2026-12-01T10:00:00Z",
        "qcompat_version": "0.1.0", "spec": "link.yaml", "qcompat_commit": "06c8195",
        "toolexec": "qcompat toolexec", "shard": shard,
        "toolchains": [{"go": "go1.26.8", "path": "/usr/local/go/bin/go", "goroot": "/usr/local/go", "private_gocache": false}],
        "cells": cells});
    if let Some(f) = fp {
        r["fingerprint"] = f;
    }
    r
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    p
}

/// `matrix merge REPORTS --report OUT`: the exit code, stderr and the merged
/// report (Null when none was written).
fn merge(dir: &Path, reports: &[&PathBuf]) -> (i32, String, Value) {
    let out = dir.join("merged.json");
    let _ = std::fs::remove_file(&out);
    let mut c = cmd(&["matrix", "merge"]);
    c.args(reports).arg("--report").arg(&out);
    let o = c.output().unwrap();
    let doc = if out.exists() {
        read_doc(&out, "report")
    } else {
        Value::Null
    };
    (o.status.code().unwrap_or(-1), text(&o.stderr), doc)
}

/// The cases: a first report without a fingerprint, a cell swapped
/// for one the run never planned, an extra cell of another kind, another
/// qcompat commit, a negative duration, two plans of one size.
#[test]
fn merges_vouch_only_for_what_the_plan_shows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = fingerprint(&PLAN);
    let bare = write(d, "1.json", &shard("1/2", None, &PLAN[..2]));
    // Shard 2 lacks one planned cell.
    let two = write(d, "2.json", &shard("2/2", Some(fp.clone()), &PLAN[2..3]));
    let (code, err, a) = merge(d, &[&bare, &two]);
    // Written, and exit 1: a merge that cannot vouch for the run fails.
    assert_eq!(code, 1, "{err}");
    let (_, _, b) = merge(d, &[&two, &bare]);
    assert_eq!(a, b, "the order of the reports changed the merge");
    assert_eq!(a["complete"], false, "{a:#}");
    let notes = a["notes"].to_string();
    assert!(notes.contains("1.json carries no fingerprint"), "{notes}");
    assert!(
        notes.contains("missing: go1.26.8 windows/amd64 build"),
        "{notes}"
    );

    // A planned cell replaced by one the plan lacks (the count unchanged),
    // and an extra cell of another kind.
    let one = write(d, "1.json", &shard("1/2", Some(fp.clone()), &PLAN[..2]));
    for (name, cells) in [
        ("swap.json", vec![PLAN[2], "go1.26.8 linux/riscv64 build"]),
        (
            "extra.json",
            vec![PLAN[2], PLAN[3], "go1.26.8 linux/amd64 race"],
        ),
    ] {
        let p = write(d, name, &shard("2/2", Some(fp.clone()), &cells));
        let (code, err, _) = merge(d, &[&one, &p]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains("is not in the run's plan"), "{name}: {err}");
    }
    // Another qcompat build.
    let mut other = shard("2/2", Some(fp.clone()), &PLAN[2..]);
    other["qcompat_commit"] = json!("1234567");
    let p = write(d, "commit.json", &other);
    let (code, err, _) = merge(d, &[&one, &p]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("run every shard with the same qcompat"),
        "{err}"
    );
    // A negative duration.
    let mut neg = shard("2/2", Some(fp.clone()), &PLAN[2..]);
    neg["cells"][0]["duration_s"] = json!(-5.0);
    let p = write(d, "neg.json", &neg);
    let (code, err, _) = merge(d, &[&one, &p]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("duration_s -5"), "{err}");
    // Two plans of four cells each: the refusal shows both hashes.
    let plan2 = [PLAN[0], PLAN[1], PLAN[2], "go1.26.8 freebsd/amd64 build"];
    let p = write(
        d,
        "plan2.json",
        &shard("2/2", Some(fingerprint(&plan2)), &plan2[2..]),
    );
    let (code, err, _) = merge(d, &[&one, &p]);
    assert_eq!(code, 2, "{err}");
    let h = |f: &Value| f["cells_sha256"].as_str().unwrap()[..12].to_string();
    assert!(
        err.contains(&h(&fp)) && err.contains(&h(&fingerprint(&plan2))),
        "{err}"
    );
}

/// Merging an incomplete merge with the shard it lacked gives the whole run,
/// without the first merge's notes.
#[test]
fn re_merging_an_incomplete_merge_leaves_no_stale_notes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = fingerprint(&PLAN);
    let one = write(d, "1.json", &shard("1/2", Some(fp.clone()), &PLAN[..2]));
    let two = write(d, "2.json", &shard("2/2", Some(fp.clone()), &PLAN[2..]));
    let (code, err, part) = merge(d, &[&one]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(part["complete"], false);
    let part = write(d, "part.json", &part);
    let (code, err, whole) = merge(d, &[&part, &two]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(whole["complete"], true, "{whole:#}");
    assert!(whole.get("notes").is_none(), "{whole:#}");
    assert_eq!(whole["cells"].as_array().unwrap().len(), 4);
}

/// Shards run from other folders name their spec by other paths: with
/// fingerprints (the spec's bytes and the whole plan) they are one run;
/// without, the paths are all there is to compare.
#[test]
fn the_spec_is_its_bytes_not_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = fingerprint(&PLAN);
    let mut here = shard("1/2", Some(fp.clone()), &PLAN[..2]);
    here["program"] = json!("ci/app ./cmd/app");
    let one = write(d, "1.json", &here);
    let mut there = shard("2/2", Some(fp), &PLAN[2..]);
    there["spec"] = json!("../ci/link.yaml");
    there["program"] = json!("../ci/app ./cmd/app");
    let two = write(d, "2.json", &there);
    let (code, err, whole) = merge(d, &[&one, &two]);
    assert_eq!((code, &whole["complete"]), (0, &json!(true)), "{err}");
    let one = write(d, "1.json", &shard("1/2", None, &PLAN[..2]));
    there.as_object_mut().unwrap().remove("fingerprint");
    let two = write(d, "2.json", &there);
    let (code, err, _) = merge(d, &[&one, &two]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("comes from spec ../ci/link.yaml"), "{err}");
}

/// A whole run's report from before fingerprints listed their cells (the
/// shipped evidence is one): its cells, in its order, hash to the
/// fingerprint, so a merge vouches for them; a cell changed after the run
/// breaks the hash and the merge says it cannot.
#[test]
fn a_whole_run_without_planned_cells_is_checked_by_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut fp = fingerprint(&PLAN);
    fp.as_object_mut().unwrap().remove("planned");
    let mut whole = shard("1/1", Some(fp), &PLAN);
    whole.as_object_mut().unwrap().remove("shard");
    let p = write(d, "whole.json", &whole);
    let (code, err, m) = merge(d, &[&p]);
    assert_eq!((code, &m["complete"]), (0, &json!(true)), "{err}");
    whole["cells"][3]["goarch"] = json!("arm64");
    let p = write(d, "changed.json", &whole);
    let (code, err, m) = merge(d, &[&p]);
    assert_eq!((code, &m["complete"]), (1, &json!(false)), "{err}");
    assert!(m["notes"].to_string().contains("cannot vouch"), "{m:#}");
}
