//! What toolchain work (downloads, installs, prune) tells its reporter as it
//! goes. Nothing in `toolchains/` prints: the reporter
//! (`crate::render::toolchains`) shows a bar per download, or JSON lines.

/// One step of toolchain work.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A download starts, or starts again after a retry (`url`'s last part
    /// names it; `size` is the index's).
    DownloadStarted { url: &'a str, size: u64 },
    /// `bytes` more of that download arrived.
    DownloadProgress { url: &'a str, bytes: u64 },
    /// The download ended, whole or not (its error, if any, is the caller's).
    DownloadEnded { url: &'a str },
    /// Something the user should know; the work goes on.
    Note(&'a str),
}

/// Consumes toolchain events; downloads may run on several threads.
pub trait Reporter: Sync {
    fn event(&self, event: Event<'_>);
}
