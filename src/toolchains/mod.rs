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

use crate::output::{self, Format};
use crate::version::{self, format_go_name};
use anyhow::{anyhow, bail, Context, Result};
use index::{Http, Release, Retry};
use semver::Version;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
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

    fn allows(&self, p: &str) -> bool {
        self.providers.iter().any(|x| x == p) && (p == "local" || !self.offline)
    }
}

pub fn cache_root() -> PathBuf {
    crate::cache::Area::Toolchains.dir()
}

/// The version a GOROOT holds, from its VERSION file.
fn goroot_version(goroot: &Path) -> Option<String> {
    let text = std::fs::read_to_string(goroot.join("VERSION")).ok()?;
    let first = text.lines().next()?.trim().to_string();
    version::parse(&first).ok()?;
    Some(first)
}

fn push(out: &mut Vec<Installed>, goroot: PathBuf, source: &str) {
    let goroot = goroot.canonicalize().unwrap_or(goroot);
    if !goroot.join("bin/go").is_file() || out.iter().any(|i| i.goroot == goroot) {
        return;
    }
    if let Some(v) = goroot_version(&goroot) {
        out.push(Installed {
            version: v,
            goroot,
            source: source.to_string(),
        });
    }
}

fn glob_dirs(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every toolchain this machine already has.
pub fn list_local() -> Vec<Installed> {
    let mut out = Vec::new();
    if let Some(go) = crate::gocmd::resolve(Path::new("go")) {
        let real = go.canonicalize().unwrap_or(go);
        if let Some(root) = real.parent().and_then(Path::parent) {
            push(&mut out, root.to_path_buf(), "path");
        }
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if let Some(h) = &home {
        for d in glob_dirs(&h.join("sdk"), "go") {
            push(&mut out, d, "sdk");
        }
    }
    for d in glob_dirs(Path::new("/usr/lib"), "go-") {
        push(&mut out, d, "system");
    }
    for d in glob_dirs(Path::new("/usr/local"), "go") {
        push(&mut out, d, "system");
    }
    let modcache = std::env::var_os("GOMODCACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("GOPATH").map(|p| PathBuf::from(p).join("pkg/mod")))
        .or_else(|| home.as_ref().map(|h| h.join("go/pkg/mod")));
    if let Some(m) = modcache {
        let suffix = format!(".{}-{}", index::host_os(), index::host_arch());
        for d in glob_dirs(&m.join("golang.org"), "toolchain@v0.0.1-go") {
            if d.to_string_lossy().ends_with(&suffix) {
                push(&mut out, d, "gotoolchain");
            }
        }
    }
    for d in glob_dirs(&cache_root(), "go") {
        push(&mut out, d, "cache");
    }
    out
}

/// A version selector: `1.22.5`, `go1.22.5`, `1.22.x`, `supported`.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    Exact(Version),
    Minor(u64, u64),
    Supported,
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::Exact(v) => f.write_str(&format_go_name(v)),
            Selector::Minor(a, b) => write!(f, "{a}.{b}.x"),
            Selector::Supported => f.write_str("supported"),
        }
    }
}

pub fn parse_selector(s: &str) -> Result<Selector> {
    let t = s.trim();
    if t == "supported" {
        return Ok(Selector::Supported);
    }
    let bare = t.strip_prefix("go").unwrap_or(t);
    if let Some(minor) = bare.strip_suffix(".x") {
        let (a, b) = minor
            .split_once('.')
            .ok_or_else(|| anyhow!("version selector {s:?}: write MAJOR.MINOR.x, e.g. 1.22.x"))?;
        let a = a
            .parse()
            .map_err(|_| anyhow!("version selector {s:?}: bad major version"))?;
        let b = b
            .parse()
            .map_err(|_| anyhow!("version selector {s:?}: bad minor version"))?;
        return Ok(Selector::Minor(a, b));
    }
    let bad = || {
        anyhow!("version selector {s:?} is not a Go version (1.22.5 or go1.22.5, 1.21rc2), a minor (1.22.x) or `supported`")
    };
    let v = version::parse(&format!("go{bare}")).map_err(|_| bad())?;
    // Only what names one release exactly: `1.26.8alpha1` or `1.26.8-bigcorp`
    // must not quietly become go1.26.8.
    let name = format_go_name(&v.version);
    let same = name == format!("go{bare}")
        || (v.version.pre.is_empty() && v.version.patch == 0 && name == format!("go{bare}.0"))
        || (v.version.pre.is_empty()
            && v.version.patch == 0
            && format!("{name}.0") == format!("go{bare}"));
    if !same || !v.version.build.is_empty() || v.devel || !v.experiments.is_empty() {
        return Err(bad());
    }
    Ok(Selector::Exact(v.version))
}

