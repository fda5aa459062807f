//! `qcompat select`: which goroutine-ID strategy to build with, for the
//! injector under test, from the pins, the static facts and (when needed) a
//! live build through that injector.
//!
//! [`decide`] is a pure function of [`Facts`] and a verifier, so its decision
//! table is unit-tested without building anything.

use crate::go::discover::Toolchain;
use crate::go::linkname::{self, Policy};
use crate::go::runtime_layout::RuntimeLayout;
use crate::go::version::Compiler;
use crate::inject::injector::Injector;
use crate::policy::pins::{CalibratedEvidence, Pins, Strategy};
use crate::verify::diagnosis::Class;
use crate::verify::live::Live;
use crate::verify::probeprog::{DefaultBuild, DETECTED_VAR};
use crate::verify::program::{Program, ProgramFacts};
use anyhow::Result;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pins and the static facts only.
    Offline,
    /// Pins; a live check only when no pin speaks for this version and injector.
    Default,
    /// Always check live and compare with the pin.
    Verify,
}

#[derive(Debug, Clone, Serialize)]
pub struct Selection {
    pub schema: u32,
    pub go_version: String,
    pub strategy: Strategy,
    pub build_tags: Vec<String>,
    pub toolexec_required: bool,
    /// A pin covers this version *for this injector*.
    pub pinned: bool,
    /// The pin's range when one covers the version.
    pub pin: Option<String>,
    /// null: no live check ran; true/false: its result.
    pub verified: Option<bool>,
    pub reasons: Vec<String>,
    /// The injector the selection is for (its -toolexec value).
    pub toolexec: String,
    /// The injector's identity (`builtin`, or a name and sha256).
    pub injector: crate::inject::injector::Identity,
    /// The injector leaves `-V=full` unchanged: injected builds need a
    /// GOCACHE of their own (whatever the strategy: it is about the injector).
    pub needs_own_gocache: bool,
    /// That GOCACHE: the one the live check uses for this injector and
    /// toolchain (`select --format env` exports it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gocache: Option<String>,
    /// `tested`: a pin whose evidence comes from a matrix run of this
    /// version's minor with this injector covers it; `untested` otherwise
    /// (then only a live check, `verified`, speaks for it).
    pub coverage: Coverage,
    /// The class of the failure that decided against injection, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Class>,
    /// The live check's details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<Live>,
    /// The path fallback-go's default build (no tags) takes through this
    /// injector: known for qcompat's own, seen by the live check otherwise
    /// (null: not known).
    pub default_build: Option<DefaultBuild>,
    /// The user's program (`--program`): what it uses, whether it builds
    /// and runs with this injector here, and the fix when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<ProgramVerdict>,
}

/// Whether the user's program works with the injector under test.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramVerdict {
    #[serde(flatten)]
    pub facts: ProgramFacts,
    /// The live check built (and ran) it.
    pub built: bool,
    /// true: built and ran through the injector; false: it cannot work here
    /// as things stand; null: not built, nothing shown.
    pub works: Option<bool>,
    /// The class of the failure, when the injector is the cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Class>,
    /// One sentence a person reads: what was found.
    pub verdict: String,
    /// What to do, when something is to be done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Selection {
    /// The go command flags that build with this selection. With a one-word
    /// `toolexec` (the qcompat-toolexec link, `q`) the line also works as
    /// GOFLAGS; otherwise it is shell-quoted for `eval`. The build tags
    /// already in `goflags` are kept in the line's `-tags=`: the go command
    /// keeps only the last `-tags`, so appending the line must not drop them.
    pub fn goflags(&self, toolexec: &str, goflags: &str) -> String {
        let mut tags: Vec<String> = tags_in_goflags(goflags)
            .into_iter()
            .filter(|t| !t.starts_with("qcompat_"))
            .collect();
        tags.extend(self.build_tags.iter().cloned());
        let mut s = format!("-tags={}", tags.join(","));
        if self.toolexec_required {
            s.push(' ');
            s.push_str(&crate::support::shell::shell_quote(&format!(
                "-toolexec={toolexec}"
            )));
        }
        s
    }

    /// GOFLAGS as a whole: `goflags` without its `-tags` (merged into the
    /// line) and, when this selection names the injector, without its
    /// `-toolexec` (a build has one), then the line.
    pub fn full_goflags(&self, toolexec: &str, goflags: &str) -> String {
        let mut words: Vec<String> = crate::support::shell::split_words(goflags)
            .into_iter()
            .filter(|w| !(is_flag(w, "tags") || self.toolexec_required && is_flag(w, "toolexec")))
            .map(|w| crate::support::shell::shell_quote(&w))
            .collect();
        words.push(self.goflags(toolexec, goflags));
        words.join(" ")
    }
}

