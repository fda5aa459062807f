//! `matrix merge`: shard reports of one run combined into one report,
//! refusing reports of other runs (another spec, injector, plan) and cells
//! present twice; a merge that lacks shards or cells is incomplete.

use super::report::{Report, SCHEMA};
use super::shard::Shard;
use anyhow::{bail, Result};

/// Combines shard reports into one. It is complete when every shard of one
/// run is present and complete.
pub fn merge(reports: Vec<(String, Report)>) -> Result<Report> {
    let Some((_, first)) = reports.first() else {
        bail!("matrix merge needs at least one report");
    };
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
        fingerprint: first.fingerprint.clone(),
        toolchains: vec![],
        notes: vec![],
        cells: vec![],
    };
    let mut shards = Shards::default();
    // Which report each merged cell came from, to tell a cell duplicated
    // inside one report from one present in two.
    let mut from: Vec<&str> = Vec::new();
    for (name, r) in &reports {
        same_run(name, r, first)?;
        out.complete &= r.complete;
        if r.started < out.started {
            out.started = r.started.clone();
        }
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
        for n in &r.notes {
            if !out.notes.contains(n) {
                out.notes.push(n.clone());
            }
        }
        add_cells(name, r, &mut out, &mut from)?;
    }
    shards.note_missing(&mut out);
    if let Some(n) = out
        .fingerprint
        .as_ref()
        .and_then(|f| f.missing(out.cells.len()))
    {
        out.complete = false;
        out.notes.push(n);
    }
    // In the order of their text, as reports have always listed them.
    out.merged_shards.sort_by_key(Shard::to_string);
    Ok(out)
}

/// Refuses a report of another run than the first one.
fn same_run(name: &str, r: &Report, first: &Report) -> Result<()> {
    if r.spec != first.spec {
        bail!(
            "{name} comes from spec {} but the first report from {}: merge shards of one run",
            r.spec,
            first.spec
        );
    }
    if r.injector != first.injector {
        bail!("{name} was run with another injector than the first report ({}): merge shards of one run", r.toolexec);
    }
    super::fingerprint::Fingerprint::same_run(
        name,
        r.fingerprint.as_ref(),
        first.fingerprint.as_ref(),
    )?;
    Ok(())
}

/// The shards merged so far: their count, and which were seen.
#[derive(Default)]
struct Shards {
    total: Option<usize>,
    seen: std::collections::BTreeSet<usize>,
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
            out.complete = false;
            let missing: Vec<String> = (1..=n)
                .filter(|i| !self.seen.contains(i))
                .map(|i| format!("{i}/{n}"))
                .collect();
            out.notes.push(format!(
                "incomplete: shards {} are missing",
                missing.join(", ")
            ));
        }
    }
}

/// Adds `r`'s cells; a cell twice (in one report or in two) is an error.
fn add_cells<'a>(
    name: &'a str,
    r: &Report,
    out: &mut Report,
    from: &mut Vec<&'a str>,
) -> Result<()> {
    for c in &r.cells {
        if let Some(i) = out.cells.iter().position(|o| {
            o.go == c.go && o.goos == c.goos && o.goarch == c.goarch && o.build == c.build
        }) {
            if from[i] == name {
                bail!(
                    "{name}: cell {} {} appears twice in this report",
                    c.go,
                    c.place()
                );
            }
            bail!(
                "{name}: cell {} {} appears in two reports (also in {})",
                c.go,
                c.place(),
                from[i]
            );
        }
        out.cells.push(c.clone());
        from.push(name);
    }
    Ok(())
}
