//! Unpacking an untrusted Go archive: entries must stay inside the target,
//! the whole archive must be there, and it may not unpack to more than a
//! Go distribution plausibly holds.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, Read};
use std::path::{Component, Path, PathBuf};

/// The most an archive may unpack to (file contents): a Go distribution is
/// about 250 MB, from an archive of about 70 MB.
pub const MAX_UNPACKED: u64 = 2 << 30;
/// How many times its own size an archive may unpack to, beyond
/// [`RATIO_FLOOR`] (Go's archives unpack to under 4x).
pub const MAX_RATIO: u64 = 20;
/// Below this, the ratio is not enforced (tiny archives compress oddly).
pub const RATIO_FLOOR: u64 = 64 << 20;
/// The most entries an archive may hold (a Go distribution has under 20,000).
pub const MAX_ENTRIES: u64 = 250_000;

/// The most `archive_size` bytes of .tar.gz may unpack to.
pub fn unpack_budget(archive_size: u64) -> u64 {
    archive_size
        .saturating_mul(MAX_RATIO)
        .clamp(RATIO_FLOOR, MAX_UNPACKED)
}

/// Counts what the tar reader consumed and whether it met the end of the
/// stream, which tells a missing end-of-archive marker from a present one.
struct Tracked<R> {
    inner: R,
    eof: bool,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        Ok(n)
    }
}

/// Extracts a .tar.gz whose entries start with `go/` into `dest`, dropping
/// that first component.
///
/// The archive is untrusted (a mirror chooses it, and the sha256 comes from
/// the same mirror), so nothing it creates is ever followed: absolute paths
/// and `..` are refused; no entry may be created through, or on top of, a
/// symlink (a chain `L0 -> .`, `L1 -> L0/..` would otherwise reach `/`); a
/// symlink must point at a path inside `dest` that itself goes through no
/// symlink; hard links may only name earlier regular files. Modes lose their
/// setuid, setgid and sticky bits.
///
/// `archive_size` (the compressed size) sets the unpacking budget
/// ([`unpack_budget`]); an archive past it is refused before the entry that
/// crosses it is written. The tar must end with its end-of-archive blocks
/// and the gzip stream with its trailer, with nothing after it (a second
/// gzip member is refused): a cut archive whose entries happen to be whole
/// would otherwise unpack to a partial toolchain. Ctrl-C stops it.
pub fn tar_gz(
    archive: impl Read,
    archive_size: u64,
    dest: &Path,
    cancel: crate::support::process::Cancel,
) -> Result<()> {
    let budget = unpack_budget(archive_size);
    let gz = flate2::bufread::GzDecoder::new(std::io::BufReader::new(archive));
    let mut tar = tar::Archive::new(Tracked {
        inner: gz,
        eof: false,
    });
    tar.set_preserve_permissions(false);
    tar.set_overwrite(false);
    tar.set_unpack_xattrs(false);
    let mut unpacked: u64 = 0;
    let mut count: u64 = 0;
    for entry in tar.entries().context("cannot read the archive")? {
        if cancel.is_cancelled() {
            bail!("interrupted while unpacking");
        }
        let mut entry = entry.context("cannot read the archive")?;
        count += 1;
        unpacked = unpacked.saturating_add(entry.size());
        within_budget(unpacked, count, budget, archive_size)?;
        let raw = entry
            .path()
            .context("archive entry with a bad path")?
            .into_owned();
        check_name(&raw)?;
        let rel = strip_go(&raw)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        unpack_entry(&mut entry, dest, &rel, &raw)?;
    }
    finish(tar.into_inner())
}

/// Refuses the archive before the entry that takes it past its budget.
fn within_budget(unpacked: u64, count: u64, budget: u64, archive_size: u64) -> Result<()> {
    if unpacked > budget || count > MAX_ENTRIES {
        bail!(
            "the archive unpacks to more than {} (it is {} compressed; at most {} entries and {}x its size, between {} and {} MiB, are accepted): refusing it",
            if count > MAX_ENTRIES {
                format!("{MAX_ENTRIES} entries")
            } else {
                format!("{} MiB", budget >> 20)
            },
            human_size(archive_size),
            MAX_ENTRIES,
            MAX_RATIO,
            RATIO_FLOOR >> 20,
            MAX_UNPACKED >> 20
        );
    }
    Ok(())
}

