//! The pins as the book shows them (docs/src/pins.md).

use crate::policy::pins::{BuildEvidence, Pins, PlatformCalibrated};
use crate::render::escape::markdown::{code, text};

/// One toolchain's row of the table.
struct Row<'a> {
    go: String,
    /// Linked, executed, skipped.
    counts: (u32, u32, u32),
    calibrated: String,
    builds: String,
    date: &'a str,
    commit: &'a str,
}

/// The pins as a Markdown table: one row per pin, with what was measured
/// and the evidence per toolchain.
pub fn markdown_table(pins: &Pins) -> String {
    let mut s = String::from(
        "| Go | strategy | linkname | g.goid | toolchain tested | linked / executed / skipped | calibrated | other builds (linked / executed / skipped) | date | qcompat commit |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for p in &pins.file.pins {
        // What the file holds is shown as text, never as markup.
        let goid = text(p.goid_type.as_deref().unwrap_or("—"));
        let Some(e) = &p.evidence else {
            s.push_str(&format!(
                "| {} | {} | {} | {goid} | rule, untested | — | — | — | — | — |\n",
                code(&p.go),
                p.strategy,
                p.linkname
            ));
            continue;
        };
        // One row per toolchain; evidence recorded before per-toolchain
        // entries existed is one row of totals.
        let pin_commit = e.commit.as_deref().unwrap_or("—");
        let rows: Vec<Row> = if e.per_toolchain.is_empty() {
            vec![Row {
                go: e.toolchains.join(", "),
                counts: (
                    e.platforms_linked,
                    e.platforms_executed,
                    e.platforms_skipped,
                ),
                calibrated: "—".to_string(),
                builds: "—".to_string(),
                date: &e.date,
                commit: pin_commit,
            }]
        } else {
            e.per_toolchain
                .iter()
                .map(|t| Row {
                    go: t.go.clone(),
                    counts: (t.linked, t.executed, t.skipped),
                    calibrated: calibrated_cell(&t.calibrated),
                    builds: builds_cell(&t.builds),
                    date: &t.date,
                    // Evidence from before per-toolchain commits: the pin's,
                    // which a later run may have replaced.
                    commit: t.commit.as_deref().unwrap_or(pin_commit),
                })
                .collect()
        };
        for r in rows {
            let (linked, executed, skipped) = r.counts;
            s.push_str(&format!(
                "| {} | {} | {} | {goid} | {} | {linked} / {executed} / {skipped} | {} | {} | {} | {} |\n",
                code(&p.go),
                p.strategy,
                p.linkname,
                text(&r.go),
                r.calibrated,
                r.builds,
                text(r.date),
                text(r.commit)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Unescaped cell separators in a row (a `\|` is text, not a border).
    fn borders(row: &str) -> usize {
        row.replace("\\|", "").matches('|').count()
    }

    #[test]
    fn values_from_the_file_never_break_the_table() {
        let shipped = include_str!("../../matrix/pins.yaml");
        let hostile = shipped
            .replacen("commit: 596338d9fa59", "commit: 'a|b <img src=x> `c`'", 1)
            .replacen("- go: go1.19.8\n", "- go: 'go1.19.8 | [x](y)'\n", 1);
        assert_ne!(hostile, shipped);
        let table = markdown_table(&Pins::parse(&hostile, "pins.yaml").unwrap());
        let header = table.lines().next().unwrap();
        for row in table.lines() {
            assert_eq!(borders(row), borders(header), "{row}");
        }
        assert!(table.contains("a\\|b \\<img src=x> \\`c\\`"), "{table}");
        assert!(table.contains("go1.19.8 \\| \\[x\\](y)"), "{table}");
    }
}
