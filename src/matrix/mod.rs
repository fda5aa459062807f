//! `qcompat matrix`: build (and where possible run) the probe on every
//! GOOS/GOARCH pair of every chosen toolchain, in parallel, and report.
//!
//! The runner (this file) produces [`report::Report`]s; [`render`] turns them
//! into Markdown, JUnit and CI summaries; [`progress`] shows the run.

pub mod evidence;
pub mod progress;
pub mod render;
pub mod report;
pub mod spec;

use crate::cell::{self, Job, Outcome, Status, Verified};
use crate::discover::{self, Platform, Toolchain};
use crate::gocmd::Go;
use crate::injector::Injector;
use crate::injector_build::{BuildInfo, PackageSpec};
use crate::pins::{Pins, Strategy};
use anyhow::{bail, Context, Result};
use report::{Cell, Report, ToolchainInfo};
use spec::{CgoOnly, InjectorChoice, Loaded, PlatformChoice, ToolchainEntry, VerifyMode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::cell::needs_cgo;

/// Where the outputs of a run go.
#[derive(Debug, Default, Clone)]
pub struct Outputs {
    pub report: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub summary_md: Option<PathBuf>,
}

impl Outputs {
    /// Refuses an output qcompat could not write, before any work starts:
    /// a long run must not end in "cannot write".
    pub fn check(&self) -> Result<()> {
        if let Some(p) = &self.report {
            report::format_of(p)?;
        }
        for p in [&self.report, &self.markdown, &self.junit, &self.summary_md]
            .into_iter()
            .flatten()
        {
            crate::paths::check_writable(p)?;
        }
        Ok(())
    }
}

pub struct RunOptions<'a> {
    pub spec: &'a Path,
    pub go_flag: Option<&'a Path>,
    pub go_timeout: Duration,
    pub shard: Option<(usize, usize)>,
    pub jobs: Option<usize>,
    pub outputs: Outputs,
    pub pins: &'a Pins,
    pub offline: bool,
    pub json: bool,
}

/// One toolchain of the run, with what the cells need from it.
struct Prepared {
    tc: Toolchain,
    info: ToolchainInfo,
    /// The injector its cells build through (None: it could not be built).
    injector: Option<Injector>,
    gocache: Option<PathBuf>,
    /// What failure diagnoses need to know about this toolchain.
    diag: crate::diagnosis::Context,
    /// Where this toolchain's binaries are kept between runs.
    out_dir: PathBuf,
    platforms: Vec<Platform>,
    /// Whether the run measures this toolchain's linkname policy (a task of
    /// the worker pool, so it overlaps other toolchains' cells).
    measure_linkname: bool,
}

/// Work for the pool.
#[derive(Clone, Copy)]
enum Task {
    Linkname(usize),
    Cell(usize),
}

/// A cell to run, or one already decided without building.
struct Planned {
    toolchain: usize,
    goos: String,
    goarch: String,
    preset: Option<Outcome>,
}

fn resolve_entry(entry: &ToolchainEntry, o: &RunOptions) -> Result<Vec<PathBuf>> {
    match entry {
        ToolchainEntry::Selector(s) if s == "local" => {
            Ok(vec![Go::locate(o.go_flag, o.go_timeout)?.path])
        }
        ToolchainEntry::Path { path } => {
            let bin = path.join("bin/go");
            if bin.is_file() {
                Ok(vec![bin])
            } else if path.is_file() {
                Ok(vec![path.clone()])
            } else {
                bail!(
                    "toolchain path {} is neither a GOROOT (no bin/go) nor a go binary",
                    path.display()
                )
            }
        }
        ToolchainEntry::Selector(s) => crate::toolchains::resolve_many(s, o.offline, o.go_timeout),
    }
}

/// The injector under test of a spec: one for the whole run, or a Go
/// package each toolchain builds for itself.
enum SpecInjector {
    Fixed(Injector),
    Package(PackageSpec),
}

impl SpecInjector {
    fn identity(&self) -> crate::injector::Identity {
        match self {
            SpecInjector::Fixed(i) => i.id.clone(),
            SpecInjector::Package(p) => p.identity(),
        }
    }

