//! The README's generated parts match what qcompat prints today.

mod common;
use common::*;

/// The per-minor pins table in README.md is `qcompat pins table` of the
/// shipped pins, between its markers.
#[test]
fn readme_pins_table_is_current() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (start, end) = ("<!-- pins-table -->\n", "<!-- /pins-table -->");
    let a = readme.find(start).expect("README has <!-- pins-table -->") + start.len();
    let b = readme[a..]
        .find(end)
        .expect("README has <!-- /pins-table -->")
        + a;
    let out = run(&[
        "pins",
        "table",
        "--pins",
        repo().join("matrix/pins.yaml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        &readme[a..b],
        text(&out.stdout),
        "README's pins table is stale: paste `qcompat pins table` between the markers"
    );
}

/// The schemas are the contract: a field removed or retyped fails.
#[test]
fn schemas_catch_removed_and_retyped_fields() {
    let doc = json(&["doctor", "--json", "--go", go126().to_str().unwrap()]);
    let mut removed = doc.clone();
    removed.as_object_mut().unwrap().remove("advice");
    let mut retyped = doc.clone();
    retyped["ok"] = serde_json::json!("yes");
    let mut sel = doc.clone();
    sel["selection"]["strategy"] = serde_json::json!("turbo");
    for bad in [removed, retyped, sel] {
        let r = std::panic::catch_unwind(|| validate("doctor", &bad));
        assert!(r.is_err(), "accepted: {bad:#}");
    }
    // `qcompat schema NAME` prints the shipped file.
    for (name, file) in [
        ("probe", "probe"),
        ("select", "selection"),
        ("doctor", "doctor"),
        ("report", "report"),
        ("pins", "pins"),
    ] {
        let out = run(&["schema", name]);
        assert!(out.status.success());
        let shipped =
            std::fs::read_to_string(repo().join(format!("matrix/schema/{file}.schema.json")))
                .unwrap();
        assert_eq!(text(&out.stdout), shipped);
    }
    // The shipped pins validate.
    let pins: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("matrix/pins.yaml")).unwrap())
            .unwrap();
    validate("pins", &serde_json::to_value(pins).unwrap());
}

/// Where the schemas' `$id`s live: this project's repository.
const SCHEMA_BASE: &str = "https://raw.githubusercontent.com/qcompat/qcompat/main/matrix/schema/";

/// The `$ref`s of `v` that point into another file (`selection.schema.json`,
/// `selection.schema.json#/$defs/status`), skipping the bundled copies.
fn external_refs(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", serde_json::Value::String(r)) if !r.starts_with('#') => {
                        out.insert(r.split('#').next().unwrap().to_string());
                    }
                    ("$defs", serde_json::Value::Object(defs)) => {
                        for (name, d) in defs {
                            if !name.ends_with(".schema.json") {
                                external_refs(d, out);
                            }
                        }
                    }
                    _ => external_refs(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| external_refs(x, out)),
        _ => {}
    }
}

