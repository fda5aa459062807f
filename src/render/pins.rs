//! The pins as the book shows them (docs/src/pins.md).

use crate::policy::pins::{BuildEvidence, Pins, PlatformCalibrated};

/// The pins as a Markdown table: one row per pin, with what was measured
/// and the evidence per toolchain.
pub fn markdown_table(pins: &Pins) -> String {
    let mut s = String::from(
        "| Go | strategy | linkname | g.goid | toolchain tested | linked / executed / skipped | calibrated | other builds (linked / executed / skipped) | date | qcompat commit |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for p in &pins.file.pins {
        let goid = p.goid_type.as_deref().unwrap_or("—");
        let Some(e) = &p.evidence else {
            s.push_str(&format!(
                "| `{}` | {} | {} | {goid} | rule, untested | — | — | — | — | — |\n",
                p.go, p.strategy, p.linkname
            ));
            continue;
        };
        // One row per toolchain; evidence recorded before per-toolchain
        // entries existed is one row of totals.
        let rows: Vec<(String, u32, u32, u32, String, String, &str)> = if e.per_toolchain.is_empty()
        {
            vec![(
                e.toolchains.join(", "),
                e.platforms_linked,
                e.platforms_executed,
                e.platforms_skipped,
                "—".to_string(),
                "—".to_string(),
                &e.date,
            )]
        } else {
            e.per_toolchain
                .iter()
                .map(|t| {
                    (
                        t.go.clone(),
                        t.linked,
                        t.executed,
                        t.skipped,
                        calibrated_cell(&t.calibrated),
                        builds_cell(&t.builds),
                        t.date.as_str(),
                    )
                })
                .collect()
        };
        for (go, linked, executed, skipped, calibrated, builds, date) in rows {
            s.push_str(&format!(
                "| `{}` | {} | {} | {goid} | {go} | {linked} / {executed} / {skipped} | {calibrated} | {builds} | {date} | {} |\n",
                p.go,
                p.strategy,
                p.linkname,
                e.commit.as_deref().unwrap_or("—")
            ));
        }
    }
    s
}

/// The pins table's cell for a toolchain's other build kinds:
/// `race 1 / 1 / 0, c-shared 2 / 1 / 0`, or `—`.
fn builds_cell(builds: &[BuildEvidence]) -> String {
    if builds.is_empty() {
        return "—".into();
    }
    builds
        .iter()
        .map(|b| format!("{} {} / {} / {}", b.build, b.linked, b.executed, b.skipped))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The pins table's calibrated cell for one toolchain: `13 pass @152`,
/// `12 pass @80,152, 1 fail`, or `—` when nothing was recorded.
fn calibrated_cell(cells: &[PlatformCalibrated]) -> String {
    use crate::verify::probeprog::CalibratedResult;
    if cells.is_empty() {
        return "—".into();
    }
    let count = |r: CalibratedResult| cells.iter().filter(|c| c.result == r).count();
    let mut offsets: Vec<u64> = cells
        .iter()
        .filter(|c| c.result == CalibratedResult::Pass)
        .map(|c| c.offset)
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let offsets: Vec<String> = offsets.iter().map(u64::to_string).collect();
    let mut parts = Vec::new();
    if count(CalibratedResult::Pass) > 0 {
        parts.push(format!(
            "{} pass @{}",
            count(CalibratedResult::Pass),
            offsets.join(",")
        ));
    }
    for (r, name) in [
        (CalibratedResult::Fail, "fail"),
        (CalibratedResult::Unsupported, "unsupported"),
    ] {
        if count(r) > 0 {
            parts.push(format!("{} {name}", count(r)));
        }
    }
    parts.join(", ")
}
