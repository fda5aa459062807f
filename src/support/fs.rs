//! Writing outputs: check early that a path can be written, then write it
//! atomically (or through, for devices, FIFOs and links).

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
    tempfile::NamedTempFile::new_in(dir)
        .map_err(tempfile_error)
        .with_context(|| {
            format!(
                "cannot write {}: its directory is not writable",
                path.display()
            )
        })
}

/// The OS error inside one of tempfile's, whose text ends in ` at path
/// "DIR/.tmpXXXX"`: Debug-quoted, and naming a file that was never made.
pub fn tempfile_error(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.rfind(" at path ") {
        Some(i) => std::io::Error::new(e.kind(), &text[..i]),
        None => e,
    }
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
}