/// Every shipped schema stands alone: what it references from another file
/// is bundled under its `$defs` (keyed by file name, with that file's
/// `$id`), equal to that file; `$id`s are this project's. With
/// `QCOMPAT_BLESS_SCHEMAS=1` the bundled copies are rewritten from the files.
#[test]
fn schemas_stand_alone_and_stay_in_step() {
    let dir = repo().join("matrix/schema");
    let mut stale = Vec::new();
    for file in ["probe", "selection", "doctor", "report", "pins"] {
        let path = dir.join(format!("{file}.schema.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(".invalid"),
            "{}: an .invalid URL",
            path.display()
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v["$id"],
            format!("{SCHEMA_BASE}{file}.schema.json"),
            "{}",
            path.display()
        );
        let mut refs = std::collections::BTreeSet::new();
        external_refs(&v, &mut refs);
        let mut bundle = Vec::new();
        for r in &refs {
            let dep_text = std::fs::read_to_string(dir.join(r)).unwrap();
            let dep: serde_json::Value = serde_json::from_str(&dep_text).unwrap();
            if v["$defs"][r] != dep {
                stale.push(format!("{file}: $defs[{r:?}]"));
            }
            let indented: Vec<String> = dep_text
                .trim_end()
                .lines()
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("    {l}")
                    }
                })
                .collect();
            bundle.push(format!("    {r:?}: {}", indented.join("\n").trim_start()));
        }
        if std::env::var_os("QCOMPAT_BLESS_SCHEMAS").is_some() && !refs.is_empty() {
            // Files that reference others have no $defs of their own: the
            // bundle is their last key.
            let (own, defs) = match text.find(",\n  \"$defs\": {\n    \"") {
                Some(i) => (&text[..i], &text[i..]),
                None => (text.trim_end().strip_suffix('}').unwrap().trim_end(), ""),
            };
            // A file's own definitions (one line each) stay ahead of the
            // bundled copies.
            let mut own_defs: Vec<String> = defs
                .lines()
                .filter(|l| l.starts_with("    \"") && !l.starts_with("     "))
                .filter(|l| !l.split('"').nth(1).unwrap().ends_with(".schema.json"))
                .map(|l| l.trim_end_matches(',').to_string())
                .collect();
            own_defs.append(&mut bundle);
            let bundle = own_defs;
            std::fs::write(
                &path,
                format!(
                    "{own},\n  \"$defs\": {{\n{}\n  }}\n}}\n",
                    bundle.join(",\n")
                ),
            )
            .unwrap();
        }
    }
    assert!(
        stale.is_empty() || std::env::var_os("QCOMPAT_BLESS_SCHEMAS").is_some(),
        "bundled copies differ from the files they copy: {stale:?}; \
         rerun with QCOMPAT_BLESS_SCHEMAS=1 to rewrite them"
    );
}

/// Real outputs validate with a second validator, Python's `jsonschema`,
/// offline and with each schema file alone (no registry, no retrieval);
/// broken documents do not.
#[test]
fn schemas_validate_real_outputs_in_python_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let go = go126();
    let go = go.to_str().unwrap();
    let doctor = json(&["doctor", "--json", "--go", go]);
    let pins: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("matrix/pins.yaml")).unwrap())
            .unwrap();
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("matrix/evidence/report.json")).unwrap(),
    )
    .unwrap();
    let mut no_advice = doctor.clone();
    no_advice.as_object_mut().unwrap().remove("advice");
    let mut bad_strategy = doctor.clone();
    bad_strategy["selection"]["strategy"] = serde_json::json!("turbo");
    let mut bad_status = report.clone();
    bad_status["cells"][0]["status"] = serde_json::json!("fail-bogus");
    let docs = [
        (
            "probe",
            "probe",
            json(&["probe", "--json", "--go", go]),
            true,
        ),
        (
            "selection",
            "select",
            json(&["select", "--offline", "--json", "--go", go]),
            true,
        ),
        ("doctor", "doctor", doctor, true),
        ("doctor", "no-advice", no_advice, false),
        ("doctor", "bad-strategy", bad_strategy, false),
        ("report", "report", report, true),
        ("report", "bad-status", bad_status, false),
        ("pins", "pins", serde_json::to_value(pins).unwrap(), true),
    ];
    for (schema, name, doc, valid) in docs {
        let p = tmp.path().join(format!("{name}.json"));
        std::fs::write(&p, doc.to_string()).unwrap();
        let out = std::process::Command::new("python3")
            .arg(repo().join("tests/schema_check.py"))
            .arg(repo().join(format!("matrix/schema/{schema}.schema.json")))
            .arg(&p)
            .output()
            .expect("python3 (ci/test.sh installs jsonschema)");
        let said = text(&out.stdout);
        assert!(
            out.status.success(),
            "{schema} / {name}: {}{said}",
            text(&out.stderr)
        );
        assert_eq!(
            said.trim_end().ends_with(": valid"),
            valid,
            "{schema} / {name}: {said}"
        );
    }
}

/// The README's section for q runs as written, with a `q` that salts
/// `-V=full` (tests/injectors/modern).
#[test]
fn q_section_commands_run_salted() {
    q_section_commands_run("modern", "main.go");
}

/// ... and with one that leaves it unchanged, as q does
/// (tests/injectors/qlike's cmd/q).
#[test]
fn q_section_commands_run_unsalted() {
    q_section_commands_run("qlike", "cmd/q/main.go");
}

