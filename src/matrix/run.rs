//! The executor: runs the planned cells (and each toolchain's linkname
//! check) in a worker pool, longest first, emits an [`Event`] as each cell
//! starts and ends, stops cleanly on Ctrl-C, and returns the report. It
//! prints nothing: the reporter does.

use super::cells::Planned;
use super::events::{Event, Finished, Reporter};
use super::plan::{Depth, Plan, PlanOptions, Subject};
use super::prepare::{Caches, Prepared};
use super::report::{self, Cell, Report};
use super::schedule::{execution_order, single_threaded};
use super::spec::{Loaded, VerifyMode};
use super::{RunOptions, COMMIT};
use crate::go::linkname::{self, Policy};
use crate::verify::cell::{self, CellCache, Job, Ran};
use crate::verify::kind::BuildKind;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Work for the pool.
#[derive(Clone, Copy)]
enum Task {
    Linkname(usize),
    Cell(usize),
}

/// A toolchain's linkname policy, measured by two throwaway host builds.
/// Through qcompat's own injector (salted, so in the shared GOCACHE) they
/// reuse the runtime the host cell compiles with the same flags; if that
/// build fails for another reason than the policy, the plain check decides.
fn linkname_policy(p: &Prepared, single_threaded: bool) -> Option<Policy> {
    let own = p
        .injector
        .as_ref()
        .filter(|i| i.builtin && p.gocache == Caches::Run)
        .map(|i| i.command.as_str());
    match own.map(|t| linkname::verify_through(&p.tc, Some(t), single_threaded)) {
        Some(Ok(v)) if v.policy != Policy::Unsupported => Some(v.policy),
        _ => linkname::verify(&p.tc).ok().map(|v| v.policy),
    }
}

const WORK_PREFIX: &str = "qcompat-matrix-";

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
            Some(pid) => !crate::support::process::alive(pid),
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

fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Runs the matrix: makes the plan at [`Depth::Run`] (resolving and
/// downloading toolchains, building injectors) and executes `r.shard`'s
/// cells of it; what happens on the way goes to `reporter` as [`Event`]s.
pub fn run(o: &PlanOptions, r: RunOptions, reporter: &dyn Reporter) -> Result<Finished> {
    // From here to the end, `prune` leaves the cache's build areas and
    // toolchains alone (asking for a derived area marks the cache in use).
    let env = &o.toolchains.env;
    crate::support::cache::Area::MatrixBin.dir(env)?;
    let subject = Subject::load(o.spec, env)?;
    let head = report_head(&subject, &r, &now_rfc3339());
    let plan = match Plan::make(subject, o, reporter) {
        Ok(p) => p,
        // Interrupted while resolving toolchains (a download) or building
        // injectors: still leave a report that says so.
        Err(e) if r.cancel.is_cancelled() => {
            let report = Report {
                notes: vec![format!(
                    "interrupted while preparing the run ({e:#}); no cell was built"
                )],
                ..head
            };
            return Ok(Finished {
                report,
                interrupted: true,
            });
        }
        Err(e) => return Err(e),
    };
    execute(plan, head, r, reporter)
}

/// Executes a plan made at [`Depth::Run`]: `r.shard`'s cells (all without
/// one) in a pool; `head` is the report without cells or toolchains.
pub fn execute(
    plan: Plan,
    mut head: Report,
    r: RunOptions,
    reporter: &dyn Reporter,
) -> Result<Finished> {
    if plan.depth != Depth::Run {
        anyhow::bail!(
            "an estimated plan names toolchains it did not fetch: only a plan made to run can run"
        );
    }
    let fingerprint = plan.fingerprint();
    let mine = plan.shard_cells(r.shard)?;
    let Plan {
        subject,
        toolchains: prepared,
        cells,
        notes,
        env,
        ..
    } = plan;
    let mut keep = vec![false; cells.len()];
    for k in mine {
        keep[k] = true;
    }
    let planned: Vec<Planned> = cells
        .into_iter()
        .zip(keep)
        .filter_map(|(c, keep)| keep.then_some(c))
        .collect();
    let pool = Pool::new(&subject.loaded, &r, &env, &prepared, &planned)?;
    head.toolchains = prepared.iter().map(|p| p.info.clone()).collect();
    head.notes = notes;
    head.fingerprint = fingerprint;
    reporter.event(Event::Started {
        head: &head,
        cells: planned.len(),
    });
    let (cells, linkname) = pool.execute(reporter);
    reporter.event(Event::Stopped);
    let interrupted = r.cancel.is_cancelled();
    Ok(Finished {
        report: assemble(head, cells, linkname, planned.len(), interrupted),
        interrupted,
    })
}

/// What every cell of a run shares: the program, the work folder, the pool's
/// size and the tasks in the order the workers take them.
struct Pool<'a> {
    loaded: &'a Loaded,
    prepared: &'a [Prepared],
    planned: &'a [Planned],
    module_dir: PathBuf,
    package: String,
    /// For a run of the user's program: qcompat's probe, built beside it for
    /// goid's calibrated result.
    probe_module: Option<PathBuf>,
    exec: bool,
    timeout: Duration,
    jobs: usize,
    tasks: Vec<Task>,
    /// Per task: build on one thread.
    narrow: Vec<bool>,
    /// Removed (with the go command's leftovers) when the run ends.
    work: tempfile::TempDir,
    /// Ctrl-C: no new task starts.
    cancel: crate::support::process::Cancel,
}

