//! The release and CI plumbing, run as written: the release workflow's Pack
//! step packs this build's qcompat into a real archive and SHA256SUMS; the
//! install action's step fetches them from a loopback server (and refuses a
//! bad checksum, a 404, sums that disagree, an escaping entry); the reusable
//! matrix workflow's shell steps install, plan, run the shards, merge and
//! update pins; the crate's package holds every file the binary embeds.

mod common;
use common::http::{Mode, Server};
use common::*;
use serde_yaml::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn yaml(rel: &str) -> Value {
    let p = repo().join(rel);
    let body = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_yaml::from_str(&body).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The step called `name` in a list of steps.
fn step<'a>(steps: &'a Value, name: &str) -> &'a Value {
    steps
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step {name:?}"))
}

fn run_of(step: &Value) -> String {
    step["run"].as_str().unwrap().to_string()
}

/// `${{ inputs.NAME }}` resolved from `inputs`; any other expression in an
/// `env:` block that feeds a shell is refused (inputs reach scripts only
/// through the environment).
fn env_of(block: &Value, inputs: &HashMap<&str, String>) -> Vec<(String, String)> {
    let Some(m) = block.as_mapping() else {
        return Vec::new();
    };
    m.iter()
        .map(|(k, v)| {
            let k = k.as_str().unwrap().to_string();
            let v = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| serde_yaml::to_string(v).unwrap().trim().to_string());
            let v = match v.strip_prefix("${{ inputs.") {
                Some(rest) => {
                    let name = rest.strip_suffix(" }}").unwrap();
                    inputs
                        .get(name)
                        .unwrap_or_else(|| panic!("{k}: no input {name} given"))
                        .clone()
                }
                None => v,
            };
            (k, v)
        })
        .collect()
}

/// Runs a step's script as Actions does (`bash -e -o pipefail`).
fn bash(script: &str, cwd: &Path, env: &[(String, String)]) -> Output {
    let mut c = Command::new("bash");
    c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(cwd);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn kv(k: &str, v: impl AsRef<std::ffi::OsStr>) -> (String, String) {
    (k.to_string(), v.as_ref().to_string_lossy().into_owned())
}

/// This machine's platform as the archives name it.
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        a => panic!("no release archive for {a}"),
    };
    format!("{}-{arch}", std::env::consts::OS)
}

fn archive_name() -> String {
    format!("qcompat-{VERSION}-{}.tar.gz", platform())
}

/// The release workflow's Pack step over this build's qcompat, once per
/// test binary: dist/ holds the archive and SHA256SUMS.
fn dist() -> &'static Path {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap().keep();
        let bins = tmp.join("bins").join(format!("bin-{}", platform()));
        std::fs::create_dir_all(&bins).unwrap();
        std::fs::copy(qcompat(), bins.join("qcompat")).unwrap();
        let release = yaml(".github/workflows/release.yml");
        let pack = step(&release["jobs"]["release"]["steps"], "Pack");
        let mut env = env_of(&pack["env"], &HashMap::new());
        env.retain(|(k, _)| k != "PLATFORMS" && k != "BINS" && k != "DIST");
        env.extend([
            kv("PLATFORMS", platform()),
            kv("BINS", tmp.join("bins")),
            kv("DIST", tmp.join("dist")),
            kv("GITHUB_REF_NAME", format!("v{VERSION}")),
        ]);
        let o = bash(&run_of(pack), &repo(), &env);
        assert!(
            o.status.success(),
            "Pack: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        tmp.join("dist")
    })
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

