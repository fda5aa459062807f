//! Build kinds (`builds:`): the probe built and run as users build Go
//! through an injector (go test, -race, -cover, a debugger's build, PIE,
//! -trimpath, PGO, C libraries with a C host, a plugin with a Go host), on
//! go1.19.8 and go1.26.8; the same diagnosis for an injector that never
//! injects, whatever the kind; and the unsalted injector's shared-cache trap
//! under -race.

use super::*;

fn seed_variant(mode: &str, dir: &Path) -> PathBuf {
    let out = dir.join(format!("seed-{mode}"));
    build_seed(mode, &go126(), &out);
    out
}

/// `matrix run` of `body` (as NAME.yaml) on go1.26.8 with a cache of its
/// own, `extra` arguments and environment; its output and report (checked
/// against its schema).
fn kinds_run(
    dir: &Path,
    name: &str,
    body: &str,
    extra: &[&str],
    env: &[(&str, &Path)],
) -> (std::process::Output, Value) {
    let sp = spec(dir, &format!("{name}.yaml"), body);
    let report = dir.join(format!("{name}.json"));
    let mut c = cmd(&[
        &[
            "matrix",
            "run",
            sp.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ][..],
        extra,
    ]
    .concat());
    c.env("QCOMPAT_CACHE_DIR", dir.join("cache"))
        .env("QCOMPAT_GO", go126());
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    (o, read_doc(&report, "report"))
}

