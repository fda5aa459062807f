//! `matrix merge`: shard reports of one run combined into one report,
//! refusing reports of other runs (another spec, injector, plan, qcompat
//! build), cells present twice and cells the run never planned; a merge that
//! lacks shards or planned cells, or cannot check them, is incomplete. The
//! result does not depend on the order the reports are given in.

use super::fingerprint::{cell_line, Fingerprint};
use super::report::{Cell, Report, SCHEMA};
use super::shard::Shard;
use anyhow::{bail, Result};
use std::collections::{BTreeSet, HashMap};

/// The notes a merge writes itself begin so; a merge of merges drops its
/// inputs' (they were true of the inputs, not of the new whole).
const MERGE_NOTE: &str = "incomplete: ";

/// Combines shard reports into one. It is complete when every shard of one
/// run is present and complete, and every planned cell is there, as every
/// report's fingerprint shows.
pub fn merge(mut reports: Vec<(String, Report)>) -> Result<Report> {
    if reports.is_empty() {
        bail!("matrix merge needs at least one report");
    }
    // Shards in their order, so that the result is the same for any order
    // of the command line.
    reports.sort_by_cached_key(|(name, r)| (shards_of(r), name.clone()));
    for (name, r) in &reports {
        check_report(name, r)?;
    }
    let (first_name, first) = &reports[0];
    for (name, r) in &reports[1..] {
        same_run(name, r, first_name, first)?;
    }
    // Fingerprints: every report's against the first that has one.
    let fingerprinted = reports
        .iter()
        .filter_map(|(n, r)| Some((n, r.fingerprint.as_ref()?)));
    if let Some((fname, f)) = fingerprinted.clone().next() {
        for (name, mine) in fingerprinted.skip(1) {
            Fingerprint::same_run(name, mine, fname, f)?;
        }
    }
    let mut out = Report {
        schema: SCHEMA,
        complete: true,
        started: first.started.clone(),
        qcompat_version: env!("CARGO_PKG_VERSION").to_string(),
        spec: first.spec.clone(),
        qcompat_commit: first.qcompat_commit.clone(),
        toolexec: first.toolexec.clone(),
        injector: first.injector.clone(),
        program: first.program.clone(),
        shard: None,
        merged_shards: vec![],
        fingerprint: reports.iter().find_map(|(_, r)| r.fingerprint.clone()),
        toolchains: vec![],
        notes: vec![],
        cells: vec![],
    };
    let mut shards = Shards::default();
    let mut cells = Cells::default();
    for (name, r) in &reports {
        out.complete &= r.complete || recomputed(r);
        out.started = out.started.clone().min(r.started.clone());
        shards.add(name, r, &mut out)?;
        for t in &r.toolchains {
            if !out
                .toolchains
                .iter()
                .any(|o| o.go == t.go && o.path == t.path)
            {
                out.toolchains.push(t.clone());
            }
        }
        for n in r.notes.iter().filter(|n| !n.starts_with(MERGE_NOTE)) {
            if !out.notes.contains(n) {
                out.notes.push(n.clone());
            }
        }
        cells.add(name, r)?;
    }
    shards.note_missing(&mut out);
    vouch(&reports, &mut out);
    out.cells = cells.against_plan(out.fingerprint.as_ref(), &mut out.notes)?;
    if out.notes.iter().any(|n| n.starts_with(MERGE_NOTE)) {
        out.complete = false;
    }
    out.merged_shards.sort_by_key(Shard::to_string);
    Ok(out)
}

/// A merge's `complete: false` that came from shards or cells missing from
/// it, which this merge checks again against the plan (an interrupted run
/// lacks planned cells, and says so here too).
fn recomputed(r: &Report) -> bool {
    !r.merged_shards.is_empty()
        && r.fingerprint
            .as_ref()
            .is_some_and(|f| !f.planned.is_empty())
}

