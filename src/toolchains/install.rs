//! Installing a toolchain: through the go command (`GOTOOLCHAIN=goX.Y.Z`),
//! or from the release index: download, check size and sha256, extract into
//! a temporary directory, rename into qcompat's cache.

use super::events::{Event, Reporter};
use super::extract;
use super::index::{self, Http, Retry};
use super::local::{goroot_version, is_toolchain};
use super::selector::{nearest, release_version};
use super::{cache_root, Installed, Options};
use crate::go::version::format_go_name;
use crate::support::lock::LockFile;
use anyhow::{anyhow, bail, Context, Result};
use semver::Version;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why the gotoolchain provider gave no toolchain: the next provider is
/// tried, unless the user stopped the command.
#[derive(Debug, thiserror::Error)]
pub enum GotoolchainError {
    #[error("no go on PATH to ask for {0}")]
    NoGo(String),
    #[error("GOTOOLCHAIN={name} go env GOROOT was interrupted")]
    Interrupted { name: String },
    #[error(
        "GOTOOLCHAIN={name} go env GOROOT failed: {}",
        crate::support::process::tail(stderr, 600)
    )]
    Failed { name: String, stderr: String },
    #[error("the go command gave {} ({got}) when asked for {name}", goroot.display())]
    Other {
        name: String,
        goroot: PathBuf,
        got: String,
    },
    #[error(transparent)]
    Run(#[from] anyhow::Error),
}

impl GotoolchainError {
    /// Whether another provider may be tried: not once the user stopped the command.
    pub fn falls_back(&self) -> bool {
        !matches!(self, GotoolchainError::Interrupted { .. })
    }
}

/// Asks the go command for a toolchain: it downloads the
/// `golang.org/toolchain` module through GOPROXY, checked against GOSUMDB.
/// The go command is the one on `opts.env`'s PATH; `opts` also gives the
/// limit and the token that stops it.
pub fn via_gotoolchain(name: &str, opts: &Options) -> Result<Installed, GotoolchainError> {
    let go = crate::go::gocmd::resolve(Path::new("go"), &opts.env)
        .ok_or_else(|| GotoolchainError::NoGo(name.to_string()))?;
    let mut cmd = std::process::Command::new(go);
    cmd.args(["env", "GOROOT"]).env("GOTOOLCHAIN", name);
    let c = crate::support::process::run(cmd, opts.timeout, opts.cancel)?;
    let name = name.to_string();
    if c.cancelled {
        return Err(GotoolchainError::Interrupted { name });
    }
    if !c.success() {
        let stderr = c.stderr;
        return Err(GotoolchainError::Failed { name, stderr });
    }
    let goroot = PathBuf::from(c.stdout.trim());
    let got = goroot_version(&goroot).unwrap_or_default();
    if got != name {
        return Err(GotoolchainError::Other { name, goroot, got });
    }
    Ok(Installed {
        version: name,
        goroot,
        source: "gotoolchain".into(),
    })
}