    /// The report's `toolexec` field.
    fn describe(&self) -> String {
        match self {
            SpecInjector::Fixed(i) if i.builtin => "builtin".into(),
            SpecInjector::Fixed(i) => i.command.clone(),
            SpecInjector::Package(p) => {
                format!(
                    "package {} in {} (built per toolchain)",
                    p.package,
                    p.dir.display()
                )
            }
        }
    }
}

/// The injector for one toolchain: the spec's own, or that toolchain's build
/// of the spec's package (None with the build's failure).
fn injector_for(
    si: &SpecInjector,
    tc: &Toolchain,
) -> Result<(Option<Injector>, Option<BuildInfo>)> {
    Ok(match si {
        SpecInjector::Fixed(i) => (Some(i.clone()), None),
        SpecInjector::Package(p) => match crate::injector_build::build(p, tc)? {
            Ok((i, info)) => (Some(i), Some(info)),
            Err(info) => (None, Some(info)),
        },
    })
}

/// Resolves the toolchains and, unless `plan_only`, what their cells need:
/// the injector (built per toolchain when the spec names a package), its
/// cache policy and the kept-binary folder.
fn prepare(
    loaded: &Loaded,
    o: &RunOptions,
    si: &SpecInjector,
    plan_only: bool,
) -> Result<(Vec<Prepared>, Vec<String>)> {
    let mut bins: Vec<PathBuf> = Vec::new();
    for e in &loaded.spec.toolchains {
        for b in resolve_entry(e, o)
            .with_context(|| format!("{}: toolchain {e}", loaded.path.display()))?
        {
            let canon = b.canonicalize().unwrap_or(b);
            if !bins.contains(&canon) {
                bins.push(canon);
            }
        }
    }
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut all_known: Vec<String> = Vec::new();
    for bin in bins {
        let go = Go::new(bin, o.go_timeout);
        let tc = discover::discover(&go)?;
        let gccgo = tc.version.compiler == crate::version::Compiler::Gccgo;
        let known = if gccgo {
            discover::host_only(&tc)
        } else {
            discover::platforms_with_broken(&go)?
        };
        all_known.extend(known.iter().map(Platform::name));
        // A gccgo column must not read as the gc release of its language.
        let name = if gccgo {
            tc.version.raw.clone()
        } else {
            tc.version.go_name()
        };
        let platforms = choose_platforms(loaded, &known, &name, &mut notes);
        let (inj, build) = if plan_only || gccgo {
            (None, None)
        } else {
            injector_for(si, &tc)?
        };
        let mut gocache = None;
        let mut note = None;
        let mut salted = Some(true);
        let mut built_by = build.as_ref().map(|b| b.built_by.clone());
        let mut diag = crate::diagnosis::Context::default();
        let goid_type = crate::runtime_layout::read(tc.goroot()).goid_type;
        // Kept binaries are keyed on content: the injector's bytes, the
        // toolchain, the program's sources and the flags.
        let mut key = crate::cache::Key::new("matrix-bin");
        key.toolchain(&tc)
            .str("lean", if loaded.spec.lean { "1" } else { "0" });
        match &loaded.program {
            Some((dir, pkg)) => key.tree("program", dir).str("package", pkg),
            None => key.str("program", "probe"),
        };
        if let Some(inj) = &inj {
            let toolexec = inj.command.as_str();
            if !inj.builtin {
                let check =
                    crate::toolid::check(Path::new(&tc.env.gotooldir), toolexec, o.go_timeout)
                        .with_context(|| {
                            format!(
                        "{}: toolexec {toolexec:?} (run as `{toolexec} <GOTOOLDIR>/compile -V=full`)",
                        loaded.path.display()
                    )
                        })?;
                salted = Some(check.altered);
                if !check.altered {
                    let dir = crate::live::private_gocache(&tc, inj);
                    let mut n = format!(
                        "{toolexec:?} leaves `compile -V=full` unchanged, so its cells used a GOCACHE of their own ({}) instead of sharing plain builds' entries",
                        dir.display()
                    );
                    if !tc.version.at_least(1, 20) {
                        n.push_str(&format!(
                            "; {name} ships a precompiled std in $GOROOT/pkg for the host, so the go command never runs such an injector for runtime in host builds (not even with a fresh GOCACHE) unless -a is passed, which is what its users will hit; cross builds compile runtime and do run it"
                        ));
                    }
                    note = Some(n);
                    gocache = Some(dir);
                }
            }
            if built_by.is_none() {
                built_by = inj.built_by(&go);
            }
            diag = crate::live::diag_context(&tc, inj, salted, built_by.clone(), goid_type.clone());
            key.file("injector", &inj.exe).str("command", toolexec);
        }
        if let Some(b) = build.as_ref().filter(|b| b.status == "failed") {
            note = Some(format!(
                "the injector cannot be built by {name}: {}",
                b.message
                    .as_deref()
                    .unwrap_or("")
                    .lines()
                    .find(|l| !l.starts_with('#'))
                    .unwrap_or("")
            ));
        }
        let out_dir = crate::cache::Area::MatrixBin.entry(&key);
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("cannot create {}", out_dir.display()))?;
        out.push(Prepared {
            out_dir,
            info: ToolchainInfo {
                go: name,
                path: go.path.display().to_string(),
                goroot: tc.env.goroot.clone(),
                private_gocache: gocache.is_some(),
                note,
                injector_built_by: built_by,
                injector_build: build,
                goid_type,
                linkname: None,
            },
            measure_linkname: !plan_only && !gccgo,
            tc,
            injector: inj,
            gocache,
            diag,
            platforms,
        });
    }
    if let PlatformChoice::List(list) = &loaded.platforms {
        for p in list {
            if !all_known.contains(p) {
                bail!(
                    "{}: platform {p} is not a port of any chosen toolchain (see `go tool dist list`)",
                    loaded.path.display()
                );
            }
        }
    }
    Ok((out, notes))
}

