//! `qcompat toolexec` with real toolchains: injection, the -V=full salt that
//! keeps plain and injected builds apart in one GOCACHE, cross builds, and the
//! fallback-go package's own tests with and without the injector.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fallback() -> PathBuf {
    repo().join("fallback-go")
}

fn toolexec_flag() -> String {
    format!("-toolexec={} toolexec", qcompat().display())
}

/// The GOCACHE the go command `gobin` uses when none is set.
fn user_gocache(gobin: &Path) -> PathBuf {
    let out = Command::new(gobin)
        .args(["env", "GOCACHE"])
        .env_remove("GOCACHE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go env GOCACHE: {}",
        text(&out.stderr)
    );
    PathBuf::from(text(&out.stdout).trim())
}

/// A go command in fallback-go with the GOCACHE `cache` and fixed settings.
fn go(gobin: &Path, cache: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(gobin);
    c.args(args)
        .current_dir(fallback())
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", cache)
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "0")
        .env_remove("GOOS")
        .env_remove("GOARCH");
    c
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        out.status,
        text(&out.stderr)
    );
    text(&out.stdout) + &text(&out.stderr)
}

fn build(gobin: &Path, cache: &Path, injected: bool, pkg: &str, out: &Path) -> Output {
    let o = out.to_str().unwrap();
    let te = toolexec_flag();
    let mut args = vec!["build", "-o", o];
    if injected {
        args.push(&te);
    }
    args.push(pkg);
    go(gobin, cache, &args).output().unwrap()
}

fn exec(bin: &Path) -> String {
    ok(
        Command::new(bin).output().unwrap(),
        &bin.display().to_string(),
    )
}

/// Plain then injected, injected then plain, in one GOCACHE each: both link and
/// each binary uses its own runtime.
fn salted_builds_coexist(gobin: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let (mode, probe) = (dir.path().join("mode"), dir.path().join("probe"));
    let cache = dir.path().join("cache-a");
    ok(
        build(gobin, &cache, false, "./cmd/goid-mode", &mode),
        "plain build",
    );
    assert!(exec(&mode).starts_with("mode=calibrated"));
    ok(
        build(gobin, &cache, true, "./cmd/qcompat-probe", &probe),
        "injected build after a plain one",
    );
    assert!(exec(&probe).contains("qcompat-probe ok=true"));
    ok(
        build(gobin, &cache, true, "./cmd/goid-mode", &mode),
        "injected goid-mode",
    );
    assert!(exec(&mode).starts_with("mode=injected"));

    let cache = dir.path().join("cache-b");
    ok(
        build(gobin, &cache, true, "./cmd/goid-mode", &mode),
        "injected build first",
    );
    assert!(exec(&mode).starts_with("mode=injected"));
    ok(
        build(gobin, &cache, false, "./cmd/goid-mode", &mode),
        "plain build after an injected one",
    );
    // Without the injector goid takes its calibrated path, never injected.
    assert!(
        exec(&mode).starts_with("mode=calibrated"),
        "plain build reused the injected runtime"
    );
}

#[test]
fn salt_keeps_cache_entries_apart_go126() {
    salted_builds_coexist(&go126());
}

#[test]
fn salt_keeps_cache_entries_apart_go119() {
    salted_builds_coexist(&go119());
}

/// The test of the test: without the salt, the seed's failure appears.
#[test]
fn without_salt_the_plain_runtime_poisons_injected_builds() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let mode = dir.path().join("mode");
    ok(
        build(&go126(), &cache, false, "./cmd/goid-mode", &mode),
        "plain build",
    );
    let out = go(
        &go126(),
        &cache,
        &[
            "build",
            "-o",
            dir.path().join("probe").to_str().unwrap(),
            &toolexec_flag(),
            "./cmd/qcompat-probe",
        ],
    )
    .env("QCOMPAT_TOOLEXEC_NO_SALT", "1")
    .output()
    .unwrap();
    assert!(!out.status.success(), "unsalted injected build linked");
    let err = text(&out.stderr);
    assert!(
        err.contains("relocation target runtime.GoroutineID not defined"),
        "{err}"
    );
}

