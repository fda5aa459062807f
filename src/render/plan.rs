//! `matrix plan`'s shards, in the forms a CI matrix reads.

use crate::matrix::ShardCount;

fn json(shards: &[ShardCount]) -> Vec<serde_json::Value> {
    shards
        .iter()
        .map(|s| {
            serde_json::json!({"shard": format!("{}/{}", s.index, s.total), "index": s.index, "total": s.total, "cells": s.cells, "cost_s": s.cost_s})
        })
        .collect()
}

/// A `strategy.matrix` for GitHub Actions, on one line.
pub fn github(shards: &[ShardCount]) -> String {
    serde_json::json!({ "include": json(shards) }).to_string()
}

/// The shards as a JSON list.
pub fn json_list(shards: &[ShardCount]) -> String {
    serde_json::to_string_pretty(&json(shards)).expect("JSON values serialise")
}

/// The shards as a YAML list (the JSON list's fields).
pub fn yaml_list(shards: &[ShardCount]) -> String {
    let text = serde_yaml::to_string(&json(shards)).expect("JSON values serialise");
    text.trim_end().to_string()
}

/// One line per shard.
pub fn text(shards: &[ShardCount]) -> String {
    shards
        .iter()
        .map(|s| {
            format!(
                "shard {}/{}: {} cells, about {} of cold builds on one worker\n",
                s.index,
                s.total,
                s.cells,
                minutes(s.cost_s)
            )
        })
        .collect()
}

/// `40 s`, `7 min`: an estimate, so no finer than that.
fn minutes(secs: u64) -> String {
    if secs < 90 {
        format!("{secs} s")
    } else {
        format!("{} min", secs.div_ceil(60))
    }
}