fn choose_platforms(
    loaded: &Loaded,
    known: &[Platform],
    go: &str,
    notes: &mut Vec<String>,
) -> Vec<Platform> {
    let mut chosen: Vec<Platform> = match &loaded.platforms {
        PlatformChoice::All => known.iter().filter(|p| !p.broken).cloned().collect(),
        PlatformChoice::FirstClass => known
            .iter()
            .filter(|p| p.first_class && !p.broken)
            .cloned()
            .collect(),
        PlatformChoice::List(list) => list
            .iter()
            .filter_map(|name| {
                let found = known.iter().find(|p| &p.name() == name).cloned();
                if found.is_none() {
                    notes.push(format!("{name} is not a port of {go}: no cell"));
                }
                found
            })
            .collect(),
    };
    chosen.retain(|p| loaded.wanted(&p.name()));
    chosen
}

/// Every cell of the run, in a stable order (toolchain, then platform).
fn plan_cells(prepared: &[Prepared], loaded: &Loaded) -> Vec<Planned> {
    let mut cells = Vec::new();
    for (i, p) in prepared.iter().enumerate() {
        let mut plats = p.platforms.clone();
        plats.sort_by_key(Platform::name);
        for plat in plats {
            let preset = if p.tc.version.compiler == crate::version::Compiler::Gccgo {
                Some(skip(
                    Status::SkipGccgo,
                    format!(
                        "{} is gccgo: its runtime has no gc g.goid and gccgo allows //go:linkname only on functions, so there is nothing to inject; fallback-go's default build uses runtime.Stack under gccgo",
                        p.info.go
                    ),
                ))
            } else if let Some(b) = p
                .info
                .injector_build
                .as_ref()
                .filter(|b| b.status == "failed")
            {
                Some(skip(
                    Status::SkipInjector,
                    format!(
                        "the injector could not be built by {}: {}",
                        p.info.go,
                        b.message.as_deref().unwrap_or("")
                    ),
                ))
            } else if plat.broken {
                Some(skip(
                    Status::SkipBroken,
                    format!("{} marks {} as broken", p.info.go, plat.name()),
                ))
            } else if loaded.spec.cgo_only == CgoOnly::Skip && needs_cgo(&plat.goos, &plat.goarch) {
                Some(skip(
                    Status::SkipCgo,
                    format!("{} requires external (cgo) linking; qcompat builds with CGO_ENABLED=0 (set cgo_only: build to try)", plat.name()),
                ))
            } else {
                None
            };
            cells.push(Planned {
                toolchain: i,
                goos: plat.goos.clone(),
                goarch: plat.goarch.clone(),
                preset,
            });
        }
    }
    cells
}

