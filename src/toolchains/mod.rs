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

pub mod events;
pub mod extract;
pub mod index;
pub mod install;
pub mod local;
pub mod prune;
pub mod selector;

pub use install::{install_download, via_gotoolchain};
pub use local::list_local;
pub use prune::prune;
use selector::{expand, Listed};
pub use selector::{is_prerelease, parse_selector, Selector};

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

/// A way to reach a toolchain, tried in [`Provider::ALL`]'s order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// GOROOTs on this machine and in qcompat's cache.
    Local,
    /// `GOTOOLCHAIN=goX.Y.Z go env GOROOT`, through the user's GOPROXY.
    Gotoolchain,
    /// The release index's archive, checked and unpacked into the cache.
    Download,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Local, Provider::Gotoolchain, Provider::Download];

    /// The providers a comma-separated list names, and the words that name none.
    pub fn parse_list(list: &str) -> (Vec<Provider>, Vec<String>) {
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for word in list.split(',').map(str::trim) {
            match Provider::ALL.into_iter().find(|p| p.to_string() == word) {
                Some(p) => known.push(p),
                None => unknown.push(word.to_string()),
            }
        }
        (known, unknown)
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::support::serde_name::of(self))
    }
}

/// How to reach toolchains: which providers, which index, offline or not.
#[derive(Clone)]
pub struct Options<'a> {
    pub providers: Vec<Provider>,
    /// Words of $QCOMPAT_PROVIDERS that name no provider: refused by
    /// [`Options::check_providers`] before anything is looked up.
    pub unknown_providers: Vec<String>,
    pub index_url: String,
    pub offline: bool,
    pub timeout: Duration,
    /// The first retry's wait of a download (doubling after each).
    pub retry_base: Duration,
    /// Shown downloads and notes (nothing here prints).
    pub reporter: &'a dyn events::Reporter,
    /// Where the user's Go installations are (HOME, GOMODCACHE, GOPATH).
    pub env: crate::support::env::Env,
    /// Stops downloads and unpacking (Ctrl-C): nothing is installed.
    pub cancel: crate::support::process::Cancel,
}

impl<'a> Options<'a> {
    /// The HTTP client for the index and the archives.
    pub fn http(&self) -> Result<Http> {
        Http::new(self.timeout, self.retry_base, self.cancel)
    }

    /// Refuses providers that do not exist, before anything is looked up.
    pub fn check_providers(&self) -> Result<()> {
        if !self.unknown_providers.is_empty() {
            bail!(
                "QCOMPAT_PROVIDERS names unknown providers ({}): use a comma-separated list of {}",
                self.unknown_providers.join(", "),
                Provider::ALL.map(|p| p.to_string()).join(", ")
            );
        }
        Ok(())
    }

    /// Whether `p` may be tried: listed, and (offline) local.
    fn allows(&self, p: Provider) -> bool {
        self.providers.contains(&p) && (p == Provider::Local || !self.offline)
    }
}

/// The folder of installed toolchains in the cache `env` places.
pub fn cache_root(env: &crate::support::env::Env) -> Result<PathBuf> {
    crate::support::cache::Area::Toolchains.dir(env)
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
    let local = list_local(&opts.env);
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
    if opts.offline || !opts.allows(Provider::Download) {
        // Local pre-releases count for `next` only (never stable).
        let local: Vec<Version> = list_local(&opts.env)
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
        return expand(sel, &fake, Listed::Here).context(if opts.offline {
            "--offline: only toolchains already on this machine count"
        } else {
            "without the download provider ($QCOMPAT_PROVIDERS) only toolchains already on this machine count"
        });
    }
    let http = opts.http()?;
    let releases = http.index(&opts.index_url).with_context(|| {
        format!("cannot read the release index to resolve {sel}; --offline chooses among the toolchains on this machine")
    })?;
    expand(sel, &releases, Listed::Index)
}

/// What to say when `sel` names no toolchain (`next` between a release
/// and the next rc), with where it looked.
pub fn nothing_fits(sel: &Selector, opts: &Options) -> String {
    let listed = match opts.offline || !opts.allows(Provider::Download) {
        true => Listed::Here,
        false => Listed::Index,
    };
    match sel {
        Selector::Next => format!(
            "{sel}: no toolchain fits: no pre-release {listed} is newer than the newest stable release there"
        ),
        _ => format!("{sel}: no toolchain fits {listed}"),
    }
}

/// Finds or installs one exact version through the providers, in order.
pub fn find(v: &Version, opts: &Options) -> Result<Installed> {
    let name = format_go_name(v);
    opts.check_providers()?;
    let mut tried = Vec::new();
    if opts.allows(Provider::Local) {
        if let Some(i) = list_local(&opts.env)
            .into_iter()
            .find(|i| i.version == name)
        {
            return Ok(i);
        }
        tried.push("local GOROOTs".to_string());
    }
    if opts.allows(Provider::Gotoolchain) {
        match via_gotoolchain(&name, opts) {
            Ok(i) => return Ok(i),
            Err(e) if !e.falls_back() => return Err(e.into()),
            Err(e) => tried.push(format!("gotoolchain ({e:#})")),
        }
    }
    if opts.allows(Provider::Download) {
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
            opts.providers
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    bail!("cannot find {name}: tried {}", tried.join("; "))
}

#[cfg(test)]
mod tests {
    use super::Provider;

    #[test]
    fn providers_parse_by_their_names() {
        let (known, unknown) = Provider::parse_list("download, local,,bogus");
        assert_eq!(known, [Provider::Download, Provider::Local]);
        assert_eq!(unknown, ["", "bogus"]);
        let names = Provider::ALL.map(|p| p.to_string());
        assert_eq!(names, ["local", "gotoolchain", "download"]);
    }
}
