//! The plan as the document `matrix plan --format json` (or `--yaml`)
//! prints: the same value `matrix run` executes, with nothing but serde
//! between them (`matrix/schema/plan.schema.json`). `--format github` is its
//! `shards` under `include`.

use super::fingerprint::Fingerprint;
use super::plan::Plan;
use super::shard::Shard;
use crate::verify::cell::Status;
use crate::verify::kind::BuildKind;
use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The plan document's version.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanDocument {
    pub schema: u32,
    pub spec: String,
    pub spec_sha256: String,
    /// Every toolchain was on this machine, so the cells are the run's own;
    /// false when some were counted with another's platforms.
    pub complete: bool,
    /// What each shard's report of this run will carry (null when not
    /// complete: the estimated cells are a guess).
    pub fingerprint: Option<Fingerprint>,
    pub toolchains: Vec<PlanToolchain>,
    /// Every cell of the run, in planned order.
    pub cells: Vec<PlanCell>,
    pub shards: Vec<ShardCount>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanToolchain {
    pub go: String,
    /// The go binary (null: not on this machine; a plan downloads nothing).
    pub path: Option<String>,
    /// A toolchain not on this machine: the one whose cells it was counted with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted_as: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanCell {
    pub go: String,
    pub goos: String,
    pub goarch: String,
    pub build: BuildKind,
    /// The shard that runs it, `I/N` as `matrix run --shard` takes it and
    /// the report and `shards` name it.
    pub shard: Shard,
    /// The expected cold cost, in seconds of one worker.
    pub cost_s: f64,
    /// A cell decided without building: its status (a skip); null for a
    /// cell the run builds.
    pub status: Option<Status>,
    /// Why it was decided so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Counted for a toolchain not on this machine.
    pub estimated: bool,
}

/// One shard of a CI matrix and how many cells it runs (fields in the
/// order the GitHub form has always printed them).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardCount {
    pub cells: usize,
    /// The cells' expected cold cost, summed (seconds of one worker).
    pub cost_s: u64,
    pub index: usize,
    pub shard: Shard,
    pub total: usize,
}

impl Plan {
    /// The plan as its document.
    pub fn document(&self) -> PlanDocument {
        let loaded = &self.subject.loaded;
        let mut toolchains: Vec<PlanToolchain> = self
            .toolchains
            .iter()
            .map(|p| PlanToolchain {
                go: p.info.go.clone(),
                path: Some(p.info.path.clone()),
                counted_as: None,
            })
            .collect();
        let mut cells: Vec<PlanCell> = self
            .cells
            .iter()
            .map(|c| PlanCell {
                go: self.toolchains[c.toolchain].info.go.clone(),
                goos: c.platform.goos.clone(),
                goarch: c.platform.goarch.clone(),
                build: c.kind,
                shard: Shard { index: 1, total: 1 },
                cost_s: 0.0,
                status: c.preset.as_ref().map(|o| o.status),
                note: c.preset.as_ref().and_then(|o| o.note.clone()),
                estimated: false,
            })
            .collect();
        for e in &self.estimated {
            toolchains.push(PlanToolchain {
                go: e.go.clone(),
                path: None,
                counted_as: Some(e.like.clone()),
            });
            cells.extend(e.cells.iter().map(|(p, kind)| PlanCell {
                go: e.go.clone(),
                goos: p.goos.clone(),
                goarch: p.goarch.clone(),
                build: *kind,
                shard: Shard { index: 1, total: 1 },
                cost_s: 0.0,
                status: None,
                note: None,
                estimated: true,
            }));
        }
        let costs = self.costs();
        let each = self.shard_of_each();
        for ((cell, cost), shard) in cells.iter_mut().zip(&costs).zip(&each) {
            cell.shard = *shard;
            cell.cost_s = f64::from(*cost) / 10.0;
        }
        PlanDocument {
            schema: SCHEMA,
            spec: loaded.path.display().to_string(),
            spec_sha256: loaded.sha256.clone(),
            complete: self.estimated.is_empty(),
            fingerprint: self.fingerprint(),
            toolchains,
            cells,
            shards: self.shard_counts(&costs, &each),
            notes: self.notes.clone(),
        }
    }

    /// Each shard's cell count and expected cost, from each cell's `costs`
    /// and shard.
    fn shard_counts(&self, costs: &[u32], each: &[Shard]) -> Vec<ShardCount> {
        (1..=self.shards)
            .map(|index| {
                let mine = || (0..costs.len()).filter(|&k| each[k].index == index);
                ShardCount {
                    cells: mine().count(),
                    cost_s: mine()
                        .map(|k| u64::from(costs[k]))
                        .sum::<u64>()
                        .div_ceil(10),
                    index,
                    shard: Shard {
                        index,
                        total: self.shards,
                    },
                    total: self.shards,
                }
            })
            .collect()
    }
}

/// Reads a plan `matrix plan --format json` (or `--yaml`, in a `.yaml` or
/// `.yml` file) wrote, for `matrix run --plan`.
pub fn read(path: &Path) -> Result<PlanDocument> {
    let source = path.display().to_string();
    let text = crate::support::doc_error::read_document(path, "plan", 64 << 20)?;
    crate::support::doc_error::check_depth(&source, &text)?;
    let hint = "not a plan from `qcompat matrix plan --format json`?";
    let doc: PlanDocument = match crate::matrix::report::format_of(path) {
        Ok(crate::matrix::report::Kind::Yaml) => {
            crate::support::yaml::from_str(&source, &text, |e| format!("{e} ({hint})"))?
        }
        _ => serde_json::from_str(&text).map_err(|e| {
            let e = crate::support::doc_error::json(&source, &e);
            anyhow!("{e} ({hint})")
        })?,
    };
    if doc.schema != SCHEMA {
        bail!(
            "{source}: plan schema {} is not supported (expected {SCHEMA}): plan again with this qcompat",
            doc.schema
        );
    }
    Ok(doc)
}