fn skip(status: Status, note: String) -> Outcome {
    Outcome {
        status,
        verified: Verified::Link,
        duration_s: 0.0,
        command: String::new(),
        stderr_excerpt: String::new(),
        note: Some(note),
        diagnosis: None,
    }
}

/// Keeps the cells of shard `i` of `n` (round-robin, so shards get a mix).
fn shard<T>(cells: Vec<T>, shard: Option<(usize, usize)>) -> Vec<T> {
    match shard {
        None => cells,
        Some((i, n)) => cells
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % n == i - 1)
            .map(|(_, c)| c)
            .collect(),
    }
}

const WORK_PREFIX: &str = "qcompat-matrix-";

/// The commit this qcompat was built from (build.rs).
pub const COMMIT: &str = env!("QCOMPAT_COMMIT");

/// Removes `qcompat-matrix-*` work folders in the temp dir whose run is gone
/// (its `pid` names no live process); those of live runs stay. Returns them.
pub fn reclaim_stale_work_dirs() -> Vec<PathBuf> {
    let mut gone = Vec::new();
    let Ok(rd) = std::fs::read_dir(std::env::temp_dir()) else {
        return gone;
    };
    for e in rd.flatten() {
        if !e.file_name().to_string_lossy().starts_with(WORK_PREFIX) {
            continue;
        }
        let pid = std::fs::read_to_string(e.path().join("pid"))
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok());
        // No pid file yet: a run that is just starting, or one that died
        // before writing it; leave it unless it is an hour old.
        let stale = match pid {
            Some(pid) => !crate::process::alive(pid),
            None => e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(3600)),
        };
        if stale && std::fs::remove_dir_all(e.path()).is_ok() {
            gone.push(e.path());
        }
    }
    gone
}

/// Cell indexes in the order to run them: the most expected work first
/// (wasm builds are the largest and run under Node; qemu runs are slow;
/// decided cells cost nothing), planned order among equals.
fn execution_order(planned: &[Planned], exec: bool) -> Vec<usize> {
    let weight = |c: &Planned| -> u32 {
        if c.preset.is_some() {
            return 0;
        }
        let runs_here = exec && c.goos == "linux" || c.goarch == "wasm";
        match (c.goarch.as_str(), runs_here) {
            ("wasm", _) => 4,
            ("amd64" | "386", true) => 2,
            (_, true) => 3,
            _ => 1,
        }
    };
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(weight(&planned[k])));
    order
}

/// The injector under test of a spec.
fn injector(loaded: &Loaded) -> Result<SpecInjector> {
    Ok(match &loaded.injector {
        InjectorChoice::Builtin => SpecInjector::Fixed(Injector::builtin()?),
        InjectorChoice::Command(c) => SpecInjector::Fixed(
            Injector::from_command(c, crate::injector::Source::Flag)
                .with_context(|| format!("{}: toolexec", loaded.path.display()))?,
        ),
        InjectorChoice::Package(p) => SpecInjector::Package(p.clone()),
    })
}

fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