#[test]
fn version_line_is_salted_for_compile_only() {
    let tooldir = Command::new(go126())
        .args(["env", "GOTOOLDIR"])
        .output()
        .unwrap();
    let tooldir = PathBuf::from(text(&tooldir.stdout).trim());
    let plain = ok(
        Command::new(tooldir.join("compile"))
            .arg("-V=full")
            .output()
            .unwrap(),
        "compile -V=full",
    );
    let salted = ok(
        run(&[
            "toolexec",
            tooldir.join("compile").to_str().unwrap(),
            "-V=full",
        ]),
        "toolexec compile -V=full",
    );
    assert!(salted.starts_with(plain.trim()), "{salted}");
    assert_ne!(salted.trim(), plain.trim());
    assert!(salted.contains(" qcompat:"));
    let link = ok(
        run(&[
            "toolexec",
            tooldir.join("link").to_str().unwrap(),
            "-V=full",
        ]),
        "toolexec link -V=full",
    );
    let plain_link = ok(
        Command::new(tooldir.join("link"))
            .arg("-V=full")
            .output()
            .unwrap(),
        "link",
    );
    assert_eq!(link, plain_link);
}

#[test]
fn cross_builds_link_and_native_runs() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let probe = dir.path().join("probe");
    ok(
        build(&go126(), &cache, true, "./cmd/qcompat-probe", &probe),
        "linux/amd64",
    );
    assert!(exec(&probe).contains("ok=true checked=9 goos=linux goarch=amd64"));
    for (goos, goarch) in [("linux", "arm64"), ("windows", "amd64")] {
        let out = dir.path().join(format!("probe-{goos}-{goarch}"));
        let mut c = go(
            &go126(),
            &cache,
            &[
                "build",
                "-o",
                out.to_str().unwrap(),
                &toolexec_flag(),
                "./cmd/qcompat-probe",
            ],
        );
        c.env("GOOS", goos).env("GOARCH", goarch);
        ok(c.output().unwrap(), &format!("{goos}/{goarch}"));
        assert!(out.metadata().unwrap().len() > 100_000);
    }
}

#[test]
fn temp_files_are_removed_or_kept_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let probe = dir.path().join("probe");
    let cache = dir.path().join("cache");
    let o = probe.to_str().unwrap().to_string();
    let te = toolexec_flag();
    let mut c = go(
        &go126(),
        &cache,
        &["build", "-o", &o, &te, "./cmd/qcompat-probe"],
    );
    ok(c.env("TMPDIR", &tmp).output().unwrap(), "build");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("qcompat-"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    let mut c = go(
        &go126(),
        &cache,
        &["build", "-a", "-o", &o, &te, "./cmd/qcompat-probe"],
    );
    let out = ok(
        c.env("TMPDIR", &tmp)
            .env("QCOMPAT_KEEP_TEMP", "1")
            .output()
            .unwrap(),
        "build",
    );
    // The companion file's path is listed in $TMPDIR/qcompat-kept.log, never
    // on stderr, where the go command would cache it and replay it on later
    // builds. It is one path per content (under qcompat's cache), the same
    // for every compile of runtime, and nothing is left in TMPDIR.
    assert!(!out.contains("kept"), "{out}");
    let log = std::fs::read_to_string(tmp.join("qcompat-kept.log")).unwrap();
    let file = std::path::PathBuf::from(log.trim());
    assert!(
        file.ends_with("qcompat_goroutineid.go") && !file.starts_with(&tmp),
        "{log}"
    );
    assert!(std::fs::read_to_string(file)
        .unwrap()
        .contains("//go:linkname GoroutineID\n"));
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let mut c = go(
        &go126(),
        &cache,
        &["build", "-o", &o, &te, "./cmd/qcompat-probe"],
    );
    let again = ok(
        c.env("TMPDIR", &tmp)
            .env("QCOMPAT_KEEP_TEMP", "1")
            .output()
            .unwrap(),
        "rebuild",
    );
    assert!(!again.contains("kept"), "replayed from the cache: {again}");
}

