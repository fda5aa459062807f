//! `qcompat toolchains` against a release index and archives served on
//! 127.0.0.1 by the test itself (no test touches the internet).

mod common;
use common::http::{Mode, Server};
use common::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// A .tar.gz with the given (path, contents) entries, written raw so hostile
/// names survive.
fn tarball(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        h.set_cksum();
        b.append(&h, data.as_bytes()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// A .tar.gz of (path, kind, contents or link target) entries: `f` file,
/// `d` folder (mode 0777), `l` symlink, `h` hard link.
fn hostile(entries: &[(&str, char, &str)]) -> Vec<u8> {
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, kind, data) in entries {
        let mut h = tar::Header::new_gnu();
        let (t, size) = match kind {
            'f' => (tar::EntryType::Regular, data.len()),
            'd' => (tar::EntryType::Directory, 0),
            'l' => (tar::EntryType::Symlink, 0),
            _ => (tar::EntryType::Link, 0),
        };
        h.set_entry_type(t);
        h.set_size(size as u64);
        h.set_mode(if *kind == 'd' { 0o777 } else { 0o755 });
        h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        if matches!(kind, 'l' | 'h') {
            h.as_old_mut().linkname[..data.len()].copy_from_slice(data.as_bytes());
        }
        h.set_cksum();
        let body: &[u8] = if *kind == 'f' { data.as_bytes() } else { &[] };
        b.append(&h, body).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// Links that each look harmless but together climb from the staging
/// folder's `go/` to the folder that holds the cache: go/L4 is that folder.
const CHAIN: [(&str, char, &str); 5] = [
    ("go/L0", 'l', "."),
    ("go/L1", 'l', "L0/.."),
    ("go/L2", 'l', "L1/.."),
    ("go/L3", 'l', "L2/.."),
    ("go/L4", 'l', "L3/.."),
];

/// The files that make a tree a toolchain (VERSION, bin/go, src/runtime,
/// the host's compile), and no more.
fn fake_files(version: &str) -> Vec<(&'static str, String)> {
    vec![
        ("go/VERSION", format!("{version}\ntime 2026-01-01\n")),
        ("go/bin/go", "#!/bin/sh\necho fake\n".into()),
        ("go/src/runtime/extern.go", "package runtime\n".into()),
        ("go/pkg/tool/linux_amd64/compile", "#!/bin/sh\n".into()),
    ]
}

fn fake_toolchain(version: &str) -> Vec<u8> {
    let files = fake_files(version);
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, d)| (*p, d.as_str())).collect();
    tarball(&refs)
}

/// A tar (not compressed) of `entries`, without its end-of-archive blocks.
fn bare_tar(entries: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_path(path).unwrap();
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data.as_bytes());
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// A whole toolchain with a file of 80 MiB of zeros: past the 64 MiB floor,
/// and far more than 20 times the archive's size.
fn bomb(version: &str) -> Vec<u8> {
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, data) in fake_files(version) {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_path(path).unwrap();
        h.set_cksum();
        b.append(&h, data.as_bytes()).unwrap();
    }
    let n = 80u64 << 20;
    let mut h = tar::Header::new_gnu();
    h.set_size(n);
    h.set_mode(0o644);
    h.set_path("go/zeros").unwrap();
    h.set_cksum();
    b.append(&h, std::io::repeat(0).take(n)).unwrap();
    b.into_inner().unwrap().finish().unwrap()
}