/// Downloads, verifies and unpacks `v` into the cache (once, under a lock
/// that is removed when the install ends, however it ends).
pub fn install_download(v: &Version, opts: &Options) -> Result<Installed> {
    let name = format_go_name(v);
    let root = cache_root(&opts.env)?;
    let dest = root.join(&name);
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let _lock = LockFile::acquire(&root.join(format!(".{name}.lock")))?;
    if let Some(done) = already_installed(&dest, &name, opts)? {
        return Ok(done);
    }
    reclaim_staging(&root, &name, &opts.env)?;
    if opts.offline {
        bail!(
            "{name} is not in the cache ({}) and --offline forbids downloading it",
            root.display()
        );
    }
    let http = opts.http()?;
    let releases = http.index(&opts.index_url)?;
    let file = host_file(&releases, v, &name, opts)?;
    let url = archive_url(&opts.index_url, &file.filename);
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}-"))
        .tempdir_in(&root)
        .map_err(crate::support::fs::tempfile_error)
        .with_context(|| format!("cannot create a staging directory in {}", root.display()))?;
    // A fixed name: the index's `filename` never becomes a path.
    let archive = staging.path().join("archive.tar.gz");
    let expected = Expected {
        size: file.size,
        sha256: &file.sha256,
    };
    download(&http, &url, &archive, expected, opts.reporter)?;
    let unpacked = staging.path().join("go");
    std::fs::create_dir(&unpacked)?;
    let f = std::fs::File::open(&archive)?;
    extract::tar_gz(f, file.size, &unpacked, opts.cancel)
        .with_context(|| format!("cannot unpack {url}"))?;
    // Only a whole toolchain is moved in: `toolchains path` resolves
    // whatever sits there.
    is_toolchain(&unpacked, Some(&name)).map_err(|why| {
        anyhow!("{url} does not hold a whole {name} toolchain for this host ({why}): refusing it")
    })?;
    // After Ctrl-C nothing is installed (the staging folder goes with it).
    if opts.cancel.is_cancelled() {
        bail!("interrupted while installing {name}: nothing was installed");
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

/// The toolchain another process installed while we waited for the lock;
/// what is there but not a whole toolchain is removed.
fn already_installed(dest: &Path, name: &str, opts: &Options) -> Result<Option<Installed>> {
    match is_toolchain(dest, Some(name)) {
        Ok(()) => Ok(Some(Installed {
            version: name.to_string(),
            goroot: dest.to_path_buf(),
            source: "cache".into(),
        })),
        // What an older qcompat's interrupted install or prune left: it
        // would make the rename into `dest` fail with "Directory not empty".
        Err(why) if std::fs::symlink_metadata(dest).is_ok() => {
            opts.reporter.event(Event::Note(&format!(
                "{} is not a whole toolchain ({why}); removing it",
                dest.display()
            )));
            super::prune::discard(dest, &opts.env)?;
            Ok(None)
        }
        Err(_) => Ok(None),
    }
}

/// The index's archive of `v` for this host, its name checked.
fn host_file<'r>(
    releases: &'r [index::Release],
    v: &Version,
    name: &str,
    opts: &Options,
) -> Result<&'r index::File> {
    let release = releases
        .iter()
        .find(|r| release_version(r).as_ref() == Some(v))
        .ok_or_else(|| {
            anyhow!(
                "{name} is not in the index {}: {}",
                opts.index_url,
                nearest(v, releases)
            )
        })?;
    let file = index::host_archive(release).ok_or_else(|| {
        anyhow!(
            "{name} has no archive for {}-{} in the index",
            index::host_os(),
            index::host_arch()
        )
    })?;
    check_archive_name(&file.filename, name, &opts.index_url)?;
    Ok(file)
}

/// Removes the staging folders (`.goX.Y.Z-*`) of installs of `name` that
/// were killed: the caller holds that version's lock, so no live install
/// owns one.
fn reclaim_staging(root: &Path, name: &str, env: &crate::support::env::Env) -> Result<()> {
    let prefix = format!(".{name}-");
    let Ok(rd) = std::fs::read_dir(root) else {
        return Ok(());
    };
    for e in rd.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            super::prune::discard(&e.path(), env)?;
        }
    }
    Ok(())
}

/// The index names the archive; a mirror must not be able to steer where it
/// goes or what URL is asked for: only `goX.Y.Z.<os>-<arch>.tar.gz`.
fn check_archive_name(filename: &str, name: &str, index_url: &str) -> Result<()> {
    let plain = filename
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !plain || !filename.starts_with(&format!("{name}.")) || !filename.ends_with(".tar.gz") {
        bail!(
            "the index {index_url} names the archive {} for {name}; expected a plain file name like {name}.linux-amd64.tar.gz (refusing it)", crate::support::output::shown(filename)
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

/// What the index says an archive is.
struct Expected<'a> {
    size: u64,
    sha256: &'a str,
}

/// Streams `url` to `dest`, checking size and sha256, and tells `reporter`
/// how it goes. Short bodies and resets are retried.
fn download(
    http: &Http,
    url: &str,
    dest: &Path,
    expected: Expected,
    reporter: &dyn Reporter,
) -> Result<()> {
    let Expected { size, sha256 } = expected;
    let done = http.get_with(url, |mut resp| {
        reporter.event(Event::DownloadStarted { url, size });
        let mut out = std::fs::File::create(dest)
            .map_err(|e| Retry::Fatal(anyhow!("cannot write {}: {e}", dest.display())))?;
        let pace = index::Pace::new(http.timeout);
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
            if http.cancel.is_cancelled() {
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
            reporter.event(Event::DownloadProgress {
                url,
                bytes: n as u64,
            });
            pace.check(got)?;
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
    });
    reporter.event(Event::DownloadEnded { url });
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gotoolchain_falls_back_unless_stopped() {
        let name = "go1.27.3".to_string();
        let failed = GotoolchainError::Failed {
            name: name.clone(),
            stderr: "go: downloading go1.27.3: 404 Not Found".into(),
        };
        assert!(failed.falls_back());
        assert!(failed
            .to_string()
            .contains("go env GOROOT failed: go: downloading"));
        assert!(GotoolchainError::NoGo(name.clone()).falls_back());
        assert!(!GotoolchainError::Interrupted { name }.falls_back());
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
        assert_eq!(
            archive_url("http://h/dl/?mode=json&include=all", "go.tgz"),
            "http://h/dl/go.tgz"
        );
    }
}