#[test]
fn tool_failures_pass_through() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module broken\n\ngo 1.19\n").unwrap();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nfunc main() { undefinedThing() }\n",
    )
    .unwrap();
    let out = Command::new(go126())
        .args(["build", &toolexec_flag(), "."])
        .current_dir(dir.path())
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("undefined: undefinedThing"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["toolexec"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage"));
}

/// fallback-go's packages but the Go client's (qcompat, cmd/qcompat and the
/// generator of its sums), whose tests fetch the release archive that
/// ci/test.sh packs and run there once, not per toolchain and injector.
fn goid_packages(gobin: &Path, cache: &Path) -> Vec<String> {
    const CLIENT: [&str; 4] = [
        "/fallback-go/qcompat",
        "/fallback-go/cmd/qcompat",
        "/fallback-go/internal/gensums",
        "/fallback-go/internal/sha256sums",
    ];
    let o = go(gobin, cache, &["list", "./..."]).output().unwrap();
    ok(o.clone(), "go list ./...");
    let out = text(&o.stdout);
    let pkgs: Vec<String> = out
        .lines()
        .filter(|p| !CLIENT.iter().any(|c| p.ends_with(c)))
        .map(String::from)
        .collect();
    assert!(pkgs.iter().any(|p| p.ends_with("/goid")), "{out}");
    pkgs
}

/// fallback-go's own tests: plain, and with `every_way` through the injector,
/// with each tag, and the tag that demands the injector failing to link
/// without it.
fn fallback_tests(gobin: &Path, every_way: bool) {
    // The user's GOCACHE: the salt keeps the injected entries apart (the
    // salt tests above use caches of their own), and the plain and injected
    // std these builds compile are shared with the other tests.
    let cache = user_gocache(gobin);
    let te = toolexec_flag();
    // Plain: the probe's own test (TestProbe) pulls the injected accessor,
    // so without an injector it is built as the plain probe.
    let pkgs = goid_packages(gobin, &cache);
    let with = |args: &[&str], all: bool| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        match all {
            true => v.extend(pkgs.iter().cloned()),
            false => v.push("./goid".into()),
        }
        v
    };
    let runs = [
        (
            with(&["test", "-count=1", "-tags=qcompat_plain"], true),
            false,
        ),
        (
            with(&["test", "-count=1", "-tags=qcompat_nocalibrate"], false),
            false,
        ),
        (with(&["test", "-count=1", &te], true), true),
        (
            with(&["test", "-count=1", "-tags=qcompat_injected", &te], false),
            true,
        ),
        (
            with(&["test", "-count=1", "-tags=qcompat_stack", &te], false),
            false,
        ),
    ];
    for (i, (args, injected)) in runs.iter().enumerate() {
        if !every_way && i > 0 {
            continue;
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c = go(gobin, &cache, &args);
        c.env("QCOMPAT_EXPECT_INJECTED", if *injected { "1" } else { "0" });
        ok(
            c.output().unwrap(),
            &format!("{} {args:?}", gobin.display()),
        );
    }
    if !every_way {
        return;
    }
    // The tag that demands the injector fails to link without it.
    let out = go(
        gobin,
        &cache,
        &["test", "-count=1", "-tags=qcompat_injected", "./goid"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("relocation target runtime.GoroutineID not defined")
            || text(&out.stderr).contains("relocation target runtime.GoroutineID not defined")
    );
}

#[test]
fn fallback_go_tests_go119() {
    fallback_tests(&go119(), true);
}

#[test]
fn fallback_go_tests_go126() {
    fallback_tests(&go126(), true);
}

/// Without an injector, goid-mode reads g directly (`mode=calibrated`) and
/// prints the main goroutine's ID, natively on amd64 and 386 and under qemu on
/// arm64; the goid tests (10,000 goroutines against runtime.Stack, init,
/// finalizers) pass under qemu too. The user's GOCACHE: nothing is injected.
fn calibrated_without_injector(gobin: &Path) {
    let dir = tempfile::tempdir().unwrap();
    for (arch, runner) in [
        ("amd64", None),
        ("386", None),
        ("arm64", Some("qemu-aarch64-static")),
    ] {
        let exe = dir.path().join(format!("goid-mode-{arch}"));
        let built = Command::new(gobin)
            .args(["build", "-o", exe.to_str().unwrap(), "./cmd/goid-mode"])
            .current_dir(fallback())
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .env("CGO_ENABLED", "0")
            .env("GOARCH", arch)
            .output()
            .unwrap();
        ok(built, &format!("{} goid-mode for {arch}", gobin.display()));
        let mut run = match runner {
            Some(q) => {
                let mut c = Command::new(q);
                c.arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        assert_eq!(
            ok(run.output().unwrap(), &format!("goid-mode on {arch}")),
            "mode=calibrated id=1\n",
            "{} {arch}",
            gobin.display()
        );
    }
    let test = dir.path().join("goid-arm64.test");
    let built = Command::new(gobin)
        .args(["test", "-c", "-o", test.to_str().unwrap(), "./goid"])
        .current_dir(fallback())
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "0")
        .env("GOARCH", "arm64")
        .output()
        .unwrap();
    ok(built, "goid tests for arm64");
    let out = Command::new("qemu-aarch64-static")
        .arg(&test)
        .env("QCOMPAT_EXPECT_INJECTED", "0")
        .output()
        .unwrap();
    assert!(ok(out, "goid tests under qemu-aarch64").contains("PASS"));
}

#[test]
fn calibrated_without_injector_go119() {
    calibrated_without_injector(&go119());
}

#[test]
fn calibrated_without_injector_go126() {
    calibrated_without_injector(&go126());
}

#[test]
fn fallback_go_tests_go127() {
    fallback_tests(&go127(), true);
}

/// The toolchains between: fallback-go's tests plain (goid's calibrated and
/// stack paths). The injected paths and the tags are tested on the oldest,
/// the local and the newest toolchain above; the injected accessor and the
/// calibrated path on every minor by `every_minor_small_matrix`.
#[test]
fn fallback_go_tests_go121_to_go125() {
    for l in listed().iter().filter(|l| l.source == "sdk") {
        fallback_tests(&toolchain(l.version), false);
    }
}

/// Two qcompat binaries sharing one cache each get a `qcompat-toolexec`
/// link of their own: one printing its GOFLAGS line never repoints the
/// other's.
#[test]
fn each_binary_keeps_its_own_toolexec_link() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let mut bins = Vec::new();
    for name in ["a", "b"] {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        let bin = d.join("qcompat");
        std::fs::copy(qcompat(), &bin).unwrap();
        bins.push(bin);
    }
    let line = |bin: &Path| {
        let o = Command::new(bin)
            .args(["select", "--offline", "--format", "goflags"])
            .env("QCOMPAT_GO", go126())
            .env("QCOMPAT_CACHE_DIR", &cache)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let l = String::from_utf8_lossy(&o.stdout).trim_end().to_string();
        PathBuf::from(l.split("-toolexec=").nth(1).unwrap())
    };
    let a = line(&bins[0]);
    let b = line(&bins[1]);
    assert_ne!(a, b);
    assert_eq!(line(&bins[0]), a);
    for (link, bin) in [(&a, &bins[0]), (&b, &bins[1])] {
        assert_eq!(
            std::fs::read_link(link).unwrap(),
            *bin,
            "{}",
            link.display()
        );
    }
}

/// Both devel shapes build through the injector: the salt goes into the
/// buildID's content, which stays the last field (Go 1.25+'s go command
/// rejects anything after it on a line whose third field contains `devel`).
/// The go command reads that line on every build: the old shape builds one
/// package, the new one the probe, which then runs.
#[test]
fn devel_toolchains_build_through_the_injector() {
    let dir = tempfile::tempdir().unwrap();
    let gobin = devel_goroot(dir.path(), DEVEL_OLD);
    let v = go(&gobin, &dir.path().join("cache"), &["env", "GOVERSION"])
        .output()
        .unwrap();
    assert_eq!(text(&v.stdout).trim(), DEVEL_OLD);
    let out = go(
        &gobin,
        &dir.path().join("cache"),
        &["build", &toolexec_flag(), "internal/goarch"],
    )
    .output()
    .unwrap();
    ok(out, &format!("injected build on {DEVEL_OLD}"));
    let version = DEVEL_NEW;
    let dir = tempfile::tempdir().unwrap();
    let gobin = devel_goroot(dir.path(), version);
    let out = go(&gobin, &dir.path().join("cache"), &["env", "GOVERSION"])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout).trim(), version);
    let probe = dir.path().join("probe");
    ok(
        build(
            &gobin,
            &dir.path().join("cache"),
            true,
            "./cmd/qcompat-probe",
            &probe,
        ),
        &format!("injected build on {version}"),
    );
    assert!(exec(&probe).contains("qcompat-probe ok=true"), "{version}");
}