/// Go's archives name their files in printable ASCII: a name with a
/// control byte or a bidirectional or invisible character (ESC, U+202E) is
/// there to mislead whoever reads it.
fn check_name(raw: &Path) -> Result<()> {
    let name = raw.to_string_lossy();
    if name
        .chars()
        .any(|c| crate::support::output::escape_of(c).is_some())
    {
        bail!(
            "archive entry {} has a control or invisible character in its name (Go's archives have none): refusing it",
            crate::support::output::shown(&name)
        );
    }
    Ok(())
}

/// Creates one entry at `dest/rel`: a folder or file, a link that stays
/// inside, or a hard link to an earlier file; nothing else.
fn unpack_entry<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    dest: &Path,
    rel: &Path,
    raw: &Path,
) -> Result<()> {
    let kind = entry.header().entry_type();
    // Every folder on the way must be a real folder made by us.
    if let Some(parent) = rel.parent() {
        ensure_real_dirs(dest, parent, raw)?;
    }
    let out = dest.join(rel);
    let existing = std::fs::symlink_metadata(&out).ok();
    if existing.as_ref().is_some_and(|m| !m.is_dir()) || (existing.is_some() && !kind.is_dir()) {
        bail!("archive entry {} appears twice", raw.display());
    }
    if kind.is_symlink() {
        return symlink(entry, dest, rel, raw, &out);
    }
    if kind.is_hard_link() {
        return hard_link(entry, dest, raw, &out);
    }
    if !(kind.is_file() || kind.is_dir() || kind == tar::EntryType::Continuous) {
        bail!(
            "archive entry {} is a {}, not a file, folder or link",
            raw.display(),
            match kind {
                tar::EntryType::Char => "character device".to_string(),
                tar::EntryType::Block => "block device".to_string(),
                tar::EntryType::Fifo => "FIFO".to_string(),
                k => format!(
                    "tar entry of type {}",
                    crate::support::output::shown(&(k.as_byte() as char).to_string())
                ),
            }
        );
    }
    entry
        .unpack(&out)
        .with_context(|| format!("cannot unpack {}", raw.display()))?;
    // Keep the permission bits, drop setuid/setgid/sticky; the owner can
    // always read and write what it installed.
    use std::os::unix::fs::PermissionsExt;
    let mode = (entry.header().mode().unwrap_or(0o644) & 0o777) | 0o600;
    let mode = if kind.is_dir() { mode | 0o700 } else { mode };
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", out.display()))
}

/// A symlink whose target is relative, stays inside `dest` and goes
/// through no other link of the archive.
fn symlink<R: Read>(
    entry: &tar::Entry<'_, R>,
    dest: &Path,
    rel: &Path,
    raw: &Path,
    out: &Path,
) -> Result<()> {
    let target = entry
        .link_name()
        .context("archive link without a target")?
        .map(|t| t.into_owned())
        .unwrap_or_default();
    if target.is_absolute() {
        bail!(
            "archive link {} points to the absolute path {}",
            raw.display(),
            target.display()
        );
    }
    let resolved = rel.parent().unwrap_or(Path::new("")).join(&target);
    if normalize(&resolved).is_none() {
        bail!(
            "archive link {} -> {} escapes the install directory",
            raw.display(),
            target.display()
        );
    }
    if through_symlink(dest, &resolved) {
        bail!(
            "archive link {} -> {} goes through another link of the archive",
            raw.display(),
            target.display()
        );
    }
    std::os::unix::fs::symlink(&target, out)
        .with_context(|| format!("cannot create the link {}", out.display()))
}