/// Runs `body` as a matrix spec, writing JUnit too; the report and the
/// JUnit text.
fn run_kinds(dir: &Path, body: &str) -> (Value, String) {
    let junit = dir.join("r.xml");
    // The report is r.json, as the tests that read its grid expect.
    let (o, r) = kinds_run(dir, "r", body, &["--junit", junit.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}\n{r:#}", text(&o.stderr));
    (r, std::fs::read_to_string(&junit).unwrap())
}

/// A cell that built, ran and printed the probe's verdict.
fn assert_probe_ran(c: &Value, what: &str) {
    assert_eq!(c["status"], "pass", "{what}: {c:#}");
    assert_eq!(c["verified"], "exec", "{what}: {c:#}");
    assert!(s(&c["note"]).contains("ok=true checked=9"), "{what}: {c:#}");
}

/// The kinds that compile runtime most differently (a test main, race
/// instrumentation, -shared for a C library, -dynlink for a plugin) pass
/// through qcompat's injector on go1.19.8 and go1.26.8 on the host, and the C
/// library also on linux/arm64 (built with Debian's aarch64-linux-gnu-gcc, run
/// under qemu with its loader); PGO is skipped on go1.19.8 with its reason.
/// The report, its schema, the grid, JUnit and the pins carry the kind. The
/// other kinds: `other_kinds_on_go126` here, every kind on all eight
/// toolchains in the evidence run (ci/evidence.sh).
#[test]
fn kinds_through_qcompats_injector_on_go119_and_go126() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "toolchains:\n  - local\n  - path: {}\nplatforms: [linux/amd64, linux/arm64]\nbuilds:\n  - build\n  - {{kind: test, platforms: [linux/amd64]}}\n  - {{kind: race, platforms: [linux/amd64]}}\n  - {{kind: pgo, platforms: [linux/amd64]}}\n  - c-shared\n  - {{kind: plugin, platforms: [linux/amd64]}}\n",
        go119_root().display()
    );
    let (r, xml) = run_kinds(dir.path(), &body);
    // 2 toolchains x (2 build + 4 host kinds + 2 c-shared).
    assert_eq!(r["cells"].as_array().unwrap().len(), 16, "{r:#}");
    for go in ["go1.26.8", "go1.19.8"] {
        for kind in ["build", "test", "race", "c-shared", "plugin"] {
            assert_probe_ran(
                kind_cell(&r, go, "linux/amd64", kind),
                &format!("{go} {kind}"),
            );
        }
        let pgo = kind_cell(&r, go, "linux/amd64", "pgo");
        if go == "go1.19.8" {
            assert_eq!(pgo["status"], "skip-unsupported", "{pgo:#}");
            assert!(s(&pgo["note"]).contains("Go 1.21"), "{pgo:#}");
        } else {
            assert_probe_ran(pgo, "go1.26.8 pgo");
            assert!(
                s(&pgo["command"]).contains("-pgo=") && s(&pgo["command"]).contains("probe.pgo")
            );
        }
        let arm = kind_cell(&r, go, "linux/arm64", "c-shared");
        assert_probe_ran(arm, &format!("{go} arm64 c-shared"));
        assert!(
            s(&arm["command"]).contains("aarch64-linux-gnu-gcc"),
            "{arm:#}"
        );
    }
    let race = s(&kind_cell(&r, "go1.26.8", "linux/amd64", "race")["command"]).to_string();
    assert!(
        race.contains(" test -c ") && race.contains("-race"),
        "{race}"
    );
    assert!(
        s(&kind_cell(&r, "go1.26.8", "linux/amd64", "plugin")["command"])
            .contains("qcompat-probe-pluginhost")
    );
    // JUnit names the kind; the build kind keeps its old name.
    assert!(xml.contains("name=\"linux/amd64 race\""), "{xml}");
    assert!(xml.contains("name=\"linux/arm64 c-shared\""), "{xml}");
    assert!(xml.contains("name=\"linux/amd64\""), "{xml}");
    // The grid has a row per platform and kind.
    let report = dir.path().join("r.json");
    let grid = grid_of(&report);
    assert!(grid.contains("| linux/amd64 plugin |"), "{grid}");
    assert!(grid.contains("| linux/amd64 |"), "{grid}");
    // Pins: the build kind's counts as before, the others per kind.
    let pins = dir.path().join("pins.yaml");
    std::fs::write(&pins, "schema: 1\npins: []\n").unwrap();
    let up = pins_update(&report, &pins);
    assert!(up.status.success(), "{}", text(&up.stderr));
    let table = cmd(&["pins", "table", "--pins", pins.to_str().unwrap()])
        .output()
        .unwrap();
    let table = text(&table.stdout);
    assert!(table.contains("race 1 / 1 / 0"), "{table}");
    assert!(table.contains("c-shared 2 / 2 / 0"), "{table}");
    assert!(table.contains("pgo 0 / 0 / 1"), "{table}");
    assert!(
        table.contains("| 2 / 2 / 0 |"),
        "the build kind's own counts: {table}"
    );
}

/// The other kinds on go1.26.8's host: -cover, a debugger's build, PIE,
/// -trimpath and a C archive linked into a C host.
#[test]
fn other_kinds_on_go126() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = run_kinds(
        dir.path(),
        "toolchains: [local]\nplatforms: [linux/amd64]\nbuilds: [cover, debug, pie, trimpath, c-archive]\n",
    );
    for (kind, flag) in [
        ("cover", "-cover"),
        ("debug", "-gcflags=all=-N -l"),
        ("pie", "-buildmode=pie"),
        ("trimpath", "-trimpath"),
        ("c-archive", "libqprobe.a"),
    ] {
        let c = kind_cell(&r, "go1.26.8", "linux/amd64", kind);
        assert_probe_ran(c, kind);
        assert!(s(&c["command"]).contains(flag), "{kind}: {c:#}");
    }
}

