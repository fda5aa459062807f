//! What a Go binary says about how it was built (`go version -m BINARY`):
//! the Go release, the main module with its version, and the VCS revision.
//! An injector built from a known commit of a known module is the injector a
//! matrix run built from that commit, whatever its bytes (another Go, other
//! flags): that is how a user's `bin/q` is matched with q's own evidence.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The build facts of one Go binary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoBuild {
    /// The Go release that built it (`go1.26.8`).
    pub go: String,
    /// The main package's import path.
    pub path: Option<String>,
    /// The main module's path.
    pub module: Option<String>,
    /// The main module's version, when it is one (`go install m@v1.2.3`);
    /// None for `(devel)`, which every local build reports.
    pub version: Option<String>,
    /// `vcs.revision`: the commit the binary was built from.
    pub revision: Option<String>,
    /// `vcs.modified=true`: the work tree had changes, so the revision does
    /// not name the sources.
    pub modified: bool,
}

impl GoBuild {
    /// The revision as an identity's `commit`: `+dirty` when modified.
    pub fn commit(&self) -> Option<String> {
        self.revision.as_ref().map(|r| {
            if self.modified {
                format!("{r}+dirty")
            } else {
                r.clone()
            }
        })
    }
}

/// Parses `go version -m` output. None when it is not a Go binary's.
pub fn parse(text: &str) -> Option<GoBuild> {
    let mut lines = text.lines();
    // `/path/q: go1.26.8`
    let go = lines.next()?.rsplit(": ").next()?.trim();
    if !go.starts_with("go") && !go.starts_with("devel") {
        return None;
    }
    let mut b = GoBuild {
        go: go.to_string(),
        ..GoBuild::default()
    };
    for line in lines {
        let mut f = line.trim_start().split('\t');
        match (f.next(), f.next(), f.next()) {
            (Some("path"), Some(p), _) => b.path = Some(p.to_string()),
            (Some("mod"), Some(m), v) => {
                b.module = Some(m.to_string());
                b.version = v
                    .map(str::trim)
                    .filter(|v| !v.is_empty() && *v != "(devel)")
                    .map(str::to_string);
            }
            (Some("build"), Some(kv), _) => match kv.split_once('=') {
                Some(("vcs.revision", r)) if !r.is_empty() => b.revision = Some(r.to_string()),
                Some(("vcs.modified", m)) => b.modified = m == "true",
                _ => {}
            },
            _ => {}
        }
    }
    Some(b)
}

/// Reads the build facts of `exe` with `go`. None for scripts, non-Go
/// binaries and on any doubt.
pub fn read(go: &crate::go::gocmd::Go, exe: &Path) -> Option<GoBuild> {
    let mut cmd = go.command(["version", "-m"]);
    cmd.arg(exe);
    let out = go.run(cmd).ok()?;
    if !out.success() {
        return None;
    }
    parse(&out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_version_m() {
        let text = "/tmp/bin/q: go1.26.8\n\tpath\texample.com/q/cmd/q\n\tmod\texample.com/q\t(devel)\t\n\tdep\tgolang.org/x/tools\tv0.1.0\th1:abc=\n\tbuild\t-buildmode=exe\n\tbuild\tvcs=git\n\tbuild\tvcs.revision=0123abcd\n\tbuild\tvcs.modified=true\n";
        let b = parse(text).unwrap();
        assert_eq!(b.go, "go1.26.8");
        assert_eq!(b.path.as_deref(), Some("example.com/q/cmd/q"));
        assert_eq!(b.module.as_deref(), Some("example.com/q"));
        assert_eq!(b.version, None, "(devel) is no version");
        assert_eq!(b.commit().as_deref(), Some("0123abcd+dirty"));
        let installed = "/go/bin/q: go1.27.3\n\tpath\texample.com/q/cmd/q\n\tmod\texample.com/q\tv1.4.0\th1:xyz=\n";
        let b = parse(installed).unwrap();
        assert_eq!(b.version.as_deref(), Some("v1.4.0"));
        assert_eq!(b.commit(), None);
        assert!(parse("").is_none());
        assert!(
            parse("/bin/sh: could not read Go build info from /bin/sh: not a Go executable\n")
                .is_none()
        );
    }
}
