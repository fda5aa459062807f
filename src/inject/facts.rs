//! The one producer of what is known about a toolchain and an injector on
//! it without building through it: the toolchain, its runtime layout and
//! (for a matrix) its platforms ([`ToolchainFacts`]); the injector: who it
//! is, whether it salts its tool ID, which Go built it, and whether the
//! toolchain links a precompiled host std ([`Facts`]). select, doctor and
//! `matrix plan` all read these, so they cannot disagree on when an
//! injector is asked for its `-V=full` line.

use crate::go::discover::Toolchain;
use crate::go::platforms::Platform;
use crate::go::runtime_layout::RuntimeLayout;
use crate::inject::build::BuildInfo;
use crate::inject::injector::{Injector, Source};
use crate::inject::toolid::{self, ToolIdCheck};
use std::time::Duration;

/// What is known about a toolchain without building with it.
#[derive(Debug, Clone)]
pub struct ToolchainFacts {
    pub toolchain: Toolchain,
    /// Whether the runtime's g has a goid field, and its type.
    pub layout: RuntimeLayout,
    /// The GOOS/GOARCH pairs it targets, with those it marks broken; only
    /// gccgo's host for gccgo, whose go command has no `dist` (None: not
    /// asked for, as select and doctor decide for `go env`'s pair).
    pub platforms: Option<Vec<Platform>>,
}

impl ToolchainFacts {
    /// The toolchain and its runtime layout.
    pub fn of(toolchain: Toolchain) -> ToolchainFacts {
        let layout = crate::go::runtime_layout::read(toolchain.goroot());
        ToolchainFacts {
            toolchain,
            layout,
            platforms: None,
        }
    }

    /// With its platforms too (`go tool dist list`), as a matrix plans them.
    pub fn with_platforms(toolchain: Toolchain) -> anyhow::Result<ToolchainFacts> {
        let platforms = if toolchain.version.compiler == crate::go::version::Compiler::Gccgo {
            crate::go::platforms::host_only(&toolchain)
        } else {
            crate::go::platforms::platforms_with_broken(&toolchain.go)?
        };
        Ok(ToolchainFacts {
            platforms: Some(platforms),
            ..ToolchainFacts::of(toolchain)
        })
    }

    /// The facts of the injector `inj` on this toolchain ([`gather`]).
    pub fn injector(&self, inj: &Injector, build: Option<&BuildInfo>, timeout: Duration) -> Facts {
        gather(&self.toolchain, inj, build, timeout)
    }
}

/// Who the injector is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// qcompat's own (this binary, under any of its names).
    Builtin,
    /// A ready command (`--toolexec`, GOFLAGS, a spec's `toolexec:`).
    Command,
    /// Built from a Go package by the toolchain under test.
    Package,
}

/// Whether an injector alters `compile -V=full`, which gives its builds
/// cache entries of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Salting {
    /// It alters the line (or refuses the question): its own entries.
    Salted,
    /// It passes the line through: its runtime.a and a plain one share an entry.
    Unsalted,
    /// It could not be asked.
    #[default]
    Unknown,
}

/// What is known about an injector on one toolchain.
#[derive(Debug)]
pub struct Facts {
    pub kind: Kind,
    /// The `-V=full` answers (None: not asked, see [`asks_tool_id`]).
    pub tool_id: Option<anyhow::Result<ToolIdCheck>>,
    /// It alters `compile -V=full` (unknown: asked, and it could not answer).
    pub salted: Salting,
    /// The Go that built it, when that can be read.
    pub built_by: Option<String>,
    /// The toolchain links a precompiled runtime for this host (Go <= 1.19).
    pub precompiled_host_std: bool,
}

/// The one rule for asking an injector for its tool ID: qcompat's own,
/// chosen because nothing else was named, salts it (unless the salt is
/// turned off); every injector the user (or GOFLAGS, or a spec) names is
/// asked, qcompat's own under another spelling too.
pub fn asks_tool_id(inj: &Injector) -> bool {
    inj.source != Source::Builtin || crate::inject::companion::salt_disabled()
}

/// Gathers the facts of `inj` on `tc` (`build`: how it was built from a
/// package, if it was). Asking costs two `-V=full` runs.
pub fn gather(
    tc: &Toolchain,
    inj: &Injector,
    build: Option<&BuildInfo>,
    timeout: Duration,
) -> Facts {
    let tool_id = asks_tool_id(inj).then(|| {
        toolid::check(
            std::path::Path::new(&tc.env.gotooldir),
            &inj.command,
            timeout,
            tc.go.cancel,
        )
    });
    let salted = match &tool_id {
        None => Salting::Salted,
        Some(Ok(c)) if c.altered || c.rejected.is_some() => Salting::Salted,
        Some(Ok(_)) => Salting::Unsalted,
        Some(Err(_)) => Salting::Unknown,
    };
    Facts {
        kind: if inj.builtin {
            Kind::Builtin
        } else if build.is_some() {
            Kind::Package
        } else {
            Kind::Command
        },
        tool_id,
        salted,
        built_by: build
            .map(|b| b.built_by.clone())
            .or_else(|| inj.built_by(&tc.go)),
        precompiled_host_std: crate::go::platforms::precompiled_std(tc.goroot(), tc.host()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_env() -> crate::support::env::Env {
        crate::commands::env_snapshot()
    }

    /// The producer on the real `go` of this machine: g.goid's type, and
    /// platforms only when asked for.
    #[test]
    fn toolchain_facts_of_the_local_go() {
        let go = crate::go::gocmd::Go::locate(
            None,
            Duration::from_secs(60),
            &test_env(),
            crate::support::process::Cancel::detached(),
        )
        .expect("go on PATH");
        let tc = crate::go::discover::discover(&go).expect("discover go");
        let t = ToolchainFacts::of(tc.clone());
        assert!(t.layout.goid_field, "{:?}", t.layout);
        assert_eq!(t.layout.goid_type.as_deref(), Some("uint64"));
        assert!(t.platforms.is_none());
        let all = ToolchainFacts::with_platforms(tc).expect("dist list");
        let names: Vec<String> = all.platforms.iter().flatten().map(Platform::name).collect();
        assert!(
            names.iter().any(|n| n == "linux/amd64") && names.len() > 20,
            "{names:?}"
        );
    }

    #[test]
    fn qcompats_own_is_asked_only_when_named() {
        let own = Injector::builtin(&test_env()).unwrap();
        // The tests never turn the salt off in this process.
        assert!(!asks_tool_id(&own));
        let named = Injector {
            source: Source::Flag,
            ..own
        };
        assert!(asks_tool_id(&named));
    }
}
