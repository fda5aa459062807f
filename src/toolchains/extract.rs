//! Unpacking an untrusted Go archive: entries must stay inside the target.

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Extracts a .tar.gz whose entries start with `go/` into `dest`, dropping
/// that first component. Absolute paths, `..`, and links that would point
/// outside `dest` are refused.
pub fn tar_gz(archive: impl Read, dest: &Path) -> Result<()> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    tar.set_preserve_permissions(true);
    tar.set_overwrite(false);
    for entry in tar.entries().context("cannot read the archive")? {
        let mut entry = entry.context("cannot read the archive")?;
        let raw = entry
            .path()
            .context("archive entry with a bad path")?
            .into_owned();
        let rel = safe_relative(&raw)?;
        // Strip the leading `go/`.
        let mut comps = rel.components();
        let first = comps.next();
        if first != Some(Component::Normal("go".as_ref())) {
            bail!(
                "archive entry {} is outside the top-level go/ directory",
                raw.display()
            );
        }
        let rel: PathBuf = comps.collect();
        if rel.as_os_str().is_empty() {
            continue;
        }
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name()
                .context("archive link without a target")?
                .map(|t| t.into_owned())
                .unwrap_or_default();
            let resolved = if kind.is_hard_link() {
                // Hard link names are archive paths.
                let t = safe_relative(&target)?;
                t.components().skip(1).collect::<PathBuf>()
            } else {
                if target.is_absolute() {
                    bail!(
                        "archive link {} points to the absolute path {}",
                        raw.display(),
                        target.display()
                    );
                }
                rel.parent().unwrap_or(Path::new("")).join(&target)
            };
            if escapes(&resolved) {
                bail!(
                    "archive link {} -> {} escapes the install directory",
                    raw.display(),
                    target.display()
                );
            }
        }
        let out = dest.join(&rel);
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if kind.is_hard_link() {
            let target = entry
                .link_name()?
                .map(|t| t.into_owned())
                .unwrap_or_default();
            let src = dest.join(target.components().skip(1).collect::<PathBuf>());
            std::fs::hard_link(&src, &out)
                .with_context(|| format!("cannot link {}", out.display()))?;
            continue;
        }
        entry
            .unpack(&out)
            .with_context(|| format!("cannot unpack {}", raw.display()))?;
    }
    Ok(())
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

/// Whether a relative path climbs above its start once `..` are applied.
fn escapes(p: &Path) -> bool {
    let mut depth: i64 = 0;
    for c in p.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return true,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn unpacks_and_strips_go() {
        let a = archive(&[
            ("go/VERSION", tar::EntryType::Regular, "go1.99.0\n"),
            ("go/bin/go", tar::EntryType::Regular, "#!/bin/sh\n"),
            ("go/bin/gofmt-link", tar::EntryType::Symlink, "go"),
        ]);
        let d = tempfile::tempdir().unwrap();
        tar_gz(&a[..], d.path()).unwrap();
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
            let e = tar_gz(&a[..], d.path()).unwrap_err().to_string();
            assert!(e.contains(want), "{entries:?}: {e}");
        }
    }
}
