//! The one producer of what is known about an injector on a toolchain
//! without building through it: who it is, whether it salts its tool ID,
//! which Go built it, and whether the toolchain links a precompiled host std.
//! select, doctor and `matrix plan` all read these, so they cannot disagree
//! on when an injector is asked for its `-V=full` line.

use crate::go::discover::Toolchain;
use crate::inject::build::BuildInfo;
use crate::inject::injector::{Injector, Source};
use crate::inject::toolid::{self, ToolIdCheck};
use std::time::Duration;

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

/// What is known about an injector on one toolchain.
#[derive(Debug)]
pub struct Facts {
    pub kind: Kind,
    /// The `-V=full` answers (None: not asked, see [`asks_tool_id`]).
    pub tool_id: Option<anyhow::Result<ToolIdCheck>>,
    /// It alters `compile -V=full` (None: asked, and it could not answer).
    pub salted: Option<bool>,
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
        )
    });
    let salted = match &tool_id {
        None => Some(true),
        Some(Ok(c)) => Some(c.altered || c.rejected.is_some()),
        Some(Err(_)) => None,
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
        precompiled_host_std: crate::go::platforms::precompiled_std(
            tc.goroot(),
            &tc.env.gohostos,
            &tc.env.gohostarch,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qcompats_own_is_asked_only_when_named() {
        let own = Injector::builtin().unwrap();
        // The tests never turn the salt off in this process.
        assert!(!asks_tool_id(&own));
        let named = Injector {
            source: Source::Flag,
            ..own
        };
        assert!(asks_tool_id(&named));
    }
}