/// The server, with an index of: the real go1.19.8 and one version per fault.
fn server() -> &'static Arc<Server> {
    static S: OnceLock<Arc<Server>> = OnceLock::new();
    S.get_or_init(|| {
        let s = Server::start();
        let real = real_go119_archive().to_vec();
        let mut releases = vec![];
        let mut add = |version: &str, body: Vec<u8>, mode: Mode, sha_override: Option<String>| {
            let file = format!("{version}.linux-amd64.tar.gz");
            let entry = json!({
                "version": version, "stable": true,
                "files": [
                    {"filename": format!("{version}.src.tar.gz"), "os": "", "arch": "", "version": version, "sha256": "00", "size": 1, "kind": "source"},
                    {"filename": file, "os": "linux", "arch": "amd64", "version": version,
                     "sha256": sha_override.unwrap_or_else(|| sha(&body)), "size": body.len(), "kind": "archive"},
                ],
            });
            s.add(&file, body, mode);
            releases.push(entry);
        };
        add("go1.19.8", real, Mode::Normal, None);
        add("go1.90.1", fake_toolchain("go1.90.1"), Mode::Truncate, None);
        add("go1.90.2", fake_toolchain("go1.90.2"), Mode::Normal, Some("ab".repeat(32)));
        add("go1.90.3", fake_toolchain("go1.90.3"), Mode::FailFirst, None);
        add("go1.90.4", fake_toolchain("go1.90.4"), Mode::Stall, None);
        add("go1.90.5", tarball(&[("go/VERSION", "go1.90.5"), ("go/../escape", "x")]), Mode::Normal, None);
        add("go1.90.6", tarball(&[("go/VERSION", "go1.90.6"), ("/tmp/qcompat-absolute", "x")]), Mode::Normal, None);
        add("go1.90.8", fake_toolchain("go1.90.8"), Mode::Slow, None);
        add("go1.90.10", fake_toolchain("go1.90.10"), Mode::Slow, None);
        add("go1.90.12", fake_toolchain("go1.90.12"), Mode::Slow, None);
        let with_chain = |version: &str, rest: &[(&str, char, &str)]| {
            let v = format!("{version}\n");
            let mut e = vec![("go/VERSION", 'f', v.as_str()), ("go/bin/go", 'f', "#!/bin/sh\n")];
            e.extend_from_slice(&CHAIN);
            e.extend_from_slice(rest);
            hostile(&e)
        };
        add("go1.91.1", with_chain("go1.91.1", &[("go/L4/pwned", 'f', "x")]), Mode::Normal, None);
        add("go1.91.2", with_chain("go1.91.2", &[("go/hl", 'h', "go/L4/secret")]), Mode::Normal, None);
        add("go1.91.3", with_chain("go1.91.3", &[("go/L4/private", 'd', "")]), Mode::Normal, None);
        add("go1.91.4", with_chain("go1.91.4", &[]), Mode::Normal, None);
        // A whole toolchain plus a name that would reorder or clear the
        // terminal showing it (U+202E: `exe.log` reads as `gol.exe`).
        let odd = |version: &str, name: &'static str| {
            let mut files = fake_files(version);
            files.push((name, "x".into()));
            let refs: Vec<(&str, &str)> = files.iter().map(|(p, d)| (*p, d.as_str())).collect();
            tarball(&refs)
        };
        add("go1.91.6", odd("go1.91.6", "go/bin/\u{202e}gol.exe"), Mode::Normal, None);
        add("go1.91.7", odd("go1.91.7", "go/\u{1b}[2J\u{7}x"), Mode::Normal, None);
        add("go1.92.1", bomb("go1.92.1"), Mode::Normal, None);
        // Every file of a toolchain, but the tar's end blocks are missing.
        add("go1.92.2", gzip(&bare_tar(&fake_files("go1.92.2"))), Mode::Normal, None);
        // A whole first gzip member, then a second one.
        let mut two = fake_toolchain("go1.92.3");
        two.extend(gzip(&bare_tar(&[("go/extra", "x".into())])));
        add("go1.92.3", two, Mode::Normal, None);
        // A well-formed archive of VERSION and bin/go only.
        add("go1.92.4", tarball(&[("go/VERSION", "go1.92.4\n"), ("go/bin/go", "#!/bin/sh\n")]), Mode::Normal, None);
        add("go1.92.5", fake_toolchain("go1.92.5"), Mode::Trickle, None);
        add("go1.92.6", fake_toolchain("go1.92.6"), Mode::Normal, None);
        add("go1.92.7", fake_toolchain("go1.92.7"), Mode::Normal, None);
        add("go1.90.14", fake_toolchain("go1.90.14"), Mode::Slow, None);
        // The index names a file outside the cache.
        let body = fake_toolchain("go1.91.5");
        releases.push(json!({"version": "go1.91.5", "stable": true, "files": [
            {"filename": "../../qcompat-traversal.tar.gz", "os": "linux", "arch": "amd64", "version": "go1.91.5",
             "sha256": sha(&body), "size": body.len(), "kind": "archive"}]}));
        s.add("../../qcompat-traversal.tar.gz", body, Mode::Normal);
        releases.push(json!({"version": "go1.90.7", "stable": true, "files": [
            {"filename": "go1.90.7.linux-amd64.tar.gz", "os": "linux", "arch": "amd64", "version": "go1.90.7", "sha256": "00", "size": 5, "kind": "archive"}]}));
        releases.reverse();
        *s.index.lock().unwrap() = serde_json::to_string(&releases).unwrap();
        s
    })
}

/// Debian's go1.19.8 tree packed the way go.dev packs releases (top dir go/).
fn real_go119_archive() -> &'static Arc<Vec<u8>> {
    static A: OnceLock<Arc<Vec<u8>>> = OnceLock::new();
    A.get_or_init(|| {
        let root = go119_root();
        let (parent, name) = (root.parent().unwrap(), root.file_name().unwrap().to_str().unwrap());
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("tar -chf - -C '{}' --exclude={name}/test --transform 's,^{name},go,' {name} | gzip -1", parent.display()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        Arc::new(out.stdout)
    })
}

