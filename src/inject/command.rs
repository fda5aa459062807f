//! How to run qcompat's own injector: as `qcompat toolexec`, or through the
//! `qcompat-toolexec` link, a single word that fits GOFLAGS.

use crate::support::shell::go_word;
use std::path::PathBuf;

/// Under this name the binary is the injector itself (see main), so
/// `-toolexec=/path/qcompat-toolexec` is a single word, which GOFLAGS needs:
/// the go command splits GOFLAGS on spaces and honours no quotes.
pub const TOOLEXEC_NAME: &str = "qcompat-toolexec";

/// A `qcompat-toolexec` symlink to this binary in qcompat's cache, made or
/// refreshed (atomically, by a rename) when missing or stale. Each binary
/// has its own (`bin/<hash of its path>/qcompat-toolexec`): with one shared
/// link, two qcompat installs would each repoint the other's GOFLAGS line.
pub fn toolexec_link(env: &crate::support::env::Env) -> anyhow::Result<PathBuf> {
    use anyhow::Context;
    let exe = std::env::current_exe().context("cannot find qcompat's own path")?;
    let dir = link_dir(&crate::support::cache::Area::Bin.dir(env)?, &exe);
    let link = dir.join(TOOLEXEC_NAME);
    if std::fs::read_link(&link).is_ok_and(|t| t == exe) {
        return Ok(link);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(".{TOOLEXEC_NAME}.{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(&exe, &tmp)
        .and_then(|()| std::fs::rename(&tmp, &link))
        .with_context(|| format!("cannot link {} to {}", link.display(), exe.display()))?;
    Ok(link)
}

/// The folder of `exe`'s link below `bin`, named for the binary's path (its
/// identity as an install: rebuilt in place, it keeps its link).
fn link_dir(bin: &std::path::Path, exe: &std::path::Path) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let mut k = crate::support::cache::Key::new("toolexec-link");
    k.bytes("exe", exe.as_os_str().as_bytes());
    bin.join(k.hex())
}

/// The words for `go build -toolexec=...` that run this very binary as the
/// injector. The go command splits the value on white space, and a word that
/// starts with a quote runs to the same quote (no escapes).
pub fn self_toolexec(env: &crate::support::env::Env) -> anyhow::Result<String> {
    let exe = std::env::current_exe()?;
    let text = exe.to_string_lossy();
    if let Some(w) = go_word(&text) {
        return Ok(format!("{w} toolexec"));
    }
    // A path with white space and both quote characters cannot be one word:
    // the qcompat-toolexec link in the cache is the injector on its own.
    let link = toolexec_link(env)?;
    go_word(&link.to_string_lossy()).ok_or_else(|| {
        anyhow::anyhow!(
            "qcompat's path {} and its cache {} both hold white space and both quote characters: the go command cannot be given either as -toolexec; move qcompat or set QCOMPAT_CACHE_DIR",
            exe.display(),
            link.display()
        )
    })
}

/// How a person runs this qcompat: `qcompat` when that name in PATH is this
/// binary, else its full path (as after `cargo run`, with nothing installed).
pub fn self_name() -> String {
    let me = std::env::current_exe().ok();
    let me_canon = me.as_ref().and_then(|p| p.canonicalize().ok());
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|d| {
            let p = d.join("qcompat");
            p.is_file() && p.canonicalize().ok() == me_canon
        })
    });
    match me {
        _ if on_path => "qcompat".into(),
        Some(p) => crate::support::shell::shell_quote(&p.to_string_lossy()),
        None => "qcompat".into(),
    }
}