/// The sort key of a report: its shards (a whole run's first).
fn shards_of(r: &Report) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = r
        .shard
        .iter()
        .chain(&r.merged_shards)
        .map(|s| (s.index, s.total))
        .collect();
    v.sort();
    v
}

/// What one report must hold on its own: a fingerprint whose plan is its
/// own, and durations that are durations.
fn check_report(name: &str, r: &Report) -> Result<()> {
    if let Some(f) = &r.fingerprint {
        f.check(name)?;
    }
    if let Some(c) = r
        .cells
        .iter()
        .find(|c| !(c.outcome.duration_s.is_finite() && c.outcome.duration_s >= 0.0))
    {
        bail!(
            "{name}: cell {} {} has duration_s {}, which is not a duration (0 or more seconds): the report was changed after the run",
            crate::support::output::shown(&c.go),
            crate::support::output::shown(&c.place()),
            c.outcome.duration_s
        );
    }
    Ok(())
}

/// Refuses a report of another run than `first`: every report is compared
/// with one, so all are with each other.
fn same_run(name: &str, r: &Report, first_name: &str, first: &Report) -> Result<()> {
    use crate::support::output::shown;
    // With fingerprints the spec is its bytes (compared with the plans), not
    // its path, which differs between shards run from other folders.
    let fingerprinted = r.fingerprint.is_some() && first.fingerprint.is_some();
    if r.spec != first.spec && !fingerprinted {
        bail!(
            "{name} comes from spec {} but {first_name} from {}: merge shards of one run",
            shown(&r.spec),
            shown(&first.spec)
        );
    }
    if r.injector != first.injector || r.toolexec != first.toolexec {
        bail!("{name} was run with another injector ({}) than {first_name} ({}): merge shards of one run", shown(&r.toolexec), shown(&first.toolexec));
    }
    // The program's folder is the spec's (its bytes name it relative to
    // the spec), so it too is compared by path only without fingerprints.
    if r.program != first.program && !fingerprinted {
        bail!("{name} built another program than {first_name}: merge shards of one run");
    }
    if r.qcompat_commit != first.qcompat_commit || r.qcompat_version != first.qcompat_version {
        let of = |r: &Report| {
            shown(&format!(
                "{} {}",
                r.qcompat_version,
                r.qcompat_commit.as_deref().unwrap_or("(no commit)")
            ))
        };
        bail!(
            "{name} was written by qcompat {} but {first_name} by {}: run every shard with the same qcompat",
            of(r),
            of(first)
        );
    }
    Ok(())
}

/// Notes, for each report without a fingerprint (or one without its plan),
/// that the merge cannot check the run's cells.
fn vouch(reports: &[(String, Report)], out: &mut Report) {
    for (name, r) in reports {
        let why = match &r.fingerprint {
            None => "carries no fingerprint",
            Some(f) if f.planned.is_empty() && whole_run(r, f) => continue,
            Some(f) if f.planned.is_empty() => {
                "has a fingerprint without its planned cells (an older qcompat wrote it)"
            }
            Some(_) => continue,
        };
        out.notes.push(format!(
            "{MERGE_NOTE}{name} {why}, so this merge cannot vouch that the run's cells are all here and no others; re-run it with this qcompat"
        ));
    }
}

/// A complete report of a whole run (no shard) whose cells, in its order,
/// hash to its fingerprint's plan: its cells are the plan's, though the
/// fingerprint (from before `planned` was recorded) does not list them.
fn whole_run(r: &Report, f: &Fingerprint) -> bool {
    let lines: Vec<String> = r
        .cells
        .iter()
        .map(|c| cell_line(&c.go, &format!("{}/{}", c.goos, c.goarch), c.build))
        .collect();
    r.complete && r.shard.is_none() && r.merged_shards.is_empty() && f.is_plan(&lines)
}

/// The shards merged so far: their count, and which were seen.
#[derive(Default)]
struct Shards {
    total: Option<usize>,
    seen: BTreeSet<usize>,
}

