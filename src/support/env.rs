//! The environment variables the code below `commands/` consults, read once
//! by `commands/` (the injector, which runs without `commands/`, reads its
//! own) and passed down: code and tests give values, never set or read the
//! process environment. What child processes inherit is not read here: they
//! inherit it.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// One snapshot of the variables qcompat's own decisions depend on.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `$HOME` (`~/sdk/go*`, `~/go/pkg/mod`, `~/.cache/qcompat`).
    pub home: Option<PathBuf>,
    /// `$GOMODCACHE`, where the go command keeps the toolchains it fetched.
    pub gomodcache: Option<PathBuf>,
    /// `$GOPATH` (its `pkg/mod` when GOMODCACHE is unset).
    pub gopath: Option<PathBuf>,
    /// `$PATH` as it is, set or not (an empty one still names the current
    /// folder, as a shell reads it): where commands are looked up.
    pub path: Option<OsString>,
    /// `$GOTOOLCHAIN`, when set and not empty: the user's toolchain switch.
    pub gotoolchain: Option<String>,
    /// `$GOMAXPROCS` and `$GOGC`, when set (even empty): the user chose, so
    /// qcompat's defaults for the go commands it starts stay out.
    pub gomaxprocs: Option<OsString>,
    pub gogc: Option<OsString>,
    /// `$QCOMPAT_CACHE_DIR` and `$XDG_CACHE_HOME` (not empty): the cache root.
    pub qcompat_cache_dir: Option<PathBuf>,
    pub xdg_cache_home: Option<PathBuf>,
}

impl Env {
    /// The module cache the go command uses: GOMODCACHE, else
    /// `$GOPATH/pkg/mod`, else `~/go/pkg/mod`.
    pub fn modcache(&self) -> Option<PathBuf> {
        self.gomodcache
            .clone()
            .or_else(|| self.gopath.as_ref().map(|p| p.join("pkg/mod")))
            .or_else(|| self.home.as_ref().map(|h| h.join("go/pkg/mod")))
    }

    /// The snapshot from a variable lookup: `commands/` passes the
    /// process's, tests a table. The one place that says which variables
    /// count and how an empty one reads.
    pub fn from_lookup(var: impl Fn(&str) -> Option<OsString>) -> Env {
        let dir = |name| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        Env {
            home: dir("HOME"),
            gomodcache: dir("GOMODCACHE"),
            gopath: dir("GOPATH"),
            path: var("PATH"),
            gotoolchain: var("GOTOOLCHAIN")
                .and_then(|v| v.into_string().ok())
                .filter(|v| !v.is_empty()),
            gomaxprocs: var("GOMAXPROCS"),
            gogc: var("GOGC"),
            qcompat_cache_dir: dir("QCOMPAT_CACHE_DIR"),
            xdg_cache_home: dir("XDG_CACHE_HOME"),
        }
    }

    /// `$PATH` for messages: "empty" when unset, empty or not UTF-8.
    pub fn path_shown(&self) -> &str {
        match self.path.as_deref().and_then(OsStr::to_str) {
            Some(p) if !p.is_empty() => p,
            _ => "empty",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_cache_follows_the_go_commands_order() {
        let mut e = Env {
            home: Some("/h".into()),
            ..Env::default()
        };
        assert_eq!(e.modcache(), Some(PathBuf::from("/h/go/pkg/mod")));
        e.gopath = Some("/gp".into());
        assert_eq!(e.modcache(), Some(PathBuf::from("/gp/pkg/mod")));
        e.gomodcache = Some("/mc".into());
        assert_eq!(e.modcache(), Some(PathBuf::from("/mc")));
        assert_eq!(Env::default().modcache(), None);
    }

    #[test]
    fn empty_folders_are_unset_but_an_empty_gomaxprocs_is_a_choice() {
        let table = [
            ("HOME", ""),
            ("XDG_CACHE_HOME", "/x"),
            ("GOMAXPROCS", ""),
            ("GOTOOLCHAIN", ""),
            ("PATH", ""),
        ];
        let e = Env::from_lookup(|name| {
            table
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        });
        assert_eq!(e.home, None);
        assert_eq!(e.xdg_cache_home, Some(PathBuf::from("/x")));
        assert_eq!(e.gomaxprocs, Some(OsString::new()));
        assert_eq!(e.gogc, None);
        assert_eq!(e.gotoolchain, None);
        assert_eq!(e.path, Some(OsString::new()));
        assert_eq!(e.path_shown(), "empty");
    }
}