/// Runs the README's q commands in a scratch project whose `q` is built from
/// tests/injectors/STAND_IN (its FILE is also the project's `cmd/q`), with
/// this repository as `qcompat/`.
fn q_section_commands_run(stand_in: &str, file: &str) {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (start, end) = ("<!-- q-commands -->\n", "<!-- /q-commands -->");
    let a = readme.find(start).expect("README has <!-- q-commands -->") + start.len();
    let b = readme[a..].find(end).unwrap() + a;
    let commands: Vec<&str> = readme[a..b]
        .lines()
        .filter(|l| !l.starts_with("```") && !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert!(commands.len() >= 8, "{commands:?}");

    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("app");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(proj.join("cmd/q")).unwrap();
    std::fs::create_dir_all(proj.join(".github")).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(proj.join("go.mod"), "module example.com/app\n\ngo 1.21\n").unwrap();
    std::fs::write(
        proj.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/qcompat/qcompat/fallback-go/goid\"\n)\n\nfunc main() { fmt.Printf(\"mode=%s id=%d\\n\", goid.CurrentMode(), goid.ID()) }\n",
    )
    .unwrap();
    let src = repo().join("tests/injectors").join(stand_in);
    std::fs::copy(src.join(file), proj.join("cmd/q/main.go")).unwrap();
    std::fs::write(
        proj.join(".github/qcompat.yaml"),
        "toolchains: [local]\nplatforms: [linux/amd64, linux/arm64]\ntoolexec: {package: ./cmd/q, dir: ..}\nprogram: {dir: .., package: .}\nverify: exec\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(repo(), proj.join("qcompat")).unwrap();
    std::os::unix::fs::symlink(qcompat(), bin.join("qcompat")).unwrap();
    let go = go126();
    let q = std::process::Command::new(&go)
        .args(["build", "-o"])
        .arg(bin.join("q"))
        .arg(match std::path::Path::new(file).parent() {
            Some(d) if !d.as_os_str().is_empty() => format!("./{}", d.display()),
            _ => ".".to_string(),
        })
        .current_dir(&src)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", text(&q.stderr));
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        go.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for c in &commands {
        let out = std::process::Command::new("sh")
            .args(["-c", c])
            .current_dir(&proj)
            .env("PATH", &path)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "")
            .env("QCOMPAT_GO", &go)
            .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README command failed: {c}\n{}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    let run = |exe: &str| {
        let o = std::process::Command::new(proj.join(exe)).output().unwrap();
        assert!(o.status.success());
        text(&o.stdout)
    };
    assert_eq!(run("app-auto"), "mode=calibrated id=1\n");
    assert_eq!(run("app-stack"), "mode=stack id=1\n");
    assert_eq!(run("app-injected"), "mode=injected id=1\n");
    let doc = read_doc(&proj.join("doctor-deep.json"), "doctor");
    assert_eq!(doc["ok"], true, "{doc:#}");
    assert_eq!(doc["selection"]["strategy"], "injected");
    assert_eq!(doc["selection"]["verified"], true);
    assert_eq!(doc["selection"]["program"]["works"], true, "{doc:#}");
    assert_eq!(doc["selection"]["program"]["fallback"], true, "{doc:#}");
    assert_eq!(
        doc["selection"]["needs_own_gocache"],
        stand_in == "qlike",
        "{doc:#}"
    );
    let m = read_doc(&proj.join("matrix.json"), "report");
    for p in ["linux/amd64", "linux/arm64"] {
        let c = cell(&m, "go1.26.8", p);
        assert_eq!(c["status"], "pass", "{c:#}");
        assert_eq!(c["verified"], "exec");
    }
}

/// One grammar: the same version forms and flags everywhere.
#[test]
fn command_line_forms() {
    // `pins check` takes 1.22.5 as well as go1.22.5.
    for v in ["1.22.5", "go1.22.5"] {
        let o = run(&["pins", "check", v]);
        assert!(o.status.success(), "{v}: {}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains(">=1.22.0, <1.23.0"),
            "{}",
            text(&o.stdout)
        );
    }
    // `toolchains path` takes selectors, offline from local toolchains.
    go127();
    let o = run(&["toolchains", "path", "1.27.x", "--offline"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("go1.27.3"), "{}", text(&o.stdout));
    let o = run(&["toolchains", "path", "1.27.x", "--offline", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0].as_str().unwrap().contains("go1.27.3"));
    // --json is produced or refused, never ignored.
    let o = run(&["matrix", "plan", "--json", "--offline"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0]["cells"].as_u64().unwrap() > 0);
    let o = run(&["select", "--offline", "--format", "goflags", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("drop --json"),
        "{}",
        text(&o.stderr)
    );
    // The injector's own help.
    let o = run(&["toolexec", "--help"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("-toolexec=\"qcompat toolexec\""));
}

/// The workflow's nightly run: scheduled, with `supported` and `next` from
/// the shipped nightly spec, against the repository's pins. Offline here,
/// `next` finds no pre-release and the plan says so instead of failing.
#[test]
fn nightly_workflow_and_its_spec() {
    let wf = std::fs::read_to_string(repo().join("ci/workflows/qcompat-matrix.yml")).unwrap();
    assert!(wf.contains("schedule:") && wf.contains(".github/qcompat-nightly.yaml"));
    assert!(
        wf.matches("--pins \"$PINS\"").count() >= 2,
        "run and merge both read the pins"
    );
    let spec = std::fs::read_to_string(repo().join("matrix/nightly.yaml")).unwrap();
    assert!(spec.contains("toolchains: [supported, next]"));
    go127();
    let o = cmd(&[
        "matrix",
        "plan",
        "matrix/nightly.yaml",
        "--offline",
        "--shards",
        "2",
        "--format",
        "json",
    ])
    .current_dir(repo())
    .env("QCOMPAT_PROVIDERS", "local")
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("next: no toolchain fits"),
        "{}",
        text(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0]["cells"].as_u64().unwrap() > 0, "{v:#}");
    let o = cmd(&["toolchains", "path", "next", "--offline"])
        .env("QCOMPAT_PROVIDERS", "local")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("no toolchain fits"),
        "{}",
        text(&o.stderr)
    );
}

/// Every file path the README names in backticks (under src/, ci/, matrix/,
/// fallback-go/ or tests/) exists, and every `qcompat SUB [SUB2]` it shows
/// in backticks or code blocks is a subcommand this binary has.
#[test]
fn readme_paths_and_commands_are_real() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    // Backtick spans and code blocks: the odd pieces between backticks.
    let code: Vec<&str> = readme.split('`').skip(1).step_by(2).collect();
    let mut missing = Vec::new();
    for tok in &code {
        let tok = tok.trim();
        let is_path = ["src/", "ci/", "matrix/", "fallback-go/", "tests/"]
            .iter()
            .any(|p| tok.starts_with(p));
        // Patterns and placeholders (`matrix/schema/NAME.schema.json`) are not paths.
        let placeholder = tok.chars().any(|c| "<>*{}$ \n".contains(c))
            || tok
                .split(['/', '.'])
                .any(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()));
        if !is_path || placeholder {
            continue;
        }
        let path = tok.trim_end_matches(['/', ',']).split(':').next().unwrap();
        if !repo().join(path).exists() {
            missing.push(tok.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "README names paths that do not exist: {missing:?}"
    );

    let sub = |w: &&str| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase());
    let mut commands = std::collections::BTreeSet::new();
    for line in code.iter().flat_map(|c| c.lines()) {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || "\"($".contains(c))
            .map(|w| w.trim_matches('\''))
            .filter(|w| !w.is_empty())
            .collect();
        for (i, w) in words.iter().enumerate() {
            let Some(first) = words.get(i + 1).filter(|f| *w == "qcompat" && sub(f)) else {
                continue;
            };
            let command = match words.get(i + 2).filter(|s| sub(s)) {
                Some(s) if ["matrix", "pins", "toolchains"].contains(first) => {
                    format!("{first} {s}")
                }
                _ => first.to_string(),
            };
            commands.insert(command);
        }
    }
    assert!(commands.len() >= 8, "{commands:?}");
    for c in &commands {
        let mut args: Vec<&str> = c.split(' ').collect();
        if args[0] == "toolexec" {
            continue; // the injector hands its arguments to the tool
        }
        args.push("--help");
        let o = run(&args);
        assert!(
            o.status.success(),
            "README shows `qcompat {c}`, which is no subcommand: {}",
            text(&o.stderr)
        );
    }
}
