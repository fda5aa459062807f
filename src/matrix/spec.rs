//! Matrix spec files (`matrix/*.yaml`): which toolchains, which platforms,
//! which injector and program, and how to verify.

use crate::support::doc_error;
use anyhow::{anyhow, bail, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Toolchains: `local`, a version selector (`1.27.3`, `1.27.x`,
    /// `supported`), or `{path: GOROOT}`.
    #[serde(default = "default_toolchains")]
    pub toolchains: Vec<ToolchainEntry>,
    /// `all`, `first-class`, or a list of `goos/goarch`.
    #[serde(default)]
    pub platforms: Platforms,
    /// Globs over `goos/goarch` that a platform must match (any of them).
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs over `goos/goarch` to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// `builtin` (this qcompat's injector), a -toolexec command such as `q`,
    /// or `{package: ./cmd/q, dir: ../q}`: a Go package that each toolchain
    /// of the run builds for itself.
    #[serde(default)]
    pub toolexec: Toolexec,
    /// `builtin` (the probe from fallback-go) or a program of the user's.
    #[serde(default)]
    pub program: Program,
    #[serde(default)]
    pub verify: VerifyMode,
    /// Cells built at once (default: the number of cores).
    pub jobs: Option<usize>,
    /// Seconds one cell may take.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// Build without DWARF and symbol tables (same relocations, less work),
    /// and let the compiler use up to 1 GiB before collecting garbage.
    #[serde(default = "yes")]
    pub lean: bool,
    /// Pairs that recent Go links only with cgo (android/386, android/amd64,
    /// android/arm, ios/*): `build` them and let the go command say so (the
    /// default: older releases link some of them), or `skip` them up front.
    #[serde(default)]
    pub cgo_only: CgoOnly,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum ToolchainEntry {
    Selector(String),
    Path { path: PathBuf },
}

impl std::fmt::Display for ToolchainEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToolchainEntry::Selector(s) => write!(f, "{}", crate::support::output::shown(s)),
            ToolchainEntry::Path { path } => write!(f, "{{path: {}}}", path.display()),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(untagged)]
pub enum Platforms {
    #[default]
    #[serde(skip)]
    All,
    Keyword(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(untagged)]
pub enum Program {
    #[default]
    #[serde(skip)]
    Builtin,
    Keyword(String),
    Package {
        /// The module directory (relative to the spec file).
        dir: PathBuf,
        /// The package to build, e.g. `./cmd/app`.
        package: String,
    },
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Toolexec {
    Command(String),
    #[serde(rename_all = "snake_case")]
    Package {
        /// The package to build, e.g. `./cmd/q`.
        package: String,
        /// Its module directory (relative to the spec file; default: the
        /// spec's folder).
        #[serde(default)]
        dir: Option<PathBuf>,
    },
}

impl Default for Toolexec {
    fn default() -> Self {
        Toolexec::Command(crate::inject::injector::BUILTIN_NAME.into())
    }
}

/// The injector a spec names, after checking.
#[derive(Debug, Clone)]
pub enum InjectorChoice {
    Builtin,
    Command(String),
    Package(crate::inject::build::PackageSpec),
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMode {
    Link,
    #[default]
    Exec,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum CgoOnly {
    Skip,
    #[default]
    Build,
}

fn default_toolchains() -> Vec<ToolchainEntry> {
    vec![ToolchainEntry::Selector("local".into())]
}
fn default_timeout() -> u64 {
    600
}
fn yes() -> bool {
    true
}

/// Which platforms a spec asks for, after checking.
#[derive(Debug, Clone)]
pub enum PlatformChoice {
    All,
    FirstClass,
    List(Vec<String>),
}

/// A checked spec with paths made absolute.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub spec: Spec,
    pub platforms: PlatformChoice,
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    /// Module directory and package of the program.
    pub program: Option<(PathBuf, String)>,
    pub injector: InjectorChoice,
}

impl Loaded {
    pub fn wanted(&self, pair: &str) -> bool {
        self.include.as_ref().is_none_or(|g| g.is_match(pair))
            && !self.exclude.as_ref().is_some_and(|g| g.is_match(pair))
    }
}

/// The spec `matrix run` uses when none is named and the current directory
/// has no matrix/default.yaml.
pub const DEFAULT_PATH: &str = "matrix/default.yaml";
const BUILTIN_DEFAULT: &str = include_str!("../../matrix/default.yaml");

pub fn load(path: &Path) -> Result<Loaded> {
    if path == Path::new(DEFAULT_PATH) && !path.exists() {
        return parse(BUILTIN_DEFAULT, path);
    }
    let text = doc_error::read_document(path, "matrix spec", 1 << 20)?;
    parse(&text, path)
}

pub fn parse(text: &str, path: &Path) -> Result<Loaded> {
    let src = path.display();
    doc_error::check_depth(&src.to_string(), text)?;
    let spec: Spec = serde_yaml::from_str(text).map_err(|e| {
        let e = doc_error::yaml(&src.to_string(), &e);
        anyhow!("{e}\n(keys: toolchains, platforms, include, exclude, toolexec, program, verify, jobs, timeout, lean, cgo_only)")
    })?;
    let err_at =
        |needle: &str, msg: String| anyhow!("{src}:{}: {msg}", doc_error::line_of(text, needle));
    let platforms = match &spec.platforms {
        Platforms::All => PlatformChoice::All,
        Platforms::Keyword(k) if k == "all" => PlatformChoice::All,
        Platforms::Keyword(k) if k == "first-class" => PlatformChoice::FirstClass,
        Platforms::Keyword(k) => {
            return Err(err_at(
                k,
                format!(
                    "platforms: {} is not `all`, `first-class` or a list of goos/goarch",
                    crate::support::output::shown(k)
                ),
            ))
        }
        Platforms::List(l) => {
            for p in l {
                let ok = p
                    .split_once('/')
                    .is_some_and(|(o, a)| is_word(o) && is_word(a));
                if !ok {
                    // A value YAML unescaped ("\0") is not in the text as
                    // read: name the `platforms:` line instead of line 0.
                    let line = match doc_error::line_of(text, p) {
                        0 => doc_error::line_of(text, "platforms"),
                        n => n,
                    };
                    return Err(anyhow!(
                        "{src}:{line}: platform {} is not of the form goos/goarch (e.g. linux/arm64)",
                        crate::support::output::shown(&doc_error::cut(p))
                    ));
                }
            }
            // A platform named twice is one cell, as a toolchain named twice.
            let mut unique: Vec<String> = Vec::with_capacity(l.len());
            for p in l {
                if !unique.contains(p) {
                    unique.push(p.clone());
                }
            }
            PlatformChoice::List(unique)
        }
    };
    let globs = |list: &[String], key: &str| -> Result<Option<GlobSet>> {
        if list.is_empty() {
            return Ok(None);
        }
        let mut b = GlobSetBuilder::new();
        for g in list {
            let glob = Glob::new(g).map_err(|e| {
                err_at(
                    g,
                    format!("{key}: bad glob {}: {e}", crate::support::output::shown(g)),
                )
            })?;
            b.add(glob);
        }
        Ok(Some(b.build()?))
    };
    let include = globs(&spec.include, "include")?;
    let exclude = globs(&spec.exclude, "exclude")?;
    let base = path.parent().unwrap_or(Path::new("."));
    let program = match &spec.program {
        Program::Builtin => None,
        Program::Keyword(k) if k == crate::inject::injector::BUILTIN_NAME => None,
        Program::Keyword(k) => {
            return Err(err_at(
                k,
                format!(
                    "program: {} is not `builtin` or {{dir: MODULE_DIR, package: ./cmd/x}}",
                    crate::support::output::shown(k)
                ),
            ))
        }
        Program::Package { dir, package } => {
            let dir = base.join(dir);
            if !dir.join("go.mod").exists() {
                return Err(err_at(
                    &package.to_string(),
                    format!("program: {} has no go.mod", dir.display()),
                ));
            }
            Some((dir, package.clone()))
        }
    };
    if spec.toolchains.is_empty() {
        bail!("{src}: toolchains: list at least one toolchain (e.g. `- local`)");
    }
    let injector = match &spec.toolexec {
        Toolexec::Command(c) if c.trim().is_empty() => {
            return Err(err_at("toolexec", "toolexec: empty command".into()))
        }
        Toolexec::Command(c) if c.trim() == crate::inject::injector::BUILTIN_NAME => {
            InjectorChoice::Builtin
        }
        Toolexec::Command(c) => InjectorChoice::Command(c.clone()),
        Toolexec::Package { package, dir } => {
            let dir = base.join(dir.as_deref().unwrap_or(Path::new(".")));
            if !dir.join("go.mod").exists() {
                return Err(err_at(
                    package,
                    format!(
                        "toolexec: {} has no go.mod (dir is the injector's module, relative to the spec)",
                        dir.display()
                    ),
                ));
            }
            if !package.starts_with('.') && !package.contains('/') && !package.contains('.') {
                return Err(err_at(
                    package,
                    format!(
                        "toolexec: package {} is not a package path; write it like ./cmd/q",
                        crate::support::output::shown(package)
                    ),
                ));
            }
            InjectorChoice::Package(crate::inject::build::PackageSpec {
                dir,
                package: package.clone(),
            })
        }
    };
    if spec.jobs == Some(0) {
        return Err(err_at("jobs", "jobs: must be at least 1".into()));
    }
    if spec.timeout == 0 {
        return Err(err_at(
            "timeout",
            "timeout: must be at least 1 second".into(),
        ));
    }
    for t in &spec.toolchains {
        if let ToolchainEntry::Selector(sel) = t {
            if sel != "local" {
                crate::toolchains::parse_selector(sel).map_err(|e| {
                    err_at(sel, format!("toolchains: {e}, `local` or {{path: GOROOT}}"))
                })?;
            }
        }
    }
    let mut spec = spec;
    for t in &mut spec.toolchains {
        if let ToolchainEntry::Path { path } = t {
            *path = base.join(&*path);
        }
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        spec,
        platforms,
        include,
        exclude,
        program,
        injector,
    })
}

fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Loaded> {
        parse(text, Path::new("spec.yaml"))
    }

    #[test]
    fn defaults() {
        let l = p("{}").unwrap();
        assert!(matches!(l.platforms, PlatformChoice::All));
        assert!(matches!(l.injector, InjectorChoice::Builtin));
        assert_eq!(l.spec.verify, VerifyMode::Exec);
        assert_eq!(
            l.spec.toolchains,
            vec![ToolchainEntry::Selector("local".into())]
        );
        assert!(l.program.is_none());
    }

    #[test]
    fn duplicate_platforms_merge_and_a_nul_has_its_line() {
        let l = p("platforms: [linux/amd64, js/wasm, linux/amd64]\n").unwrap();
        assert!(
            matches!(&l.platforms, PlatformChoice::List(v) if v == &["linux/amd64", "js/wasm"]),
            "{:?}",
            match &l.platforms {
                PlatformChoice::List(v) => v.clone(),
                _ => vec![],
            }
        );
        let e = p("verify: exec\nplatforms: [\"linux/\\0amd64\"]\n")
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("spec.yaml:2:"), "{e}");
    }

    #[test]
    fn full_spec() {
        let l = p("toolchains:\n- local\n- path: /usr/lib/go-1.19\n- 1.27.x\nplatforms: [linux/amd64, js/wasm]\nexclude: ['windows/*']\nverify: link\njobs: 3\n").unwrap();
        assert_eq!(l.spec.toolchains.len(), 3);
        assert!(matches!(&l.platforms, PlatformChoice::List(v) if v.len() == 2));
        assert!(!l.wanted("windows/amd64"));
        assert!(l.wanted("linux/amd64"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = p("toolchains: [local]\nplatfroms: all\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("spec.yaml:2"), "{e}");
        assert!(e.contains("platfroms"), "{e}");
        let e = p("platforms:\n- linux/amd64\n- linux-arm64\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("spec.yaml:3:") && e.contains("goos/goarch"),
            "{e}"
        );
        let e = p("platforms: everything\n").unwrap_err().to_string();
        assert!(e.starts_with("spec.yaml:1:"), "{e}");
        let e = p("include:\n- 'linux/[arm'\n").unwrap_err().to_string();
        assert!(
            e.starts_with("spec.yaml:2:") && e.contains("bad glob"),
            "{e}"
        );
        let e = p("verify: run\n").unwrap_err().to_string();
        assert!(e.starts_with("spec.yaml:1"), "{e}");
        let e = p("jobs: 0\n").unwrap_err().to_string();
        assert!(e.contains("at least 1"), "{e}");
    }
}
