//! `matrix plan`'s document, in the forms a CI matrix and a reader take.

use crate::matrix::plan_document::{PlanDocument, ShardCount};

/// A `strategy.matrix` for GitHub Actions, on one line: the shards.
pub fn github(plan: &PlanDocument) -> String {
    serde_json::json!({ "include": plan.shards }).to_string()
}

/// The plan as JSON.
pub fn json(plan: &PlanDocument) -> String {
    serde_json::to_string_pretty(plan).expect("the plan serialises")
}

/// The plan as YAML (the JSON document's fields).
pub fn yaml(plan: &PlanDocument) -> String {
    let text = serde_yaml::to_string(plan).expect("the plan serialises");
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