/// A hard link to an earlier regular file of the archive.
fn hard_link<R: Read>(
    entry: &tar::Entry<'_, R>,
    dest: &Path,
    raw: &Path,
    out: &Path,
) -> Result<()> {
    let target = entry
        .link_name()?
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let t = strip_go(&safe_relative(&target)?)?;
    let src = dest.join(&t);
    let ok = t.parent().is_none_or(|p| !through_symlink(dest, p))
        && std::fs::symlink_metadata(&src).is_ok_and(|m| m.is_file());
    if !ok {
        bail!(
            "archive hard link {} -> {} does not name an earlier file of the archive",
            raw.display(),
            target.display()
        );
    }
    std::fs::hard_link(&src, out).with_context(|| format!("cannot link {}", out.display()))
}

/// Checks that the tar ended with its end-of-archive marker (the iteration
/// stops at the first zero block, or silently at the end of the stream), that
/// only zero padding follows, and that the gzip stream ends there too.
fn finish<R: BufRead>(mut t: Tracked<flate2::bufread::GzDecoder<R>>) -> Result<()> {
    if t.eof {
        bail!("the archive is cut short: its tar has no end-of-archive marker");
    }
    // The rest is the second end block and padding to a record (10 KiB for
    // GNU tar): zeros only, and not much of it. Reading it to the end makes
    // the gzip decoder check its trailer (CRC and length).
    let mut rest = Vec::new();
    (&mut t.inner)
        .take(1 << 20)
        .read_to_end(&mut rest)
        .context("the archive's gzip stream is damaged or cut short")?;
    if rest.len() < 512 || rest.len() >= 1 << 20 || rest.iter().any(|&b| b != 0) {
        bail!("the archive's tar does not end with two zero blocks and padding only");
    }
    let mut raw = t.inner.into_inner();
    let trailing = raw.fill_buf().context("cannot read the archive")?;
    if !trailing.is_empty() {
        bail!("the archive has data after its gzip stream (a second gzip member?)");
    }
    Ok(())
}

fn human_size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{n} bytes")
    }
}

/// The entry's path below the archive's `go/` folder.
fn strip_go(raw: &Path) -> Result<PathBuf> {
    let rel = safe_relative(raw)?;
    let mut comps = rel.components();
    if comps.next() != Some(Component::Normal("go".as_ref())) {
        bail!(
            "archive entry {} is outside the top-level go/ directory",
            raw.display()
        );
    }
    Ok(comps.collect())
}

/// Creates the folders of `rel` below `dest`, refusing any that exists as
/// something other than a real folder (a link made by an earlier entry).
fn ensure_real_dirs(dest: &Path, rel: &Path, raw: &Path) -> Result<()> {
    let mut cur = dest.to_path_buf();
    for c in rel.components() {
        cur.push(c);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => bail!(
                "archive entry {} would be created through {}, which is not a folder (a link?)",
                raw.display(),
                cur.display()
            ),
            Err(_) => std::fs::create_dir(&cur)
                .with_context(|| format!("cannot create {}", cur.display()))?,
        }
    }
    Ok(())
}

/// Whether walking `rel` below `dest` (`..` included, in order) steps on an
/// existing symlink: `L0/..` does when `L0` is a link.
fn through_symlink(dest: &Path, rel: &Path) -> bool {
    let mut cur = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => {
                cur.push(n);
                if std::fs::symlink_metadata(dest.join(&cur))
                    .is_ok_and(|m| m.file_type().is_symlink())
                {
                    return true;
                }
            }
            Component::ParentDir => {
                cur.pop();
            }
            _ => {}
        }
    }
    false
}

