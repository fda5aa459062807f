//! Helpers shared by the integration tests: the qcompat binary and the real
//! toolchains of this machine (ci/toolchains.txt lists them; ci/test.sh
//! installs them).

#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn qcompat() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_qcompat"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One line of ci/toolchains.txt, the one list of this machine's toolchains
/// (ci/toolchains.sh and ci/lib.sh read it too).
pub struct Listed {
    pub version: &'static str,
    pub source: &'static str,
    pub bin: &'static str,
}

pub fn listed() -> Vec<Listed> {
    include_str!("../../ci/toolchains.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "ci/toolchains.txt: bad line {l:?}");
            Listed {
                version: f[0],
                source: f[1],
                bin: f[2],
            }
        })
        .collect()
}

fn listed_one(version: &str) -> Listed {
    listed()
        .into_iter()
        .find(|l| l.version == version)
        .unwrap_or_else(|| panic!("{version} is not in ci/toolchains.txt"))
}

/// The go binary of a listed toolchain; a missing one fails with what
/// installs it.
pub fn toolchain(version: &str) -> PathBuf {
    let l = listed_one(version);
    let p = match l.source {
        "path" => which(l.bin)
            .unwrap_or_else(|| panic!("{version}: `{}` is not on PATH (this machine's Go)", l.bin)),
        "proxy" => return proxy_go(l.bin),
        _ => match l.bin.strip_prefix("~/") {
            Some(rest) => home().join(rest),
            None => PathBuf::from(l.bin),
        },
    };
    let how = match l.source {
        "debian" => "run ci/test.sh as root (it installs the Debian package)",
        "sdk" => "run ci/toolchains.sh (ci/test.sh does)",
        _ => "see ci/toolchains.txt",
    };
    assert!(p.exists(), "{version}: {} is missing: {how}", p.display());
    p
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Go 1.26.8: `go` on PATH.
pub fn go126() -> PathBuf {
    toolchain("go1.26.8")
}

/// Go 1.19.8 from Debian's golang-1.19-go (or QCOMPAT_TEST_GO119).
pub fn go119() -> PathBuf {
    match std::env::var_os("QCOMPAT_TEST_GO119") {
        Some(p) => PathBuf::from(p),
        None => toolchain("go1.19.8"),
    }
}

/// Go 1.19.8's GOROOT (what a spec's `path:` names).
pub fn go119_root() -> PathBuf {
    go119().parent().unwrap().parent().unwrap().to_path_buf()
}

/// Go 1.27.3 through the module proxy (or QCOMPAT_TEST_GO127, which
/// ci/test.sh sets).
pub fn go127() -> PathBuf {
    toolchain("go1.27.3")
}

/// A proxy toolchain: `GOTOOLCHAIN=goX go env GOROOT` fetches it once.
fn proxy_go(setting: &str) -> PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        if let Ok(p) = std::env::var("QCOMPAT_TEST_GO127") {
            return PathBuf::from(p);
        }
        let value = setting.strip_prefix("GOTOOLCHAIN=").unwrap_or(setting);
        let out = Command::new("go")
            .args(["env", "GOROOT"])
            .env("GOTOOLCHAIN", value)
            .output()
            .expect("run go");
        assert!(
            out.status.success(),
            "cannot fetch {value} through the module proxy: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("bin/go")
    })
    .clone()
}

/// A Go toolchain that ci/toolchains.sh installs as ~/sdk/goVERSION.
pub fn sdk(version: &str) -> PathBuf {
    toolchain(&format!("go{version}"))
}

/// The toolchains of ci/toolchains.txt, one per minor, with their names.
pub fn every_minor() -> Vec<(PathBuf, &'static str)> {
    listed()
        .into_iter()
        .map(|l| (toolchain(l.version), l.version))
        .collect()
}

/// Builds tests/injectors/seed in variant `mode` (see its doc comment) with
/// the go command `go` into `out`.
pub fn build_seed(mode: &str, go: &Path, out: &Path) {
    let st = Command::new(go)
        .args(["build", "-o"])
        .arg(out)
        .arg(format!("-ldflags=-X main.mode={mode}"))
        .arg(".")
        .current_dir(repo().join("tests/injectors/seed"))
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", text(&st.stderr));
}

pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Runs qcompat with `args`, returning its output.
pub fn run(args: &[&str]) -> Output {
    cmd(args).output().expect("run qcompat")
}

/// `qcompat pins update --from REPORT --pins PINS`.
pub fn pins_update(report: &Path, pins: &Path) -> Output {
    cmd(&["pins", "update", "--from"])
        .arg(report)
        .arg("--pins")
        .arg(pins)
        .output()
        .expect("run qcompat")
}

pub fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(qcompat());
    c.args(args);
    c
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs qcompat and parses its stdout as JSON, failing with its stderr.
pub fn json(args: &[&str]) -> serde_json::Value {
    json_of(&mut cmd(args)).0
}

/// Runs a qcompat command and parses its stdout as JSON, failing with its
/// output; the document is checked against the schema of its subcommand.
/// Returns the document and the exit code.
pub fn json_of(c: &mut Command) -> (serde_json::Value, i32) {
    let out = c.output().expect("run qcompat");
    let args: Vec<String> = c
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "qcompat {args:?} gave no JSON ({e}); status {}, stderr:\n{}\nstdout:\n{}",
            out.status,
            text(&out.stderr),
            text(&out.stdout)
        )
    });
    // Every stable output a test reads is checked against its schema.
    match args.first().map(String::as_str) {
        Some("probe") => validate("probe", &v),
        Some("select") => validate("selection", &v),
        Some("doctor") => validate("doctor", &v),
        _ => {}
    }
    (v, out.status.code().unwrap_or(-1))
}

/// A JSON document a qcompat command wrote to `path`, checked against the
/// shipped schema `schema`.
pub fn read_doc(path: &Path, schema: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    validate(schema, &v);
    v
}

/// Writes an executable shell script.
pub fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// A fake `go` that answers `env -json`, `version` and `tool dist list -json`
/// like a toolchain none of this machine's prints (go1.30.0, devel, gccgo).
pub fn fake_go(dir: &Path, goversion: &str, runtime2: Option<&str>) -> PathBuf {
    let goroot = dir.join("goroot");
    std::fs::create_dir_all(goroot.join("src/runtime")).unwrap();
    if let Some(src) = runtime2 {
        std::fs::write(goroot.join("src/runtime/runtime2.go"), src).unwrap();
    }
    let env = serde_json::json!({
        "GOVERSION": goversion,
        "GOROOT": goroot,
        "GOTOOLDIR": goroot.join("pkg/tool/linux_amd64"),
        "GOOS": "linux", "GOARCH": "amd64", "GOHOSTOS": "linux", "GOHOSTARCH": "amd64",
        "GOCACHE": dir.join("cache"), "GOFLAGS": "", "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "1", "GOENV": dir.join("env"),
    });
    std::fs::write(dir.join("env.json"), env.to_string()).unwrap();
    std::fs::write(
        dir.join("dist.json"),
        r#"[{"GOOS":"linux","GOARCH":"amd64","CgoSupported":true,"FirstClass":true},{"GOOS":"plan9","GOARCH":"386","CgoSupported":false,"FirstClass":false}]"#,
    )
    .unwrap();
    script(
        dir,
        "go",
        &format!(
            r#"case "$1 $2" in
"env -json") cat '{d}/env.json' ;;
"version "*) echo 'go version {v} linux/amd64' ;;
"tool dist") cat '{d}/dist.json' ;;
*) echo "fake go: unsupported: $*" >&2; exit 1 ;;
esac
"#,
            d = dir.display(),
            v = goversion
        ),
    )
}

pub const RUNTIME2_UINT64: &str = "package runtime\n\ntype g struct {\n\tm *m\n\tgoid uint64\n}\n";

/// Debian's gccgo 12 (`gccgo-go`): its go command says `go version unknown`.
pub fn gccgo() -> PathBuf {
    let p = PathBuf::from("/usr/bin/go-12");
    assert!(
        p.exists(),
        "{} is missing: run ci/test.sh (it installs gccgo-go)",
        p.display()
    );
    p
}