#[test]
fn the_release_archive_has_the_contract_layout_and_sums() {
    let dist = dist();
    let name = archive_name();
    let bytes = std::fs::read(dist.join(&name)).unwrap();
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    assert_eq!(sums, format!("{}  {name}\n", sha256_hex(&bytes)));

    let top = name.trim_end_matches(".tar.gz");
    let mut entries = Vec::new();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    for e in ar.entries().unwrap() {
        let e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mode = e.header().mode().unwrap();
        if path == format!("{top}/qcompat") {
            assert_eq!(mode & 0o777, 0o755, "the binary is executable");
            assert_eq!(
                e.header().size().unwrap(),
                std::fs::metadata(qcompat()).unwrap().len()
            );
        }
        assert_eq!(e.header().uid().unwrap(), 0, "{path}: owner root");
        entries.push(path);
    }
    entries.sort();
    let want: Vec<String> = ["", "LICENSE-APACHE", "LICENSE-MIT", "README.md", "qcompat"]
        .iter()
        .map(|f| format!("{top}/{f}"))
        .collect();
    assert_eq!(entries, want);
}

/// The release refuses a tag that is not Cargo.toml's version.
#[test]
fn the_release_checks_the_tag_against_the_crate_version() {
    let release = yaml(".github/workflows/release.yml");
    let check = run_of(step(
        &release["jobs"]["build"]["steps"],
        "The tag names the crate's version",
    ));
    let tag = |t: &str| bash(&check, &repo(), &[kv("GITHUB_REF_NAME", t)]);
    assert!(tag(&format!("v{VERSION}")).status.success());
    let o = tag("v9.9.9");
    assert!(!o.status.success());
    assert!(
        text(&o.stdout).contains(&format!(
            "tag v9.9.9 does not match Cargo.toml's version {VERSION}"
        )),
        "{}",
        text(&o.stdout)
    );
}

/// A server holding the release files, with `edit` applied to them first.
fn serve(edit: impl FnOnce(&mut HashMap<String, Vec<u8>>)) -> std::sync::Arc<Server> {
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for name in [archive_name(), "SHA256SUMS".to_string()] {
        files.insert(name.clone(), std::fs::read(dist().join(&name)).unwrap());
    }
    edit(&mut files);
    let s = Server::start();
    for (name, body) in files {
        s.add(&name, body, Mode::Normal);
    }
    s
}

struct Installed {
    out: Output,
    /// What the step appended to GITHUB_PATH and GITHUB_OUTPUT.
    path: String,
    output: String,
    into: PathBuf,
}

impl Installed {
    fn says(&self) -> String {
        format!("{}{}", text(&self.out.stdout), text(&self.out.stderr))
    }

    /// The install failed, saying `what`, and left nothing behind.
    fn refused(&self, what: &str) {
        assert!(!self.out.status.success(), "{}", self.says());
        assert!(self.says().contains(what), "{}", self.says());
        self.left_nothing();
    }

    /// Nothing but the empty install folder: no binary, no download left.
    fn left_nothing(&self) {
        let left: Vec<_> = std::fs::read_dir(&self.into)
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "left behind: {left:?}");
        assert!(self.path.is_empty() && self.output.is_empty());
    }
}

/// The install action's step, run with `action_dir` as the action's folder.
fn install(action_dir: &Path, base: &str, version: &str) -> Installed {
    let action: Value =
        serde_yaml::from_str(&std::fs::read_to_string(action_dir.join("action.yml")).unwrap())
            .unwrap();
    let steps = &action["runs"]["steps"];
    assert_eq!(action["runs"]["using"], "composite");
    let s = &steps[0];
    assert_eq!(s["shell"], "bash");
    let inputs = HashMap::from([
        ("version", version.to_string()),
        ("release-url", base.to_string()),
    ]);
    let tmp = tempfile::tempdir().unwrap().keep();
    let into = tmp.join("tools");
    let mut env = env_of(&s["env"], &inputs);
    env.extend([
        kv("GITHUB_ACTION_PATH", action_dir),
        kv("GITHUB_PATH", tmp.join("path")),
        kv("GITHUB_OUTPUT", tmp.join("output")),
        kv("QCOMPAT_INSTALL_DIR", &into),
        kv("PATH", "/usr/bin:/bin"),
    ]);
    let out = bash(&run_of(s), &tmp, &env);
    let read = |f: &str| std::fs::read_to_string(tmp.join(f)).unwrap_or_default();
    Installed {
        out,
        path: read("path"),
        output: read("output"),
        into,
    }
}

