//! The environment variables the code below `commands/` consults, read once
//! by `commands/` and passed down: code and tests give values, never set or
//! read the process environment.

use std::path::PathBuf;

/// One snapshot of the variables that locate a user's Go installations.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `$HOME` (`~/sdk/go*`, `~/go/pkg/mod`).
    pub home: Option<PathBuf>,
    /// `$GOMODCACHE`, where the go command keeps the toolchains it fetched.
    pub gomodcache: Option<PathBuf>,
    /// `$GOPATH` (its `pkg/mod` when GOMODCACHE is unset).
    pub gopath: Option<PathBuf>,
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
}
