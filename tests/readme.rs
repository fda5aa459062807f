//! The docs say what qcompat does today: the README and the book's
//! generated parts match what qcompat prints, their command blocks run, the
//! paths and subcommands they name exist, and their links resolve.

mod common;
use common::*;

#[path = "docs/links.rs"]
mod links;

/// The Markdown a reader meets: the front door, the map and the guide for
/// contributors, fallback-go's README, the benchmark history and the book.
fn doc_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = [
        "README.md",
        "ARCHITECTURE.md",
        "CONTRIBUTING.md",
        "fallback-go/README.md",
        "ci/bench/results/HISTORY.md",
    ]
    .iter()
    .map(Into::into)
    .collect();
    let mut dirs = vec![std::path::PathBuf::from("docs/src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(repo().join(&d)).unwrap() {
            let p = d.join(e.unwrap().file_name());
            if repo().join(&p).is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Every relative link and `#anchor` in the docs resolves, and every page
/// of the book is in its SUMMARY.md (mdBook leaves out the others).
#[test]
fn docs_links_resolve() {
    let files = doc_files();
    assert!(files.len() > 10, "{files:?}");
    let summary = std::fs::read_to_string(repo().join("docs/src/SUMMARY.md")).unwrap();
    let listed: Vec<String> = links::links(&summary).into_iter().map(|(_, t)| t).collect();
    let unlisted: Vec<&std::path::PathBuf> = files
        .iter()
        .filter(|f| f.starts_with("docs/src") && !f.ends_with("SUMMARY.md"))
        .filter(|f| {
            let rel = f.strip_prefix("docs/src").unwrap().to_string_lossy();
            !listed.iter().any(|t| *t == rel)
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "pages not in docs/src/SUMMARY.md: {unlisted:?}"
    );
    let broken = links::check(&repo(), &files);
    let lines: Vec<String> = broken.iter().map(ToString::to_string).collect();
    assert!(broken.is_empty(), "broken links:\n{}", lines.join("\n"));
}

/// The checker finds a missing file, a missing anchor in another file and in
/// the same one, and a path out of the repository; it reads links in code
/// as code, and anchors as GitHub and mdBook make them.
#[test]
fn link_checker_catches_broken_links() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(
        root.join("docs/page.md"),
        "# The page\n\n## Why not `petermattis/goid`?\n\n## Twice\n\n## Twice\n\n```sh\n## not a heading\n```\n",
    )
    .unwrap();
    std::fs::write(
        root.join("README.md"),
        "[ok](docs/page.md#why-not-petermattisgoid) [ok](docs/page.md#twice-1) [ok](#top)\n\
         [gone](docs/missing.md) [no anchor](docs/page.md#not-a-heading) [self](#nowhere)\n\
         `[code](docs/missing.md)` [out](../../etc/passwd) [web](https://example.com/x#y)\n\
         \n# Top\n\n[ref]: docs/nothing.md\n",
    )
    .unwrap();
    let broken = links::check(root, &["README.md".into()]);
    let got: Vec<(usize, &str)> = broken.iter().map(|b| (b.line, b.target.as_str())).collect();
    assert_eq!(
        got,
        [
            (2, "docs/missing.md"),
            (2, "docs/page.md#not-a-heading"),
            (2, "#nowhere"),
            (3, "../../etc/passwd"),
            (7, "docs/nothing.md"),
        ],
        "{broken:#?}"
    );
}

/// The README is a front door: at most 250 lines, and no commit hash (a
/// word of 7 to 40 hex digits with a letter and a digit in it).
#[test]
fn readme_is_short_and_names_no_commit() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; the rest belongs in docs/"
    );
    let hashes: Vec<&str> = readme
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            (7..=40).contains(&w.len())
                && w.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                && w.chars().any(|c| c.is_ascii_digit())
                && w.chars().any(|c| c.is_ascii_alphabetic())
        })
        .collect();
    assert!(hashes.is_empty(), "README.md names commits: {hashes:?}");
    for must in ["cargo run --release -- doctor", "ci/test.sh"] {
        assert!(readme.contains(must), "README.md lost `{must}`");
    }
}

/// The book's page on pins (`PINS_PAGE`) and the one that walks q's path
/// (`Q_PATH_PAGE`): their marked blocks are checked and run here.
const PINS_PAGE: &str = "docs/src/pins.md";
const Q_PATH_PAGE: &str = "docs/src/q-path.md";

/// The text between `<!-- NAME -->` and `<!-- /NAME -->` in the repository
/// file `page`.
fn marked(page: &str, name: &str) -> String {
    let text = std::fs::read_to_string(repo().join(page)).unwrap();
    let (start, end) = (format!("<!-- {name} -->\n"), format!("<!-- /{name} -->"));
    let a = text
        .find(&start)
        .unwrap_or_else(|| panic!("{page} has no {start}"))
        + start.len();
    let b = text[a..]
        .find(&end)
        .unwrap_or_else(|| panic!("{page} has no {end}"))
        + a;
    text[a..b].to_string()
}

