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
/// injector. The go command splits the value on spaces and honours quotes.
pub fn self_toolexec() -> anyhow::Result<String> {
    let exe = std::env::current_exe()?;
    let exe = exe.to_string_lossy();
    Ok(if exe.contains(' ') {
        format!("'{exe}' toolexec")
    } else {
        format!("{exe} toolexec")
    })
}

/// Fails unless [`write_atomic`] could write `path`: its directory can be
/// created and written, and `path` is not a directory.
pub fn check_writable(path: &std::path::Path) -> anyhow::Result<()> {
    if path.is_dir() {
        anyhow::bail!("{} is a directory; name a file", path.display());
    }
    temp_beside(path).map(drop)
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
    let mut tmp = temp_beside(path)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())?;
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

/// Splits a -toolexec value the way the go command does: on spaces, with
/// single or double quotes wrapping a whole word.
pub fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_like_the_go_command() {
        assert_eq!(super::split_words("q"), vec!["q"]);
        assert_eq!(super::split_words(" a  b "), vec!["a", "b"]);
        assert_eq!(
            super::split_words("'/x y/q' toolexec"),
            vec!["/x y/q", "toolexec"]
        );
        assert_eq!(super::split_words("\"a b\" c"), vec!["a b", "c"]);
    }
}