/// fallback-go's goid in a c-archive (no injector) called from C: from the
/// main thread and from 4 pthreads, three calls each, every call's
/// `goid.ID()` equals runtime.Stack's ID for the goroutine the call runs on
/// (the archive's check; the host exits 1 otherwise), and the mode is
/// calibrated.
#[test]
fn calibrated_in_a_c_archive_called_from_c_threads() {
    let dir = tempfile::tempdir().unwrap();
    let src = repo().join("tests/cshared");
    let lib = dir.path().join("lib.a");
    let built = Command::new(go126())
        .args([
            "build",
            "-buildmode=c-archive",
            "-o",
            lib.to_str().unwrap(),
            ".",
        ])
        .current_dir(&src)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "1")
        .output()
        .unwrap();
    ok(built, "go build -buildmode=c-archive tests/cshared");
    let host = dir.path().join("host");
    let linked = Command::new("gcc")
        .arg("-o")
        .arg(&host)
        .arg(src.join("host/host.c"))
        .arg(format!("-I{}", dir.path().display()))
        .arg(&lib)
        .arg("-lpthread")
        .output()
        .unwrap();
    ok(linked, "gcc host.c lib.a");
    let out = ok(Command::new(&host).output().unwrap(), "the C host");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 15, "{out}");
    for t in 0..5 {
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with(&format!("thread{t} ")))
                .count(),
            3,
            "{out}"
        );
    }
    assert!(
        lines
            .iter()
            .all(|l| l.ends_with(" mode=calibrated") && !l.contains(" id=0 ")),
        "{out}"
    );
}