/// The report of a run of the local go through the seed injector that never
/// injects, with the spec's other lines `rest`; the run fails.
fn never_injecting(rest: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let none = seed_variant("none", dir.path());
    let body = format!("toolchains: [local]\ntoolexec: {}\n{rest}", none.display());
    let sp = spec(dir.path(), "none.yaml", &body);
    let report = dir.path().join("r.json");
    let o = run_spec(&sp, &report, &dir.path().join("cache"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    read_doc(&report, "report")
}

/// An injector that never injects gets the same diagnosis in every kind,
/// though the words differ: Go's linker, the external linker of a c-shared
/// library and of a plugin.
#[test]
fn never_injecting_is_not_injected_in_every_kind() {
    let r = never_injecting("platforms: [linux/amd64]\nbuilds: [build, test, c-shared, plugin]\n");
    for kind in ["build", "test", "c-shared", "plugin"] {
        let c = kind_cell(&r, "go1.26.8", "linux/amd64", kind);
        assert_eq!(c["status"], "fail-relocation", "{kind}: {c:#}");
        assert_eq!(c["diagnosis"]["class"], "not-injected", "{kind}: {c:#}");
        assert!(
            s(&c["diagnosis"]["evidence"]).contains("runtime.GoroutineID"),
            "{kind}: {c:#}"
        );
    }
    let cs = kind_cell(&r, "go1.26.8", "linux/amd64", "c-shared");
    assert!(
        s(&cs["stderr_excerpt"]).contains("final link failed"),
        "{cs:#}"
    );
}

/// A library that links but is not loaded (`verify: link`): on linux/arm64
/// Go's link leaves an accessor that was never injected undefined for the
/// loader (golang/go#81051; on amd64 the external linker refuses it), so a
/// linked-only cell would pass. Its dynamic symbol table says what the
/// loader would: `fail-relocation`, `not-injected`. A plugin is read the
/// same way (`verify::cell::dynsym`, whose unit test reads real libraries);
/// only the C library is built here, as a plugin rebuilds all of std once
/// more for arm64.
#[test]
fn linked_only_libraries_are_read_for_the_accessor() {
    let r = never_injecting("platforms: [linux/arm64]\nverify: link\nbuilds: [c-shared]\n");
    let c = kind_cell(&r, "go1.26.8", "linux/arm64", "c-shared");
    assert_eq!(c["status"], "fail-relocation", "{c:#}");
    assert_eq!(c["verified"], "link", "{c:#}");
    assert_eq!(c["diagnosis"]["class"], "not-injected", "{c:#}");
    let err = s(&c["stderr_excerpt"]);
    assert!(
        err.contains(": undefined symbol: runtime.GoroutineID")
            && err.contains("read from its dynamic symbol table"),
        "{c:#}"
    );
}

/// Runs `body` (a `gocache: shared` spec through an unsalted injector) with
/// `gocache` as the run's GOCACHE; the report and the cell of `kind`.
fn shared_run(dir: &Path, name: &str, body: &str, gocache: &Path, kind: &str) -> (Value, Value) {
    let (o, r) = kinds_run(dir, name, body, &[], &[("GOCACHE", gocache)]);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&o.stderr)
    );
    let c = kind_cell(&r, "go1.26.8", "linux/amd64", kind).clone();
    (r, c)
}

