//! A plan's toolchains: resolve the spec's selectors, then prepare each
//! (platforms, injector, private GOCACHE, where binaries are kept) for
//! `cells` to list its cells and `plan` to hold them.

use super::plan::{Depth, PlanOptions};
use super::report::ToolchainInfo;
use super::spec::{GocacheMode, InjectorChoice, Loaded, PlatformChoice, SpecToolchain};
use crate::go::discover::{self, Toolchain};
use crate::go::gocmd::Go;
use crate::go::platforms::Platform;
use crate::inject::build::{BuildInfo, PackageSpec};
use crate::inject::injector::Injector;
use crate::toolchains::Selector;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// One toolchain of the run, with what the cells need from it.
pub(super) struct Prepared {
    pub(super) tc: Toolchain,
    pub(super) info: ToolchainInfo,
    /// The injector its cells build through (None: it could not be built).
    pub(super) injector: Option<Injector>,
    pub(super) gocache: Caches,
    /// What failure diagnoses need to know about this toolchain.
    pub(super) diag: crate::verify::diagnosis::Context,
    /// Where this toolchain's binaries are kept between runs (a plan made
    /// at [`Depth::Run`] only).
    pub(super) out_dir: Option<PathBuf>,
    pub(super) platforms: Vec<Platform>,
}

/// Where a toolchain's cells find their GOCACHE.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) enum Caches {
    /// The GOCACHE the run was given (no injector, or qcompat's own, whose
    /// salted tool ID keeps its entries apart).
    #[default]
    Run,
    /// One GOCACHE of the injector's own (`gocache: private`).
    Private(PathBuf),
    /// A new GOCACHE per cell, a plain build of the same kind first
    /// (`gocache: shared`): the user's worst case, the same on every run.
    PlainFirst,
}

fn resolve_entry(entry: &SpecToolchain, o: &PlanOptions) -> Result<Vec<PathBuf>> {
    match entry {
        SpecToolchain::Select(Selector::Local) => Ok(vec![
            Go::locate(
                o.go_flag,
                o.go_timeout,
                &o.toolchains.env,
                o.toolchains.cancel,
            )?
            .path,
        ]),
        SpecToolchain::Path(path) => {
            let bin = path.join("bin/go");
            if bin.is_file() {
                Ok(vec![bin])
            } else if path.is_file() {
                Ok(vec![path.clone()])
            } else {
                bail!(
                    "toolchain path {} is neither a GOROOT (no bin/go) nor a go binary",
                    crate::support::output::shown(&path.display().to_string())
                )
            }
        }
        SpecToolchain::Select(s) => crate::toolchains::resolve_with(s, o.toolchains),
    }
}

/// The injector under test of a spec: one for the whole run, or a Go
/// package each toolchain builds for itself.
pub(super) enum SpecInjector {
    Fixed(Box<Injector>),
    Package(PackageSpec),
}