/// `p` with `.` and `..` applied, or None when it climbs above its start.
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The entry path as a relative path without `..`, or an error.
fn safe_relative(p: &Path) -> Result<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => bail!("archive entry {} contains `..`", p.display()),
            Component::RootDir | Component::Prefix(_) => {
                bail!("archive entry {} is an absolute path", p.display())
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::process::Cancel;

    fn archive(entries: &[(&str, tar::EntryType, &str)]) -> Vec<u8> {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_mode(0o755);
            if kind.is_symlink() || kind.is_hard_link() {
                h.set_size(0);
                // set_path refuses `..`, so write the raw name for hostile cases.
                let name = h.as_old_mut();
                name.name[..path.len()].copy_from_slice(path.as_bytes());
                name.linkname[..data.len()].copy_from_slice(data.as_bytes());
                h.set_cksum();
                b.append(&h, std::io::empty()).unwrap();
            } else {
                h.set_size(data.len() as u64);
                let name = h.as_old_mut();
                name.name[..path.len()].copy_from_slice(path.as_bytes());
                h.set_cksum();
                b.append(&h, data.as_bytes()).unwrap();
            }
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    /// A cancelled token stops the unpacking before its first entry: the
    /// test cancels its own, no signal sent and no process flag set.
    #[test]
    fn a_cancelled_unpack_writes_nothing() {
        let a = archive(&[("go/VERSION", tar::EntryType::Regular, "go1.99.0\n")]);
        let d = tempfile::tempdir().unwrap();
        let cancel = Cancel::detached();
        cancel.cancel();
        let e = tar_gz(&a[..], a.len() as u64, d.path(), cancel).unwrap_err();
        assert!(
            e.to_string().contains("interrupted while unpacking"),
            "{e:#}"
        );
        assert!(std::fs::read_dir(d.path()).unwrap().next().is_none());
        assert!(!Cancel::on_interrupt().is_cancelled());
    }

    #[test]
    fn unpacks_and_strips_go() {
        let a = archive(&[
            ("go/VERSION", tar::EntryType::Regular, "go1.99.0\n"),
            ("go/bin/go", tar::EntryType::Regular, "#!/bin/sh\n"),
            ("go/bin/gofmt-link", tar::EntryType::Symlink, "go"),
        ]);
        let d = tempfile::tempdir().unwrap();
        tar_gz(&a[..], a.len() as u64, d.path(), Cancel::detached()).unwrap();
        assert_eq!(
            std::fs::read_to_string(d.path().join("VERSION")).unwrap(),
            "go1.99.0\n"
        );
        assert!(d.path().join("bin/gofmt-link").exists());
    }

    #[test]
    fn refuses_hostile_entries() {
        for (entries, want) in [
            (vec![("go/../evil", tar::EntryType::Regular, "x")], ".."),
            (
                vec![("/etc/evil", tar::EntryType::Regular, "x")],
                "absolute",
            ),
            (
                vec![("go/link", tar::EntryType::Symlink, "../../etc/passwd")],
                "escapes",
            ),
            (
                vec![("go/link", tar::EntryType::Symlink, "/etc/passwd")],
                "absolute",
            ),
            (
                vec![("other/file", tar::EntryType::Regular, "x")],
                "outside",
            ),
        ] {
            let a = archive(&entries);
            let d = tempfile::tempdir().unwrap();
            let e = tar_gz(&a[..], a.len() as u64, d.path(), Cancel::detached())
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{entries:?}: {e}");
        }
    }

    /// `L0 -> .`, `L1 -> L0/..`, ... each look harmless alone; together they
    /// reach `/`. Nothing may be created through them.
    #[test]
    fn refuses_symlink_chains_and_writes_nothing_outside() {
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("a/b/c");
        std::fs::create_dir_all(&dest).unwrap();
        let mut entries: Vec<(String, tar::EntryType, String)> =
            vec![("go/L0".into(), tar::EntryType::Symlink, ".".into())];
        for i in 1..6 {
            entries.push((
                format!("go/L{i}"),
                tar::EntryType::Symlink,
                format!("L{}/..", i - 1),
            ));
        }
        entries.push(("go/L5/x".into(), tar::EntryType::Regular, "pwned".into()));
        let refs: Vec<(&str, tar::EntryType, &str)> = entries
            .iter()
            .map(|(a, k, b)| (a.as_str(), *k, b.as_str()))
            .collect();
        let a = archive(&refs);
        let e = tar_gz(&a[..], a.len() as u64, &dest, Cancel::detached())
            .unwrap_err()
            .to_string();
        assert!(e.contains("goes through another link"), "{e}");
        assert!(!root.path().join("a/b/x").exists());
        assert!(!root.path().join("a/x").exists());

        // A link to a folder, then a file through it.
        let a = archive(&[
            ("go/d", tar::EntryType::Directory, ""),
            ("go/up", tar::EntryType::Symlink, "d"),
            ("go/up/f", tar::EntryType::Regular, "x"),
        ]);
        let d = tempfile::tempdir().unwrap();
        let e = tar_gz(&a[..], a.len() as u64, d.path(), Cancel::detached())
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a folder"), "{e}");

        // A hard link to something that is not an earlier file.
        let a = archive(&[("go/h", tar::EntryType::Link, "go/missing")]);
        let d = tempfile::tempdir().unwrap();
        let e = tar_gz(&a[..], a.len() as u64, d.path(), Cancel::detached())
            .unwrap_err()
            .to_string();
        assert!(e.contains("earlier file"), "{e}");

        // A file over an earlier link.
        let a = archive(&[
            ("go/f", tar::EntryType::Symlink, "g"),
            ("go/f", tar::EntryType::Regular, "x"),
        ]);
        let d = tempfile::tempdir().unwrap();
        let e = tar_gz(&a[..], a.len() as u64, d.path(), Cancel::detached())
            .unwrap_err()
            .to_string();
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn budgets_follow_size_with_a_floor_and_a_ceiling() {
        assert_eq!(unpack_budget(1000), RATIO_FLOOR);
        assert_eq!(unpack_budget(70 << 20), 1400 << 20);
        assert_eq!(unpack_budget(500 << 20), MAX_UNPACKED);
        assert_eq!(unpack_budget(u64::MAX), MAX_UNPACKED);
    }

    /// A tar cut after a whole entry, a tar followed by junk, and a second
    /// gzip member are refused; the same tar whole is accepted.
    #[test]
    fn requires_the_end_of_the_tar_and_of_the_gzip_stream() {
        use std::io::Write;
        let gz = |b: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(b).unwrap();
            e.finish().unwrap()
        };
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(3);
        h.set_path("go/VERSION").unwrap();
        h.set_cksum();
        b.append(&h, &b"abc"[..]).unwrap();
        let whole = b.into_inner().unwrap();
        let cut = &whole[..1024];
        let try_ = |a: &[u8]| {
            let d = tempfile::tempdir().unwrap();
            tar_gz(a, a.len() as u64, d.path(), Cancel::detached()).map_err(|e| e.to_string())
        };
        try_(&gz(&whole)).unwrap();
        assert!(try_(&gz(cut)).unwrap_err().contains("end-of-archive"));
        let mut junk = whole.clone();
        junk.extend_from_slice(&[1u8; 512]);
        assert!(try_(&gz(&junk)).unwrap_err().contains("zero blocks"));
        let mut two = gz(&whole);
        two.extend(gz(cut));
        assert!(try_(&two).unwrap_err().contains("after its gzip stream"));
        let whole_gz = gz(&whole);
        let e = try_(&whole_gz[..whole_gz.len() - 4]).unwrap_err();
        assert!(e.contains("damaged or cut short"), "{e}");
    }

    #[test]
    fn strips_setuid() {
        use std::os::unix::fs::PermissionsExt;
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o6755);
        h.set_size(1);
        h.set_path("go/bin/suid").unwrap();
        h.set_cksum();
        b.append(&h, &b"x"[..]).unwrap();
        let a = b.into_inner().unwrap().finish().unwrap();
        let d = tempfile::tempdir().unwrap();
        tar_gz(&a[..], a.len() as u64, d.path(), Cancel::detached()).unwrap();
        let mode = std::fs::metadata(d.path().join("bin/suid"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o755);
    }
}
