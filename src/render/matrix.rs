//! Reports for people and CI: a Markdown grid, JUnit XML (one testsuite per Go
//! version, one testcase per platform and build kind) and a CI step summary.

use super::escape::{markdown as md, xml};
use crate::matrix::report::{Cell, Report};
use crate::verify::cell::{Status, Verified};
use std::fmt::Write;

/// How a cell reads in a grid.
fn label(c: &Cell) -> String {
    match (c.outcome.status, c.outcome.verified) {
        (Status::Pass, Verified::Exec) => "✅ exec".into(),
        (Status::Pass, Verified::Link) => "🔗 link".into(),
        (Status::SkipCgo, _) => "⏭ cgo".into(),
        (Status::SkipBroken, _) => "⏭ broken".into(),
        (Status::SkipInjector, _) => "⏭ injector".into(),
        (Status::SkipGccgo, _) => "⏭ gccgo".into(),
        (Status::SkipProgram, _) => "⏭ program".into(),
        (Status::SkipUnsupported, _) => "⏭ unsupported".into(),
        (Status::SkipToolchain, _) => "⏭ toolchain".into(),
        (Status::Timeout, _) => "⏱ timeout".into(),
        (s, _) => format!("❌ {}", s.name()),
    }
}

/// A grid of platforms (rows; a row per platform and build kind when the
/// run has kinds other than `build`) by Go versions (columns).
pub fn markdown(r: &Report) -> String {
    let versions = in_version_order(r.versions());
    let mut rows: Vec<&Cell> = Vec::new();
    for c in &r.cells {
        if !rows.iter().any(|o| o.place() == c.place()) {
            rows.push(c);
        }
    }
    rows.sort_by_key(|c| (c.platform(), c.build));
    let platforms: Vec<String> = rows.iter().map(|c| c.place()).collect();
    let kinds = r
        .cells
        .iter()
        .any(|c| c.build != crate::verify::kind::BuildKind::Build);
    let mut s = String::new();
    let _ = writeln!(s, "# qcompat matrix\n");
    let _ = writeln!(
        s,
        "Injector {}, spec {}, started {}{}.\n",
        md::code(&r.toolexec),
        md::code(&r.spec),
        md::text(&r.started),
        if r.complete {
            ""
        } else {
            " — **incomplete**"
        }
    );
    grid(&mut s, r, &versions, &platforms);
    calibrated_grid(&mut s, r, &versions, &platforms);
    let ran = if r.program.is_some() {
        "the program ran and exited 0"
    } else {
        "the probe ran with the right IDs"
    };
    let _ = writeln!(
        s,
        "\n✅ exec: linked and {ran}; 🔗 link: linked, not run (`verify: link`, or this machine cannot run it); ⏭ cgo: needs external (cgo) linking; ⏭ injector: the injector could not be built by that toolchain; ⏭ gccgo: a gccgo toolchain, nothing to inject; ⏭ program: the program needs a newer Go than that toolchain; — : not a port of that toolchain.{}",
        if kinds {
            kinds_legend(r.program.is_some())
        } else {
            String::new()
        }
    );
    for t in r
        .toolchains
        .iter()
        .filter(|t| t.private_gocache || t.note.is_some())
    {
        let _ = writeln!(
            s,
            "\n- {}: {}",
            md::text(&t.go),
            md::text(t.note.as_deref().unwrap_or("built with a private GOCACHE"))
        );
    }
    if let Some(id) = &r.injector {
        injector_lines(&mut s, r, id);
    }
    for n in &r.notes {
        let _ = writeln!(s, "- {}", md::text(n));
    }
    s
}

/// The legend's words for build-kind rows, of the probe or of the user's
/// program (whose test kinds also skip when its package has no tests).
fn kinds_legend(program: bool) -> String {
    let (what, no_tests) = if program {
        (
            "the program",
            ", or (test kinds) the program's package has no test files, so `go test -c` built nothing",
        )
    } else {
        ("the probe", "")
    };
    format!(
        " A row names the build kind after the platform (`linux/amd64 race`: `go test -c -race` of {what}; `c-shared`: {what} as a C library loaded by a C host; see the qcompat book, \"Build kinds\"); ⏭ unsupported: the go command does not build that kind for that platform, or the toolchain lacks it{no_tests}; ⏭ cgo on a kind: no C compiler for that platform here."
    )
}