impl SpecInjector {
    pub(super) fn identity(
        &self,
        cancel: crate::support::process::Cancel,
    ) -> Result<crate::inject::injector::Identity> {
        match self {
            SpecInjector::Fixed(i) => Ok(i.id.clone()),
            SpecInjector::Package(p) => p.identity(cancel),
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

/// Resolves the toolchains and what their cells need: the injector (built
/// per toolchain when the spec names a package, at [`Depth::Run`]), its
/// cache policy and the kept-binary folder. What the cells rest on goes to
/// `notes`.
pub(super) fn prepare(
    loaded: &Loaded,
    o: &PlanOptions,
    si: &SpecInjector,
    notes: &mut Vec<String>,
    reporter: &dyn super::events::Reporter,
) -> Result<Vec<Prepared>> {
    let bins = resolve_toolchains(loaded, o, notes)?;
    let mut out = Vec::new();
    let mut all_known: Vec<String> = Vec::new();
    for bin in bins {
        out.push(prepare_one(
            loaded,
            o,
            si,
            Go::new(bin, o.go_timeout, &o.toolchains.env, o.toolchains.cancel),
            notes,
            &mut all_known,
        )?);
        let p = out.last().expect("just pushed");
        reporter.event(super::events::Event::Prepared {
            go: &p.info.go,
            injector: p.info.injector_build.as_ref(),
        });
    }
    // A kind limited to platforms the run has none of builds nothing: say so.
    for b in loaded.builds.iter().filter(|b| b.platforms.is_some()) {
        if !out
            .iter()
            .flat_map(|p: &Prepared| &p.platforms)
            .any(|plat| b.wanted(&plat.name()))
        {
            notes.push(format!(
                "builds: {}'s platforms match no platform of the run, so it has no cells",
                b.kind
            ));
        }
    }
    // With no toolchain (`next` naming nothing) there is no port to check.
    if let (PlatformChoice::List(list), false) = (&loaded.platforms, out.is_empty()) {
        for p in list {
            if !all_known.contains(p) {
                bail!(
                    "{}: platform {p} is not a port of any chosen toolchain (see `go tool dist list`)",
                    loaded.path.display()
                );
            }
        }
    }
    Ok(out)
}

/// The go binaries of the spec's toolchains, each once.
fn resolve_toolchains(
    loaded: &Loaded,
    o: &PlanOptions,
    notes: &mut Vec<String>,
) -> Result<Vec<PathBuf>> {
    let mut bins: Vec<PathBuf> = Vec::new();
    for e in &loaded.toolchains {
        let found = resolve_entry(e, o)
            .with_context(|| format!("{}: toolchain {e}", loaded.path.display()))?;
        if let (true, SpecToolchain::Select(s)) = (found.is_empty(), e) {
            // `next` between a release and the next rc: nothing to run.
            let why = crate::toolchains::nothing_fits(s, o.toolchains);
            notes.push(format!("toolchain {why}, so it has no cells"));
        }
        for b in found {
            let canon = b.canonicalize().unwrap_or(b);
            if !bins.contains(&canon) {
                bins.push(canon);
            }
        }
    }
    Ok(bins)
}

/// One toolchain of the run: its platforms, injector and kept-binary folder.
fn prepare_one(
    loaded: &Loaded,
    o: &PlanOptions,
    si: &SpecInjector,
    go: Go,
    notes: &mut Vec<String>,
    all_known: &mut Vec<String>,
) -> Result<Prepared> {
    // The one facts producer: the toolchain, its runtime layout, its ports.
    let facts = crate::inject::facts::ToolchainFacts::with_platforms(discover::discover(&go)?)?;
    let known = facts.platforms.clone().unwrap_or_default();
    let goid_type = facts.layout.goid_type.clone();
    let tc = facts.toolchain;
    let gccgo = tc.version.compiler == crate::go::version::Compiler::Gccgo;
    all_known.extend(known.iter().map(Platform::name));
    // A gccgo column must not read as the gc release of its language.
    let name = if gccgo {
        tc.version.raw.clone()
    } else {
        tc.version.go_name()
    };
    let platforms = choose_platforms(loaded, &known, &name, notes);
    let (inj, build) = if o.depth != Depth::Run || gccgo {
        (None, None)
    } else {
        injector_for(si, &tc)?
    };
    let mut setup = InjectorSetup {
        built_by: build.as_ref().map(|b| b.built_by.clone()),
        ..InjectorSetup::default()
    };
    if let Some(inj) = &inj {
        setup = injector_setup(loaded, o, &tc, &name, inj, build.as_ref(), &goid_type)?;
    }
    if let Some(b) = build
        .as_ref()
        .filter(|b| b.status == crate::inject::build::BuildStatus::Failed)
    {
        setup.note = Some(format!(
            "the injector cannot be built by {name}: {}",
            b.reason()
        ));
    }
    // Only a run keeps binaries: a plan neither hashes the program's tree
    // nor makes folders in the cache.
    let out_dir = match o.depth {
        Depth::Run => Some(kept_binaries(loaded, &tc, inj.as_ref())?),
        Depth::Estimate => None,
    };
    Ok(Prepared {
        out_dir,
        info: ToolchainInfo {
            go: name,
            path: go.path.display().to_string(),
            goroot: tc.env.goroot.clone(),
            private_gocache: matches!(setup.gocache, Caches::Private(_)),
            note: setup.note,
            injector_built_by: setup.built_by,
            injector_build: build,
            goid_type,
            linkname: None,
        },
        tc,
        injector: inj,
        gocache: setup.gocache,
        diag: setup.diag,
        platforms,
    })
}

/// The folder where a toolchain's binaries are kept between runs, made.
fn kept_binaries(loaded: &Loaded, tc: &Toolchain, inj: Option<&Injector>) -> Result<PathBuf> {
    let mut key = bin_key(loaded, tc);
    if let Some(inj) = inj {
        key.file("injector", &inj.exe).str("command", &inj.command);
    }
    let dir = crate::support::cache::Area::MatrixBin.entry(&key, &tc.go.env)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// Kept binaries are keyed on content: the toolchain, the program's sources
/// and the flags (the injector's bytes are added when there is one).
fn bin_key(loaded: &Loaded, tc: &Toolchain) -> crate::support::cache::Key {
    let mut key = crate::support::cache::Key::new("matrix-bin");
    tc.key_into(&mut key)
        .str("lean", if loaded.spec.lean { "1" } else { "0" });
    match &loaded.program {
        Some((dir, pkg)) => key.tree("program", dir).str("package", pkg),
        None => key.str("program", "probe"),
    };
    key
}

/// How one toolchain's cells use the injector.
#[derive(Default)]
struct InjectorSetup {
    gocache: Caches,
    note: Option<String>,
    built_by: Option<String>,
    diag: crate::verify::diagnosis::Context,
}

/// Reads the injector's facts on `tc` and decides its cells' GOCACHE.
fn injector_setup(
    loaded: &Loaded,
    o: &PlanOptions,
    tc: &Toolchain,
    name: &str,
    inj: &Injector,
    build: Option<&BuildInfo>,
    goid_type: &Option<String>,
) -> Result<InjectorSetup> {
    let toolexec = inj.command.as_str();
    let known = crate::inject::facts::gather(tc, inj, build, o.go_timeout);
    if let Some(Err(e)) = known.tool_id {
        return Err(e).with_context(|| {
            format!(
                "{}: toolexec {} (run as `{toolexec} <GOTOOLDIR>/compile -V=full`)",
                loaded.path.display(),
                crate::support::output::shown(toolexec)
            )
        });
    }
    let salted = known.salted;
    let mut setup = InjectorSetup::default();
    if known.kind != crate::inject::facts::Kind::Builtin
        && loaded.spec.gocache == GocacheMode::Private
    {
        // As for the live check: another injector's cells never
        // share the user's GOCACHE (a chain that passes qcompat's
        // salted line through would reuse qcompat's runtime.a).
        let dir = crate::verify::live::private_gocache(tc, inj)?;
        setup.gocache = Caches::Private(dir.clone());
        if salted == crate::inject::facts::Salting::Unsalted {
            let mut n = format!(
                "{} leaves `compile -V=full` unchanged, so its cells used a GOCACHE of their own ({}) instead of sharing plain builds' entries",
                crate::support::output::shown(toolexec),
                dir.display()
            );
            if !tc.version.at_least(1, 20) {
                n.push_str(&format!(
                    "; {name} ships a precompiled std in $GOROOT/pkg for the host, so the go command never runs such an injector for runtime in host builds (not even with a fresh GOCACHE) unless -a is passed, which is what its users will hit; cross builds compile runtime and do run it"
                ));
            }
            setup.note = Some(n);
        }
    } else if known.kind != crate::inject::facts::Kind::Builtin {
        // gocache: shared. Each cell gets a new GOCACHE where the same kind
        // is built plain first: the verdict depends neither on what ran in
        // the run's GOCACHE before nor on the lean flags.
        setup.gocache = Caches::PlainFirst;
        if salted == crate::inject::facts::Salting::Unsalted {
            setup.note = Some(format!(
                "{} leaves `compile -V=full` unchanged and the spec says gocache: shared, so each cell was built as its users build after a plain build: the same kind without the injector first, then through it, in a new GOCACHE",
                crate::support::output::shown(toolexec)
            ));
        }
    }
    setup.built_by = known.built_by;
    setup.diag = crate::verify::live::diag_context(
        tc,
        inj,
        salted,
        setup.built_by.clone(),
        goid_type.clone(),
    );
    Ok(setup)
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

/// The injector under test of a spec (a command looked up on `env`'s PATH).
pub(super) fn injector(loaded: &Loaded, env: &crate::support::env::Env) -> Result<SpecInjector> {
    Ok(match &loaded.injector {
        InjectorChoice::Builtin => SpecInjector::Fixed(Box::new(Injector::builtin(env)?)),
        InjectorChoice::Command(c) => SpecInjector::Fixed(Box::new(
            Injector::from_command(c, crate::inject::injector::Source::Flag, env)
                .with_context(|| format!("{}: toolexec", loaded.path.display()))?,
        )),
        InjectorChoice::Package(p) => SpecInjector::Package(p.clone()),
    })
}
