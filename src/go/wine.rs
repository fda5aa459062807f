//! Running windows/amd64 binaries under Wine (Debian's wine64, Wine 8.0).
//!
//! qcompat keeps a Wine prefix of its own in its cache, created once under a
//! lock. Go 1.21 and newer call `ProcessPrng` from bcryptprimitives.dll,
//! which Wine 8.0 lacks; qcompat builds a small replacement from
//! `ci/wine/processprng.c` with mingw-w64 (when it is installed) and puts it
//! in the prefix's system32.

use crate::go::gocmd::{resolve, Go};
use crate::support::cache::Area;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const SHIM_SOURCE: &str = include_str!("../../ci/wine/processprng.c");
const SHIM_DLL: &str = "bcryptprimitives.dll";
const MINGW: &str = "x86_64-w64-mingw32-gcc";
/// The limit on booting the prefix and building the shim.
const SETUP_TIMEOUT: Duration = Duration::from_secs(180);

/// A ready prefix: the `wine` command and the environment to run it with.
#[derive(Debug, Clone)]
pub struct Wine {
    pub wine: PathBuf,
    pub prefix: PathBuf,
    /// ProcessPrng is there: Go 1.21+ binaries run.
    pub shim: bool,
}

impl Wine {
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("WINEPREFIX".into(), self.prefix.display().to_string()),
            ("WINEDEBUG".into(), "-all".into()),
        ]
    }
}

/// Why there is no Wine prefix to run windows/amd64 binaries in. Kept for
/// the whole process (so Clone), with the cause as text.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WineError {
    #[error("Wine is not installed (Debian: wine64)")]
    NotInstalled,
    #[error("{0}")]
    Cache(String),
    #[error("cannot {what} {}: {cause}", .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        cause: String,
    },
    #[error("cannot start Wine: {0}")]
    Start(String),
    #[error("`wine wineboot --init` could not create a prefix in {}: {stderr}", .prefix.display())]
    Boot { prefix: PathBuf, stderr: String },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> WineError {
    let path = path.to_path_buf();
    move |e| WineError::Io {
        what,
        path,
        cause: e.to_string(),
    }
}

/// The prefix, set up once per process (and once per cache, under a lock).
/// The first caller's `go` gives the PATH, the cache and the token.
pub fn get(go: &Go) -> Result<Wine, WineError> {
    static W: OnceLock<Result<Wine, WineError>> = OnceLock::new();
    W.get_or_init(|| setup(go)).clone()
}

fn setup(go: &Go) -> Result<Wine, WineError> {
    let wine = resolve(Path::new("wine"), &go.env)
        .or_else(|| resolve(Path::new("wine64"), &go.env))
        .ok_or(WineError::NotInstalled)?;
    let root = Area::Wine
        .dir(&go.env)
        .map_err(|e| WineError::Cache(format!("{e:#}")))?;
    let prefix = root.join("prefix");
    std::fs::create_dir_all(&root).map_err(io("create", &root))?;
    // Held until the prefix is set up; the lock file goes with it.
    let _lock = crate::support::lock::LockFile::acquire(&root.join(".lock"))
        .map_err(|e| WineError::Cache(format!("{e:#}")))?;
    let system32 = prefix.join("drive_c/windows/system32");
    if !prefix.join("system.reg").exists() {
        let mut boot = Command::new(&wine);
        boot.args(["wineboot", "--init"])
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all");
        let out = crate::support::process::run(boot, SETUP_TIMEOUT, go.cancel)
            .map_err(|e| WineError::Start(format!("{e:#}")))?;
        if !out.success() || !system32.is_dir() {
            let _ = std::fs::remove_dir_all(&prefix);
            return Err(WineError::Boot {
                prefix,
                stderr: crate::support::process::tail(&out.stderr, 300),
            });
        }
    }
    let dll = system32.join(SHIM_DLL);
    let shim = dll.is_file() || build_shim(&root, &dll, go).is_ok();
    Ok(Wine { wine, prefix, shim })
}

/// Builds bcryptprimitives.dll with mingw-w64 into the prefix.
fn build_shim(root: &Path, dll: &Path, go: &Go) -> anyhow::Result<()> {
    use anyhow::Context;
    let gcc = resolve(Path::new(MINGW), &go.env).context("mingw-w64 is not installed")?;
    let src = root.join("processprng.c");
    std::fs::write(&src, SHIM_SOURCE).with_context(|| format!("cannot write {}", src.display()))?;
    let tmp = root.join(format!(".{SHIM_DLL}.{}", std::process::id()));
    let mut cmd = Command::new(gcc);
    cmd.args(["-shared", "-O2", "-o"])
        .arg(&tmp)
        .arg(&src)
        .arg("-ladvapi32");
    let ok = crate::support::process::run(cmd, SETUP_TIMEOUT, go.cancel)?;
    if !ok.success() {
        anyhow::bail!("{MINGW} failed: {}", ok.stderr.trim());
    }
    std::fs::rename(&tmp, dll).with_context(|| format!("cannot move the shim to {}", dll.display()))
}

/// Whether a GOROOT's Go needs ProcessPrng (1.21 and newer).
pub fn needs_shim(goroot: &Path) -> bool {
    crate::go::version::goroot_version_line(goroot)
        .and_then(|l| crate::go::version::parse(&l).ok())
        .is_none_or(|v| v.at_least(1, 21))
}