/// Go versions oldest first (go1.9 before go1.19, a pre-release before its
/// release), whatever order the spec named them in; unreadable ones last.
fn in_version_order(mut versions: Vec<String>) -> Vec<String> {
    versions.sort_by_cached_key(|v| match crate::go::version::parse(v) {
        Ok(p) => (0, Some(p.version), String::new()),
        Err(_) => (1, None, v.clone()),
    });
    versions
}

/// An injector's identity hash as it reads: a binary's `sha256 ...`, or
/// the `sources ...` hash of a package built per toolchain (`src-...`).
fn identity_hash(h: &str) -> String {
    match h.strip_prefix("src-") {
        Some(s) => format!("sources hash {s}"),
        None => format!("sha256 {h}"),
    }
}

/// A second grid, when any executed cell checked goid's calibrated path: its
/// result and the offset of goid in g, the evidence the Go offset table is
/// generated from.
fn calibrated_grid(s: &mut String, r: &Report, versions: &[String], platforms: &[String]) {
    use crate::verify::probeprog::CalibratedResult;
    if r.cells.iter().all(|c| c.calibrated.is_none()) {
        return;
    }
    let _ = writeln!(
        s,
        "\nCalibrated path (g.goid read at the offset a scan of g found, against runtime.Stack):\n"
    );
    table(s, r, versions, platforms, |c| {
        match c.and_then(|c| c.calibrated) {
            Some(c) if c.result == CalibratedResult::Pass => format!("✅ {}", c.offset),
            Some(c) if c.result == CalibratedResult::Fail => "❌ fail".into(),
            Some(_) => "⏭ unsupported".into(),
            None => "—".into(),
        }
    });
}

/// A platforms-by-versions table, each cell's text from `show` (None: not a
/// port of that toolchain).
fn table(
    s: &mut String,
    r: &Report,
    versions: &[String],
    platforms: &[String],
    show: impl Fn(Option<&Cell>) -> String,
) {
    let header: Vec<String> = versions.iter().map(|v| md::text(v)).collect();
    let _ = writeln!(s, "| platform | {} |", header.join(" | "));
    let _ = writeln!(s, "|---|{}", "---|".repeat(versions.len()));
    for p in platforms {
        let row: Vec<String> = versions
            .iter()
            .map(|v| show(r.cells.iter().find(|c| &c.go == v && &c.place() == p)))
            .collect();
        let _ = writeln!(s, "| {} | {} |", md::text(p), row.join(" | "));
    }
}

/// The calibrated check as a line of JUnit output.
fn calibrated_line(c: &Cell) -> String {
    c.calibrated
        .map(|k| {
            let result = crate::support::serde_name::of(&k.result);
            format!("\ncalibrated: {result} offset={}", k.offset)
        })
        .unwrap_or_default()
}

/// JUnit XML in the shape CI systems read (Jenkins, GitLab, GitHub
/// actions): one testsuite per Go version, one testcase per cell, written
/// by `quick-junit` (which escapes markup and drops ANSI escapes and C0
/// controls; [`xml::chars`] drops what else XML 1.0 cannot hold).
pub fn junit(r: &Report) -> String {
    let mut doc = quick_junit::Report::new("qcompat-matrix");
    doc.set_time(seconds(r.cells.iter().map(|c| c.outcome.duration_s).sum()));
    for v in r.versions() {
        let mut suite = quick_junit::TestSuite::new(xml::chars(&v));
        let cells: Vec<&Cell> = r.cells.iter().filter(|c| c.go == v).collect();
        suite.set_time(seconds(cells.iter().map(|c| c.outcome.duration_s).sum()));
        suite
            .extra
            .insert("timestamp".into(), xml::chars(&r.started).into());
        suite.add_test_cases(cells.into_iter().map(junit_case));
        doc.add_test_suite(suite);
    }
    // Serialising to memory fails only on a writer's error, which a Vec never gives.
    doc.to_string().expect("JUnit serialises to memory")
}

/// One cell as a testcase: a failure with the build's output, a skip with
/// its reason, or a pass with how it was verified.
fn junit_case(c: &Cell) -> quick_junit::TestCase {
    use quick_junit::{NonSuccessKind, TestCaseStatus};
    let o = &c.outcome;
    let status = if o.status.is_failure() {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_type(o.status.name())
            .set_message(xml::chars(&first_line(&o.stderr_excerpt, o.status.name())))
            .set_description(xml::chars(&format!(
                "{}\n\n{}{}",
                o.command,
                o.stderr_excerpt,
                calibrated_line(c)
            )));
        s
    } else if o.status.is_skip() {
        let mut s = TestCaseStatus::skipped();
        s.set_message(xml::chars(o.note.as_deref().unwrap_or(o.status.name())));
        s
    } else {
        TestCaseStatus::success()
    };
    let mut case = quick_junit::TestCase::new(xml::chars(&c.place()), status);
    case.set_classname(xml::chars(&format!("qcompat.matrix.{}", c.go)))
        .set_time(seconds(o.duration_s));
    if o.status == crate::verify::cell::Status::Pass {
        case.set_system_out(xml::chars(&format!(
            "verified: {}\n{}{}",
            o.verified.name(),
            o.note.as_deref().unwrap_or(""),
            calibrated_line(c)
        )));
    }
    case
}