/// A copy of ci/action with `sums` as the SHA256SUMS it ships.
fn action_with_sums(sums: &str) -> PathBuf {
    let d = tempfile::tempdir().unwrap().keep();
    for f in ["action.yml", "install.sh"] {
        std::fs::copy(repo().join("ci/action").join(f), d.join(f)).unwrap();
    }
    std::fs::write(d.join("SHA256SUMS"), sums).unwrap();
    d
}

#[test]
fn the_action_installs_the_release_archive_and_puts_it_on_path() {
    let s = serve(|_| {});
    let i = install(&repo().join("ci/action"), &s.base, VERSION);
    assert!(i.out.status.success(), "{}", i.says());
    let dir = i.path.trim();
    let top = archive_name().trim_end_matches(".tar.gz").to_string();
    assert!(dir.ends_with(&top), "{dir}");
    let bin = Path::new(dir).join("qcompat");
    assert_eq!(
        i.output,
        format!("path={}\nversion={VERSION}\n", bin.display())
    );
    let v = Command::new(&bin).arg("--version").output().unwrap();
    assert_eq!(text(&v.stdout).trim(), format!("qcompat {VERSION}"));
    assert_eq!(
        std::fs::read(&bin).unwrap(),
        std::fs::read(qcompat()).unwrap()
    );
    assert!(i.says().contains("sha256"), "{}", i.says());
}

#[test]
fn the_action_refuses_a_changed_byte_and_leaves_nothing() {
    let s = serve(|f| {
        let a = f.get_mut(&archive_name()).unwrap();
        let n = a.len() / 2;
        a[n] ^= 1;
    });
    let i = install(&repo().join("ci/action"), &s.base, VERSION);
    i.refused(&format!("checksum mismatch for {}", archive_name()));
}

#[test]
fn the_action_says_what_to_do_on_a_404() {
    let s = serve(|_| {});
    let i = install(
        &repo().join("ci/action"),
        &format!("{}v9.9.9/", s.base),
        "9.9.9",
    );
    i.refused("SHA256SUMS: not found (HTTP 404)");
    i.refused("cargo install --locked qcompat --version 9.9.9");

    // Sums, but no archive for this platform.
    let s = serve(|f| {
        f.remove(&archive_name());
    });
    let i = install(&repo().join("ci/action"), &s.base, VERSION);
    i.refused(&format!("{}: not found (HTTP 404)", archive_name()));
}

#[test]
fn the_action_checks_the_sums_it_ships() {
    let sums = std::fs::read_to_string(dist().join("SHA256SUMS")).unwrap();
    let s = serve(|_| {});
    // Shipped sums agree: the version comes from them.
    let i = install(&action_with_sums(&sums), &s.base, "");
    assert!(i.out.status.success(), "{}", i.says());
    assert!(i.output.ends_with(&format!("version={VERSION}\n")));

    // The release's SHA256SUMS and the archive both replaced: the shipped
    // sums still refuse it.
    let other = b"not the archive".to_vec();
    let forged = format!("{}  {}\n", sha256_hex(&other), archive_name());
    let s = serve(|f| {
        f.insert(archive_name(), other);
        f.insert("SHA256SUMS".into(), forged.into_bytes());
    });
    let i = install(&action_with_sums(&sums), &s.base, VERSION);
    i.refused("refusing both");

    // No version and no shipped sums: the input is required.
    let i = install(&repo().join("ci/action"), &s.base, "");
    i.refused("input 'version' is empty");
}

