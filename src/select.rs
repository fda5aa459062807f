//! `qcompat select`: which goroutine-ID strategy to build with, from the pins,
//! the static probe, and (when needed) a live build through the injector.

use crate::cell::{self, Job, Outcome, Status};
use crate::discover::Toolchain;
use crate::linkname::{self, Policy};
use crate::output::{self, Format};
use crate::pins::{Pins, Strategy};
use crate::runtime_layout::RuntimeLayout;
use crate::version::Compiler;
use anyhow::Result;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pins and the static probe only.
    Offline,
    /// Pins; a live check only for versions no pin covers.
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
    pub pinned: bool,
    /// The pin's range when one covers the version.
    pub pin: Option<String>,
    /// null: no live check ran; true/false: its result.
    pub verified: Option<bool>,
    pub reasons: Vec<String>,
    /// The live check's details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<Outcome>,
}

impl Selection {
    fn new(tc: &Toolchain, strategy: Strategy) -> Selection {
        Selection {
            schema: 1,
            go_version: tc.version.version.to_string(),
            strategy,
            build_tags: vec![],
            toolexec_required: false,
            pinned: false,
            pin: None,
            verified: None,
            reasons: vec![],
            live: None,
        }
    }

    fn finish(mut self) -> Selection {
        let (tag, toolexec) = match self.strategy {
            Strategy::Injected => ("qcompat_injected", true),
            Strategy::Stack => ("qcompat_stack", false),
        };
        self.build_tags = vec![tag.to_string()];
        self.toolexec_required = toolexec;
        self
    }

    /// The go command flags that build with this selection. With a one-word
    /// `toolexec` (the qcompat-toolexec link) the line also works as GOFLAGS;
    /// otherwise it is shell-quoted for `eval`.
    pub fn goflags(&self, toolexec: &str) -> String {
        let mut s = format!("-tags={}", self.build_tags.join(","));
        if self.toolexec_required {
            s.push(' ');
            s.push_str(&crate::process::shell_quote(&format!(
                "-toolexec={toolexec}"
            )));
        }
        s
    }
}

/// Builds and runs the probe for the host through this binary's injector.
pub fn live_check(tc: &Toolchain) -> Result<Outcome> {
    let module = crate::probeprog::materialize()?;
    let work = crate::scratch::module(&[])?;
    let toolexec = crate::paths::self_toolexec()?;
    let job = Job {
        go: &tc.go.path,
        goroot: tc.goroot(),
        goos: &tc.env.gohostos,
        goarch: &tc.env.gohostarch,
        toolexec: Some(&toolexec),
        gocache: None,
        module_dir: &module,
        package: crate::probeprog::PACKAGE,
        out_dir: work.path(),
        work_dir: work.path(),
        exec: true,
        lean: true,
        timeout: tc.go.timeout,
    };
    Ok(cell::run(&job, None))
}

/// Decides the strategy for one toolchain.
pub fn select(
    tc: &Toolchain,
    layout: &RuntimeLayout,
    pins: &Pins,
    mode: Mode,
) -> Result<Selection> {
    let name = tc.version.go_name();
    if tc.version.compiler != Compiler::Gc {
        let mut s = Selection::new(tc, Strategy::Stack);
        s.reasons.push(format!(
            "{} is not the gc toolchain: the injector only works with gc's compiler",
            tc.version.compiler
        ));
        return Ok(s.finish());
    }
    if !layout.goid_field {
        let mut s = Selection::new(tc, Strategy::Stack);
        s.reasons.push(format!(
            "the runtime has no g.goid field ({}): nothing to inject",
            layout.problem.as_deref().unwrap_or("unknown layout")
        ));
        return Ok(s.finish());
    }
    let expected = linkname::expected(&tc.version);
    let pin = pins.find(&tc.version.version);
    let mut s = Selection::new(tc, Strategy::Stack);
    if let Some(m) = &pin {
        s.strategy = m.pin.strategy;
        s.pinned = true;
        s.pin = Some(m.pin.go.clone());
        let ev = m
            .pin
            .evidence
            .as_ref()
            .map(|e| format!(" (verified with {} on {})", e.toolchains.join(", "), e.date))
            .unwrap_or_default();
        s.reasons.push(format!(
            "{name} matches pin {:?} in {}: {}{ev}",
            m.pin.go, pins.source, m.pin.strategy
        ));
        if let Some(n) = &m.pin.note {
            s.reasons.push(n.clone());
        }
    } else if expected == Policy::Unsupported {
        s.reasons.push(format!(
            "{name} predates the single-argument //go:linkname (Go 1.13): the runtime cannot export GoroutineID"
        ));
        return Ok(s.finish());
    }
    let live_wanted = match mode {
        Mode::Offline => false,
        Mode::Default => pin.is_none(),
        Mode::Verify => true,
    };
    if !live_wanted {
        if pin.is_none() {
            s.reasons.push(format!(
                "no pin covers {name} and --offline forbids a live check: falling back to stack (run without --offline to verify)"
            ));
        }
        return Ok(s.finish());
    }
    let outcome = live_check(tc)?;
    let passed = outcome.status == Status::Pass && outcome.verified == cell::Verified::Exec;
    s.verified = Some(passed);
    if passed {
        if pin.is_none() {
            s.strategy = Strategy::Injected;
            s.reasons.push(format!(
                "no pin covers {name}; a live build through the injector linked and returned the right IDs"
            ));
        } else if s.strategy == Strategy::Stack {
            s.reasons.push(
                "the live check passed, which contradicts the pin's stack strategy: the pin is kept; update matrix/pins.yaml after a matrix run".to_string(),
            );
        } else {
            s.reasons
                .push("a live build through the injector confirmed the pin".into());
        }
    } else {
        let why = format!(
            "the live build through the injector gave {}: {}",
            outcome.status.name(),
            outcome.stderr_excerpt.lines().last().unwrap_or("")
        );
        if s.pinned && s.strategy == Strategy::Injected {
            s.reasons.push(format!(
                "{why}; this contradicts the pin, falling back to stack"
            ));
        } else {
            s.reasons.push(format!("{why}; falling back to stack"));
        }
        s.strategy = Strategy::Stack;
    }
    s.live = Some(outcome);
    Ok(s.finish())
}

pub fn render(s: &Selection, format: Format, goflags_only: bool) -> Result<()> {
    if goflags_only {
        let toolexec = if s.toolexec_required {
            goflags_toolexec()?
        } else {
            String::new()
        };
        println!("{}", s.goflags(&toolexec));
        return Ok(());
    }
    output::emit(format, s, |out| human(s, out))
}

/// The injector as one word when the link's path needs no shell quoting
/// (so it fits GOFLAGS too), else `qcompat toolexec` with its path quoted.
fn goflags_toolexec() -> Result<String> {
    let link = crate::paths::toolexec_link()?;
    let link = link.to_string_lossy();
    if crate::process::shell_quote(&link) != link {
        return crate::paths::self_toolexec();
    }
    Ok(link.into_owned())
}

pub fn human(s: &Selection, out: &mut String) {
    let _ = writeln!(
        out,
        "strategy    {} (build tags: {}; toolexec {})",
        s.strategy,
        s.build_tags.join(","),
        if s.toolexec_required {
            "required"
        } else {
            "not needed"
        }
    );
    let _ = writeln!(
        out,
        "pinned      {}   verified {}",
        if s.pinned { "yes" } else { "no" },
        match s.verified {
            None => "not checked",
            Some(true) => "yes",
            Some(false) => "failed",
        }
    );
    for r in &s.reasons {
        let _ = writeln!(out, "  - {r}");
    }
}
