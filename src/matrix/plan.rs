//! A run's plan as one value: the spec and its injector, the toolchains
//! resolved and prepared, every cell (toolchain x platform x kind, those
//! decided without building marked), each cell's expected cost and the shard
//! that runs it. `matrix plan` prints it ([`Plan::document`]); `matrix run`
//! makes the same plan at [`Depth::Run`] and executes its shard's cells, so
//! the two agree on the cells, their order, the split and the fingerprint.

use super::cells::{plan_cells, Planned};
use super::events::Reporter;
use super::fingerprint::Fingerprint;
use super::plan_document::PlanDocument;
use super::prepare::{injector, prepare, Prepared, SpecInjector};
use super::schedule::expected_cost;
use super::shard::{split, Shard, MAX_SHARDS};
use super::spec::{self, Loaded, SpecToolchain, VerifyMode};
use crate::go::platforms::Platform;
use crate::toolchains::Selector;
use crate::verify::kind::BuildKind;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::time::Duration;

mod fixed;

/// How far a plan goes to know its toolchains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// What a run needs: selectors resolved (downloading what is missing)
    /// and injector packages built by each toolchain.
    Run,
    /// What a CI plan job needs, cheaply: nothing downloaded (a toolchain not
    /// on this machine is counted with the platforms of the newest one that
    /// is) and no injector built.
    Estimate,
}

/// What a plan is made from.
pub struct PlanOptions<'a> {
    pub spec: &'a Path,
    pub go_flag: Option<&'a Path>,
    pub go_timeout: Duration,
    /// How toolchain selectors are resolved (providers, index, offline),
    /// and where downloads are shown.
    pub toolchains: &'a crate::toolchains::Options<'a>,
    /// How many shards the cells are split over (1 to [`MAX_SHARDS`]).
    pub shards: usize,
    pub depth: Depth,
    /// A plan `matrix plan` wrote earlier (its file, read): the toolchains
    /// are the versions it names, and the cells must be its cells.
    pub fixed: Option<(&'a Path, &'a PlanDocument)>,
}

/// What the spec asks for, before any toolchain is resolved.
pub struct Subject {
    pub(super) loaded: Loaded,
    pub(super) injector: SpecInjector,
}

impl Subject {
    /// Loads the spec at `path`; a `toolexec:` command is looked up on
    /// `env`'s PATH.
    pub fn load(path: &Path, env: &crate::support::env::Env) -> Result<Subject> {
        let loaded = spec::load(path)?;
        let injector = injector(&loaded, env)?;
        Ok(Subject { loaded, injector })
    }
}

/// A toolchain a [`Depth::Estimate`] plan did not fetch: its cells are
/// those of the toolchain `like` has.
pub(super) struct Estimated {
    pub(super) go: String,
    pub(super) like: String,
    pub(super) cells: Vec<(Platform, BuildKind)>,
}

/// The plan of a run (see the module's comment).
pub struct Plan {
    pub(super) subject: Subject,
    pub(super) toolchains: Vec<Prepared>,
    /// Every cell of the run, in planned order (toolchain, platform, kind).
    pub(super) cells: Vec<Planned>,
    /// [`Depth::Estimate`] only: the toolchains not on this machine.
    pub(super) estimated: Vec<Estimated>,
    pub(super) depth: Depth,
    pub(super) shards: usize,
    /// What the plan rests on (a toolchain that adds no cells, a platform
    /// that is not a port...), for the report and the terminal.
    pub notes: Vec<String>,
    /// The environment snapshot it was made with (its run builds with it).
    pub(super) env: crate::support::env::Env,
}

impl Plan {
    /// Resolves and prepares the subject's toolchains as deep as `o.depth`,
    /// lists the cells and splits them over `o.shards`.
    pub fn make(mut subject: Subject, o: &PlanOptions, reporter: &dyn Reporter) -> Result<Plan> {
        if o.shards == 0 || o.shards > MAX_SHARDS {
            bail!("--shards {}: give 1 to {MAX_SHARDS} shards", o.shards);
        }
        if let Some((path, doc)) = o.fixed {
            fixed::pin(&mut subject.loaded, path, doc, o.shards)?;
        }
        let mut notes = Vec::new();
        let (toolchains, estimated) = match o.depth {
            Depth::Run => {
                let prepared = prepare(&subject.loaded, o, &subject.injector, &mut notes, reporter);
                let prepared = match (prepared, o.fixed) {
                    // The plan chose these toolchains, not the spec: say so.
                    (Err(e), Some((path, _))) => Err(e.context(format!(
                        "the toolchains {} names (install them, or plan again)",
                        path.display()
                    ))),
                    (p, _) => p,
                };
                (prepared?, Vec::new())
            }
            Depth::Estimate => estimate(&subject, o, &mut notes, reporter)?,
        };
        let cells = plan_cells(&toolchains, &subject.loaded);
        if cells.is_empty() && !toolchains.is_empty() {
            // A glob typo must not pass as a run that tested nothing.
            let names: Vec<&str> = toolchains.iter().map(|p| p.info.go.as_str()).collect();
            bail!(
                "{}: no cell to run: the spec's platforms, include, exclude and builds match no port of {}; check them against `go tool dist list`",
                subject.loaded.path.display(),
                names.join(", ")
            );
        }
        let plan = Plan {
            subject,
            toolchains,
            cells,
            estimated,
            depth: o.depth,
            shards: o.shards,
            notes,
            env: o.toolchains.env.clone(),
        };
        if let Some((path, doc)) = o.fixed {
            fixed::same_cells(&plan, path, doc)?;
        }
        Ok(plan)
    }