#[test]
fn the_action_refuses_an_entry_outside_the_archive_folder() {
    let top = archive_name().trim_end_matches(".tar.gz").to_string();
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (name, body) in [
        (format!("{top}/qcompat"), &b"#!/bin/sh\n"[..]),
        (format!("{top}/../../evil"), &b"x"[..]),
    ] {
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(body.len() as u64);
        h.set_mode(0o755);
        h.set_cksum();
        b.append(&h, body).unwrap();
    }
    let bad = b.into_inner().unwrap().finish().unwrap();
    let sums = format!("{}  {}\n", sha256_hex(&bad), archive_name());
    let s = serve(|f| {
        f.insert(archive_name(), bad);
        f.insert("SHA256SUMS".into(), sums.into_bytes());
    });
    let i = install(&repo().join("ci/action"), &s.base, VERSION);
    i.refused("an entry that escapes its folder");
}

/// The reusable workflow's steps, job by job, in a caller's workspace: the
/// release binary installed from a loopback server, a two-cell matrix
/// planned over two shards, each shard run, merged, and the pins updated.
#[test]
fn the_matrix_workflow_plans_runs_merges_and_pins() {
    let wf = yaml(".github/workflows/qcompat-matrix.yml");
    let call = &wf["on"]["workflow_call"]["inputs"];
    assert_eq!(call["qcompat-version"]["required"], true);
    let jobs = &wf["jobs"];
    assert_eq!(jobs["shards"]["needs"], "plan");
    assert_eq!(jobs["pins"]["needs"], "merge");

    let s = serve(|_| {});
    let ws = tempfile::tempdir().unwrap();
    let w = ws.path();
    std::fs::create_dir_all(w.join(".github")).unwrap();
    std::fs::write(
        w.join(".github/qcompat.yaml"),
        // The toolchains input replaces this block (no such GOROOT).
        "toolchains:\n  # only here\n  - path: /nonexistent/go\nplatforms: [linux/amd64, linux/386]\nverify: link\n",
    )
    .unwrap();
    // The installer checkout: this repository.
    std::os::unix::fs::symlink(repo(), w.join(".qcompat-installer")).unwrap();
    std::fs::write(w.join("goenv"), "").unwrap();
    let inputs = HashMap::from([
        ("qcompat-version", VERSION.to_string()),
        ("spec", ".github/qcompat.yaml".to_string()),
        ("shards", "2".to_string()),
        ("toolchains", "[local]".to_string()),
        ("pins", ".github/qcompat-pins.yaml".to_string()),
    ]);
    let mut env = env_of(&wf["env"], &inputs);
    let go_dir = go126().parent().unwrap().to_path_buf();
    let gh = |f: &str| w.join("gh").join(f);
    std::fs::create_dir_all(w.join("gh")).unwrap();
    env.extend([
        kv("QCOMPAT_RELEASE_URL", &s.base),
        kv("QCOMPAT_INSTALL_DIR", w.join("gh/tools")),
        kv("QCOMPAT_CACHE_DIR", w.join("gh/cache")),
        kv("GOENV", w.join("goenv")),
        kv("GITHUB_PATH", gh("path")),
        kv("GITHUB_STEP_SUMMARY", gh("summary")),
    ]);
    // Runs `name` of `job` with the job's PATH additions, as a new step.
    let run = |job: &str, name: &str, extra: &[(String, String)]| {
        let added = std::fs::read_to_string(gh("path")).unwrap_or_default();
        let mut path: Vec<String> = added.lines().rev().map(str::to_string).collect();
        path.push(go_dir.display().to_string());
        path.push("/usr/bin:/bin".into());
        let out = gh(&format!("out-{job}"));
        let _ = std::fs::remove_file(&out);
        let mut e = env.clone();
        e.extend(extra.iter().cloned());
        e.extend([kv("PATH", path.join(":")), kv("GITHUB_OUTPUT", &out)]);
        let o = bash(&run_of(step(&jobs[job]["steps"], name)), w, &e);
        assert!(
            o.status.success(),
            "{job}/{name}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        std::fs::read_to_string(&out).unwrap_or_default()
    };
    for job in ["plan", "shards", "merge", "pins"] {
        assert_eq!(
            run_of(step(&jobs[job]["steps"], "Install qcompat")),
            run_of(step(&jobs["plan"]["steps"], "Install qcompat")),
            "{job} installs as plan does"
        );
    }
    assert_eq!(
        run_of(step(&jobs["plan"]["steps"], "The spec")),
        run_of(step(&jobs["shards"]["steps"], "The spec")),
    );
    run("plan", "Install qcompat", &[]);
    run("plan", "The spec", &[]);
    let planned = run("plan", "Plan", &[]);
    let matrix: serde_json::Value =
        serde_json::from_str(planned.strip_prefix("matrix=").unwrap().trim()).unwrap();
    let shards = matrix["include"].as_array().unwrap();
    assert_eq!(shards.len(), 2, "{matrix}");
    // The plan the shards execute (uploaded as the artifact qcompat-plan).
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.join("qcompat-plan.json")).unwrap()).unwrap();
    validate("plan", &plan);
    assert_eq!(plan["shards"], matrix["include"]);
    for sh in shards {
        run("shards", "The spec", &[]);
        run(
            "shards",
            "Run the shard",
            &[
                kv("SHARD", sh["shard"].as_str().unwrap()),
                kv("INDEX", sh["index"].to_string()),
            ],
        );
    }
    // qcompat's own injector: no injector binaries to publish.
    run(
        "shards",
        "The injector binaries this shard tested",
        &[kv("INDEX", "1")],
    );
    assert!(!w.join("injectors/SHA256SUMS").exists());
    // An injector built per toolchain: the shard report names each build
    // (as `matrix run` writes it); the step copies those very bytes and
    // their sha256 for the upload.
    let built = w.join("gh/q-built");
    std::fs::copy(qcompat(), &built).unwrap();
    let shard = serde_json::json!({"toolchains": [{"go": "go1.26.8", "injector_build": {"status": "built", "built_by": "go1.26.8", "path": built}}, {"go": "go1.25.5", "injector_build": {"status": "failed", "built_by": "go1.25.5"}}]});
    std::fs::write(w.join("shard-9.json"), shard.to_string()).unwrap();
    run(
        "shards",
        "The injector binaries this shard tested",
        &[kv("INDEX", "9")],
    );
    let sums = std::fs::read_to_string(w.join("injectors/SHA256SUMS")).unwrap();
    assert_eq!(
        sums,
        format!(
            "{}  go1.26.8/q-built\n",
            sha256_hex(&std::fs::read(&built).unwrap())
        )
    );
    std::fs::remove_file(w.join("shard-9.json")).unwrap();
    assert_eq!(
        std::fs::read_to_string(w.join(".github/.qcompat-toolchains.yaml")).unwrap(),
        "platforms: [linux/amd64, linux/386]\nverify: link\ntoolchains: [local]\n"
    );
    run("merge", "Merge and report", &[]);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.join("matrix-report.json")).unwrap()).unwrap();
    assert_eq!(report["complete"], true);
    assert_eq!(report["fingerprint"], plan["fingerprint"]);
    assert_eq!(report["cells"].as_array().unwrap().len(), 2);
    assert_eq!(report["merged_shards"], serde_json::json!(["1/2", "2/2"]));
    assert!(w.join("matrix-junit.xml").is_file() && w.join("matrix.md").is_file());

    run("pins", "Update the pins", &[]);
    let pins = std::fs::read_to_string(w.join(".github/qcompat-pins.yaml")).unwrap();
    assert!(
        pins.contains("platforms_linked: 2") && pins.contains("- go1.26.8"),
        "{pins}"
    );
    let summary = std::fs::read_to_string(gh("summary")).unwrap();
    assert!(summary.contains("### qcompat pins: changes to .github/qcompat-pins.yaml"));

    // A spec input naming no file: the plan stops and says which input.
    let mut e = env.clone();
    e.push(kv("SPEC", ".github/nope.yaml"));
    let o = bash(&run_of(step(&jobs["plan"]["steps"], "The spec")), w, &e);
    assert!(!o.status.success());
    assert!(
        text(&o.stdout).contains("spec '.github/nope.yaml' is not a file of this repository"),
        "{}",
        text(&o.stdout)
    );
}

