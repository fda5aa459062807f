//! `qcompat toolchains`: find, download, verify and cache Go toolchains.
//!
//! Providers, tried in this order by `path` and by matrix specs:
//! 1. `local`: GOROOTs already on this machine (the go on PATH, `~/sdk/go*`,
//!    `/usr/lib/go-*`, `/usr/local/go*`, the go command's own downloaded
//!    toolchains in GOMODCACHE, and qcompat's cache);
//! 2. `gotoolchain`: `GOTOOLCHAIN=goX.Y.Z go env GOROOT`, so GOPROXY, GOSUMDB
//!    and corporate proxies work as they already do for the user;
//! 3. `download`: the release index, the archive for this host, size and
//!    sha256 checked, unpacked into qcompat's cache atomically.

pub mod extract;
pub mod index;
pub mod install;
pub mod local;
pub mod prune;
pub mod selector;

pub use install::{install_download, via_gotoolchain};
pub use local::list_local;
pub use prune::prune;
use selector::expand;
pub use selector::{parse_selector, Selector};

use crate::go::version::{self, format_go_name};
use anyhow::{bail, Context, Result};
use index::{Http, Release};
use semver::Version;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Installed {
    /// `go1.27.3`
    pub version: String,
    pub goroot: PathBuf,
    /// path, sdk, system, gotoolchain, cache
    pub source: String,
}

impl Installed {
    pub fn go(&self) -> PathBuf {
        self.goroot.join("bin/go")
    }
}

/// How to reach toolchains: which providers, which index, offline or not.
#[derive(Debug, Clone)]
pub struct Options {
    pub providers: Vec<String>,
    pub index_url: String,
    pub offline: bool,
    pub timeout: Duration,
}

impl Options {
    pub fn new(offline: bool, timeout: Duration) -> Options {
        let providers = std::env::var("QCOMPAT_PROVIDERS")
            .ok()
            .filter(|s| !s.is_empty())
            .map(|s| s.split(',').map(|p| p.trim().to_string()).collect())
            .unwrap_or_else(|| vec!["local".into(), "gotoolchain".into(), "download".into()]);
        Options {
            providers,
            index_url: index::url(None),
            offline,
            timeout,
        }
    }

    /// Refuses providers that do not exist, before anything is looked up.
    pub fn check_providers(&self) -> Result<()> {
        let unknown: Vec<&str> = self
            .providers
            .iter()
            .map(String::as_str)
            .filter(|p| !PROVIDERS.contains(p))
            .collect();
        if !unknown.is_empty() {
            bail!(
                "QCOMPAT_PROVIDERS names unknown providers ({}): use a comma-separated list of {}",
                unknown.join(", "),
                PROVIDERS.join(", ")
            );
        }
        Ok(())
    }

    fn allows(&self, p: &str) -> bool {
        self.providers.iter().any(|x| x == p) && (p == "local" || !self.offline)
    }
}

pub fn cache_root() -> Result<PathBuf> {
    crate::support::cache::Area::Toolchains.dir()
}

/// Resolves a selector to go binaries (for matrix specs).
pub fn resolve_many(selector: &Selector, offline: bool, timeout: Duration) -> Result<Vec<PathBuf>> {
    resolve_with(selector, &Options::new(offline, timeout))
}

/// The go binaries a selector names, found or installed with `opts`.
pub fn resolve_with(sel: &Selector, opts: &Options) -> Result<Vec<PathBuf>> {
    opts.check_providers()?;
    let versions = versions_for(sel, opts)?;
    versions.iter().map(|v| Ok(find(v, opts)?.go())).collect()
}

/// The versions a selector names, from the index or (offline) this
/// machine, with the GOROOT of each one already here: nothing is downloaded.
pub fn resolve_without_download(
    sel: &Selector,
    opts: &Options,
) -> Result<Vec<(Version, Option<Installed>)>> {
    let local = list_local();
    Ok(versions_for(sel, opts)?
        .into_iter()
        .map(|v| {
            let name = format_go_name(&v);
            let here = local.iter().find(|i| i.version == name).cloned();
            (v, here)
        })
        .collect())
}

/// Turns a selector into versions, locally when it can.
fn versions_for(sel: &Selector, opts: &Options) -> Result<Vec<Version>> {
    if let Selector::Exact(v) = sel {
        return Ok(vec![v.clone()]);
    }
    // Offline, or with no download provider (QCOMPAT_PROVIDERS=local), the
    // release index is not consulted: choose among the toolchains here.
    if opts.offline || !opts.allows("download") {
        // Local pre-releases count for `next` only (never stable).
        let local: Vec<Version> = list_local()
            .iter()
            .filter_map(|i| version::parse(&i.version).ok().map(|v| v.version))
            .filter(|v| v.pre.is_empty() || selector::is_prerelease(v))
            .collect();
        let fake: Vec<Release> = local
            .iter()
            .map(|v| Release {
                version: format_go_name(v),
                stable: v.pre.is_empty(),
                files: vec![],
            })
            .collect();
        return expand(sel, &fake).context(if opts.offline {
            "--offline: only toolchains already on this machine count"
        } else {
            "without the download provider ($QCOMPAT_PROVIDERS) only toolchains already on this machine count"
        });
    }
    let http = Http::new(opts.timeout)?;
    let releases = http.index(&opts.index_url).with_context(|| {
        format!("cannot read the release index to resolve {sel}; --offline chooses among the toolchains on this machine")
    })?;
    expand(sel, &releases)
}

/// Finds or installs one exact version through the providers, in order.
pub fn find(v: &Version, opts: &Options) -> Result<Installed> {
    let name = format_go_name(v);
    opts.check_providers()?;
    let mut tried = Vec::new();
    if opts.allows("local") {
        if let Some(i) = list_local().into_iter().find(|i| i.version == name) {
            return Ok(i);
        }
        tried.push("local GOROOTs".to_string());
    }
    if opts.allows("gotoolchain") {
        match via_gotoolchain(&name, opts.timeout) {
            Ok(i) => return Ok(i),
            Err(e) => tried.push(format!("gotoolchain ({e:#})")),
        }
    }
    if opts.allows("download") {
        return install_download(v, opts);
    }
    if opts.offline {
        bail!(
            "{name} is not on this machine and --offline forbids fetching it (looked in: {})",
            tried.join("; ")
        );
    }
    if tried.is_empty() {
        // (Offline was refused above: only `local` works offline.)
        bail!(
            "cannot find {name}: QCOMPAT_PROVIDERS ({}) allows no provider",
            opts.providers.join(",")
        );
    }
    bail!("cannot find {name}: tried {}", tried.join("; "))
}

/// The providers, in the order they are tried.
pub const PROVIDERS: [&str; 3] = ["local", "gotoolchain", "download"];