fn release_version(r: &Release) -> Option<Version> {
    version::parse(&r.version).ok().map(|v| v.version)
}

/// Versions a selector stands for, newest first.
fn expand(sel: &Selector, releases: &[Release]) -> Result<Vec<Version>> {
    let stable: Vec<Version> = releases
        .iter()
        .filter(|r| r.stable)
        .filter_map(release_version)
        .collect();
    match sel {
        Selector::Exact(v) => Ok(vec![v.clone()]),
        Selector::Minor(a, b) => {
            let best = stable
                .iter()
                .filter(|v| v.major == *a && v.minor == *b)
                .max()
                .cloned()
                .ok_or_else(|| anyhow!("no stable go{a}.{b} release in the index"))?;
            Ok(vec![best])
        }
        Selector::Supported => {
            let mut minors: Vec<(u64, u64)> = stable.iter().map(|v| (v.major, v.minor)).collect();
            minors.sort();
            minors.dedup();
            let newest: Vec<(u64, u64)> = minors.into_iter().rev().take(2).collect();
            if newest.is_empty() {
                bail!("the index lists no stable release");
            }
            Ok(newest
                .iter()
                .filter_map(|(a, b)| {
                    stable
                        .iter()
                        .filter(|v| v.major == *a && v.minor == *b)
                        .max()
                        .cloned()
                })
                .collect())
        }
    }
}

/// Resolves a selector to go binaries (for matrix specs).
pub fn resolve_many(selector: &str, offline: bool, timeout: Duration) -> Result<Vec<PathBuf>> {
    resolve_with(selector, &Options::new(offline, timeout))
}

/// The go binaries a selector names, found or installed with `opts`.
pub fn resolve_with(selector: &str, opts: &Options) -> Result<Vec<PathBuf>> {
    let sel = parse_selector(selector)?;
    let versions = versions_for(&sel, opts)?;
    versions.iter().map(|v| Ok(find(v, opts)?.go())).collect()
}