/// Every file the binary embeds (include_str!/include_bytes! in src/) is in
/// `cargo package --list`, so the packaged crate builds on its own; the
/// metadata crates.io shows is there, and binstall's URLs name the archives
/// the release packs.
#[test]
fn the_crate_package_holds_what_the_binary_embeds() {
    // `cargo test` names itself; a test binary run alone takes PATH's.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let o = Command::new(&cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let listed: Vec<String> = text(&o.stdout).lines().map(str::to_string).collect();
    let mut embedded = Vec::new();
    embedded_files(&repo().join("src"), &mut embedded);
    assert!(embedded.len() > 30, "{embedded:?}");
    for f in embedded.iter().map(String::as_str).chain([
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "README.md",
        "Cargo.lock",
        "build.rs",
    ]) {
        assert!(listed.iter().any(|l| l == f), "{f} is not in the package");
    }
    assert!(
        !listed.iter().any(|l| l.starts_with("tests/")),
        "the tests stay out of the package"
    );

    let o = Command::new(&cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let m: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &m["packages"][0];
    assert_eq!(p["publish"], serde_json::Value::Null, "publish = true");
    assert_eq!(p["repository"], "https://github.com/qcompat/qcompat");
    assert_eq!(p["license"], "MIT OR Apache-2.0");
    for k in ["readme", "homepage", "documentation", "description"] {
        assert!(p[k].is_string(), "{k}");
    }
    assert!(!p["keywords"].as_array().unwrap().is_empty());
    assert!(!p["categories"].as_array().unwrap().is_empty());

    let o = &p["metadata"]["binstall"]["overrides"];
    for (target, plat, ext) in [
        ("x86_64-unknown-linux-musl", "linux-amd64", ".tar.gz"),
        ("x86_64-unknown-linux-gnu", "linux-amd64", ".tar.gz"),
        ("aarch64-unknown-linux-musl", "linux-arm64", ".tar.gz"),
        ("x86_64-apple-darwin", "darwin-amd64", ".tar.gz"),
        ("aarch64-apple-darwin", "darwin-arm64", ".tar.gz"),
    ] {
        let fill = |t: &str| {
            t.replace("{ repo }", "https://github.com/qcompat/qcompat")
                .replace("{ name }", "qcompat")
                .replace("{ version }", VERSION)
                .replace("{ bin }", "qcompat")
                .replace("{ binary-ext }", if ext == ".zip" { ".exe" } else { "" })
        };
        let top = format!("qcompat-{VERSION}-{plat}");
        assert_eq!(
            fill(o[target]["pkg-url"].as_str().unwrap()),
            format!("https://github.com/qcompat/qcompat/releases/download/v{VERSION}/{top}{ext}"),
            "{target}"
        );
        let exe = if ext == ".zip" {
            "qcompat.exe"
        } else {
            "qcompat"
        };
        assert_eq!(
            fill(o[target]["bin-dir"].as_str().unwrap()),
            format!("{top}/{exe}")
        );
    }
}

/// Repository-relative paths of the files `include_str!`/`include_bytes!`
/// name in the Rust files under `dir`.
fn embedded_files(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            embedded_files(&p, out);
            continue;
        }
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let src = std::fs::read_to_string(&p).unwrap();
        for mac in ["include_str!(", "include_bytes!("] {
            for (at, _) in src.match_indices(mac) {
                let rest = src[at + mac.len()..].trim_start();
                let Some(lit) = rest.strip_prefix('"') else {
                    continue;
                };
                let rel = &lit[..lit.find('"').unwrap()];
                let mut path = p.parent().unwrap().to_path_buf();
                for c in Path::new(rel).components() {
                    match c {
                        std::path::Component::ParentDir => {
                            path.pop();
                        }
                        c => path.push(c),
                    }
                }
                let rel = path.strip_prefix(repo()).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
}