/// `go build -trimpath` through the injector: the binary names the companion
/// `runtime/qcompat_goroutineid.go`, as Go names runtime's own files, and
/// holds no path of qcompat's cache (finding 3 of #25's review). A plain
/// build: `companions_are_named_by_runtime_whatever_the_cache`.
#[test]
fn trimpath_binaries_hold_no_cache_path() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let probe = dir.path().join("probe");
    let o = probe.to_str().unwrap().to_string();
    let te = toolexec_flag();
    let mut c = go(
        &go126(),
        &dir.path().join("gocache"),
        &["build", "-trimpath", "-o", &o, &te, "./cmd/qcompat-probe"],
    );
    ok(
        c.env("TMPDIR", &tmp)
            .env("QCOMPAT_KEEP_TEMP", "1")
            .output()
            .unwrap(),
        "build -trimpath",
    );
    let log = std::fs::read_to_string(tmp.join("qcompat-kept.log")).unwrap();
    let companion_dir = Path::new(log.trim()).parent().unwrap().to_path_buf();
    let bin = std::fs::read(&probe).unwrap();
    let has = |needle: &[u8]| bin.windows(needle.len()).any(|w| w == needle);
    let dir_bytes = companion_dir.as_os_str().as_encoded_bytes();
    assert!(
        !has(dir_bytes),
        "{} is in the binary",
        companion_dir.display()
    );
    assert!(has(b"runtime/qcompat_goroutineid.go"));
    assert!(exec(&probe).contains("qcompat-probe ok=true"));
}

/// A plain build names the companion `$GOROOT/src/runtime/...`, not by
/// qcompat's cache: two qcompat caches sharing one GOCACHE (CI runners, these
/// tests) build the same injected runtime.a, so the second build reuses the
/// first's (the injector does not run for runtime again) and a plugin's
/// runtime always matches its host's.
#[test]
fn companions_are_named_by_runtime_whatever_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let gocache = dir.path().join("gocache");
    let goroot = ok(
        Command::new(go126())
            .args(["env", "GOROOT"])
            .output()
            .unwrap(),
        "go env GOROOT",
    );
    let named = format!("{}/src/runtime/qcompat_goroutineid.go", goroot.trim());
    let te = toolexec_flag();
    let mut built = Vec::new();
    for name in ["a", "b"] {
        let tmp = dir.path().join(format!("tmp-{name}"));
        std::fs::create_dir(&tmp).unwrap();
        let probe = dir.path().join(format!("probe-{name}"));
        let o = probe.to_str().unwrap().to_string();
        let mut c = go(
            &go126(),
            &gocache,
            &["build", "-o", &o, &te, "./cmd/qcompat-probe"],
        );
        ok(
            c.env("TMPDIR", &tmp)
                .env("QCOMPAT_KEEP_TEMP", "1")
                .env(
                    "QCOMPAT_CACHE_DIR",
                    dir.path().join(format!("cache-{name}")),
                )
                .output()
                .unwrap(),
            "build",
        );
        assert!(exec(&probe).contains("qcompat-probe ok=true"));
        let bin = std::fs::read(&probe).unwrap();
        let has = |needle: &[u8]| bin.windows(needle.len()).any(|w| w == needle);
        assert!(has(named.as_bytes()), "{named} is not in probe-{name}");
        let cache = dir.path().join(format!("cache-{name}"));
        assert!(
            !has(cache.as_os_str().as_encoded_bytes()),
            "{} is in probe-{name}",
            cache.display()
        );
        built.push(tmp.join("qcompat-kept.log").exists());
    }
    // The first cache's build compiled runtime; the second's reused it.
    assert_eq!(built, [true, false]);
}