    /// The expected cost of each cell, then of each estimated cell (what
    /// the shards are split by: see [`expected_cost`]).
    pub(super) fn costs(&self) -> Vec<u32> {
        let exec = self.subject.loaded.spec.verify == VerifyMode::Exec;
        let run = self.cells.iter().map(|c| (&c.platform, c.kind));
        let estimated = self
            .estimated
            .iter()
            .flat_map(|e| e.cells.iter().map(|(p, k)| (p, *k)));
        run.chain(estimated)
            .map(|(p, k)| expected_cost(p, k, exec))
            .collect()
    }

    /// The shard of each cell, then of each estimated cell, as [`split`]
    /// shares them out by their expected cost.
    pub(super) fn shard_of_each(&self) -> Vec<Shard> {
        let total = self.shards;
        let owner = split(&self.costs(), total);
        owner
            .into_iter()
            .map(|o| Shard {
                index: o + 1,
                total,
            })
            .collect()
    }

    /// The indexes (into `cells`) of the cells `shard` runs: all of them
    /// without one. The shard must be one of this plan's split.
    pub(super) fn shard_cells(&self, shard: Option<Shard>) -> Result<Vec<usize>> {
        let Some(s) = shard else {
            return Ok((0..self.cells.len()).collect());
        };
        if s.total != self.shards {
            bail!(
                "shard {s} of a plan split into {} shards: plan with --shards {}",
                self.shards,
                s.total
            );
        }
        let each = self.shard_of_each();
        Ok((0..self.cells.len()).filter(|&k| each[k] == s).collect())
    }

    /// The whole run's fingerprint, which every shard's report carries;
    /// None while toolchains are estimated (their cells are a guess).
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        if !self.estimated.is_empty() {
            return None;
        }
        Some(Fingerprint::new(
            &self.subject.loaded.sha256,
            self.cells.iter().map(|c| {
                let go = self.toolchains[c.toolchain].info.go.as_str();
                (go, c.platform.name(), c.kind)
            }),
        ))
    }
}

/// The toolchains of an estimate: those on this machine prepared (without
/// injector builds), the others named and counted with the cells of the
/// newest one here (or, with none here, of the local go's).
fn estimate(
    subject: &Subject,
    o: &PlanOptions,
    notes: &mut Vec<String>,
    reporter: &dyn Reporter,
) -> Result<(Vec<Prepared>, Vec<Estimated>)> {
    let loaded = &subject.loaded;
    let (entries, missing) = here_or_missing(loaded, o, notes)?;
    let local_only = entries.is_empty() && !missing.is_empty();
    let here = Loaded {
        toolchains: match local_only {
            true => vec![SpecToolchain::Select(Selector::Local)],
            false => entries,
        },
        ..loaded.clone()
    };
    // What the local go stands in for is said by the estimate's notes.
    let mut stand_in_notes = Vec::new();
    let prepared = match here.toolchains.is_empty() {
        true => Vec::new(),
        false => prepare(
            &here,
            o,
            &subject.injector,
            if local_only {
                &mut stand_in_notes
            } else {
                notes
            },
            reporter,
        )?,
    };
    let newest = (0..prepared.len()).max_by(|&a, &b| {
        let v = |i: usize| &prepared[i].tc.version.version;
        v(a).cmp(v(b))
    });
    let mut estimated = Vec::new();
    if let Some(n) = newest {
        let like = prepared[n].info.go.clone();
        let cells: Vec<(Platform, BuildKind)> = plan_cells(&prepared[n..=n], loaded)
            .into_iter()
            .map(|c| (c.platform, c.kind))
            .collect();
        for go in missing {
            notes.push(format!(
                "{go} is not on this machine (not downloaded for a plan): its cells are counted with the platforms of {like}"
            ));
            estimated.push(Estimated {
                go,
                like: like.clone(),
                cells: cells.clone(),
            });
        }
    }
    // The local go only stood in: its own cells are not part of the run.
    Ok((if local_only { Vec::new() } else { prepared }, estimated))
}

/// The spec's toolchains resolved without downloading anything: those on
/// this machine (as paths), and the names of the others.
fn here_or_missing(
    loaded: &Loaded,
    o: &PlanOptions,
    notes: &mut Vec<String>,
) -> Result<(Vec<SpecToolchain>, Vec<String>)> {
    let mut entries = Vec::new();
    let mut missing = Vec::new();
    for e in &loaded.toolchains {
        match e {
            SpecToolchain::Select(s) if *s != Selector::Local => {
                let found = crate::toolchains::resolve_without_download(s, o.toolchains)
                    .with_context(|| format!("{}: toolchain {e}", loaded.path.display()))?;
                if found.is_empty() {
                    let why = crate::toolchains::nothing_fits(s, o.toolchains);
                    notes.push(format!("toolchain {why}, so it has no cells"));
                }
                for (v, here) in found {
                    match here {
                        Some(i) => entries.push(SpecToolchain::Path(i.goroot)),
                        None => missing.push(crate::go::version::format_go_name(&v)),
                    }
                }
            }
            other => entries.push(other.clone()),
        }
    }
    Ok((entries, missing))
}