/// A report's seconds as a duration (a negative or odd value as zero).
fn seconds(s: f64) -> std::time::Duration {
    std::time::Duration::try_from_secs_f64(s).unwrap_or_default()
}

fn first_line(text: &str, fallback: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.starts_with("..."))
        .unwrap_or(fallback)
        .trim()
        .to_string()
}

/// A short summary for a CI step (counts, failures, then the grid).
pub fn summary(r: &Report) -> String {
    let mut s = String::new();
    let counts = r.counts();
    let fails = r.failures().count();
    let skips = r.skips().count();
    let _ = writeln!(
        s,
        "## qcompat matrix: {}\n",
        if fails == 0 && r.complete && skips == 0 {
            "all cells pass".to_string()
        } else if fails == 0 && r.complete {
            format!("{} cell(s) pass, {skips} skipped", r.cells.len() - skips)
        } else if fails == 0 {
            "incomplete".to_string()
        } else {
            format!("{fails} failing cell(s)")
        }
    );
    let _ = writeln!(s, "| status | cells |\n|---|---|");
    for (k, v) in &counts {
        let _ = writeln!(s, "| {k} | {v} |");
    }
    if fails > 0 {
        let _ = writeln!(s, "\n### Failures\n");
        for c in r.failures() {
            let _ = writeln!(
                s,
                "- **{} {}**: {} — {}",
                md::text(&c.go),
                md::text(&c.place()),
                c.outcome.status.name(),
                md::text(&first_line(&c.outcome.stderr_excerpt, ""))
            );
        }
    }
    let _ = writeln!(s, "\n<details><summary>Grid</summary>\n");
    s.push_str(&markdown(r));
    let _ = writeln!(s, "\n</details>");
    s
}

/// The grid: one row per platform, one column per Go version.
fn grid(s: &mut String, r: &Report, versions: &[String], platforms: &[String]) {
    table(s, r, versions, platforms, |c| {
        c.map(label).unwrap_or_else(|| "—".into())
    });
}

/// Who the injector under test is, and how each toolchain built it.
fn injector_lines(s: &mut String, r: &Report, id: &crate::inject::injector::Identity) {
    let mut line = format!("\nInjector under test: {}", md::code(&r.toolexec));
    if !id.is_builtin() {
        line.push_str(&format!(
            " ({}, {}",
            md::text(&id.name),
            md::text(&identity_hash(&id.sha256))
        ));
        if let Some(m) = &id.module {
            line.push_str(&format!(", module {}", md::text(m)));
        }
        if let Some(c) = &id.commit {
            line.push_str(&format!(", commit {}", md::text(c)));
        }
        line.push(')');
    }
    let _ = writeln!(s, "{line}.");
    for t in &r.toolchains {
        if let Some(b) = &t.injector_build {
            let _ = writeln!(
                s,
                "- {}: injector {} by {}{}",
                md::text(&t.go),
                if b.status == crate::inject::build::BuildStatus::Failed {
                    "not built"
                } else {
                    "built"
                },
                md::text(&b.built_by),
                b.sha256
                    .as_deref()
                    .map(|h| format!(
                        " (sha256 {})",
                        md::text(crate::support::cache::short_hash(h))
                    ))
                    .unwrap_or_default()
            );
        } else if let Some(by) = &t.injector_built_by {
            let _ = writeln!(
                s,
                "- {}: injector built by {}",
                md::text(&t.go),
                md::text(by)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_columns_follow_versions_and_hashes_say_what_they_hash() {
        let v = |s: &[&str]| in_version_order(s.iter().map(|x| x.to_string()).collect());
        assert_eq!(
            v(&["go1.27.3", "go1.9", "go1.19.8", "go1.27rc1", "weird"]),
            ["go1.9", "go1.19.8", "go1.27rc1", "go1.27.3", "weird"]
        );
        assert_eq!(identity_hash("src-4f82"), "sources hash 4f82");
        assert_eq!(identity_hash("ab12"), "sha256 ab12");
    }
}