pub fn run(o: RunOptions) -> Result<ExitCode> {
    o.outputs.check()?;
    let loaded = spec::load(o.spec)?;
    let si = injector(&loaded)?;
    let started = now_rfc3339();
    let (prepared, notes) = match prepare(&loaded, &o, &si, false) {
        Ok(p) => p,
        // Interrupted while resolving toolchains (a download) or building
        // injectors: still leave a report that says so.
        Err(e) if crate::process::interrupted() => {
            let mut report = report_head(&loaded, &o, &si, &started, &[]);
            report.notes = vec![format!(
                "interrupted while preparing the run ({e:#}); no cell was built"
            )];
            return finish(&report, &o.outputs, o.pins, o.json, true);
        }
        Err(e) => return Err(e),
    };
    let planned = shard(plan_cells(&prepared, &loaded), o.shard);
    let (module_dir, package) = match &loaded.program {
        Some((d, p)) => (d.clone(), p.clone()),
        None => (
            crate::probeprog::materialize()?,
            crate::probeprog::PACKAGE.to_string(),
        ),
    };
    let jobs = o
        .jobs
        .or(loaded.spec.jobs)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
        .max(1);
    reclaim_stale_work_dirs();
    let exec = loaded.spec.verify == VerifyMode::Exec;
    let work = tempfile::Builder::new()
        .prefix(WORK_PREFIX)
        .tempdir()
        .context("cannot create a work directory")?;
    // Whose folder this is: a later run or `prune` removes it once this
    // process is gone (after a SIGKILL nothing else would).
    std::fs::write(work.path().join("pid"), std::process::id().to_string())?;
    for i in 0..prepared.len() {
        std::fs::create_dir_all(work.path().join(i.to_string()))?;
    }
    // Ctrl-C (and SIGTERM) set process::INTERRUPTED: running builds are
    // stopped and the run ends with a partial report.

    let mut head = report_head(&loaded, &o, &si, &started, &prepared);
    head.notes = notes;
    let journal = o
        .outputs
        .report
        .as_ref()
        .map(|p| Mutex::new(report::Journal::start(p, &head)));
    // Longest cells first, so that no long cell runs alone at the end while
    // the other workers idle; the report keeps the planned order. The
    // linkname checks (two host builds each) go before them, in the same
    // pool, so no toolchain waits for its check before its cells start.
    let tasks: Vec<Task> = (0..prepared.len())
        .filter(|&i| prepared[i].measure_linkname)
        .map(Task::Linkname)
        .chain(execution_order(&planned, exec).into_iter().map(Task::Cell))
        .collect();
    let progress = progress::Progress::new(planned.len());
    let results: Mutex<Vec<Option<Cell>>> = Mutex::new(vec![None; planned.len()]);
    let linkname: Mutex<Vec<Option<crate::linkname::Policy>>> =
        Mutex::new(vec![None; prepared.len()]);
    let next = AtomicUsize::new(0);
    let timeout = Duration::from_secs(loaded.spec.timeout);
    let run_cell = |k: usize| -> bool {
        let c = &planned[k];
        let p = &prepared[c.toolchain];
        let name = format!("{} {}/{}", p.info.go, c.goos, c.goarch);
        progress.start(k, &name);
        let outcome = match &c.preset {
            Some(o) => o.clone(),
            None => {
                let wd = work.path().join(c.toolchain.to_string());
                let job = Job {
                    go: &p.tc.go.path,
                    goroot: p.tc.goroot(),
                    goos: &c.goos,
                    goarch: &c.goarch,
                    toolexec: p.injector.as_ref().map(|i| i.command.as_str()),
                    gocache: p.gocache.as_deref(),
                    module_dir: &module_dir,
                    package: &package,
                    out_dir: &p.out_dir,
                    work_dir: &wd,
                    exec,
                    lean: loaded.spec.lean,
                    extra_flags: &[],
                    timeout,
                    diag: &p.diag,
                };
                cell::run(&job)
            }
        };
        if outcome.note.as_deref() == Some("interrupted") {
            progress.finish(k, &format!("{name}: interrupted"));
            return false;
        }
        let mut cell = Cell::new(&p.info.go, &c.goos, &c.goarch, outcome);
        if let Some(d) = &cell.diagnosis {
            cell.note = Some(d.line());
        }
        progress.finish(
            k,
            &format!(
                "{name}: {}{} ({:.1}s)",
                cell.status.name(),
                if cell.status == Status::Pass {
                    format!(" ({})", cell.verified.name())
                } else {
                    String::new()
                },
                cell.duration_s
            ),
        );
        if let Some(j) = &journal {
            j.lock().expect("journal lock").record(&cell);
        }
        results.lock().expect("results lock")[k] = Some(cell);
        true
    };
    std::thread::scope(|s| {
        for _ in 0..jobs.min(tasks.len().max(1)) {
            s.spawn(|| loop {
                if crate::process::interrupted() {
                    break;
                }
                let Some(&task) = tasks.get(next.fetch_add(1, Ordering::SeqCst)) else {
                    break;
                };
                match task {
                    Task::Linkname(i) => {
                        let policy = crate::linkname::verify(&prepared[i].tc)
                            .ok()
                            .map(|v| v.policy);
                        linkname.lock().expect("linkname lock")[i] = policy;
                    }
                    Task::Cell(k) => {
                        if !run_cell(k) {
                            break;
                        }
                    }
                }
            });
        }
    });
    progress.done();
    let interrupted = crate::process::interrupted();
    let cells: Vec<Cell> = results
        .into_inner()
        .expect("results lock")
        .into_iter()
        .flatten()
        .collect();
    let complete = !interrupted && cells.len() == planned.len();
    let mut report = Report {
        complete,
        cells,
        ..head
    };
    for (t, policy) in report
        .toolchains
        .iter_mut()
        .zip(linkname.into_inner().expect("linkname lock"))
    {
        t.linkname = policy;
    }
    if interrupted {
        report.notes.push(format!(
            "interrupted after {} of {} cells; run again to finish (the go build cache keeps what was built)",
            report.cells.len(),
            planned.len()
        ));
    }
    drop(work);
    let code = finish(&report, &o.outputs, o.pins, o.json, interrupted)?;
    // Written: the journal has served its purpose.
    if let Some(j) = journal {
        j.into_inner().expect("journal lock").close();
    }
    Ok(code)
}