impl<'a> Pool<'a> {
    fn new(
        loaded: &'a Loaded,
        o: &RunOptions,
        env: &crate::support::env::Env,
        prepared: &'a [Prepared],
        planned: &'a [Planned],
    ) -> Result<Pool<'a>> {
        let exec_program = loaded.program.is_some() && loaded.spec.verify == VerifyMode::Exec;
        let probe_module = match exec_program {
            true => Some(crate::verify::probeprog::materialize(env)?),
            false => None,
        };
        let (module_dir, package) = match &loaded.program {
            Some((d, p)) => (d.clone(), p.clone()),
            None => (
                crate::verify::probeprog::materialize(env)?,
                crate::verify::probeprog::PACKAGE.to_string(),
            ),
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let jobs = o.jobs.or(loaded.spec.jobs).unwrap_or(cores).max(1);
        reclaim_stale_work_dirs();
        let exec = loaded.spec.verify == VerifyMode::Exec;
        let work = work_dir(prepared.len())?;
        // Longest cells first, so that no long cell runs alone at the end while
        // the other workers idle; the report keeps the planned order. The
        // linkname checks (two host builds each) go before them, in the same
        // pool, so no toolchain waits for its check before its cells start.
        let tasks: Vec<Task> = (0..prepared.len())
            // gccgo has no gc linker to measure.
            .filter(|&i| prepared[i].tc.version.compiler != crate::go::version::Compiler::Gccgo)
            .map(Task::Linkname)
            .chain(execution_order(planned, exec).into_iter().map(Task::Cell))
            .collect();
        let builds: Vec<bool> = tasks
            .iter()
            .map(|t| !matches!(t, Task::Cell(k) if planned[*k].preset.is_some()))
            .collect();
        Ok(Pool {
            narrow: single_threaded(&builds, jobs, cores),
            loaded,
            prepared,
            planned,
            module_dir,
            probe_module,
            package,
            exec,
            timeout: Duration::from_secs(loaded.spec.timeout),
            jobs,
            tasks,
            work,
            cancel: o.cancel,
        })
    }