/// qcompat caches whose paths hold `;` or `=>`, which a `-trimpath` rewrite
/// cannot name (issue #34): the companion is placed where one can, so a
/// `-trimpath` host holds neither cache path, and a host and a plugin built
/// through the two caches in one (new) GOCACHE load together.
#[test]
fn odd_cache_paths_stay_out_of_binaries_and_plugins_load() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("mod");
    std::fs::create_dir_all(m.join("host")).unwrap();
    std::fs::create_dir_all(m.join("plug")).unwrap();
    std::fs::write(m.join("go.mod"), "module plugtest\n\ngo 1.21\n").unwrap();
    std::fs::write(
        m.join("host/main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"plugin\"\n\t_ \"unsafe\"\n)\n\n//go:linkname goroutineID runtime.GoroutineID\nfunc goroutineID() uint64\n\nfunc main() {\n\tfmt.Println(\"goroutine\", goroutineID())\n\tp, err := plugin.Open(os.Args[1])\n\tif err != nil {\n\t\tfmt.Println(\"open:\", err)\n\t\tos.Exit(1)\n\t}\n\tf, err := p.Lookup(\"F\")\n\tif err != nil {\n\t\tfmt.Println(\"lookup:\", err)\n\t\tos.Exit(1)\n\t}\n\tfmt.Println(f.(func() string)())\n}\n",
    )
    .unwrap();
    std::fs::write(
        m.join("plug/main.go"),
        "package main\n\nfunc F() string { return \"plugin ok\" }\n\nfunc main() {}\n",
    )
    .unwrap();
    let gocache = dir.path().join("gocache");
    let te = toolexec_flag();
    let caches = [dir.path().join("c;one"), dir.path().join("c=>two")];
    let build = |cache: &Path, args: &[&str]| {
        let mut full = vec!["build", "-trimpath", te.as_str()];
        full.extend_from_slice(args);
        let o = Command::new(go126())
            .args(&full)
            .current_dir(&m)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .env("GOCACHE", &gocache)
            .env("CGO_ENABLED", "1")
            .env("QCOMPAT_CACHE_DIR", cache)
            .output()
            .unwrap();
        ok(o, &format!("go {}", full.join(" ")));
    };
    let host = dir.path().join("host-bin");
    let plug = dir.path().join("plug.so");
    build(&caches[0], &["-o", host.to_str().unwrap(), "./host"]);
    build(
        &caches[1],
        &["-buildmode=plugin", "-o", plug.to_str().unwrap(), "./plug"],
    );
    // The host calls the accessor, so the companion's file is in its tables.
    let named = b"runtime/qcompat_goroutineid.go";
    let bytes = std::fs::read(&host).unwrap();
    let has = |n: &[u8]| bytes.windows(n.len()).any(|w| w == n);
    assert!(
        has(named),
        "the host does not name the companion runtime/qcompat_goroutineid.go; it holds the cache path {}: {}",
        caches[0].display(),
        has(caches[0].as_os_str().as_encoded_bytes())
    );
    for (bin, cache) in [(&host, &caches[0]), (&plug, &caches[1])] {
        let bytes = std::fs::read(bin).unwrap();
        let needle = cache.as_os_str().as_encoded_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} is in {}",
            cache.display(),
            bin.display()
        );
    }
    let out = Command::new(&host).arg(&plug).output().unwrap();
    assert!(
        out.status.success() && text(&out.stdout).contains("plugin ok"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
