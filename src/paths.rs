//! Where qcompat keeps its files.

use std::path::PathBuf;

/// Under this name the binary is the injector itself (see main), so
/// `-toolexec=/path/qcompat-toolexec` is a single word, which GOFLAGS needs:
/// the go command splits GOFLAGS on spaces and honours no quotes.
pub const TOOLEXEC_NAME: &str = "qcompat-toolexec";

/// A `qcompat-toolexec` symlink to this binary in qcompat's cache, made or
/// refreshed (atomically, by a rename) when missing or stale.
pub fn toolexec_link() -> anyhow::Result<PathBuf> {
    use anyhow::Context;
    let exe = std::env::current_exe().context("cannot find qcompat's own path")?;
    let dir = crate::cache::Area::Bin.dir();
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

/// The words for `go build -toolexec=...` that run this very binary as the
/// injector. The go command splits the value on white space, and a word that
/// starts with a quote runs to the same quote (no escapes).
pub fn self_toolexec() -> anyhow::Result<String> {
    let exe = std::env::current_exe()?;
    let text = exe.to_string_lossy();
    if let Some(w) = go_word(&text) {
        return Ok(format!("{w} toolexec"));
    }
    // A path with white space and both quote characters cannot be one word:
    // the qcompat-toolexec link in the cache is the injector on its own.
    let link = toolexec_link()?;
    go_word(&link.to_string_lossy()).ok_or_else(|| {
        anyhow::anyhow!(
            "qcompat's path {} and its cache {} both hold white space and both quote characters: the go command cannot be given either as -toolexec; move qcompat or set QCOMPAT_CACHE_DIR",
            exe.display(),
            link.display()
        )
    })
}

/// `s` as one word of a -toolexec value (cmd/internal/quoted rules), if it
/// can be one.
pub fn go_word(s: &str) -> Option<String> {
    let space = s.chars().any(char::is_whitespace);
    let starts_quoted = s.starts_with(['\'', '"']);
    if !space && !starts_quoted && !s.is_empty() {
        return Some(s.to_string());
    }
    ['\'', '"']
        .into_iter()
        .find(|q| !s.contains(*q))
        .map(|q| format!("{q}{s}{q}"))
}

/// Fails unless [`write_atomic`] could write `path`: its directory can be
/// created and written, and `path` is not a directory.
pub fn check_writable(path: &std::path::Path) -> anyhow::Result<()> {
    if path.is_dir() {
        anyhow::bail!("{} is a directory; name a file", path.display());
    }
    if written_in_place(path) {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes())?;
        // SAFETY: access(2) reads a NUL-terminated path.
        if unsafe { libc::access(c.as_ptr(), libc::W_OK) } != 0 {
            anyhow::bail!(
                "cannot write {}: {}",
                path.display(),
                std::io::Error::last_os_error()
            );
        }
        return Ok(());
    }
    temp_beside(path).map(drop)
}

/// Whether `path` exists as something other than a regular file or folder
/// (a device such as /dev/null, a FIFO, a symlink): such a path is written
/// through, never replaced by a rename.
fn written_in_place(path: &std::path::Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A temporary file in `path`'s directory (created if missing), so that a
/// rename can put it in place.
fn temp_beside(path: &std::path::Path) -> anyhow::Result<tempfile::NamedTempFile> {
    use anyhow::Context;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot write {}: cannot create its directory {}",
            path.display(),
            dir.display()
        )
    })?;
    tempfile::NamedTempFile::new_in(dir).with_context(|| {
        format!(
            "cannot write {}: its directory is not writable",
            path.display()
        )
    })
}

/// Writes a file by renaming a complete temporary file over it, so readers
/// never see half a report or pins file.
pub fn write_atomic(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    if written_in_place(path) {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        std::io::Write::write_all(&mut f, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(());
    }
    let mut tmp = temp_beside(path)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())
        .and_then(|()| tmp.as_file().sync_data())
        .with_context(|| format!("cannot write {}", path.display()))?;
    // Temporary files are private (0600); a report or pins file is not. Keep
    // the mode of the file being replaced, else use 0644.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0o644);
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Splits a -toolexec value the way the go command does
/// (cmd/internal/quoted.Split): on white space; a word that starts with `'`
/// or `"` runs to the next same quote; quotes inside a word are literal.
pub fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first == '\'' || first == '"' {
            let body = &rest[1..];
            match body.find(first) {
                Some(i) => {
                    words.push(body[..i].to_string());
                    rest = &body[i + 1..];
                }
                // Unterminated: the go command refuses it; keep the text.
                None => {
                    words.push(body.to_string());
                    break;
                }
            }
            continue;
        }
        let end = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
        words.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    words
}

#[cfg(test)]
mod tests {
    #[test]
    fn devices_fifos_and_links_are_written_through() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        // A FIFO with a reader: written through, still a FIFO afterwards.
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        super::check_writable(&fifo).unwrap();
        super::write_atomic(&fifo, "report\n").unwrap();
        assert_eq!(reader.join().unwrap(), "report\n");
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
        // A symlink: the file it points at is written, the link stays.
        let target = dir.path().join("target.md");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        super::write_atomic(&link, "new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // /dev/null stays a device.
        super::write_atomic(std::path::Path::new("/dev/null"), "x").unwrap();
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        // A full device: the error names the path.
        let e = super::write_atomic(std::path::Path::new("/dev/full"), "x").unwrap_err();
        assert!(format!("{e:#}").contains("/dev/full"), "{e:#}");
    }

    #[test]
    fn splits_like_the_go_command() {
        assert_eq!(super::split_words("q"), vec!["q"]);
        assert_eq!(super::split_words(" a  b "), vec!["a", "b"]);
        assert_eq!(
            super::split_words("'/x y/q' toolexec"),
            vec!["/x y/q", "toolexec"]
        );
        assert_eq!(super::split_words("\"a b\" c"), vec!["a b", "c"]);
        // Quotes inside a word are literal, as in cmd/internal/quoted.
        assert_eq!(
            super::split_words("/home/o'brien/q toolexec"),
            vec!["/home/o'brien/q", "toolexec"]
        );
        for p in ["/a b/o'brien/q", "/a b/say \"hi\"/q", "/plain/q", "/o'b/q"] {
            let w = super::go_word(p).unwrap();
            assert_eq!(
                super::split_words(&format!("{w} toolexec")),
                vec![p, "toolexec"],
                "{w}"
            );
        }
        assert_eq!(super::go_word("/a b/'\"/q"), None);
    }
}