/// A second server whose index holds only the real go1.19.8, for tests that
/// must not add to the first one's download counts.
fn server119() -> &'static Arc<Server> {
    static S: OnceLock<Arc<Server>> = OnceLock::new();
    S.get_or_init(|| {
        let s = Server::start();
        let body = real_go119_archive().clone();
        let file = "go1.19.8.linux-amd64.tar.gz";
        *s.index.lock().unwrap() = json!([{"version": "go1.19.8", "stable": true, "files": [
            {"filename": file, "os": "linux", "arch": "amd64", "version": "go1.19.8",
             "sha256": sha(&body), "size": body.len(), "kind": "archive"}]}])
        .to_string();
        s.add_shared(file, body, Mode::Normal);
        s
    })
}

fn tc(cache: &Path, args: &[&str]) -> std::process::Output {
    let mut full = vec!["toolchains"];
    full.extend_from_slice(args);
    cmd(&full)
        .env("QCOMPAT_CACHE_DIR", cache)
        .env(
            "QCOMPAT_GO_INDEX",
            format!("{}?mode=json&include=all", server().base),
        )
        // Never ask the Go module proxy for these made-up versions.
        .env("QCOMPAT_PROVIDERS", "local,download")
        .env("QCOMPAT_RETRY_BASE_MS", "50")
        .output()
        .unwrap()
}