/// Whether a GOFLAGS word sets flag `name` (`-name=`, `--name=`).
fn is_flag(word: &str, name: &str) -> bool {
    let w = word.trim_start_matches('-');
    word.starts_with('-') && (w == name || w.starts_with(&format!("{name}=")))
}

/// The build tags GOFLAGS sets (its last `-tags=`, as the go command reads
/// it; comma- or space-separated).
pub fn tags_in_goflags(goflags: &str) -> Vec<String> {
    crate::support::shell::split_words(goflags)
        .iter()
        .filter(|w| is_flag(w, "tags"))
        .filter_map(|w| w.split_once('=').map(|(_, v)| v.to_string()))
        .next_back()
        .map(|v| {
            v.split([',', ' '])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    Tested,
    Untested,
}

/// What the pins say about this version.
#[derive(Debug, Clone)]
pub struct PinFacts {
    pub range: String,
    pub strategy: Strategy,
    pub note: Option<String>,
    /// ` (verified with go1.27.3 on 2026-11-26)`
    pub evidence: String,
    /// The pin's evidence was produced with the injector under test (a
    /// `stack` pin speaks for every injector).
    pub for_this_injector: bool,
    /// The injector behind the evidence, for the reason when it is another.
    pub evidence_injector: String,
    /// The pin cites a matrix run (evidence), not only a rule.
    pub has_evidence: bool,
    /// Why the evidence does not speak for this exact version (a
    /// pre-release or devel build it does not name; a release tested only
    /// as a pre-release): see `Evidence::untested_for`.
    pub untested: Option<String>,
}

/// What is known about the injector without a build.
#[derive(Debug, Clone)]
pub struct InjectorFacts {
    pub command: String,
    pub id: crate::inject::injector::Identity,
    /// `qcompat's injector` / `the injector "q"`
    pub describe: String,
    /// It alters `compile -V=full` (None: could not be asked).
    pub salted: Option<bool>,
    /// The toolchain links a precompiled runtime for this host (Go <= 1.19).
    pub precompiled_host_std: bool,
}

/// Everything [`decide`] looks at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub go_name: String,
    pub go_version: String,
    pub compiler: Compiler,
    pub goid_field: bool,
    pub layout_problem: Option<String>,
    pub expected: Policy,
    pub pin: Option<PinFacts>,
    pub pins_source: String,
    pub injector: InjectorFacts,
    /// Why no live check runs in offline mode, for the reason text
    /// (`--offline was given`, `doctor builds only with --deep`).
    pub offline_why: String,
    /// The user's program, when one is named.
    pub program: Option<ProgramFacts>,
    /// GOOS/GOARCH the user's builds target (`go env`).
    pub goos: String,
    pub goarch: String,
    /// `GOHOSTOS/GOHOSTARCH`: where the live check builds and runs.
    pub host: String,
    /// What the pins' evidence for this Go minor says of goid's calibrated
    /// path on that GOOS/GOARCH, from whatever injector's run: the path
    /// builds without one, and reads only the runtime's g.
    pub calibrated_pin: CalibratedEvidence,
    /// The user's GOFLAGS build with `-tags=qcompat_nocalibrate`: they have
    /// turned the calibrated path off.
    pub nocalibrate: bool,
}

/// The GOARCHes on which fallback-go's goid has a calibrated path (gc
/// only): the build constraint of fallback-go/goid/calibrated.go.
pub const CALIBRATED_GOARCH: &[&str] = &[
    "amd64", "386", "arm64", "arm", "riscv64", "ppc64", "ppc64le", "s390x", "loong64", "mips",
    "mipsle", "mips64", "mips64le",
];

/// The build tag that turns goid's calibrated path off.
pub const NOCALIBRATE_TAG: &str = "qcompat_nocalibrate";

impl Facts {
    pub fn gather(
        tc: &Toolchain,
        layout: &RuntimeLayout,
        pins: &Pins,
        inj: &Injector,
        known: &crate::inject::facts::Facts,
        offline_why: &str,
        program: Option<ProgramFacts>,
    ) -> Facts {
        let pin = pins.find(&tc.version.version).map(|m| {
            let ev = m.pin.evidence.as_ref();
            PinFacts {
                range: m.pin.go.clone(),
                strategy: m.pin.strategy,
                note: m.pin.note.clone(),
                evidence: ev
                    .map(|e| format!(" (verified with {} on {})", e.toolchains.join(", "), e.date))
                    .unwrap_or_default(),
                for_this_injector: m.pin.strategy == Strategy::Stack
                    || ev.is_none_or(|e| e.is_for(&inj.id)),
                evidence_injector: ev
                    .map(|e| e.injector_name().to_string())
                    .unwrap_or_else(|| crate::inject::injector::BUILTIN_NAME.into()),
                has_evidence: ev.is_some(),
                untested: ev
                    .filter(|_| m.pin.strategy == Strategy::Injected)
                    .and_then(|e| e.untested_for(&tc.version.version)),
            }
        });
        Facts {
            go_name: tc.version.go_name(),
            go_version: tc.version.version.to_string(),
            compiler: tc.version.compiler,
            goid_field: layout.goid_field,
            layout_problem: layout.problem.clone(),
            expected: linkname::expected(&tc.version),
            pin,
            pins_source: pins.source.clone(),
            injector: InjectorFacts {
                command: inj.command.clone(),
                id: inj.id.clone(),
                describe: inj.describe(),
                salted: known.salted,
                precompiled_host_std: known.precompiled_host_std,
            },
            offline_why: offline_why.to_string(),
            program,
            goos: tc.env.goos.clone(),
            goarch: tc.env.goarch.clone(),
            host: format!("{}/{}", tc.env.gohostos, tc.env.gohostarch),
            calibrated_pin: pins
                .find(&tc.version.version)
                .and_then(|m| m.pin.evidence.as_ref())
                .map_or(CalibratedEvidence::None, |e| {
                    e.calibrated_for(&tc.env.goos, &tc.env.goarch)
                }),
            nocalibrate: tags_in_goflags(&tc.env.goflags)
                .iter()
                .any(|t| t == NOCALIBRATE_TAG),
        }
    }
}

fn selection(f: &Facts, strategy: Strategy) -> Selection {
    Selection {
        schema: 1,
        go_version: f.go_version.clone(),
        strategy,
        build_tags: vec![],
        toolexec_required: false,
        pinned: false,
        pin: None,
        verified: None,
        reasons: vec![],
        toolexec: f.injector.command.clone(),
        injector: f.injector.id.clone(),
        needs_own_gocache: false,
        coverage: if f
            .pin
            .as_ref()
            .is_some_and(|p| p.for_this_injector && p.has_evidence && p.untested.is_none())
        {
            Coverage::Tested
        } else {
            Coverage::Untested
        },
        failure: None,
        live: None,
        program: None,
        gocache: None,
        default_build: f.injector.id.is_builtin().then_some(DefaultBuild::Injected),
    }
}

fn finish(mut s: Selection) -> Selection {
    // Calibrated is goid's default build: no qcompat tag (the line's bare
    // `-tags=` also clears a qcompat_stack left in GOFLAGS) and no injector.
    let (tag, toolexec) = match s.strategy {
        Strategy::Injected => (Some("qcompat_injected"), true),
        Strategy::Stack => (Some("qcompat_stack"), false),
        Strategy::Calibrated => (None, false),
    };
    s.build_tags = tag.map(str::to_string).into_iter().collect();
    s.toolexec_required = toolexec;
    s
}

/// Decides the strategy, and for a named program whether it works. `verify`
/// runs the live check when the table asks for one; its error is the
/// selection's error.
pub fn decide(
    f: &Facts,
    mode: Mode,
    verify: &mut dyn FnMut() -> Result<Live>,
) -> Result<Selection> {
    let mut s = decide_strategy(f, mode, verify)?;
    default_build(&mut s);
    if let Some(p) = &f.program {
        let v = program_verdict(f, &mut s, p);
        s.program = Some(v);
    }
    calibrated(f, &mut s);
    Ok(finish(s))
}

/// Where the selection says stack: calibrated instead, when a probe that ran
/// here (live) or the pins' evidence for this Go minor and GOARCH proved
/// goid's calibrated path, and nothing rules it out. The default build
/// (no tags, no injector) then takes that path, as it checks the offset
/// again at first use.
fn calibrated(f: &Facts, s: &mut Selection) {
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
        s.reasons.push(format!("calibrated: not chosen: {w}"));
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
            s.reasons.push(format!(
                "calibrated: {which} read g.goid at offset {} and it matched runtime.Stack in main and 8 goroutines on {platform}: {then}",
                c.offset
            ));
        } else {
            s.reasons.push(format!(
                "calibrated: not chosen: {which} found goid's calibrated path {} on {platform}",
                match c.result {
                    CalibratedResult::Fail => "failing",
                    _ => "unsupported",
                }
            ));
        }
        return;
    }
    match &f.calibrated_pin {
        CalibratedEvidence::Pass { toolchains, offsets } => {
            s.strategy = Strategy::Calibrated;
            let offsets: Vec<String> = offsets.iter().map(u64::to_string).collect();
            s.reasons.push(format!(
                "calibrated: the pins' evidence for this Go minor shows goid's calibrated path passing on {platform} with {} (offset {}): {then}",
                toolchains.join(", "),
                offsets.join(", ")
            ));
        }
        CalibratedEvidence::NotProven { toolchain, result } => s.reasons.push(format!(
            "calibrated: not chosen: the pins' evidence records goid's calibrated path as {} on {platform} with {toolchain}",
            match result {
                CalibratedResult::Fail => "failing",
                _ => "unsupported",
            }
        )),
        CalibratedEvidence::None => s.reasons.push(format!(
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
fn default_build(s: &mut Selection) {
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
        s.reasons.push(format!(
            "default build: the injector is not detected: fallback-go's goid without tags detects an injector by runtime.{DETECTED_VAR}, which {} does not define, so it takes its own calibrated or stack path; build with -tags=qcompat_injected (as this selection says), or have the injector define that variable (README: \"How the default build detects an injector\")",
            s.toolexec
        ));
    }
}

/// The program's verdict from its facts and the live check's build of it.
/// A program with a fallback falls back with the strategy; one that pulls
/// `runtime.GoroutineID` itself has none, and is told what would fix it.
fn program_verdict(f: &Facts, s: &mut Selection, p: &ProgramFacts) -> ProgramVerdict {
    let inj = &f.injector.describe;
    let name = &f.go_name;
    let uses = if p.pulls_accessor {
        "pulls runtime.GoroutineID itself, so it has no fallback: it builds only through the injector"
    } else if p.fallback {
        "uses fallback-go's goid, so it also builds without the injector (-tags=qcompat_stack)"
    } else {
        "uses neither fallback-go's goid nor runtime.GoroutineID"
    };
    let mut v = ProgramVerdict {
        facts: p.clone(),
        built: false,
        works: None,
        failure: None,
        verdict: String::new(),
        fix: None,
    };
    if let Some(b) = &p.blocked {
        v.works = Some(false);
        match b {
            crate::verify::program::Blocked::GoTooOld { requires, .. } => {
                v.verdict = format!("{name} cannot build the program: its go.mod requires go >= {requires}, whatever the injector");
                v.fix = Some(format!("build it with Go {requires} or newer (this is {name}), or lower the program's go line"));
            }
            crate::verify::program::Blocked::Load { message } => {
                v.verdict = format!("{name} cannot load the program: {}", first_line(message));
                v.fix =
                    Some("fix the program so that `go build` loads it, then check again".into());
            }
        }
        s.reasons.push(format!("program: {}", v.verdict));
        return v;
    }
    let built = s.live.as_ref().and_then(|l| l.program.as_ref());
    match built {
        Some(o) if o.status == crate::verify::cell::Status::Pass => {
            v.built = true;
            v.works = Some(true);
            v.verdict = format!("the program built and ran through {inj}; it {uses}");
        }
        Some(o) => {
            v.built = true;
            v.works = Some(false);
            v.failure = o.diagnosis.as_ref().map(|d| d.class);
            let line = o
                .diagnosis
                .as_ref()
                .map(|d| format!("{} ({})", d.explanation, d.class.name()))
                .unwrap_or_else(|| format!("`{}`", last_line(&o.stderr_excerpt)));
            v.verdict = format!(
                "the program built through {inj} gave {}: {line}",
                o.status.name()
            );
            v.fix = o.diagnosis.as_ref().map(|d| d.fix.clone()).or_else(|| {
                Some(
                    "`qcompat select --verify --json` shows the build command and its output"
                        .into(),
                )
            });
            if s.strategy == Strategy::Injected {
                s.strategy = Strategy::Stack;
                s.failure = s.failure.or(v.failure);
                s.reasons.push(format!(
                    "the probe passed, but {}; falling back to stack",
                    v.verdict
                ));
            }
            if p.pulls_accessor {
                v.verdict.push_str(&format!("; it {uses}"));
            }
        }
        None => {
            let injected = s.strategy == Strategy::Injected;
            v.verdict = format!(
                "the program was not built ({}); it {uses}",
                if s.live.is_some() {
                    "the live check built the probe only"
                } else {
                    f.offline_why.as_str()
                }
            );
            if p.pulls_accessor && !injected {
                v.works = Some(false);
                v.verdict = format!(
                    "the program {uses}, and nothing shows that {inj} works with {name} here"
                );
                v.fix = Some(
                    "check it live (`doctor --deep --program`), and follow that check's fix; its own fallback would be fallback-go's goid".into(),
                );
            } else if !p.fallback && !p.pulls_accessor {
                v.verdict = format!("the program {uses}: this selection does not concern it");
            } else {
                v.fix = Some(
                    "check it live: `doctor --deep --program` builds it through the injector"
                        .into(),
                );
            }
        }
    }
    if !p.pulls_accessor && !p.fallback {
        // Nothing of ours in it: a verdict on goid would mislead.
    } else if p.pulls_accessor && v.works == Some(false) && s.strategy == Strategy::Stack {
        s.reasons.push(format!(
            "program: {}: -tags=qcompat_stack does not help it",
            v.verdict
        ));
    } else {
        s.reasons.push(format!("program: {}", v.verdict));
    }
    v
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

fn last_line(s: &str) -> &str {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// The strategy for fallback-go's `goid` with this injector.
fn decide_strategy(
    f: &Facts,
    mode: Mode,
    verify: &mut dyn FnMut() -> Result<Live>,
) -> Result<Selection> {
    let name = &f.go_name;
    let inj = &f.injector;
    if f.compiler != Compiler::Gc {
        let mut s = selection(f, Strategy::Stack);
        s.reasons.push(format!(
            "{} is not the gc toolchain: the injector only works with gc's compiler",
            f.compiler
        ));
        return Ok(s);
    }
    if !f.goid_field {
        let mut s = selection(f, Strategy::Stack);
        s.reasons.push(format!(
            "the runtime has no g.goid field ({}): nothing to inject",
            f.layout_problem.as_deref().unwrap_or("unknown layout")
        ));
        return Ok(s);
    }
    let mut s = selection(f, Strategy::Stack);
    let pin = f.pin.as_ref();
    let pin_applies = pin.is_some_and(|p| p.for_this_injector && p.untested.is_none());
    match pin {
        Some(p) if p.for_this_injector && p.untested.is_some() => {
            s.pin = Some(p.range.clone());
            s.reasons.push(format!(
                "{name} matches pin {} in {}, but {}: the pin does not vouch for it",
                crate::support::output::shown(&p.range),
                f.pins_source,
                p.untested.as_deref().unwrap_or_default()
            ));
        }
        Some(p) if p.for_this_injector => {
            s.strategy = p.strategy;
            s.pinned = true;
            s.pin = Some(p.range.clone());
            s.reasons.push(format!(
                "{name} matches pin {} in {}: {}{}",
                crate::support::output::shown(&p.range),
                f.pins_source,
                p.strategy,
                p.evidence
            ));
            if let Some(n) = &p.note {
                s.reasons.push(n.clone());
            }
        }
        Some(p) => {
            s.pin = Some(p.range.clone());
            s.reasons.push(format!(
                "{name} matches pin {} in {}, but its evidence comes from {}, not from {}: it does not vouch for this injector",
                crate::support::output::shown(&p.range),
                f.pins_source,
                if p.evidence_injector == crate::inject::injector::BUILTIN_NAME { "qcompat's own injector".to_string() } else { format!("the injector {}", crate::support::output::shown(&p.evidence_injector)) },
                inj.describe
            ));
        }
        None if f.expected == Policy::Unsupported => {
            s.reasons.push(format!(
                "{name} predates the single-argument //go:linkname (Go 1.13): the runtime cannot export GoroutineID"
            ));
            return Ok(s);
        }
        None => {}
    }
    // What the static facts already show about this injector.
    if inj.salted == Some(false) {
        s.needs_own_gocache = true;
        if inj.precompiled_host_std {
            s.reasons.push(format!(
                "{} leaves `compile -V=full` unchanged and {name} links its precompiled runtime for this host, so the injector never runs for runtime (precompiled-std): pass -a, or use an injector that alters -V=full",
                inj.describe
            ));
        } else {
            s.reasons.push(format!(
                "{} leaves `compile -V=full` unchanged: its builds need a GOCACHE of their own, or a plain runtime.a from the shared cache is linked (shared-cache)",
                inj.describe
            ));
        }
    }
    let live_wanted = match mode {
        Mode::Offline => false,
        Mode::Default => !pin_applies,
        Mode::Verify => true,
    };
    if !live_wanted {
        if inj.salted == Some(false) && inj.precompiled_host_std {
            s.strategy = Strategy::Stack;
            s.failure = Some(Class::PrecompiledStd);
        } else if !pin_applies {
            s.strategy = Strategy::Stack;
            let untested = if pin.is_none() {
                format!("no pin covers {name}")
            } else {
                format!("nothing has verified {} with {name}", inj.describe)
            };
            s.reasons.push(format!(
                "{untested} and {}: falling back to stack (a live check would build through the injector)",
                f.offline_why
            ));
        }
        return Ok(s);
    }
    let live = verify()?;
    let passed = live.passed();
    s.verified = Some(passed);
    if passed {
        if !pin_applies {
            s.strategy = Strategy::Injected;
            s.reasons.push(format!(
                "{}a live build through {} linked and returned the right IDs",
                if pin.is_none() {
                    format!("no pin covers {name}; ")
                } else {
                    String::new()
                },
                inj.describe
            ));
        } else if s.strategy == Strategy::Stack {
            s.reasons.push(
                "the live check passed, which contradicts the pin's stack strategy: the pin is kept; update the pins after a matrix run".to_string(),
            );
        } else {
            s.reasons.push(format!(
                "a live build through {} confirmed the pin",
                inj.describe
            ));
        }
    } else {
        let mut why = format!(
            "the live build through {} gave {}",
            inj.describe,
            live.summary()
        );
        if let Some(d) = live.diagnosis() {
            s.failure = Some(d.class);
            why.push_str(&format!(". {}. Fix: {}", d.explanation, d.fix));
        }
        if s.pinned && s.strategy == Strategy::Injected {
            s.reasons.push(format!(
                "{why}; this contradicts the pin, falling back to stack"
            ));
        } else {
            s.reasons.push(format!("{why}; falling back to stack"));
        }
        s.strategy = Strategy::Stack;
    }
    s.live = Some(live);
    Ok(s)
}

/// How a caller asks for a selection: the mode, why an offline mode builds
/// nothing (for the reason text), and the user's program if any.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub mode: Mode,
    pub offline_why: &'a str,
    pub program: Option<&'a Program>,
}

/// Gathers the facts for `tc` and `inj` and decides, running the live check
/// through `inj` when the table asks for one.
pub fn select(
    tc: &Toolchain,
    layout: &RuntimeLayout,
    pins: &Pins,
    inj: &Injector,
    known: &crate::inject::facts::Facts,
    ask: Ask,
) -> Result<Selection> {
    let salted = known.salted;
    let Ask {
        mode,
        offline_why,
        program,
    } = ask;
    let pfacts = program.map(|p| crate::verify::program::facts(tc, p));
    let facts = Facts::gather(tc, layout, pins, inj, known, offline_why, pfacts.clone());
    let mut s = decide(&facts, mode, &mut || {
        let cx = crate::verify::live::diag_context(
            tc,
            inj,
            salted,
            known.built_by.clone(),
            layout.goid_type.clone(),
        );
        crate::verify::live::check(tc, inj, &cx, program.zip(pfacts.as_ref()))
    })?;
    if s.needs_own_gocache {
        let dir = crate::verify::live::private_gocache(tc, inj);
        s.gocache = Some(dir?.display().to_string());
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inject::injector::Identity;
    use crate::verify::cell::{Outcome, Status, Verified};
    use crate::verify::diagnosis::Diagnosis;

    fn facts(
        minor: u64,
        pin: Option<(Strategy, bool)>,
        builtin: bool,
        salted: Option<bool>,
    ) -> Facts {
        Facts {
            go_name: format!("go1.{minor}.1"),
            go_version: format!("1.{minor}.1"),
            compiler: Compiler::Gc,
            goid_field: true,
            layout_problem: None,
            expected: if minor >= 23 {
                Policy::Restricted
            } else {
                Policy::Permissive
            },
            pin: pin.map(|(strategy, for_this_injector)| PinFacts {
                range: ">=1.13.0, <1.28.0".into(),
                strategy,
                note: None,
                evidence: String::new(),
                for_this_injector,
                evidence_injector: crate::inject::injector::BUILTIN_NAME.into(),
                has_evidence: true,
                untested: None,
            }),
            pins_source: "pins.yaml".into(),
            injector: InjectorFacts {
                command: if builtin {
                    "qcompat toolexec".into()
                } else {
                    "q".into()
                },
                id: Identity {
                    name: if builtin {
                        crate::inject::injector::BUILTIN_NAME.into()
                    } else {
                        "q".into()
                    },
                    sha256: "ab".repeat(32),
                    ..Identity::default()
                },
                describe: if builtin {
                    "qcompat's injector".into()
                } else {
                    "the injector \"q\"".into()
                },
                salted,
                precompiled_host_std: minor <= 19,
            },
            offline_why: "--offline was given".into(),
            program: None,
            goos: "linux".into(),
            goarch: "amd64".into(),
            host: "linux/amd64".into(),
            calibrated_pin: CalibratedEvidence::None,
            nocalibrate: false,
        }
    }

    fn live(status: Status, class: Option<Class>) -> Live {
        Live {
            outcome: Outcome {
                status,
                verified: Verified::Exec,
                duration_s: 0.1,
                command: "go build".into(),
                stderr_excerpt: String::new(),
                note: None,
                diagnosis: class.map(|class| Diagnosis {
                    class,
                    evidence: "e".into(),
                    explanation: "x".into(),
                    fix: "f".into(),
                }),
            },
            private_gocache: false,
            with_a: None,
            program: None,
            plain: None,
        }
    }

    /// Runs decide with a verifier that must (or must not) be called.
    fn run(f: &Facts, mode: Mode, result: Option<Live>) -> Selection {
        let mut called = false;
        let s = decide(f, mode, &mut || {
            called = true;
            Ok(result.clone().expect("no live check expected"))
        })
        .unwrap();
        assert_eq!(called, result.is_some(), "live check called: {called}");
        s
    }

    /// Facts, mode, live result -> strategy, pinned, verified, failure class.
    type Row = (
        Facts,
        Mode,
        Option<Live>,
        Strategy,
        bool,
        Option<bool>,
        Option<Class>,
    );

    #[test]
    fn decision_table() {
        use Mode::*;
        use Strategy::*;
        let pass = || Some(live(Status::Pass, None));
        // (facts, mode, live result) -> (strategy, pinned, verified, failure)
        #[rustfmt::skip]
        let rows: Vec<Row> = vec![
            // qcompat's own injector, pinned: the pin decides offline and by default.
            (facts(26, Some((Injected, true)), true, Some(true)), Offline, None, Injected, true, None, None),
            (facts(26, Some((Injected, true)), true, Some(true)), Default, None, Injected, true, None, None),
            (facts(26, Some((Injected, true)), true, Some(true)), Verify, pass(), Injected, true, Some(true), None),
            // A failing live check overrides an injected pin.
            (facts(26, Some((Injected, true)), true, Some(true)), Verify, Some(live(Status::FailRelocation, Some(Class::NotInjected))), Stack, true, Some(false), Some(Class::NotInjected)),
            // No pin: offline falls back; default checks live.
            (facts(30, None, true, Some(true)), Offline, None, Stack, false, None, None),
            (facts(30, None, true, Some(true)), Default, pass(), Injected, false, Some(true), None),
            // Another injector: the builtin's pin does not vouch for it.
            (facts(26, Some((Injected, false)), false, Some(true)), Offline, None, Stack, false, None, None),
            (facts(26, Some((Injected, false)), false, Some(true)), Default, pass(), Injected, false, Some(true), None),
            // A stack pin speaks for every injector.
            (facts(12, Some((Stack, true)), false, Some(true)), Default, None, Stack, true, None, None),
            // Unsalted on Go <= 1.19: precompiled std, known without building.
            (facts(19, Some((Injected, false)), false, Some(false)), Offline, None, Stack, false, None, Some(Class::PrecompiledStd)),
            (facts(19, Some((Injected, false)), false, Some(false)), Default, Some(live(Status::FailBuild, Some(Class::RuntimeFile))), Stack, false, Some(false), Some(Class::RuntimeFile)),
            // Unsalted on 1.20+: works in a GOCACHE of its own.
            (facts(26, Some((Injected, false)), false, Some(false)), Verify, pass(), Injected, false, Some(true), None),
            // A wrong ID at run time.
            (facts(27, None, false, Some(true)), Default, Some(live(Status::FailRun, None)), Stack, false, Some(false), None),
        ];
        for (i, (f, mode, l, strategy, pinned, verified, failure)) in rows.into_iter().enumerate() {
            let s = run(&f, mode, l);
            assert_eq!(
                (s.strategy, s.pinned, s.verified, s.failure),
                (strategy, pinned, verified, failure),
                "row {i}: {:#?}",
                s.reasons
            );
            assert_eq!(s.toolexec_required, strategy == Injected, "row {i}");
            assert!(!s.reasons.is_empty(), "row {i}");
        }
    }

    #[test]
    fn unsalted_needs_its_own_cache_and_says_why() {
        let s = run(
            &facts(26, None, false, Some(false)),
            Mode::Default,
            Some(live(Status::Pass, None)),
        );
        assert!(s.needs_own_gocache);
        assert!(
            s.reasons.iter().any(|r| r.contains("shared-cache")),
            "{:?}",
            s.reasons
        );
        let s = run(&facts(19, None, false, Some(false)), Mode::Offline, None);
        assert!(
            s.reasons.iter().any(|r| r.contains("pass -a")),
            "{:?}",
            s.reasons
        );
        assert!(
            !s.reasons.iter().any(|r| r.contains("GOCACHE of their own")),
            "{:?}",
            s.reasons
        );
    }

    /// A live result whose probe line (plain, without the injector, when the
    /// injected build failed) reports the calibrated check.
    fn live_calibrated(injected: Status, result: &str) -> Live {
        let mut l = live(injected, None);
        let mut plain = live(Status::Pass, None).outcome;
        plain.note = Some(format!(
            "qcompat-probe ok=true checked=9 goos=linux goarch=amd64 default=none calibrated={result} offset=152 build=plain"
        ));
        l.plain = Some(plain);
        l
    }

    #[test]
    fn calibrated_where_injection_is_not_proven() {
        use crate::verify::probeprog::CalibratedResult;
        let proven = CalibratedEvidence::Pass {
            toolchains: vec!["go1.19.8".into()],
            offsets: vec![152],
        };
        // Unsalted injector on Go 1.19 (precompiled-std): stack without
        // calibrated evidence, calibrated with it.
        let mut f = facts(19, Some((Strategy::Injected, false)), false, Some(false));
        let s = run(&f, Mode::Offline, None);
        assert_eq!(s.strategy, Strategy::Stack, "{:?}", s.reasons);
        assert!(s
            .reasons
            .iter()
            .any(|r| r.contains("nothing has proven goid's calibrated path")));
        f.calibrated_pin = proven.clone();
        let s = run(&f, Mode::Offline, None);
        assert_eq!(
            (s.strategy, s.build_tags.len(), s.toolexec_required),
            (Strategy::Calibrated, 0, false),
            "{:?}",
            s.reasons
        );
        assert_eq!(s.goflags("q", "-tags=netgo,qcompat_stack"), "-tags=netgo");
        assert_eq!(s.goflags("q", ""), "-tags=");
        assert_eq!(
            s.full_goflags("q", "-mod=mod -toolexec=q"),
            "-mod=mod -toolexec=q -tags="
        );
        // Each thing that rules it out.
        let mut off = f.clone();
        off.nocalibrate = true;
        let mut wasm = f.clone();
        wasm.goarch = "wasm".into();
        let mut pulls = f.clone();
        pulls.program = Some(ProgramFacts {
            dir: ".".into(),
            package: ".".into(),
            uses_goid: false,
            pulls_accessor: true,
            fallback: false,
            blocked: None,
        });
        let mut failed = f.clone();
        failed.calibrated_pin = CalibratedEvidence::NotProven {
            toolchain: "go1.19.8".into(),
            result: CalibratedResult::Fail,
        };
        for (i, g) in [off, wasm, pulls, failed].iter().enumerate() {
            let s = run(g, Mode::Offline, None);
            assert_eq!(s.strategy, Strategy::Stack, "case {i}: {:?}", s.reasons);
            assert!(
                s.reasons
                    .iter()
                    .any(|r| r.starts_with("calibrated: not chosen")),
                "case {i}"
            );
        }
        // Live: the plain probe's result decides over the pins.
        f.calibrated_pin = CalibratedEvidence::None;
        let s = run(
            &f,
            Mode::Verify,
            Some(live_calibrated(Status::FailRelocation, "pass")),
        );
        assert_eq!(s.strategy, Strategy::Calibrated, "{:?}", s.reasons);
        assert!(s
            .reasons
            .iter()
            .any(|r| r.contains("without the injector read g.goid at offset 152")));
        f.calibrated_pin = proven;
        let s = run(
            &f,
            Mode::Verify,
            Some(live_calibrated(Status::FailRelocation, "fail")),
        );
        assert_eq!(s.strategy, Strategy::Stack, "{:?}", s.reasons);
        // A live result for the host says nothing of another target.
        let mut cross = f.clone();
        cross.goarch = "arm64".into();
        cross.calibrated_pin = CalibratedEvidence::None;
        let s = run(
            &cross,
            Mode::Verify,
            Some(live_calibrated(Status::FailRelocation, "pass")),
        );
        assert_eq!(s.strategy, Strategy::Stack, "{:?}", s.reasons);
        // Injection proven: injected, whatever the calibrated evidence.
        let mut g = facts(26, Some((Strategy::Injected, true)), true, Some(true));
        g.calibrated_pin = CalibratedEvidence::Pass {
            toolchains: vec!["go1.26.8".into()],
            offsets: vec![152],
        };
        assert_eq!(run(&g, Mode::Offline, None).strategy, Strategy::Injected);
    }

    #[test]
    fn goflags_keep_the_users_tags() {
        let s = run(
            &facts(26, Some((Strategy::Injected, true)), false, Some(true)),
            Mode::Offline,
            None,
        );
        assert_eq!(
            s.goflags("q", "-tags=netgo,qcompat_stack -mod=mod"),
            "-tags=netgo,qcompat_injected -toolexec=q"
        );
        assert_eq!(s.goflags("q", ""), "-tags=qcompat_injected -toolexec=q");
        assert_eq!(
            s.full_goflags("q", "-mod=mod -tags=a,b -toolexec=/old/inj"),
            "-mod=mod -tags=a,b,qcompat_injected -toolexec=q"
        );
        assert_eq!(tags_in_goflags("-tags=x -tags=y,z"), ["y", "z"]);
    }

    #[test]
    fn gccgo_and_old_go() {
        let mut f = facts(18, None, true, Some(true));
        f.compiler = Compiler::Gccgo;
        let s = run(&f, Mode::Verify, None);
        assert_eq!(s.strategy, Strategy::Stack);
        let mut f = facts(12, None, true, Some(true));
        f.expected = Policy::Unsupported;
        let s = run(&f, Mode::Verify, None);
        assert_eq!(s.strategy, Strategy::Stack);
        assert!(s.reasons[0].contains("predates"));
    }

    #[test]
    fn a_pin_that_does_not_name_a_prerelease_does_not_decide() {
        let mut f = facts(27, Some((Strategy::Injected, true)), true, Some(true));
        f.pin.as_mut().unwrap().untested = Some("tested with go1.27.3 only".into());
        let s = run(&f, Mode::Offline, None);
        assert_eq!(
            (s.strategy, s.pinned, s.coverage),
            (Strategy::Stack, false, Coverage::Untested)
        );
        assert!(
            s.reasons[0].contains("tested with go1.27.3 only"),
            "{:?}",
            s.reasons
        );
        // By default it is checked live, as an unpinned version is.
        let s = run(&f, Mode::Default, Some(live(Status::Pass, None)));
        assert_eq!(
            (s.strategy, s.coverage),
            (Strategy::Injected, Coverage::Untested)
        );
    }
}