/// A report of this run without cells (the journal's header, the start of
/// the final report).
fn report_head(
    loaded: &Loaded,
    o: &RunOptions,
    si: &SpecInjector,
    started: &str,
    prepared: &[Prepared],
) -> Report {
    Report {
        schema: report::SCHEMA,
        complete: false,
        started: started.to_string(),
        qcompat_version: env!("CARGO_PKG_VERSION").to_string(),
        spec: loaded.path.display().to_string(),
        qcompat_commit: Some(COMMIT.to_string()),
        toolexec: si.describe(),
        injector: Some(si.identity()),
        program: loaded
            .program
            .as_ref()
            .map(|(d, p)| format!("{} {p}", d.display())),
        shard: o.shard.map(|(i, n)| format!("{i}/{n}")),
        merged_shards: vec![],
        toolchains: prepared.iter().map(|p| p.info.clone()).collect(),
        notes: vec![],
        cells: vec![],
    }
}

/// Writes the outputs, prints the verdict, and picks the exit code.
pub fn finish(
    report: &Report,
    outputs: &Outputs,
    pins: &Pins,
    json: bool,
    interrupted: bool,
) -> Result<ExitCode> {
    if let Some(p) = &outputs.report {
        report::write(report, p)?;
    }
    if let Some(p) = &outputs.markdown {
        crate::paths::write_atomic(p, &render::markdown(report))?;
    }
    if let Some(p) = &outputs.junit {
        crate::paths::write_atomic(p, &render::junit(report))?;
    }
    if let Some(p) = &outputs.summary_md {
        crate::paths::write_atomic(p, &render::summary(report))?;
    }
    let regressions = regressions(report, pins);
    if let Some(n) = pins_note(report, pins) {
        eprintln!("qcompat: note: {n}");
    }
    let env: Vec<&Cell> = report.cells.iter().filter(|c| environmental(c)).collect();
    if let Some(first) = env.first() {
        eprintln!(
            "qcompat: {} cell(s) failed because of this machine, not the injector: {}",
            env.len(),
            first.diagnosis.as_ref().map_or("", |d| d.evidence.as_str())
        );
    }
    if json {
        crate::outln!("{}", serde_json::to_string_pretty(report)?)?;
    } else {
        let counts: Vec<String> = report
            .counts()
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let exec = report
            .cells
            .iter()
            .filter(|c| c.status == Status::Pass && c.verified == Verified::Exec)
            .count();
        crate::outln!(
            "{} cells{}: {} ({exec} executed)",
            report.cells.len(),
            if report.complete { "" } else { " (incomplete)" },
            counts.join(", ")
        )?;
        for c in report.failures() {
            crate::outln!("  FAIL {} {}: {}", c.go, c.platform(), c.status.name())?;
        }
    }
    for r in &regressions {
        eprintln!("qcompat: regression: {r}");
    }
    Ok(if interrupted {
        ExitCode::from(130)
    } else if report.failures().next().is_some() || !regressions.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Failed cells for versions the pins record as working with the injector.
/// Only evidence produced by the same injector counts: a pin recorded with
/// qcompat's own injector says nothing about q's.
pub fn regressions(report: &Report, pins: &Pins) -> Vec<String> {
    let injector = report
        .injector
        .clone()
        .unwrap_or_else(crate::injector::Identity::builtin);
    report
        .failures()
        .filter(|c| !environmental(c))
        .filter_map(|c| {
            let v = crate::version::parse(&c.go).ok()?;
            let m = pins.find(&v.version)?;
            let same = m.pin.evidence.as_ref().is_none_or(|e| e.is_for(&injector));
            (m.pin.strategy == Strategy::Injected && same).then(|| {
                format!(
                    "{} {} gave {} but the pins record {:?} as injected",
                    c.go,
                    c.platform(),
                    c.status.name(),
                    m.pin.go
                )
            })
        })
        .collect()
}

/// A cell that failed because of the machine, not the injector.
fn environmental(c: &Cell) -> bool {
    c.diagnosis
        .as_ref()
        .is_some_and(|d| d.class == crate::diagnosis::Class::Environment)
}

/// A note for reports whose injector no pin has evidence from.
pub fn pins_note(report: &Report, pins: &Pins) -> Option<String> {
    let injector = report.injector.as_ref()?;
    let any = pins
        .file
        .pins
        .iter()
        .filter_map(|p| p.evidence.as_ref())
        .any(|e| e.is_for(injector));
    (!any).then(|| {
        format!(
            "no pins in {} were recorded with the injector {:?} (sha256 {}): regressions are not computed for it",
            pins.source, injector.name, injector.sha256
        )
    })
}

/// `matrix plan`: the shards a CI matrix should run, with their cell counts.
pub fn plan(o: &RunOptions, shards: usize, format: &str) -> Result<()> {
    if shards == 0 || shards > report::MAX_SHARDS {
        bail!("--shards {shards}: give 1 to {} shards", report::MAX_SHARDS);
    }
    let loaded = spec::load(o.spec)?;
    let si = injector(&loaded)?;
    let (prepared, _) = prepare(&loaded, o, &si, true)?;
    let total = plan_cells(&prepared, &loaded).len();
    let include: Vec<serde_json::Value> = (1..=shards)
        .map(|i| {
            let n = (0..total).filter(|k| k % shards == i - 1).count();
            serde_json::json!({"shard": format!("{i}/{shards}"), "index": i, "total": shards, "cells": n})
        })
        .collect();
    match format {
        "github" => crate::outln!("{}", serde_json::json!({ "include": include }))?,
        "json" => crate::outln!("{}", serde_json::to_string_pretty(&include)?)?,
        _ => {
            for s in &include {
                crate::outln!(
                    "shard {}: {} cells",
                    s["shard"].as_str().unwrap_or(""),
                    s["cells"]
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgo_only_pairs() {
        assert!(needs_cgo("android", "386"));
        assert!(needs_cgo("ios", "arm64"));
        assert!(!needs_cgo("android", "arm64"));
        assert!(!needs_cgo("linux", "amd64"));
    }

    #[test]
    fn shards_partition() {
        let all: Vec<usize> = (0..10).collect();
        let mut seen: Vec<usize> = (1..=3)
            .flat_map(|i| shard(all.clone(), Some((i, 3))))
            .collect();
        seen.sort();
        assert_eq!(seen, all);
        assert_eq!(shard(all.clone(), Some((2, 3))), vec![1, 4, 7]);
    }
}
