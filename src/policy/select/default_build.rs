//! What fallback-go's default build (no tags, no injector) does here: the
//! injector detected or not, and goid's calibrated path where the selection
//! says stack.

use super::facts::{CALIBRATED_GOARCH, NOCALIBRATE_TAG};
use super::{Facts, ReasonCode, Selection};
use crate::go::version::Compiler;
use crate::policy::pins::{CalibratedEvidence, Strategy};
use crate::verify::probeprog::{DefaultBuild, DETECTED_VAR};

/// Where the selection says stack: calibrated instead, when a probe that ran
/// here (live) or the pins' evidence for this Go minor and GOARCH proved
/// goid's calibrated path, and nothing rules it out. The default build
/// (no tags, no injector) then takes that path, as it checks the offset
/// again at first use.
pub(super) fn calibrated(f: &Facts, s: &mut Selection) {
    use crate::verify::probeprog::CalibratedResult;
    if s.strategy != Strategy::Stack || f.compiler != Compiler::Gc || !f.goid_field {
        return;
    }
    let platform = format!("{}/{}", f.goos, f.goarch);
    let why_not = if s.pinned {
        Some("the pin says stack, and a person decides a pinned strategy".to_string())
    } else if f.program.as_ref().is_some_and(|p| p.pulls_accessor) {
        Some("the program pulls runtime.GoroutineID itself, which only the injector defines: goid's calibrated path cannot stand in for it".to_string())
    } else if f.nocalibrate {
        Some(format!(
            "your GOFLAGS build with -tags={NOCALIBRATE_TAG}, which turns it off"
        ))
    } else if !CALIBRATED_GOARCH.contains(&f.goarch.as_str()) {
        Some(format!("goid has no calibrated path on {}", f.goarch))
    } else {
        None
    };
    if let Some(w) = why_not {
        s.reason(
            ReasonCode::CalibratedNotChosen,
            format!("calibrated: not chosen: {w}"),
        );
        return;
    }
    let then = "goid's default build (no qcompat tag, no injector) reads g.goid directly, checked against runtime.Stack at first use; -tags=qcompat_stack or -tags=qcompat_nocalibrate would turn it off";
    // The live check ran on the host: it speaks for the target only there.
    let live = s.live.as_ref().filter(|_| f.host == platform);
    if let Some(c) = live.and_then(|l| l.calibrated()) {
        let which = if s.live.as_ref().is_some_and(|l| l.passed()) {
            "the probe built here"
        } else {
            "the probe built here without the injector"
        };
        if c.result == CalibratedResult::Pass {
            s.strategy = Strategy::Calibrated;
            s.reason(ReasonCode::CalibratedProven, format!(
                "calibrated: {which} read g.goid at offset {} and it matched runtime.Stack in main and 8 goroutines on {platform}: {then}",
                c.offset
            ));
        } else {
            s.reason(
                ReasonCode::CalibratedNotChosen,
                format!(
                    "calibrated: not chosen: {which} found goid's calibrated path {} on {platform}",
                    match c.result {
                        CalibratedResult::Fail => "failing",
                        _ => "unsupported",
                    }
                ),
            );
        }
        return;
    }
    from_pins(f, s, &platform, then);
}

/// No live result for this platform: what the pins' evidence for this Go
/// minor says of the calibrated path.
fn from_pins(f: &Facts, s: &mut Selection, platform: &str, then: &str) {
    use crate::verify::probeprog::CalibratedResult;
    match &f.calibrated_pin {
        CalibratedEvidence::Pass { toolchains, offsets } => {
            s.strategy = Strategy::Calibrated;
            let offsets: Vec<String> = offsets.iter().map(u64::to_string).collect();
            s.reason(ReasonCode::CalibratedProven, format!(
                "calibrated: the pins' evidence for this Go minor shows goid's calibrated path passing on {platform} with {} (offset {}): {then}",
                toolchains.join(", "),
                offsets.join(", ")
            ));
        }
        CalibratedEvidence::NotProven { toolchain, result } => s.reason(ReasonCode::CalibratedNotChosen, format!(
            "calibrated: not chosen: the pins' evidence records goid's calibrated path as {} on {platform} with {toolchain}",
            match result {
                CalibratedResult::Fail => "failing",
                _ => "unsupported",
            }
        )),
        CalibratedEvidence::None => s.reason(ReasonCode::CalibratedNotChosen, format!(
            "calibrated: not chosen: nothing has proven goid's calibrated path for {} on {platform} ({}, and the pins record no calibrated result for it)",
            f.go_name,
            if s.live.is_some() {
                "the live check's probes reported none"
            } else {
                f.offline_why.as_str()
            }
        )),
    }
}

/// What the live probe showed of fallback-go's default build, and the advice
/// when it takes the stack path with an injector that works.
pub(super) fn default_build(s: &mut Selection) {
    let seen = s
        .live
        .as_ref()
        .filter(|l| l.passed())
        .and_then(|l| l.outcome.note.as_deref())
        .and_then(crate::verify::probeprog::parse_line)
        .and_then(|p| p.default_build);
    if seen.is_some() {
        s.default_build = seen;
    }
    if s.default_build == Some(DefaultBuild::Undetected) && s.strategy == Strategy::Injected {
        s.reason(ReasonCode::DefaultBuildUndetected, format!(
            "default build: the injector is not detected: fallback-go's goid without tags detects an injector by runtime.{DETECTED_VAR}, which {} does not define, so it takes its own calibrated or stack path; build with -tags=qcompat_injected (as this selection says), or have the injector define that variable (qcompat book, fallback-go: \"How the default build detects an injector\")",
            s.toolexec
        ));
    }
}