    /// Runs the tasks on `jobs` workers until done or cancelled (Ctrl-C and
    /// SIGTERM: running builds are stopped and the run ends with a partial
    /// report). Returns the cells that finished,
    /// in planned order, and each toolchain's linkname policy.
    fn execute(self, reporter: &dyn Reporter) -> (Vec<Cell>, Vec<Option<Policy>>) {
        let results: Mutex<Vec<Option<Cell>>> = Mutex::new(vec![None; self.planned.len()]);
        let linkname: Mutex<Vec<Option<Policy>>> = Mutex::new(vec![None; self.prepared.len()]);
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..self.jobs.min(self.tasks.len().max(1)) {
                s.spawn(|| loop {
                    if self.cancel.is_cancelled() {
                        break;
                    }
                    let taken = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&task) = self.tasks.get(taken) else {
                        break;
                    };
                    let narrow = self.narrow[taken];
                    match task {
                        Task::Linkname(i) => {
                            let policy = linkname_policy(&self.prepared[i], narrow);
                            linkname.lock().expect("linkname lock")[i] = policy;
                        }
                        Task::Cell(k) => match self.cell(k, narrow, reporter) {
                            Some(cell) => results.lock().expect("results lock")[k] = Some(cell),
                            None => break,
                        },
                    }
                });
            }
        });
        let cells = results.into_inner().expect("results lock");
        (
            cells.into_iter().flatten().collect(),
            linkname.into_inner().expect("linkname lock"),
        )
    }

    /// Builds (or takes the preset result of) cell `k`; None when Ctrl-C
    /// stopped it.
    fn cell(&self, k: usize, single_threaded: bool, reporter: &dyn Reporter) -> Option<Cell> {
        let c = &self.planned[k];
        let p = &self.prepared[c.toolchain];
        let name = match c.kind {
            BuildKind::Build => format!("{} {}", p.info.go, c.platform.name()),
            k => format!("{} {} {k}", p.info.go, c.platform.name()),
        };
        reporter.event(Event::CellStarted {
            index: k,
            name: &name,
        });
        let work_dir = self.work.path().join(c.toolchain.to_string());
        let fresh = work_dir.join(format!("cell-{k}"));
        let fresh_cache = fresh.join("gocache");
        let (gocache, out_dir) = caches(p, &fresh, &fresh_cache);
        let job = Job {
            go: &p.tc.go,
            goroot: p.tc.goroot(),
            platform: c.platform.target(),
            toolexec: p.injector.as_ref().map(|i| i.command.as_str()),
            gocache,
            module_dir: &self.module_dir,
            package: &self.package,
            out_dir,
            work_dir: &work_dir,
            exec: self.exec,
            lean: self.loaded.spec.lean,
            kind: c.kind,
            cc: c.cc.as_deref(),
            extra_flags: &[],
            single_threaded,
            timeout: self.timeout,
            diag: &p.diag,
        };
        let ran = match &c.preset {
            Some(o) => Ran::Finished(o.clone()),
            None => cell::run(&job),
        };
        let outcome = match ran {
            Ran::Finished(o) => o,
            Ran::Interrupted(_) => {
                reporter.event(Event::CellInterrupted {
                    index: k,
                    name: &name,
                });
                return None;
            }
        };
        let mut cell = Cell::new(&p.info.go, job.platform, c.kind, outcome);
        if c.preset.is_none() && c.kind == BuildKind::Build {
            cell.calibrated = cell
                .calibrated
                .or_else(|| self.probe_calibrated(&cell, &job));
        }
        if let Some(d) = &cell.outcome.diagnosis {
            // The probe's own line (a wrong ID) stays ahead of the diagnosis.
            let line = d.line();
            cell.outcome.note = Some(match cell.outcome.note.take() {
                Some(n) => format!("{n}: {line}"),
                None => line,
            });
        }
        if p.gocache == Caches::PlainFirst {
            let _ = std::fs::remove_dir_all(&fresh);
        }
        reporter.event(Event::CellFinished {
            index: k,
            name: &name,
            cell: &cell,
        });
        Some(cell)
    }
}

impl Pool<'_> {
    /// For a run of the user's program: goid's calibrated path on the cell's
    /// platform, from qcompat's probe built beside the program in the same
    /// way (its std is already built) and run, so the pins record what the
    /// run proved of it. None when the program cell did not run and pass.
    fn probe_calibrated(
        &self,
        cell: &Cell,
        job: &Job,
    ) -> Option<crate::verify::probeprog::Calibrated> {
        let probe = self.probe_module.as_deref()?;
        if !job.exec || cell.outcome.status != crate::verify::cell::Status::Pass {
            return None;
        }
        let o = cell::run(&Job {
            module_dir: probe,
            package: crate::verify::probeprog::PACKAGE,
            ..job.clone()
        })
        .outcome();
        Cell::new(&cell.go, cell.target(), cell.build, o).calibrated
    }
}

