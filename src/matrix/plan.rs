//! From a spec to cells: resolve the toolchains, prepare each (platforms,
//! injector, private GOCACHE, where binaries are kept), list the cells with
//! the ones decided without building, split them into shards, and order them.

use super::report::ToolchainInfo;
use super::shard::Shard;
use super::spec::{self, CgoOnly, InjectorChoice, Loaded, PlatformChoice, ToolchainEntry};
use super::RunOptions;
use crate::go::discover::{self, Toolchain};
use crate::go::gocmd::Go;
use crate::go::platforms::Platform;
use crate::go::platforms::{needs_cgo, CGO_ONLY_WHY};
use crate::inject::build::{BuildInfo, PackageSpec};
use crate::inject::injector::Injector;
use crate::verify::cell::{Outcome, Status, Verified};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// One toolchain of the run, with what the cells need from it.
pub(super) struct Prepared {
    pub(super) tc: Toolchain,
    pub(super) info: ToolchainInfo,
    /// The injector its cells build through (None: it could not be built).
    pub(super) injector: Option<Injector>,
    pub(super) gocache: Option<PathBuf>,
    /// What failure diagnoses need to know about this toolchain.
    pub(super) diag: crate::verify::diagnosis::Context,
    /// Where this toolchain's binaries are kept between runs.
    pub(super) out_dir: PathBuf,
    pub(super) platforms: Vec<Platform>,
}

/// A cell to run, or one already decided without building.
pub(super) struct Planned {
    pub(super) toolchain: usize,
    pub(super) goos: String,
    pub(super) goarch: String,
    pub(super) preset: Option<Outcome>,
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
pub(super) enum SpecInjector {
    Fixed(Box<Injector>),
    Package(PackageSpec),
}

impl SpecInjector {
    pub(super) fn identity(&self) -> Result<crate::inject::injector::Identity> {
        match self {
            SpecInjector::Fixed(i) => Ok(i.id.clone()),
            SpecInjector::Package(p) => p.identity(),
        }
    }