/// The per-minor pins table in the book's pins page is `qcompat pins table`
/// of the shipped pins, between its markers.
#[test]
fn pins_table_is_current() {
    let table = marked(PINS_PAGE, "pins-table");
    let out = run(&[
        "pins",
        "table",
        "--pins",
        repo().join("matrix/pins.yaml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        table,
        text(&out.stdout),
        "{PINS_PAGE}'s pins table is stale: run ci/docs_pins.sh"
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
    for file in ["probe", "selection", "doctor", "report", "pins", "plan"] {
        let path = dir.join(format!("{file}.schema.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(".invalid"),
            "{}: an .invalid URL",
            path.display()
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        // JSON parsers keep the first or the last of two equal keys, or
        // refuse the file; serde_json says nothing, YAML's parser refuses.
        if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(&text) {
            panic!("{}: {e}", path.display());
        }
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
            // An empty `"$defs": {}` left last is replaced, not repeated.
            let own = own.strip_suffix(",\n  \"$defs\": {}").unwrap_or(own);
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

/// The book's q path runs as written, with a `q` that salts `-V=full`
/// (tests/injectors/modern).
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

/// Runs the q path page's commands in a scratch project whose `q` is built from
/// tests/injectors/STAND_IN (its FILE is also the project's `cmd/q`), with
/// this repository as `qcompat/`.
fn q_section_commands_run(stand_in: &str, file: &str) {
    let block = marked(Q_PATH_PAGE, "q-commands");
    let commands: Vec<&str> = block
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
            "{Q_PATH_PAGE} command failed: {c}\n{}\n{}",
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
    assert!(v["shards"][0]["cells"].as_u64().unwrap() > 0);
    validate("plan", &v);
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

/// The nightly run of q's caller workflow (the README's): scheduled, with
/// `supported` and `next` from the shipped nightly spec, through the
/// reusable workflow with only inputs it declares, against the pins.
/// Offline here, `next` finds no pre-release and the plan says so instead
/// of failing.
#[test]
fn nightly_workflow_and_its_spec() {
    let page = std::fs::read_to_string(repo().join("docs/src/ci.md")).unwrap();
    let mark = "<!-- caller-workflow -->\n```yaml\n";
    let body = &page[page
        .find(mark)
        .expect("the caller workflow in docs/src/ci.md")
        + mark.len()..];
    let caller: serde_yaml::Value =
        serde_yaml::from_str(&body[..body.find("```").unwrap()]).unwrap();
    assert!(caller["on"]["schedule"].is_sequence());
    let job = &caller["jobs"]["matrix"];
    assert!(job["uses"]
        .as_str()
        .unwrap()
        .starts_with("qcompat/qcompat/.github/workflows/qcompat-matrix.yml@"));
    assert!(job["with"]["spec"]
        .as_str()
        .unwrap()
        .contains(".github/qcompat-nightly.yaml"));
    let text_of =
        std::fs::read_to_string(repo().join(".github/workflows/qcompat-matrix.yml")).unwrap();
    let wf: serde_yaml::Value = serde_yaml::from_str(&text_of).unwrap();
    let declared = wf["on"]["workflow_call"]["inputs"].as_mapping().unwrap();
    for (k, _) in job["with"].as_mapping().unwrap() {
        assert!(
            declared.contains_key(k),
            "{k:?} is no input of the workflow"
        );
    }
    for (k, v) in declared {
        if v["required"] == true {
            assert!(job["with"].get(k).is_some(), "required input {k:?}");
        }
    }
    assert!(
        text_of.matches("--pins \"$PINS\"").count() >= 2,
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
        // Where it looked is said: the local provider alone sees no index.
        text(&o.stderr).contains(
            "next: no toolchain fits: no pre-release among the toolchains on this machine is newer"
        ),
        "{}",
        text(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["shards"][0]["cells"].as_u64().unwrap() > 0, "{v:#}");
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

/// Every file path the docs name in backticks (under src/, ci/, matrix/,
/// fallback-go/ or tests/, from the repository's root) exists, and every
/// `qcompat SUB [SUB2]` they show in backticks or code blocks is a
/// subcommand this binary has. The benchmark history names files of
/// earlier commits and is left out.
#[test]
fn docs_paths_and_commands_are_real() {
    let texts: Vec<(std::path::PathBuf, String)> = doc_files()
        .into_iter()
        .filter(|f| !f.ends_with("HISTORY.md"))
        .map(|f| {
            let t = std::fs::read_to_string(repo().join(&f)).unwrap();
            (f, t)
        })
        .collect();
    // Code spans and code blocks (not the ```text blocks of output).
    let code: Vec<(&std::path::PathBuf, String)> = texts
        .iter()
        .flat_map(|(f, t)| links::code(t).into_iter().map(move |c| (f, c)))
        .collect();
    let mut missing = Vec::new();
    for (file, tok) in &code {
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
            missing.push(format!("{}: {tok}", file.display()));
        }
    }
    assert!(
        missing.is_empty(),
        "the docs name paths that do not exist: {missing:?}"
    );

    let sub = |w: &&str| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase());
    let mut commands = std::collections::BTreeSet::new();
    for line in code.iter().flat_map(|(_, c)| c.lines()) {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || "\"($".contains(c))
            .map(|w| w.trim_matches('\''))
            .filter(|w| !w.is_empty())
            .collect();
        for (i, w) in words.iter().enumerate() {
            // `cargo test --bin qcompat NAME` names a test, not a subcommand.
            let after_bin = i > 0 && words[i - 1] == "--bin";
            let Some(first) = words
                .get(i + 1)
                .filter(|f| *w == "qcompat" && !after_bin && sub(f))
            else {
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
            "the docs show `qcompat {c}`, which is no subcommand: {}",
            text(&o.stderr)
        );
    }
}
