//! Matrix spec files (`matrix/*.yaml`): which toolchains, which platforms,
//! which injector and program, and how to verify.

use crate::support::doc_error;
use crate::verify::kind::BuildKind;
use anyhow::{anyhow, bail, Result};
use builds::builds;
pub use builds::{Build, BuildEntry};
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
    /// The builds each cell makes: `build` (the default), `test`, `race`,
    /// `cover`, `debug`, `pie`, `trimpath`, `pgo`, `c-shared`, `c-archive`,
    /// `plugin`; an entry `{kind: race, platforms: [GLOB, ...]}` limits a
    /// kind to some platforms.
    #[serde(default = "default_builds")]
    pub builds: Vec<BuildEntry>,
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
    /// Another injector's cells build in a GOCACHE of their own (`private`,
    /// the default: an injector that leaves `compile -V=full` unchanged
    /// would link plain builds' runtime.a), or in the GOCACHE qcompat runs
    /// with (`shared`), as that injector's users build: the shared-cache
    /// trap then shows as they would hit it.
    #[serde(default)]
    pub gocache: GocacheMode,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum GocacheMode {
    #[default]
    Private,
    Shared,
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

/// A spec's toolchain, parsed once when the spec loads: a selector
/// (`local` among them) or a GOROOT (or go binary), relative to the spec's folder.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecToolchain {
    Select(crate::toolchains::Selector),
    Path(PathBuf),
}

impl std::fmt::Display for SpecToolchain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpecToolchain::Select(s) => write!(f, "{s}"),
            // Shown in messages: on one line, no control reaching a terminal.
            SpecToolchain::Path(path) => write!(
                f,
                "{{path: {}}}",
                crate::support::output::inline(&path.display().to_string())
            ),
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

fn default_builds() -> Vec<BuildEntry> {
    vec![BuildEntry::Name(BuildKind::Build.name().into())]
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
    /// The spec's toolchains, parsed.
    pub toolchains: Vec<SpecToolchain>,
    pub platforms: PlatformChoice,
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    /// Module directory and package of the program.
    pub program: Option<(PathBuf, String)>,
    pub injector: InjectorChoice,
    /// The build kinds, in the spec's order.
    pub builds: Vec<Build>,
    /// The spec file's SHA-256 (hex): shards of one run share it.
    pub sha256: String,
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

/// Points at the line of a spec that holds `needle`: `FILE:LINE: msg`.
struct At<'a> {
    src: String,
    text: &'a str,
}

mod builds;

impl At<'_> {
    /// An error at the line of `needle`, looked for from the line of the
    /// top-level key `msg` begins with (`include: ...`): a value such as
    /// `[` also occurs in other keys' lines, and a value read from a YAML
    /// escape (`\e`) is not in the text at all (then the key's line).
    fn err(&self, needle: &str, msg: String) -> anyhow::Error {
        let key = msg.split(':').next().unwrap_or_default();
        let lines: Vec<&str> = self.text.lines().collect();
        let from = lines.iter().position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
        let found = lines
            .iter()
            .enumerate()
            .skip(from.unwrap_or(0))
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i)
            .or(from);
        match found {
            Some(i) => anyhow!("{}:{}: {msg}", self.src, i + 1),
            None => anyhow!("{}: {msg}", self.src),
        }
    }
}

pub fn parse(text: &str, path: &Path) -> Result<Loaded> {
    let src = path.display().to_string();
    let spec: Spec = crate::support::yaml::from_str(&src, text, |e| {
        let hint = if e.contains("BuildEntry") {
            format!(
                "\n(a build is a kind, {}, or {{kind: KIND, platforms: [GLOB, ...]}}; no other keys)",
                BuildKind::names()
            )
        } else {
            String::new()
        };
        format!("{e}{hint}\n(keys: toolchains, platforms, include, exclude, builds, toolexec, program, verify, jobs, timeout, lean, cgo_only, gocache)")
    })?;
    let at = At { src, text };
    let base = path.parent().unwrap_or(Path::new("."));
    let platforms = platforms(&spec.platforms, &at)?;
    let include = globs(&spec.include, "include", &at)?;
    let exclude = globs(&spec.exclude, "exclude", &at)?;
    let program = program(&spec.program, base, &at)?;
    let injector = injector(&spec.toolexec, base, &at)?;
    let builds = builds(&spec.builds, &at)?;
    check_numbers(&spec, &at)?;
    let toolchains = toolchains(&spec, base, &at)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        spec,
        toolchains,
        platforms,
        include,
        exclude,
        program,
        injector,
        builds,
        sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(text)),
    })
}