/// `gocache: shared` shows the trap of an unsalted injector as its users
/// meet it (a plain build of the same kind first, then the build through
/// the injector), whatever the run's GOCACHE held before and with or
/// without the lean flags: each cell builds in a new GOCACHE of its own.
/// Before, a plain `go test -c -race` left in the run's GOCACHE made the
/// lean race cell pass (its flags gave it other cache keys), and an
/// injected runtime.a left there made the build cell pass.
#[test]
fn shared_gocache_verdicts_do_not_depend_on_the_cache_or_lean() {
    let dir = tempfile::tempdir().unwrap();
    let seed = seed_variant("convert", dir.path());
    // A user's cache after a plain `go test -c -race` (the probe cannot link
    // without an injector, but runtime is compiled and cached).
    let raced = dir.path().join("gocache-race");
    let plain = Command::new(go126())
        .args([
            "test",
            "-c",
            "-race",
            "-o",
            "/dev/null",
            "./cmd/qcompat-probe",
        ])
        .current_dir(repo().join("fallback-go"))
        .env("GOCACHE", &raced)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "1")
        .env("CC", which("cc").unwrap())
        .output()
        .unwrap();
    assert!(
        text(&plain.stderr).contains("relocation target runtime.GoroutineID not defined"),
        "{}",
        text(&plain.stderr)
    );
    // A cache where the injector itself built the probe first.
    let injected = dir.path().join("gocache-injected");
    let first = Command::new(go126())
        .args(["build", "-tags=qcompat_injected", "-o", "/dev/null"])
        .arg(format!("-toolexec={}", seed.display()))
        .arg("./cmd/qcompat-probe")
        .current_dir(repo().join("fallback-go"))
        .env("GOCACHE", &injected)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let body = |lean: bool, kind: &str| {
        format!(
            "toolchains: [local]\nplatforms: [linux/amd64]\ntoolexec: {}\ngocache: shared\nlean: {lean}\nbuilds: [{kind}]\n",
            seed.display()
        )
    };
    let runs = [
        ("race-lean", body(true, "race"), &raced, "race"),
        (
            "build-injected-first",
            body(false, "build"),
            &injected,
            "build",
        ),
        (
            "build-lean-injected-first",
            body(true, "build"),
            &injected,
            "build",
        ),
    ];
    for (name, body, gocache, kind) in runs {
        let (r, c) = shared_run(dir.path(), name, &body, gocache, kind);
        assert_eq!(c["status"], "fail-relocation", "{name}: {c:#}");
        assert_eq!(c["diagnosis"]["class"], "shared-cache", "{name}: {c:#}");
        assert!(
            s(&c["command"]).contains(" ; "),
            "{name}: no plain build first: {c:#}"
        );
        assert!(
            s(&r["toolchains"][0]["note"]).contains("gocache: shared"),
            "{name}: {r:#}"
        );
    }
}

/// `matrix plan` counts every toolchain x platform x kind, and shards split
/// over all three by expected cost.
#[test]
fn plan_and_shards_count_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let sp = spec(
        dir.path(),
        "plan.yaml",
        "toolchains: [local]\nplatforms: [linux/amd64, linux/arm64, js/wasm]\nbuilds: [build, race, {kind: c-shared, platforms: ['linux/*']}]\n",
    );
    let o = matrix(
        &[
            "matrix",
            "plan",
            sp.to_str().unwrap(),
            "--shards",
            "3",
            "--format",
            "json",
            "--offline",
        ],
        &dir.path().join("cache"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    validate("plan", &v);
    let counts: Vec<u64> = v["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cells"].as_u64().unwrap())
        .collect();
    // 3 platforms x (build, race) + 2 linux c-shared = 8 cells.
    assert_eq!(counts, [3, 3, 2], "{v:#}");
    // Split by expected cost, not count: round-robin in planned order would
    // give one shard every race cell (the 2nd, 5th and 8th) and another
    // every build; here each shard has one race and the loads are close.
    let costs: Vec<u64> = v["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cost_s"].as_u64().unwrap())
        .collect();
    let (lo, hi) = (*costs.iter().min().unwrap(), *costs.iter().max().unwrap());
    assert!(lo > 0 && hi * 4 < lo * 5, "{v:#}");
    // More shards than cells: said; more than a GitHub matrix runs: refused.
    let plan = |shards: &str, format: &str| {
        let argv = ["matrix", "plan", sp.to_str().unwrap(), "--offline"];
        let extra = ["--shards", shards, "--format", format];
        matrix(&[&argv[..], &extra[..]].concat(), &dir.path().join("cache"))
    };
    let o = plan("10", "json");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["notes"]
            .to_string()
            .contains("2 of 10 shards have no cell"),
        "{v:#}"
    );
    assert!(text(&o.stderr).contains("2 of 10 shards have no cell"));
    let o = plan("257", "github");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("at most 256 jobs"),
        "{}",
        text(&o.stderr)
    );
    assert!(plan("257", "json").status.success());
}