fn leftovers(cache: &Path) -> Vec<String> {
    std::fs::read_dir(cache.join("toolchains"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && !n.ends_with(".lock"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn installs_the_real_go119_archive_then_probes_and_builds_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let o = tc(&cache, &["install", "1.19.8", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let i: Value = serde_json::from_slice(&o.stdout).unwrap();
    let goroot = PathBuf::from(i["goroot"].as_str().unwrap());
    assert_eq!(goroot, cache.join("toolchains/go1.19.8"));
    assert_eq!(i["version"], "go1.19.8");
    let go = goroot.join("bin/go");
    let p = json(&["probe", "--json", "--go", go.to_str().unwrap()]);
    assert_eq!(p["go"]["goroot"], goroot.to_str().unwrap());
    assert_eq!(p["runtime"]["goid_type"], "int64");
    let d = cmd(&["doctor", "--deep", "--json", "--go", go.to_str().unwrap()])
        .env("QCOMPAT_CACHE_DIR", &cache)
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&d.stdout).unwrap();
    assert_eq!(d["ok"], true, "{d:#}");
    assert_eq!(d["selection"]["verified"], true, "{d:#}");
    // Installed once: a second install is instant, and the cache is listed.
    let o = tc(&cache, &["install", "1.19.8"]);
    assert!(o.status.success());
    let o = tc(&cache, &["list", "--offline", "--json"]);
    let l: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        l.as_array()
            .unwrap()
            .iter()
            .any(|r| r["source"] == "cache" && r["goroot"] == goroot.to_str().unwrap()),
        "{l:#}"
    );
    assert_eq!(
        server().files.lock().unwrap()["go1.19.8.linux-amd64.tar.gz"]
            .hits
            .load(Ordering::SeqCst),
        1
    );
    assert!(leftovers(&cache).is_empty());
}

#[test]
fn network_and_archive_faults() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cases: &[(&str, &[&str], &str)] = &[
        ("1.90.1", &[], "of"),
        ("1.90.2", &[], "sha256 mismatch"),
        ("1.90.4", &["--timeout", "2"], "timed out"),
        ("1.90.5", &[], "contains `..`"),
        ("1.90.6", &[], "absolute path"),
        ("1.90.7", &[], "404"),
        ("1.90.9", &[], "nearest: go1.90.8"),
        ("1.92.1", &[], "unpacks to more than 64 MiB"),
        ("1.92.2", &[], "no end-of-archive marker"),
        ("1.92.3", &[], "data after its gzip stream"),
        (
            "1.92.4",
            &[],
            "no src/runtime, no pkg/tool/linux_amd64/compile",
        ),
    ];
    for (v, extra, want) in cases {
        let mut args = vec!["install", v];
        args.extend_from_slice(extra);
        let o = tc(&cache, &args);
        assert_eq!(o.status.code(), Some(2), "{v}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        assert!(err.contains(want), "{v}: {err}");
        assert!(!err.contains("panicked"));
        if v.starts_with("1.92") {
            // The error names the archive.
            assert!(
                err.contains(&format!("go{v}.linux-amd64.tar.gz")),
                "{v}: {err}"
            );
        }
        assert!(
            !cache.join("toolchains").join(format!("go{v}")).exists(),
            "{v} left an install"
        );
        // Nothing at all is left: no staging folder, no lock file.
        let names: Vec<String> = std::fs::read_dir(cache.join("toolchains"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.is_empty(), "{v} left {names:?}");
    }
    assert!(!Path::new("/tmp/qcompat-absolute").exists());
    // 500 then 200: retried and installed.
    let o = tc(&cache, &["install", "1.90.3"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(cache.join("toolchains/go1.90.3/bin/go").exists());
    // Offline: the cache only, and it says so.
    let o = tc(&cache, &["path", "1.90.8", "--offline"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--offline"), "{}", text(&o.stderr));
    let o = tc(&cache, &["list", "--offline"]);
    assert!(text(&o.stdout).contains("offline"));
    assert!(text(&o.stdout).contains("go1.90.3"));
    // A lock file an older qcompat left: prune removes the idle ones.
    std::fs::write(cache.join("toolchains/.go1.90.2.lock"), "").unwrap();
    let o = tc(&cache, &["prune", "--keep", "go1.90.3"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!cache.join("toolchains/.go1.90.2.lock").exists());
    assert!(cache.join("toolchains/go1.90.3/bin/go").exists());
}

/// Archives and indexes that try to write outside the cache: a symlink
/// chain that climbs out, a hard link and a chmod through it, an index
/// `filename` with `..`, and an index body that never ends.
#[test]
fn hostile_archives_write_nothing_outside_the_cache() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    std::fs::write(dir.path().join("secret"), "s3cret").unwrap();
    std::fs::create_dir(dir.path().join("private")).unwrap();
    std::fs::set_permissions(
        dir.path().join("private"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    let cases: &[(&str, &str)] = &[
        ("1.91.1", "goes through another link"),
        ("1.91.2", "goes through another link"),
        ("1.91.3", "goes through another link"),
        ("1.91.4", "goes through another link"),
        ("1.91.5", "plain file name"),
        (
            "1.91.6",
            "archive entry \"go/bin/\\u{202e}gol.exe\" has a control or invisible character",
        ),
        (
            "1.91.7",
            "archive entry \"go/\\x1b[2J\\x07x\" has a control or invisible character",
        ),
    ];
    for (v, want) in cases {
        let o = tc(&cache, &["install", v]);
        assert_eq!(o.status.code(), Some(2), "{v}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        assert!(err.contains(want), "{v}: {err}");
        assert!(
            !err.contains(['\u{202e}', '\u{1b}', '\u{7}']),
            "{v}: raw control text reached stderr: {err:?}"
        );
        assert!(!cache.join("toolchains").join(format!("go{v}")).exists());
    }
    assert!(!dir.path().join("pwned").exists());
    assert!(!dir.path().join("qcompat-traversal.tar.gz").exists());
    assert!(!cache.join("qcompat-traversal.tar.gz").exists());
    let mode = std::fs::metadata(dir.path().join("private"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    assert!(leftovers(&cache).is_empty(), "{:?}", leftovers(&cache));

    // An endless index body is cut off, with a clear error, in bounded time.
    let start = std::time::Instant::now();
    let o = cmd(&["toolchains", "list", "--remote", "--timeout", "30"])
        .env("QCOMPAT_CACHE_DIR", &cache)
        .env(
            "QCOMPAT_GO_INDEX",
            format!("{}endless/", server().base.trim_end_matches("dl/")),
        )
        .env("QCOMPAT_RETRY_BASE_MS", "10")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("larger than"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(40),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn concurrent_installs_share_one_download() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let before = server().files.lock().unwrap()["go1.90.8.linux-amd64.tar.gz"]
        .hits
        .load(Ordering::SeqCst);
    let a = std::thread::spawn({
        let cache = cache.clone();
        move || tc(&cache, &["install", "1.90.8"])
    });
    let b = tc(&cache, &["install", "1.90.8"]);
    let a = a.join().unwrap();
    assert!(a.status.success(), "{}", text(&a.stderr));
    assert!(b.status.success(), "{}", text(&b.stderr));
    assert_eq!(text(&a.stdout), text(&b.stdout));
    let after = server().files.lock().unwrap()["go1.90.8.linux-amd64.tar.gz"]
        .hits
        .load(Ordering::SeqCst);
    assert_eq!(after - before, 1);
    assert!(leftovers(&cache).is_empty());
    // Prune removes it, and the matrix's kept binaries; --dry-run only says so.
    std::fs::create_dir_all(cache.join("matrix-bin/0123")).unwrap();
    let o = tc(&cache, &["prune", "--dry-run"]);
    assert!(text(&o.stdout).contains("would remove"));
    assert!(cache.join("toolchains/go1.90.8").exists());
    let o = tc(&cache, &["prune"]);
    assert!(text(&o.stdout).contains("go1.90.8"));
    assert!(!cache.join("toolchains/go1.90.8").exists());
    assert!(!cache.join("matrix-bin").exists());
}

/// `prune` leaves an install under way alone (its staging folder and lock).
#[test]
fn prune_waits_for_no_install() {
    // The server's archives take seconds to make: not inside the wait below.
    server();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let install = std::thread::spawn({
        let cache = cache.clone();
        move || tc(&cache, &["install", "1.90.10"])
    });
    // The server answers after 1.5 s: prune while the install waits.
    let start = std::time::Instant::now();
    while leftovers(&cache).is_empty() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    if leftovers(&cache).is_empty() {
        let i = install.join().unwrap();
        panic!(
            "no staging folder appeared; the install said: {}{}",
            text(&i.stdout),
            text(&i.stderr)
        );
    }
    let o = tc(&cache, &["prune"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("being installed"),
        "{}",
        text(&o.stderr)
    );
    let i = install.join().unwrap();
    assert!(i.status.success(), "{}", text(&i.stderr));
    assert!(cache.join("toolchains/go1.90.10/bin/go").exists());
}

/// Ctrl-C while a matrix run downloads its toolchain: exit 130, a report that
/// says the run was interrupted while preparing, no staging folder left.
#[test]
fn sigint_while_a_matrix_downloads_its_toolchain() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let spec = dir.path().join("s.yaml");
    std::fs::write(&spec, "toolchains: [1.90.12]\nplatforms: [linux/amd64]\n").unwrap();
    let report = dir.path().join("r.json");
    let child = cmd(&[
        "matrix",
        "run",
        spec.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ])
    .env("QCOMPAT_CACHE_DIR", &cache)
    .env(
        "QCOMPAT_GO_INDEX",
        format!("{}?mode=json&include=all", server().base),
    )
    .env("QCOMPAT_PROVIDERS", "local,download")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    // The server holds the archive back for 1.5 s: interrupt meanwhile.
    let start = std::time::Instant::now();
    while leftovers(&cache).is_empty() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!leftovers(&cache).is_empty(), "the download never started");
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["complete"], false);
    assert!(
        r["notes"][0]
            .as_str()
            .unwrap()
            .contains("interrupted while preparing"),
        "{r:#}"
    );
    assert!(leftovers(&cache).is_empty(), "{:?}", leftovers(&cache));
    assert!(!cache.join("toolchains/go1.90.12").exists());
}

#[test]
fn remote_list_reads_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let o = tc(dir.path(), &["list", "--remote", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["version"] == "go1.19.8" && r["archive"] == "go1.19.8.linux-amd64.tar.gz"));
    let o = tc(dir.path(), &["list", "--remote", "--offline"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The gotoolchain provider, with the one version the proxy may be asked for.
#[test]
fn gotoolchain_provider_go127() {
    go127(); // make sure the go command already has it
    let dir = tempfile::tempdir().unwrap();
    let o = cmd(&[
        "toolchains",
        "install",
        "1.27.3",
        "--via",
        "gotoolchain",
        "--json",
    ])
    .env("QCOMPAT_CACHE_DIR", dir.path())
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let i: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(i["source"], "gotoolchain");
    assert!(i["goroot"]
        .as_str()
        .unwrap()
        .contains("golang.org/toolchain@v0.0.1-go1.27.3"));
    let l = cmd(&["toolchains", "list", "--json"])
        .env("QCOMPAT_CACHE_DIR", dir.path())
        .output()
        .unwrap();
    let l: Value = serde_json::from_slice(&l.stdout).unwrap();
    let versions: Vec<&str> = l
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    for v in ["go1.26.8", "go1.19.8", "go1.27.3"] {
        assert!(versions.contains(&v), "{versions:?}");
    }
}

/// A server that trickles (one byte every 100 ms) is cut off: with
/// `--timeout 2` each try ends within its deadline, and the four tries
/// bound the command, for an archive and for the index.
#[test]
fn trickling_servers_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    server(); // built before the clock starts
    let start = std::time::Instant::now();
    let index = std::thread::spawn({
        let cache = cache.clone();
        move || {
            let start = std::time::Instant::now();
            let o = cmd(&["toolchains", "list", "--remote", "--timeout", "2"])
                .env("QCOMPAT_CACHE_DIR", &cache)
                .env(
                    "QCOMPAT_GO_INDEX",
                    format!("{}trickle/", server().base.trim_end_matches("dl/")),
                )
                .env("QCOMPAT_RETRY_BASE_MS", "50")
                .output()
                .unwrap();
            (o, start.elapsed())
        }
    });
    let o = tc(&cache, &["install", "1.92.5", "--timeout", "2"]);
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains("failed after 4 attempts"), "{err}");
    assert!(
        err.contains("slower than") || err.contains("timed out"),
        "{err}"
    );
    // 4 tries of at most 2 s, and 0.35 s of backoff.
    assert!(took < Duration::from_secs(12), "{took:?}");
    assert!(!cache.join("toolchains/go1.92.5").exists());
    let (o, took) = index.join().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains("failed after 4 attempts"), "{err}");
    assert!(took < Duration::from_secs(12), "{took:?}");
}

/// Ctrl-C while the real go1.19.8 archive is being unpacked: exit 130 and
/// nothing installed. Then a prune killed while it deletes that toolchain
/// leaves nothing that resolves, and the next prune finishes the job.
#[test]
fn interrupted_unpack_and_killed_prune_leave_nothing_that_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let mut child = cmd(&["toolchains", "install", "1.19.8"])
        .env("QCOMPAT_CACHE_DIR", &cache)
        .env(
            "QCOMPAT_GO_INDEX",
            format!("{}?mode=json&include=all", server119().base),
        )
        .env("QCOMPAT_PROVIDERS", "local,download")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first unpacked entries in the staging folder.
    let unpacking = || {
        std::fs::read_dir(cache.join("toolchains"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| std::fs::read_dir(e.path().join("go")).is_ok_and(|mut rd| rd.next().is_some()))
    };
    let start = std::time::Instant::now();
    while !unpacking() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(unpacking(), "the unpacking never started");
    signal(child.id(), "-INT");
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(!cache.join("toolchains/go1.19.8").exists(), "{err}");
    assert!(leftovers(&cache).is_empty(), "{:?}", leftovers(&cache));

    // The same tree in the cache (copied: quicker than unpacking it
    // again), then a prune SIGKILLed while it deletes it.
    let goroot = cache.join("toolchains/go1.19.8");
    let o = std::process::Command::new("cp")
        .arg("-rL")
        .arg(go119_root())
        .arg(&goroot)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let in_cache = || {
        let o = tc(&cache, &["list", "--offline", "--json"]);
        let l: Value = serde_json::from_slice(&o.stdout).unwrap();
        l.as_array().unwrap().iter().any(|r| r["source"] == "cache")
    };
    assert!(in_cache());
    let count = |p: &Path| {
        let o = std::process::Command::new("find").arg(p).output().unwrap();
        o.stdout.iter().filter(|&&b| b == b'\n').count()
    };
    let whole = count(&goroot);
    let child = cmd(&["toolchains", "prune"])
        .env("QCOMPAT_CACHE_DIR", &cache)
        .spawn()
        .unwrap();
    // Kill it as soon as the GOROOT changes (deleting its ~14,000 files
    // takes longer than a few `find`s).
    let start = std::time::Instant::now();
    while goroot.exists() && count(&goroot) == whole && start.elapsed() < Duration::from_secs(10) {}
    signal(child.id(), "-KILL");
    let _ = { child }.wait();
    // Either untouched or gone from its name: never a partial GOROOT.
    if goroot.exists() {
        assert_eq!(count(&goroot), whole);
    }
    assert!(goroot.exists() || !in_cache());
    let o = tc(&cache, &["prune"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".trash-"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    assert!(!goroot.exists());
}

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// What killed installs and prunes left: several staging folders of one
/// version (prune must not wait for itself), a toolchain folder without
/// bin/go or without src/runtime (never resolved, and no obstacle to the
/// next install).
#[test]
fn leftovers_of_killed_installs_are_reclaimed() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let root = cache.join("toolchains");
    for s in [".go1.92.6-aaaa", ".go1.92.6-bbbb", ".go1.92.6-cccc"] {
        std::fs::create_dir_all(root.join(s).join("go/src")).unwrap();
    }
    std::fs::write(root.join(".go1.92.6.lock"), "").unwrap();
    // A dry run only says what would go.
    let o = tc(&cache, &["prune", "--dry-run"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout).matches("would remove").count(),
        4,
        "{}",
        text(&o.stdout)
    );
    assert!(root.join(".go1.92.6.lock").exists());
    assert!(root.join(".go1.92.6-aaaa").exists());
    let o = tc(&cache, &["prune"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        !text(&o.stderr).contains("being installed"),
        "{}",
        text(&o.stderr)
    );
    let names: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    assert!(names.is_empty(), "{names:?}");

    // An install reclaims a dead install's staging folder of its version.
    std::fs::create_dir_all(root.join(".go1.92.6-dead/go")).unwrap();
    let o = tc(&cache, &["install", "1.92.6"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(leftovers(&cache).is_empty(), "{:?}", leftovers(&cache));

    // A toolchain folder that lost bin/go: the next install replaces it.
    std::fs::remove_file(root.join("go1.92.6/bin/go")).unwrap();
    let o = tc(&cache, &["install", "1.92.6"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("not a whole toolchain"),
        "{}",
        text(&o.stderr)
    );
    assert!(root.join("go1.92.6/bin/go").is_file());

    // Under --json the same install says so in JSON lines on stderr (the
    // note, the download's start and end); stdout keeps its one document.
    std::fs::remove_file(root.join("go1.92.6/bin/go")).unwrap();
    let o = tc(&cache, &["install", "1.92.6", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["version"], "go1.92.6", "{doc:#}");
    let events: Vec<serde_json::Value> = text(&o.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["note", "download-started", "download-ended"],
        "{events:#?}"
    );
    assert!(events[0]["message"]
        .as_str()
        .unwrap()
        .contains("not a whole toolchain"));
    assert!(events[1]["url"].as_str().unwrap().contains("/go1.92.6."));
    assert!(events[1]["size"].as_u64().unwrap() > 0, "{events:#?}");

    // One that lost src/runtime (half deleted) is not resolved.
    std::fs::remove_dir_all(root.join("go1.92.6/src/runtime")).unwrap();
    let o = tc(&cache, &["path", "1.92.6", "--offline"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
}

/// `prune` during a matrix run leaves what the run uses (its probe and kept
/// binaries, the toolchains) alone, and says so.
#[test]
fn prune_leaves_a_running_matrix_alone() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let o = tc(&cache, &["install", "1.92.7"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for area in ["probe/x", "matrix-bin/x"] {
        std::fs::create_dir_all(cache.join(area)).unwrap();
    }
    let spec = dir.path().join("s.yaml");
    std::fs::write(&spec, "toolchains: [1.90.14]\nplatforms: [linux/amd64]\n").unwrap();
    let child = cmd(&["matrix", "run", spec.to_str().unwrap()])
        .env("QCOMPAT_CACHE_DIR", &cache)
        .env(
            "QCOMPAT_GO_INDEX",
            format!("{}?mode=json&include=all", server().base),
        )
        .env("QCOMPAT_PROVIDERS", "local,download")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The server holds the archive back for 1.5 s: prune meanwhile.
    let start = std::time::Instant::now();
    while leftovers(&cache).is_empty() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!leftovers(&cache).is_empty(), "the run never started");
    let o = tc(&cache, &["prune"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("is using"), "{}", text(&o.stderr));
    assert!(cache.join("probe/x").exists());
    assert!(cache.join("matrix-bin/x").exists());
    assert!(cache.join("toolchains/go1.92.7/bin/go").exists());
    signal(child.id(), "-INT");
    let _ = { child }.wait();
    // Once it has ended, prune removes them.
    let o = tc(&cache, &["prune"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!cache.join("matrix-bin").exists());
    assert!(!cache.join("toolchains/go1.92.7").exists());
}

/// Without HOME and XDG_CACHE_HOME there is no cache: a shared folder such
/// as /tmp/.cache/qcompat is never used; the error names QCOMPAT_CACHE_DIR.
#[test]
fn no_home_means_no_shared_cache() {
    for args in [
        &["toolchains", "install", "1.92.6"][..],
        &["select", "--offline", "--format", "goflags"],
    ] {
        let o = cmd(args)
            .env_remove("HOME")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("QCOMPAT_CACHE_DIR")
            .env("GOCACHE", std::env::temp_dir().join("qcompat-test-gocache"))
            .env("QCOMPAT_GO", go126())
            .env(
                "QCOMPAT_GO_INDEX",
                format!("{}?mode=json&include=all", server().base),
            )
            .env("QCOMPAT_PROVIDERS", "local,download")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        assert!(err.contains("QCOMPAT_CACHE_DIR"), "{args:?}: {err}");
        assert!(!text(&o.stdout).contains("/tmp/.cache"), "{args:?}");
    }
}

/// An unknown provider is refused by every toolchains command before it
/// reads anything (the index URL here has no server behind it).
#[test]
fn bogus_providers_are_refused_before_the_network() {
    for args in [&["list"][..], &["list", "--remote"], &["path", "1.22.x"]] {
        let mut full = vec!["toolchains"];
        full.extend_from_slice(args);
        let o = cmd(&full)
            .env("QCOMPAT_PROVIDERS", "bogus")
            .env("QCOMPAT_GO_INDEX", "http://127.0.0.1:9/")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        assert!(
            err.contains("local, gotoolchain, download"),
            "{args:?}: {err}"
        );
    }
}

/// A loopback index of rc, beta and stable releases: `toolchains list
/// --remote` marks the pre-releases and the one `next` names; `matrix plan`
/// resolves `next` without downloading it; once the release is out, `next`
/// names nothing and the plan says so. Coverage: an rc is untested by a
/// pin whose evidence is the stable release of its minor.
#[test]
fn prereleases_next_and_their_coverage() {
    let s = Server::start();
    let entry = |version: &str, stable: bool| {
        let file = format!("{version}.linux-amd64.tar.gz");
        s.add(&file, fake_toolchain(version), Mode::Normal);
        json!({"version": version, "stable": stable, "files": [
            {"filename": file, "os": "linux", "arch": "amd64", "version": version,
             "sha256": "00", "size": 1, "kind": "archive"}]})
    };
    let before = vec![
        entry("go1.88rc2", false),
        entry("go1.88rc1", false),
        entry("go1.88beta1", false),
        entry("go1.87.3", true),
        entry("go1.87rc1", false),
    ];
    *s.index.lock().unwrap() = serde_json::to_string(&before).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        cmd(args)
            .env("QCOMPAT_CACHE_DIR", dir.path())
            .env(
                "QCOMPAT_GO_INDEX",
                format!("{}?mode=json&include=all", s.base),
            )
            .env("QCOMPAT_PROVIDERS", "local,download")
            .output()
            .unwrap()
    };
    let o = run(&["toolchains", "list", "--remote", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = |v: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["version"] == v)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            row("go1.88rc2")["prerelease"].clone(),
            row("go1.88rc2")["next"].clone()
        ),
        (json!(true), json!(true))
    );
    assert_eq!(row("go1.88beta1")["prerelease"], true);
    assert_eq!(row("go1.88beta1")["next"], false);
    assert_eq!(
        (
            row("go1.87.3")["prerelease"].clone(),
            row("go1.87.3")["stable"].clone()
        ),
        (json!(false), json!(true))
    );
    let o = run(&["toolchains", "list", "--remote"]);
    let t = text(&o.stdout);
    assert!(
        t.lines()
            .any(|l| l.starts_with("go1.88rc2") && l.contains("pre-release (next)")),
        "{t}"
    );
    assert!(
        t.lines()
            .any(|l| l.starts_with("go1.88beta1") && l.contains("pre-release ")),
        "{t}"
    );

    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "toolchains: [next]\nplatforms: [linux/amd64, linux/arm64]\n",
    )
    .unwrap();
    // `matrix plan` of the spec: its stderr and its shards.
    let plan_of = || {
        let o = run(&[
            "matrix",
            "plan",
            spec.to_str().unwrap(),
            "--shards",
            "1",
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        (o, v)
    };
    let (o, plan) = plan_of();
    assert!(
        text(&o.stderr).contains("go1.88rc2 is not on this machine"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(plan["shards"][0]["cells"], 2, "{plan:#}");
    // The estimate says what it is: not the run's own cells, so no
    // fingerprint; the missing toolchain and what it was counted with.
    validate("plan", &plan);
    assert_eq!(plan["complete"], false, "{plan:#}");
    assert!(plan["fingerprint"].is_null(), "{plan:#}");
    assert_eq!(plan["toolchains"][0]["go"], "go1.88rc2", "{plan:#}");
    assert!(plan["toolchains"][0]["path"].is_null(), "{plan:#}");
    assert!(plan["cells"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["go"] == "go1.88rc2" && c["estimated"] == true));
    let archive = s
        .files
        .lock()
        .unwrap()
        .get("go1.88rc2.linux-amd64.tar.gz")
        .cloned()
        .unwrap();
    assert_eq!(
        archive.hits.load(Ordering::SeqCst),
        0,
        "a plan downloaded the toolchain"
    );

    // go1.88.0 is out: its rcs are behind it and nothing is next.
    let mut after = vec![entry("go1.88.0", true)];
    after.extend(before);
    *s.index.lock().unwrap() = serde_json::to_string(&after).unwrap();
    let (o, plan) = plan_of();
    assert!(
        text(&o.stderr).contains("no pre-release in the release index is newer"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(plan["shards"][0]["cells"], 0, "{plan:#}");

    // Coverage: the shipped go1.27.3 evidence says nothing of go1.27rc1 or a
    // devel build of 1.27; a release tested only as an rc says so.
    for v in ["go1.27rc1", "go1.27-devel_abc1234", "1.27beta1"] {
        let o = run(&["pins", "check", v]);
        assert!(
            text(&o.stdout).contains("coverage: untested"),
            "{v}: {}",
            text(&o.stdout)
        );
    }
    let o = run(&["pins", "check", "go1.27.4"]);
    assert!(!text(&o.stdout).contains("untested"), "{}", text(&o.stdout));
    let pins = dir.path().join("pins.yaml");
    std::fs::write(&pins, "schema: 1\npins:\n- go: \">=1.88.0, <1.89.0\"\n  strategy: injected\n  linkname: restricted\n  evidence:\n    toolchains: [go1.88rc1]\n    platforms_linked: 1\n    platforms_executed: 1\n    date: \"2026-12-01\"\n    qcompat_version: \"0.1.0\"\n").unwrap();
    let check =
        |v: &str| text(&run(&["pins", "check", "--pins", pins.to_str().unwrap(), v]).stdout);
    assert!(
        !check("go1.88rc1").contains("untested"),
        "{}",
        check("go1.88rc1")
    );
    assert!(check("go1.88rc2").contains("coverage: untested"));
    assert!(
        check("go1.88.0").contains("tested with go1.88rc1 only"),
        "{}",
        check("go1.88.0")
    );
}