fn platforms(p: &Platforms, at: &At) -> Result<PlatformChoice> {
    Ok(match p {
        Platforms::All => PlatformChoice::All,
        Platforms::Keyword(k) if k == "all" => PlatformChoice::All,
        Platforms::Keyword(k) if k == "first-class" => PlatformChoice::FirstClass,
        Platforms::Keyword(k) => {
            return Err(at.err(
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
                    let line = match doc_error::line_of(at.text, p) {
                        0 => doc_error::line_of(at.text, "platforms"),
                        n => n,
                    };
                    return Err(anyhow!(
                        "{}:{line}: platform {} is not of the form goos/goarch (e.g. linux/arm64)",
                        at.src,
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
    })
}

fn globs(list: &[String], key: &str, at: &At) -> Result<Option<GlobSet>> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in list {
        let glob = Glob::new(g).map_err(|e| {
            at.err(
                g,
                format!("{key}: bad glob {}: {e}", crate::support::output::shown(g)),
            )
        })?;
        b.add(glob);
    }
    Ok(Some(b.build()?))
}

fn program(p: &Program, base: &Path, at: &At) -> Result<Option<(PathBuf, String)>> {
    match p {
        Program::Builtin => Ok(None),
        Program::Keyword(k) if k == crate::inject::injector::BUILTIN_NAME => Ok(None),
        Program::Keyword(k) => Err(at.err(
            k,
            format!(
                "program: {} is not `builtin` or {{dir: MODULE_DIR, package: ./cmd/x}}",
                crate::support::output::shown(k)
            ),
        )),
        Program::Package { dir, package } => {
            let dir = base.join(dir);
            if !dir.join("go.mod").exists() {
                return Err(at.err(package, format!("program: {} has no go.mod", dir.display())));
            }
            Ok(Some((dir, package.clone())))
        }
    }
}

fn injector(t: &Toolexec, base: &Path, at: &At) -> Result<InjectorChoice> {
    Ok(match t {
        Toolexec::Command(c) if c.trim().is_empty() => {
            return Err(at.err("toolexec", "toolexec: empty command".into()))
        }
        Toolexec::Command(c) if c.trim() == crate::inject::injector::BUILTIN_NAME => {
            InjectorChoice::Builtin
        }
        Toolexec::Command(c) => InjectorChoice::Command(c.clone()),
        Toolexec::Package { package, dir } => {
            let dir = base.join(dir.as_deref().unwrap_or(Path::new(".")));
            if !dir.join("go.mod").exists() {
                return Err(at.err(
                    package,
                    format!(
                        "toolexec: {} has no go.mod (dir is the injector's module, relative to the spec)",
                        dir.display()
                    ),
                ));
            }
            if !package.starts_with('.') && !package.contains('/') && !package.contains('.') {
                return Err(at.err(
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
    })
}

fn check_numbers(spec: &Spec, at: &At) -> Result<()> {
    if spec.toolchains.is_empty() {
        bail!(
            "{}: toolchains: list at least one toolchain (e.g. `- local`)",
            at.src
        );
    }
    if spec.jobs == Some(0) {
        return Err(at.err("jobs", "jobs: must be at least 1".into()));
    }
    if spec.timeout == 0 {
        return Err(at.err("timeout", "timeout: must be at least 1 second".into()));
    }
    Ok(())
}

/// The spec's toolchains parsed: each selector once, paths from the spec's folder.
fn toolchains(spec: &Spec, base: &Path, at: &At) -> Result<Vec<SpecToolchain>> {
    spec.toolchains
        .iter()
        .map(|t| match t {
            ToolchainEntry::Selector(sel) => crate::toolchains::parse_selector(sel)
                .map(SpecToolchain::Select)
                .map_err(|e| at.err(sel, format!("toolchains: {e}, `local` or {{path: GOROOT}}"))),
            ToolchainEntry::Path { path } => Ok(SpecToolchain::Path(base.join(path))),
        })
        .collect()
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
    fn toolchains_are_parsed_once_local_among_them() {
        use crate::toolchains::Selector;
        let l = p("toolchains: [local, ' local', 1.22.x, {path: g}]").unwrap();
        assert_eq!(
            l.toolchains,
            [
                SpecToolchain::Select(Selector::Local),
                SpecToolchain::Select(Selector::Local),
                SpecToolchain::Select(Selector::Minor(1, 22)),
                SpecToolchain::Path(PathBuf::from("g")),
            ]
        );
        let e = p("toolchains: [locale]").unwrap_err().to_string();
        assert!(e.contains("`local` or {path: GOROOT}"), "{e}");
        // A path as messages show it: one line, no control character.
        let l = p("toolchains: [{path: \"/g\\e[31m\\nx\"}]").unwrap();
        assert_eq!(l.toolchains[0].to_string(), "{path: /g\\x1b[31m\\nx}");
    }

    /// Errors name the line of the value, or of its key when the value is
    /// not in the text as written (a YAML escape), never line 0 or another
    /// key's line holding the same characters.
    #[test]
    fn errors_name_the_line_of_their_key() {
        let line = |text: &str| {
            let e = p(text).unwrap_err().to_string();
            e.strip_prefix("spec.yaml:")
                .and_then(|r| r.split(':').next())
                .map(str::to_string)
                .unwrap_or(e)
        };
        assert_eq!(line("toolchains: [\"1.26.x\\e[2J\"]\n"), "1");
        assert_eq!(line("platforms: [linux/amd64]\n\ninclude: ['[']\n"), "3");
        assert_eq!(line("toolchains: [local]\n\n\nprogram: ''\n"), "4");
        assert_eq!(line("jobs: 0\n"), "1");
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
    fn builds_are_kinds_once_each_with_optional_platforms() {
        let l = p("{}").unwrap();
        assert_eq!(l.builds.len(), 1);
        assert_eq!(l.builds[0].kind, BuildKind::Build);
        let l = p("builds:\n- build\n- {kind: race, platforms: ['linux/amd64']}\n- c-shared\n")
            .unwrap();
        let kinds: Vec<BuildKind> = l.builds.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [BuildKind::Build, BuildKind::Race, BuildKind::CShared]
        );
        assert!(l.builds[1].wanted("linux/amd64") && !l.builds[1].wanted("linux/arm64"));
        assert!(l.builds[2].wanted("linux/arm64"));
        let e = p("verify: exec\nbuilds: [build, shared]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("spec.yaml:2:") && e.contains("shared") && e.contains("c-shared"),
            "{e}"
        );
        let e = p("builds:\n- race\n- test\n- race\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("spec.yaml:4:") && e.contains("race is listed twice"),
            "{e}"
        );
        let e = p("builds: [{kind: race, platforms: []}]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least one goos/goarch glob"), "{e}");
        let e = p("builds: []\n").unwrap_err().to_string();
        assert!(e.contains("at least one build kind"), "{e}");
        let e = p("builds:\n- {kind: race, platforms: ['linux/[x']}\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("spec.yaml:2:") && e.contains("bad glob"),
            "{e}"
        );
        let e = p("builds:\n- {kind: race, platfroms: [x]}\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("spec.yaml"), "{e}");
        let e = p("gocache: mine\n").unwrap_err().to_string();
        assert!(e.contains("gocache") || e.contains("mine"), "{e}");
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
