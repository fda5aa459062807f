//! Which GOCACHE a cell builds in, and for `gocache: shared` the plain build
//! of the same kind that runs first in a new one, as a user's earlier build
//! leaves their cache.

use super::{steps, Job};
use crate::support::process::display_command;
use std::path::Path;

/// Which GOCACHE a cell builds in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellCache<'a> {
    /// The GOCACHE qcompat runs with.
    User,
    /// A GOCACHE of the injector's own: an injector that leaves `-V=full`
    /// unchanged never meets a plain build's entries there.
    Private(&'a Path),
    /// A new, empty GOCACHE in which the same kind is first built without
    /// the injector, as a user's earlier plain build leaves their cache: an
    /// unsalted injector's build then meets plain entries (the shared-cache
    /// trap), whatever ran before and whatever the lean flags.
    PlainFirst(&'a Path),
}

impl<'a> CellCache<'a> {
    /// The GOCACHE to set, or None for the user's.
    pub fn dir(self) -> Option<&'a Path> {
        match self {
            CellCache::User => None,
            CellCache::Private(d) | CellCache::PlainFirst(d) => Some(d),
        }
    }

    /// Whether the injector's builds are kept apart from plain ones.
    pub fn is_private(self) -> bool {
        matches!(self, CellCache::Private(_))
    }
}

/// What the plain build before a [`CellCache::PlainFirst`] cell did.
pub(super) enum Seed {
    Nothing,
    Built { command: String, seconds: f64 },
    Stopped,
}

/// For [`CellCache::PlainFirst`]: the kind's go commands without the
/// injector, in the cell's new GOCACHE, as a user's plain build runs before
/// theirs through the injector. Their result does not matter (the probe
/// cannot link without the accessor; runtime is compiled and cached before
/// the link).
pub(super) fn seed_plain(job: &Job) -> Seed {
    let CellCache::PlainFirst(cache) = job.gocache else {
        return Seed::Nothing;
    };
    if job.toolexec.is_none() {
        return Seed::Nothing;
    }
    // The cell's own folder (a new one per cell in this mode).
    let out = job.out_dir.join("plain");
    let plain = Job {
        toolexec: None,
        out_dir: &out,
        ..job.clone()
    };
    let _ = std::fs::create_dir_all(cache);
    let (mut commands, mut seconds) = (Vec::new(), 0.0);
    for step in steps::plan(&plain).steps.into_iter().filter(|s| s.go) {
        commands.push(display_command(&step.cmd));
        let ran = job.run(step.cmd);
        if let Ok(r) = &ran {
            seconds += r.duration.as_secs_f64();
            if r.cancelled {
                return Seed::Stopped;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    Seed::Built {
        command: commands.join(" && "),
        seconds,
    }
}