/// Fails unless `doc` validates against the shipped schema `file`
/// (matrix/schema/FILE.schema.json). No retriever: a schema stands alone
/// (what it references is bundled under its `$defs`).
pub fn validate(file: &str, doc: &serde_json::Value) {
    let path = repo()
        .join("matrix/schema")
        .join(format!("{file}.schema.json"));
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let v = jsonschema::options()
        .build(&schema)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "does not match {}:\n{}\n{doc:#}",
        path.display(),
        errors.join("\n")
    );
}

/// doctor's check `id` in a doctor report.
pub fn check<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {r:#}"))
}

/// The cell of `go` and `platform` (goos/goarch) in a matrix report.
pub fn cell<'a>(r: &'a serde_json::Value, go: &str, platform: &str) -> &'a serde_json::Value {
    r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            let p = format!(
                "{}/{}",
                c["goos"].as_str().unwrap_or(""),
                c["goarch"].as_str().unwrap_or("")
            );
            c["go"] == go && p == platform
        })
        .unwrap_or_else(|| panic!("no cell {go} {platform} in {r:#}"))
}

/// The Markdown grid `matrix merge --markdown` renders from a report file.
pub fn grid_of(report: &Path) -> String {
    let md = report.with_extension("grid.md");
    let o = cmd(&[
        "matrix",
        "merge",
        report.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    std::fs::read_to_string(&md).unwrap()
}

/// A devel toolchain none of this machine has: a GOROOT of symlinks to Go
/// 1.26.8's, whose `bin/go` reports `version` (as `go version` and
/// `GOVERSION`) and whose `compile -V=full` prints the devel line
/// `compile version VERSION buildID=...`, as a toolchain built from source
/// does. Everything else is Go 1.26.8's own tools. Returns `bin/go`.
pub fn devel_goroot(dir: &Path, version: &str) -> PathBuf {
    use std::os::unix::fs::symlink;
    let real = PathBuf::from(
        text(
            &Command::new(go126())
                .args(["env", "GOROOT"])
                .output()
                .unwrap()
                .stdout,
        )
        .trim(),
    );
    let w = dir.join("goroot");
    let tools = w.join("pkg/tool/linux_amd64");
    std::fs::create_dir_all(&tools).unwrap();
    std::fs::create_dir_all(w.join("bin")).unwrap();
    for f in ["src", "lib", "misc", "go.env", "api"] {
        if real.join(f).exists() {
            symlink(real.join(f), w.join(f)).unwrap();
        }
    }
    symlink(real.join("pkg/include"), w.join("pkg/include")).unwrap();
    let real_tools = real.join("pkg/tool/linux_amd64");
    for e in std::fs::read_dir(&real_tools).unwrap() {
        let name = e.unwrap().file_name();
        if name != "compile" {
            symlink(real_tools.join(&name), tools.join(&name)).unwrap();
        }
    }
    std::fs::write(w.join("VERSION"), format!("{version}\n")).unwrap();
    script(
        &tools,
        "compile",
        &format!(
            "if [ \"$#\" = 1 ] && [ \"$1\" = -V=full ]; then echo 'compile version {version} buildID=qcompattest/0123456789abcdef'; exit 0; fi\nexec '{}' \"$@\"\n",
            real_tools.join("compile").display()
        ),
    );
    let real_go = real.join("bin/go");
    script(
        &w.join("bin"),
        "go",
        &format!(
            r#"export GOROOT='{w}'
case "$1" in
version) if [ $# = 1 ]; then echo 'go version {version} linux/amd64'; exit 0; fi ;;
env) out=$('{go}' "$@") || exit $?
  printf '%s\n' "$out" | sed -e 's|^go1\.26\.8$|{version}|' -e 's|"GOVERSION": "go1\.26\.8"|"GOVERSION": "{version}"|'
  exit 0 ;;
esac
exec '{go}' "$@"
"#,
            w = w.display(),
            go = real_go.display(),
        ),
    )
}

/// The two devel version shapes: since go.dev/issue/73372, and before it.
pub const DEVEL_NEW: &str = "go1.28-devel_abc1234 Tue Aug 1 10:00:00 2026 +0000";
pub const DEVEL_OLD: &str = "devel go1.28-abc1234 Tue Aug 1 10:00:00 2026 +0000";