impl Shards {
    fn add(&mut self, name: &str, r: &Report, out: &mut Report) -> Result<()> {
        let shards = if r.merged_shards.is_empty() {
            r.shard.iter().cloned().collect()
        } else {
            r.merged_shards.clone()
        };
        for s in shards {
            let (i, n) = (s.index, s.total);
            if *self.total.get_or_insert(n) != n {
                bail!("{name}: shard {s} is from a run with another shard count");
            }
            if !self.seen.insert(i) {
                bail!("{name}: shard {s} appears twice");
            }
            out.merged_shards.push(s);
        }
        Ok(())
    }

    /// A merge that lacks shards is incomplete, and says which.
    fn note_missing(&self, out: &mut Report) {
        if let Some(n) = self.total.filter(|n| self.seen.len() != *n) {
            let missing: Vec<String> = (1..=n)
                .filter(|i| !self.seen.contains(i))
                .map(|i| format!("{i}/{n}"))
                .collect();
            out.notes.push(format!(
                "{MERGE_NOTE}shards {} are missing",
                missing.join(", ")
            ));
        }
    }
}

/// The cells merged so far, by their plan line, with the report each came
/// from.
#[derive(Default)]
struct Cells {
    by_line: HashMap<String, (Cell, String)>,
}

impl Cells {
    /// Adds `r`'s cells; a cell twice (in one report or in two) is an error.
    fn add(&mut self, name: &str, r: &Report) -> Result<()> {
        for c in &r.cells {
            let line = cell_line(&c.go, &c.platform(), c.build);
            if let Some((_, from)) = self.by_line.get(&line) {
                let place = crate::support::output::shown(&format!("{} {}", c.go, c.place()));
                if from == name {
                    bail!("{name}: cell {place} appears twice in this report");
                }
                bail!("{name}: cell {place} appears in two reports (also in {from})");
            }
            self.by_line.insert(line, (c.clone(), name.to_string()));
        }
        Ok(())
    }

    /// The cells in the plan's order, refusing cells the plan lacks and
    /// noting the planned cells that are missing. Without a plan: by line,
    /// with the count the fingerprint gives, if any.
    fn against_plan(
        mut self,
        f: Option<&Fingerprint>,
        notes: &mut Vec<String>,
    ) -> Result<Vec<Cell>> {
        let Some(f) = f.filter(|f| !f.planned.is_empty()) else {
            let mut cells: Vec<(String, Cell)> =
                self.by_line.into_iter().map(|(l, (c, _))| (l, c)).collect();
            cells.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(n) = f.and_then(|f| f.missing(cells.len())) {
                notes.push(n);
            }
            return Ok(cells.into_iter().map(|(_, c)| c).collect());
        };
        let planned: BTreeSet<&String> = f.planned.iter().collect();
        let mut unplanned: Vec<(&String, &String)> = self
            .by_line
            .iter()
            .filter(|(l, _)| !planned.contains(l))
            .map(|(l, (_, from))| (l, from))
            .collect();
        if !unplanned.is_empty() {
            unplanned.sort();
            let (line, from) = unplanned[0];
            bail!(
                "{from}: cell {} is not in the run's plan ({} cell(s) not planned in all): a report edited, or from another run; merge the reports as the shards wrote them",
                crate::support::output::shown(line),
                unplanned.len()
            );
        }
        let mut out = Vec::with_capacity(f.planned.len());
        let mut missing = Vec::new();
        for l in &f.planned {
            match self.by_line.remove(l) {
                Some((c, _)) => out.push(c),
                None => missing.push(l.as_str()),
            }
        }
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().copied().take(10).collect();
            notes.push(format!(
                "{MERGE_NOTE}{} of the run's {} cells are present; missing: {}{}",
                out.len(),
                f.cells,
                shown.join(", "),
                if missing.len() > shown.len() {
                    format!(" and {} more", missing.len() - shown.len())
                } else {
                    String::new()
                }
            ));
        }
        Ok(out)
    }
}