/// A cell's GOCACHE and where its binaries go. gocache: shared: the cell's
/// own new GOCACHE and binaries under `fresh`, removed when it ends (a kept
/// binary would let the go command skip the builds that show the trap).
fn caches<'a>(
    p: &'a Prepared,
    fresh: &'a Path,
    fresh_cache: &'a Path,
) -> (CellCache<'a>, &'a Path) {
    // `execute` runs only plans made at Depth::Run, which keep binaries.
    let kept = || {
        p.out_dir
            .as_deref()
            .expect("a plan made to run has its folders")
    };
    match &p.gocache {
        Caches::Run => (CellCache::User, kept()),
        Caches::Private(d) => (CellCache::Private(d), kept()),
        Caches::PlainFirst => (CellCache::PlainFirst(fresh_cache), fresh),
    }
}

/// The run's work folder, with one subfolder per toolchain.
fn work_dir(toolchains: usize) -> Result<tempfile::TempDir> {
    let work = tempfile::Builder::new()
        .prefix(WORK_PREFIX)
        .tempdir()
        .map_err(crate::support::fs::tempfile_error)
        .with_context(|| {
            format!(
                "cannot create a work directory in {}",
                std::env::temp_dir().display()
            )
        })?;
    // Whose folder this is: a later run or `prune` removes it once this
    // process is gone (after a SIGKILL nothing else would).
    std::fs::write(work.path().join("pid"), std::process::id().to_string())?;
    for i in 0..toolchains {
        std::fs::create_dir_all(work.path().join(i.to_string()))?;
    }
    Ok(work)
}

/// The final report: the head with the cells that finished, the linkname
/// policies measured, and the notes the run's end calls for.
fn assemble(
    head: Report,
    cells: Vec<Cell>,
    linkname: Vec<Option<Policy>>,
    planned: usize,
    interrupted: bool,
) -> Report {
    let complete = !interrupted && cells.len() == planned;
    let mut report = Report {
        complete,
        cells,
        ..head
    };
    for (t, policy) in report.toolchains.iter_mut().zip(linkname) {
        t.linkname = policy;
    }
    if let Some(n) = default_build_note(&report) {
        report.notes.push(n);
    }
    if interrupted {
        report.notes.push(format!(
            "interrupted after {} of {} cells; run again to finish (the go build cache keeps what was built)",
            report.cells.len(),
            planned
        ));
    }
    report
}

/// When the probe ran and found that the injector does not define the
/// variable fallback-go's default build detects, the report says what that
/// means for the injector's users.
fn default_build_note(report: &Report) -> Option<String> {
    use crate::verify::probeprog::{parse_line, DefaultBuild, DETECTED_VAR};
    // One text whatever the cells, so that shards' notes merge into one.
    report
        .cells
        .iter()
        .filter_map(|c| parse_line(c.outcome.note.as_deref()?))
        .any(|l| l.default_build == Some(DefaultBuild::Undetected))
        .then(|| format!(
            "default build: the injector is not detected: it does not define runtime.{DETECTED_VAR}, so fallback-go's goid without tags takes its own calibrated or stack path in its builds; its users build with -tags=qcompat_injected, or the injector adds that variable (qcompat book, fallback-go: \"How the default build detects an injector\")"
        ))
}

/// A report of this run without toolchains or cells (the journal's header,
/// the start of the final report).
fn report_head(subject: &Subject, r: &RunOptions, started: &str) -> Report {
    let (loaded, si) = (&subject.loaded, &subject.injector);
    Report {
        schema: report::SCHEMA,
        complete: false,
        started: started.to_string(),
        qcompat_version: env!("CARGO_PKG_VERSION").to_string(),
        spec: loaded.path.display().to_string(),
        qcompat_commit: Some(COMMIT.to_string()),
        toolexec: si.describe(),
        // A package whose sources cannot be read fails its builds with the reason.
        injector: si.identity(r.cancel).ok(),
        program: loaded
            .program
            .as_ref()
            .map(|(d, p)| format!("{} {p}", d.display())),
        shard: r.shard,
        merged_shards: vec![],
        fingerprint: None,
        toolchains: vec![],
        notes: vec![],
        cells: vec![],
    }
}