    /// The report's `toolexec` field.
    pub(super) fn describe(&self) -> String {
        match self {
            SpecInjector::Fixed(i) if i.builtin => crate::inject::injector::BUILTIN_NAME.into(),
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
        SpecInjector::Fixed(i) => (Some(i.as_ref().clone()), None),
        SpecInjector::Package(p) => match crate::inject::build::build(p, tc)? {
            Ok((i, info)) => (Some(i), Some(info)),
            Err(info) => (None, Some(info)),
        },
    })
}

/// Resolves the toolchains and, unless `plan_only`, what their cells need:
/// the injector (built per toolchain when the spec names a package), its
/// cache policy and the kept-binary folder.
pub(super) fn prepare(
    loaded: &Loaded,
    o: &RunOptions,
    si: &SpecInjector,
    plan_only: bool,
) -> Result<(Vec<Prepared>, Vec<String>)> {
    let mut bins: Vec<PathBuf> = Vec::new();
    let mut notes = Vec::new();
    for e in &loaded.spec.toolchains {
        let found = resolve_entry(e, o)
            .with_context(|| format!("{}: toolchain {e}", loaded.path.display()))?;
        if found.is_empty() {
            // `next` between a release and the next rc: nothing to run.
            notes.push(format!("toolchain {e}: no toolchain fits (for `next`: no pre-release is newer than the newest stable release), so it has no cells"));
        }
        for b in found {
            let canon = b.canonicalize().unwrap_or(b);
            if !bins.contains(&canon) {
                bins.push(canon);
            }
        }
    }
    let mut out = Vec::new();
    let mut all_known: Vec<String> = Vec::new();
    for bin in bins {
        let go = Go::new(bin, o.go_timeout);
        let tc = discover::discover(&go)?;
        let gccgo = tc.version.compiler == crate::go::version::Compiler::Gccgo;
        let known = if gccgo {
            crate::go::platforms::host_only(&tc)
        } else {
            crate::go::platforms::platforms_with_broken(&go)?
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
        let mut built_by = build.as_ref().map(|b| b.built_by.clone());
        let mut diag = crate::verify::diagnosis::Context::default();
        let goid_type = crate::go::runtime_layout::read(tc.goroot()).goid_type;
        // Kept binaries are keyed on content: the injector's bytes, the
        // toolchain, the program's sources and the flags.
        let mut key = crate::support::cache::Key::new("matrix-bin");
        tc.key_into(&mut key)
            .str("lean", if loaded.spec.lean { "1" } else { "0" });
        match &loaded.program {
            Some((dir, pkg)) => key.tree("program", dir).str("package", pkg),
            None => key.str("program", "probe"),
        };
        if let Some(inj) = &inj {
            let toolexec = inj.command.as_str();
            let known = crate::inject::facts::gather(&tc, inj, build.as_ref(), o.go_timeout);
            if let Some(Err(e)) = known.tool_id {
                return Err(e).with_context(|| {
                    format!(
                        "{}: toolexec {toolexec:?} (run as `{toolexec} <GOTOOLDIR>/compile -V=full`)",
                        loaded.path.display()
                    )
                });
            }
            let salted = known.salted;
            if known.kind != crate::inject::facts::Kind::Builtin {
                // As for the live check: another injector's cells never
                // share the user's GOCACHE (a chain that passes qcompat's
                // salted line through would reuse qcompat's runtime.a).
                let dir = crate::verify::live::private_gocache(&tc, inj)?;
                gocache = Some(dir.clone());
                if salted == Some(false) {
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
                }
            }
            built_by = known.built_by;
            diag = crate::verify::live::diag_context(
                &tc,
                inj,
                salted,
                built_by.clone(),
                goid_type.clone(),
            );
            key.file("injector", &inj.exe).str("command", toolexec);
        }
        if let Some(b) = build
            .as_ref()
            .filter(|b| b.status == crate::inject::build::BuildStatus::Failed)
        {
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
        let out_dir = crate::support::cache::Area::MatrixBin.entry(&key)?;
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
pub(super) fn plan_cells(prepared: &[Prepared], loaded: &Loaded) -> Vec<Planned> {
    let mut cells = Vec::new();
    for (i, p) in prepared.iter().enumerate() {
        let mut plats = p.platforms.clone();
        plats.sort_by_key(Platform::name);
        for plat in plats {
            let preset = if p.tc.version.compiler == crate::go::version::Compiler::Gccgo {
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
                .filter(|b| b.status == crate::inject::build::BuildStatus::Failed)
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
                    format!(
                        "{} requires {CGO_ONLY_WHY} (set cgo_only: build to try)",
                        plat.name()
                    ),
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

/// Cell indexes in the order to run them: the most expected work first
/// (wasm builds are the largest and run under Node; qemu runs are slow;
/// decided cells cost nothing), planned order among equals.
pub(super) fn execution_order(planned: &[Planned], exec: bool) -> Vec<usize> {
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

/// Which tasks of the pool's queue build on one thread
/// ([`crate::go::gocmd::single_threaded`]), given which tasks build at all
/// (a cell decided without a build does not). While every worker has a build
/// to start after this one, every core is busy with a build of its own, and
/// one thread per build wastes less than builds spread over all cores; the
/// last builds (fewer than the workers) get every core. A pool with fewer
/// workers than cores never narrows its builds.
pub(super) fn single_threaded(builds: &[bool], jobs: usize, cores: usize) -> Vec<bool> {
    let mut left = builds.iter().filter(|&&b| b).count();
    builds
        .iter()
        .map(|&b| {
            let narrow = jobs >= cores && left >= jobs;
            left -= usize::from(b);
            narrow
        })
        .collect()
}

/// The injector under test of a spec.
pub(super) fn injector(loaded: &Loaded) -> Result<SpecInjector> {
    Ok(match &loaded.injector {
        InjectorChoice::Builtin => SpecInjector::Fixed(Box::new(Injector::builtin()?)),
        InjectorChoice::Command(c) => SpecInjector::Fixed(Box::new(
            Injector::from_command(c, crate::inject::injector::Source::Flag)
                .with_context(|| format!("{}: toolexec", loaded.path.display()))?,
        )),
        InjectorChoice::Package(p) => SpecInjector::Package(p.clone()),
    })
}

/// One shard of a CI matrix and how many cells it runs.
pub struct ShardCount {
    pub index: usize,
    pub total: usize,
    pub cells: usize,
}

/// `matrix plan`: the shards a CI matrix should run, with their cell counts;
/// what the counts rest on goes to `note` as it is found.
pub fn plan(
    o: &RunOptions,
    shards: usize,
    note: &mut dyn FnMut(String),
) -> Result<Vec<ShardCount>> {
    if shards == 0 || shards > super::shard::MAX_SHARDS {
        bail!(
            "--shards {shards}: give 1 to {} shards",
            super::shard::MAX_SHARDS
        );
    }
    let mut loaded = spec::load(o.spec)?;
    let si = injector(&loaded)?;
    // Selectors resolve to versions without downloading anything: those on
    // this machine are counted with their own platforms, the others with
    // the newest one here (the shard runs fetch them).
    let opts = crate::toolchains::Options::new(o.offline, o.go_timeout);
    let mut entries = Vec::new();
    let mut missing = Vec::new();
    for e in &loaded.spec.toolchains {
        match e {
            ToolchainEntry::Selector(s) if s != "local" => {
                let found = crate::toolchains::resolve_without_download(s, &opts)
                    .with_context(|| format!("{}: toolchain {e}", loaded.path.display()))?;
                if found.is_empty() {
                    note(format!("{s}: no toolchain fits (for `next`: no pre-release is newer than the newest stable release), so it adds no cells"));
                }
                for (v, here) in found {
                    match here {
                        Some(i) => entries.push(ToolchainEntry::Path { path: i.goroot }),
                        None => missing.push(crate::go::version::format_go_name(&v)),
                    }
                }
            }
            other => entries.push(other.clone()),
        }
    }
    // With nothing here to count with, the local go's platforms stand in
    // (its own cells are not part of the run).
    let estimate_only = entries.is_empty() && !missing.is_empty();
    if estimate_only {
        entries.push(ToolchainEntry::Selector("local".into()));
    }
    loaded.spec.toolchains = entries;
    let (prepared, _) = if loaded.spec.toolchains.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        prepare(&loaded, o, &si, true)?
    };
    let mut total = 0;
    let mut newest = (None, 0);
    for (i, p) in prepared.iter().enumerate() {
        let n = plan_cells(&prepared[i..=i], &loaded).len();
        if !estimate_only {
            total += n;
        }
        if newest.0.is_none_or(|v| &p.tc.version.version > v) {
            newest = (Some(&p.tc.version.version), n);
        }
    }
    for m in &missing {
        note(format!(
            "{m} is not on this machine (not downloaded for a plan): its cells are counted with the platforms of {}",
            newest.0.map(crate::go::version::format_go_name).unwrap_or_default()
        ));
        total += newest.1;
    }
    Ok((1..=shards)
        .map(|index| ShardCount {
            index,
            total: shards,
            cells: Shard {
                index,
                total: shards,
            }
            .keep((0..total).collect())
            .len(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_narrow_while_every_worker_has_one() {
        // Six builds on two workers and two cores: the last one gets both.
        let six = [true; 6];
        assert_eq!(
            single_threaded(&six, 2, 2),
            [true, true, true, true, true, false]
        );
        // Decided cells (false) at the end do not count as work left.
        let with_decided = [true, true, true, false, false];
        assert_eq!(
            single_threaded(&with_decided, 2, 2)[..3],
            [true, true, false]
        );
        // Four workers: the last three builds spread.
        assert_eq!(
            single_threaded(&six, 4, 4),
            [true, true, true, false, false, false]
        );
        // Fewer workers than cores (--jobs 1 on two): never narrowed.
        assert_eq!(single_threaded(&six, 1, 2), [false; 6]);
        // More workers than builds: nothing to narrow.
        assert_eq!(single_threaded(&six, 8, 2), [false; 6]);
    }
}
