//! The pins as the README shows them.

use crate::policy::pins::Pins;

/// The pins as a Markdown table: one row per pin, with what was measured
/// and the evidence per toolchain.
pub fn markdown_table(pins: &Pins) -> String {
    let mut s = String::from(
        "| Go | strategy | linkname | g.goid | toolchain tested | linked / executed / skipped | date | qcompat commit |\n|---|---|---|---|---|---|---|---|\n",
    );
    for p in &pins.file.pins {
        let goid = p.goid_type.as_deref().unwrap_or("—");
        let Some(e) = &p.evidence else {
            s.push_str(&format!(
                "| `{}` | {} | {} | {goid} | rule, untested | — | — | — |\n",
                p.go, p.strategy, p.linkname
            ));
            continue;
        };
        // One row per toolchain; evidence recorded before per-toolchain
        // entries existed is one row of totals.
        let rows: Vec<(String, u32, u32, u32, &str)> = if e.per_toolchain.is_empty() {
            vec![(
                e.toolchains.join(", "),
                e.platforms_linked,
                e.platforms_executed,
                e.platforms_skipped,
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
                        t.date.as_str(),
                    )
                })
                .collect()
        };
        for (go, linked, executed, skipped, date) in rows {
            s.push_str(&format!(
                "| `{}` | {} | {} | {goid} | {go} | {linked} / {executed} / {skipped} | {date} | {} |\n",
                p.go,
                p.strategy,
                p.linkname,
                e.commit.as_deref().unwrap_or("—")
            ));
        }
    }
    s
}