/// Turns a selector into versions, locally when it can.
fn versions_for(sel: &Selector, opts: &Options) -> Result<Vec<Version>> {
    if let Selector::Exact(v) = sel {
        return Ok(vec![v.clone()]);
    }
    // Offline, or with no download provider (QCOMPAT_PROVIDERS=local), the
    // release index is not consulted: choose among the toolchains here.
    if opts.offline || !opts.allows("download") {
        let local: Vec<Version> = list_local()
            .iter()
            .filter_map(|i| version::parse(&i.version).ok().map(|v| v.version))
            .filter(|v| v.pre.is_empty())
            .collect();
        let fake: Vec<Release> = local
            .iter()
            .map(|v| Release {
                version: format_go_name(v),
                stable: true,
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
    let unknown: Vec<&str> = opts
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
        bail!(
            "cannot find {name}: QCOMPAT_PROVIDERS ({}) allows no provider{}",
            opts.providers.join(","),
            if opts.offline {
                " with --offline (only `local` works offline)"
            } else {
                ""
            }
        );
    }
    bail!("cannot find {name}: tried {}", tried.join("; "))
}

/// The providers, in the order they are tried.
pub const PROVIDERS: [&str; 3] = ["local", "gotoolchain", "download"];

/// Asks the go command for a toolchain: it downloads the
/// `golang.org/toolchain` module through GOPROXY, checked against GOSUMDB.
pub fn via_gotoolchain(name: &str, timeout: Duration) -> Result<Installed> {
    let go = crate::gocmd::resolve(Path::new("go"))
        .ok_or_else(|| anyhow!("no go on PATH to ask for {name}"))?;
    let mut cmd = std::process::Command::new(go);
    cmd.args(["env", "GOROOT"]).env("GOTOOLCHAIN", name);
    let c = crate::process::run(cmd, timeout)?;
    if !c.success() {
        bail!(
            "GOTOOLCHAIN={name} go env GOROOT failed: {}",
            crate::process::tail(&c.stderr, 600)
        );
    }
    let goroot = PathBuf::from(c.stdout.trim());
    let got = goroot_version(&goroot).unwrap_or_default();
    if got != name {
        bail!(
            "the go command gave {} ({got}) when asked for {name}",
            goroot.display()
        );
    }
    Ok(Installed {
        version: name.to_string(),
        goroot,
        source: "gotoolchain".into(),
    })
}

/// Downloads, verifies and unpacks `v` into the cache (once, under a lock).
pub fn install_download(v: &Version, opts: &Options) -> Result<Installed> {
    let name = format_go_name(v);
    let root = cache_root();
    let dest = root.join(&name);
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let lock_path = root.join(format!(".{name}.lock"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", lock_path.display()))?;
    // Another process may have finished the install while we waited.
    if dest.join("bin/go").is_file() {
        return Ok(Installed {
            version: name,
            goroot: dest,
            source: "cache".into(),
        });
    }
    if opts.offline {
        bail!(
            "{name} is not in the cache ({}) and --offline forbids downloading it",
            root.display()
        );
    }
    let http = Http::new(opts.timeout)?;
    let releases = http.index(&opts.index_url)?;
    let release = releases
        .iter()
        .find(|r| release_version(r).as_ref() == Some(v))
        .ok_or_else(|| {
            anyhow!(
                "{name} is not in the index {}: {}",
                opts.index_url,
                nearest(v, &releases)
            )
        })?;
    let file = index::host_archive(release).ok_or_else(|| {
        anyhow!(
            "{name} has no archive for {}-{} in the index",
            index::host_os(),
            index::host_arch()
        )
    })?;
    check_archive_name(&file.filename, &name, &opts.index_url)?;
    let url = archive_url(&opts.index_url, &file.filename);
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}-"))
        .tempdir_in(&root)
        .context("cannot create a staging directory")?;
    // A fixed name: the index's `filename` never becomes a path.
    let archive = staging.path().join("archive.tar.gz");
    download(&http, &url, &archive, file.size, &file.sha256)?;
    let unpacked = staging.path().join("go");
    std::fs::create_dir(&unpacked)?;
    let f = std::fs::File::open(&archive)?;
    extract::tar_gz(f, &unpacked).with_context(|| format!("cannot unpack {url}"))?;
    let got = goroot_version(&unpacked).unwrap_or_default();
    if got != name || !unpacked.join("bin/go").is_file() {
        bail!(
            "{url} does not hold {name} (VERSION says {got:?}, bin/go present: {})",
            unpacked.join("bin/go").is_file()
        );
    }
    std::fs::rename(&unpacked, &dest)
        .with_context(|| format!("cannot move the toolchain into {}", dest.display()))?;
    drop(staging);
    Ok(Installed {
        version: name,
        goroot: dest,
        source: "cache".into(),
    })
}

/// The index names the archive; a mirror must not be able to steer where it
/// goes or what URL is asked for: only `goX.Y.Z.<os>-<arch>.tar.gz`.
fn check_archive_name(filename: &str, name: &str, index_url: &str) -> Result<()> {
    let plain = filename
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !plain || !filename.starts_with(&format!("{name}.")) || !filename.ends_with(".tar.gz") {
        bail!(
            "the index {index_url} names the archive {filename:?} for {name}; expected a plain file name like {name}.linux-amd64.tar.gz (refusing it)"
        );
    }
    Ok(())
}

/// Archives sit beside the index: https://go.dev/dl/go1.22.5.linux-amd64.tar.gz.
fn archive_url(index_url: &str, filename: &str) -> String {
    // Strip the query, then any file name (a mirror may serve index.json).
    let base = index_url.split('?').next().unwrap_or(index_url);
    let dir = match base.rfind('/') {
        Some(i) if i + 1 < base.len() && !base[..i].ends_with('/') => &base[..=i],
        _ => base,
    };
    format!("{}/{filename}", dir.trim_end_matches('/'))
}

/// The versions nearest to `v` that the index has, for error messages.
fn nearest(v: &Version, releases: &[Release]) -> String {
    let mut all: Vec<Version> = releases.iter().filter_map(release_version).collect();
    all.sort();
    let key = |x: &Version| {
        let d = |a: u64, b: u64| a.abs_diff(b);
        (
            d(x.major, v.major),
            d(x.minor, v.minor),
            d(x.patch, v.patch),
        )
    };
    all.sort_by_key(key);
    let near: Vec<String> = all.iter().take(3).map(format_go_name).collect();
    if near.is_empty() {
        "the index is empty".into()
    } else {
        format!("nearest: {}", near.join(", "))
    }
}

/// Streams `url` to `dest`, checking size and sha256, with a progress bar on
/// a terminal. Short bodies and resets are retried.
fn download(http: &Http, url: &str, dest: &Path, size: u64, sha256: &str) -> Result<()> {
    use std::io::IsTerminal;
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(size);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        b.set_message(url.rsplit('/').next().unwrap_or(url).to_string());
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    http.get_with(url, |mut resp| {
        bar.set_position(0);
        let mut out = std::fs::File::create(dest)
            .map_err(|e| Retry::Fatal(anyhow!("cannot write {}: {e}", dest.display())))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut got: u64 = 0;
        loop {
            let n = resp.read(&mut buf).map_err(|e| {
                Retry::Again(format!(
                    "the connection failed after {got} of {size} bytes: {}",
                    index::describe_io(&e)
                ))
            })?;
            if n == 0 {
                break;
            }
            if crate::process::interrupted() {
                return Err(Retry::Fatal(anyhow!("interrupted while downloading {url}")));
            }
            got += n as u64;
            if got > size {
                return Err(Retry::Fatal(anyhow!(
                    "{url} is larger than the {size} bytes the index gives"
                )));
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(|e| Retry::Fatal(anyhow!("cannot write {}: {e}", dest.display())))?;
            bar.inc(n as u64);
        }
        if got != size {
            return Err(Retry::Again(format!("got {got} of {size} bytes")));
        }
        let sum = hex::encode(hasher.finalize());
        if !sum.eq_ignore_ascii_case(sha256) {
            return Err(Retry::Fatal(anyhow!(
                "sha256 mismatch for {url}: the index says {sha256}, the download is {sum}"
            )));
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(())
}

/// Removes qcompat's cached toolchains (except `keep`), leftovers of
/// interrupted installs, and the matrix's kept binaries and private GOCACHEs
/// (rebuilt on the next run). Returns what it removed.
pub fn prune(keep: &[String], dry_run: bool) -> Result<Vec<PathBuf>> {
    let mut doomed = Vec::new();
    // Installs hold `.goX.Y.Z.lock`: what belongs to one under way (its
    // staging folder, the toolchain it is writing) is left alone.
    let mut held = Vec::new();
    let root = cache_root();
    if let Ok(rd) = std::fs::read_dir(&root) {
        for e in rd.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let leftover = name.starts_with('.') && !name.ends_with(".lock");
            // A lock file no install holds, of a version not installed (a
            // failed or refused install left it).
            if let Some(v) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".lock")) {
                let idle = std::fs::OpenOptions::new()
                    .write(true)
                    .open(e.path())
                    .is_ok_and(|f| f.try_lock().is_ok());
                if idle && !root.join(v).exists() {
                    doomed.push(e.path());
                }
                continue;
            }
            let toolchain = name.starts_with("go")
                && !keep.iter().any(|k| k == &name || format!("go{k}") == name);
            if !(leftover || toolchain) {
                continue;
            }
            // `go1.22.5` or `.go1.22.5-abc123` (staging).
            let version = name
                .trim_start_matches('.')
                .split('-')
                .next()
                .unwrap_or("")
                .to_string();
            let lock_path = root.join(format!(".{version}.lock"));
            if lock_path.exists() {
                let lock = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&lock_path)
                    .with_context(|| format!("cannot open {}", lock_path.display()))?;
                match lock.try_lock() {
                    Ok(()) => held.push(lock),
                    Err(std::fs::TryLockError::WouldBlock) => {
                        eprintln!(
                            "qcompat: {} is being installed by another qcompat; left alone",
                            version
                        );
                        continue;
                    }
                    Err(std::fs::TryLockError::Error(e)) => {
                        return Err(e)
                            .with_context(|| format!("cannot lock {}", lock_path.display()))
                    }
                }
            }
            doomed.push(e.path());
        }
    }
    for area in crate::cache::Area::DERIVED {
        let p = area.dir();
        if p.exists() {
            doomed.push(p);
        }
    }
    doomed.sort();
    if !dry_run {
        for p in &doomed {
            if p.is_dir() {
                std::fs::remove_dir_all(p)
            } else {
                std::fs::remove_file(p)
            }
            .with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    drop(held);
    if !dry_run {
        doomed.extend(crate::matrix::reclaim_stale_work_dirs());
    }
    Ok(doomed)
}

/// `toolchains list`.
pub fn cmd_list(remote: bool, opts: &Options, format: Format) -> Result<()> {
    if remote {
        if opts.offline {
            bail!("--remote needs the release index; --offline uses the cache only");
        }
        let releases = Http::new(opts.timeout)?.index(&opts.index_url)?;
        #[derive(Serialize)]
        struct Remote {
            version: String,
            stable: bool,
            archive: Option<String>,
        }
        let rows: Vec<Remote> = releases
            .iter()
            .map(|r| Remote {
                version: r.version.clone(),
                stable: r.stable,
                archive: index::host_archive(r).map(|f| f.filename.clone()),
            })
            .collect();
        return output::emit(format, &rows, |s| {
            for r in &rows {
                s.push_str(&format!(
                    "{:<14} {:<8} {}\n",
                    r.version,
                    if r.stable { "stable" } else { "unstable" },
                    r.archive.as_deref().unwrap_or("(no archive for this host)")
                ));
            }
        });
    }
    let rows = list_local();
    output::emit(format, &rows, |s| {
        if opts.offline {
            s.push_str("(offline: local toolchains and qcompat's cache only)\n");
        }
        for r in &rows {
            s.push_str(&format!(
                "{:<12} {:<12} {}\n",
                r.version,
                r.source,
                r.goroot.display()
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(v: &str, stable: bool) -> Release {
        Release {
            version: v.into(),
            stable,
            files: vec![],
        }
    }

    #[test]
    fn archive_names_are_plain() {
        let ok = |f: &str| check_archive_name(f, "go1.22.5", "idx").is_ok();
        assert!(ok("go1.22.5.linux-amd64.tar.gz"));
        assert!(ok("go1.22.5.linux-armv6l.tar.gz"));
        for bad in [
            "../../x",
            "/abs/x",
            "go1.22.5.linux-amd64.tar.gz/../../x",
            "go1.22.5/../x.tar.gz",
            "go1.22.6.linux-amd64.tar.gz",
            "go1.22.5.linux-amd64.zip",
            "",
        ] {
            assert!(!ok(bad), "{bad}");
        }
    }

    #[test]
    fn selectors_name_one_release_exactly() {
        for ok in [
            "1.26.8",
            "go1.26.8",
            "1.21rc2",
            "go1.20",
            "1.20.0",
            "1.22.x",
            "supported",
        ] {
            parse_selector(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "1.26.8alpha1",
            "1.26.8-bigcorp",
            "1.26.8rc1",
            "1.26.8 X:foo",
            "devel",
            "1.2.3.4",
            "",
        ] {
            assert!(parse_selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn selectors() {
        let idx = vec![
            rel("go1.28rc1", false),
            rel("go1.27.3", true),
            rel("go1.27.2", true),
            rel("go1.26.8", true),
            rel("go1.25.1", true),
        ];
        let e = |s: &str| expand(&parse_selector(s).unwrap(), &idx).unwrap();
        assert_eq!(
            e("supported"),
            vec![Version::new(1, 27, 3), Version::new(1, 26, 8)]
        );
        assert_eq!(e("1.27.x"), vec![Version::new(1, 27, 3)]);
        assert_eq!(e("go1.22.5"), vec![Version::new(1, 22, 5)]);
        assert!(expand(&parse_selector("1.24.x").unwrap(), &idx).is_err());
        assert!(parse_selector("latest").is_err());
        assert!(parse_selector("1.x").is_err());
        let n = nearest(&Version::new(1, 27, 9), &idx);
        assert!(n.contains("go1.27.3"), "{n}");
        assert_eq!(
            archive_url("http://h/dl/?mode=json&include=all", "go.tgz"),
            "http://h/dl/go.tgz"
        );
    }
}
