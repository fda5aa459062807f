//! Build kinds: the ways users build Go through an injector (`go build`,
//! `go test`, `-race`, `-cover`, a debugger build, PIE, `-trimpath`, PGO, C
//! libraries, plugins). Each compiles runtime its own way, with cache
//! entries of its own, and fails in its own words; a matrix cell is a
//! toolchain, a platform and one of these.

use crate::go::gocmd::Go;
use crate::go::platforms::Target;
use crate::support::env::Env;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Default,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum BuildKind {
    /// `go build` of the probe (what the matrix always did).
    #[default]
    Build,
    /// The probe as a test: `go test -c`, the binary run.
    Test,
    /// `go test -c -race`: race instrumentation, std rebuilt, cgo.
    Race,
    /// `go test -c -cover`.
    Cover,
    /// A debugger's build: `-gcflags=all=-N -l`.
    Debug,
    /// `-buildmode=pie`.
    Pie,
    /// `-trimpath`.
    Trimpath,
    /// `-pgo=` a profile of the probe.
    Pgo,
    /// `-buildmode=c-shared`, loaded by a C host with dlopen.
    CShared,
    /// `-buildmode=c-archive`, linked into a C host.
    CArchive,
    /// `-buildmode=plugin`, opened by a Go host.
    Plugin,
}

impl BuildKind {
    pub const ALL: [BuildKind; 11] = [
        BuildKind::Build,
        BuildKind::Test,
        BuildKind::Race,
        BuildKind::Cover,
        BuildKind::Debug,
        BuildKind::Pie,
        BuildKind::Trimpath,
        BuildKind::Pgo,
        BuildKind::CShared,
        BuildKind::CArchive,
        BuildKind::Plugin,
    ];

    /// The serde name (as in the JSON, the YAML and the schemas).
    pub fn name(self) -> &'static str {
        crate::support::serde_name::of(&self)
    }

    pub fn parse(s: &str) -> Option<BuildKind> {
        BuildKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The names, for messages: `build, test, ...`.
    pub fn names() -> String {
        BuildKind::ALL.map(BuildKind::name).join(", ")
    }

    /// Kinds that need cgo and a C compiler for the target: the race runtime
    /// is linked through cgo, and the C libraries and plugins are built and
    /// loaded by C code.
    pub fn needs_cgo(self) -> bool {
        matches!(
            self,
            BuildKind::Race | BuildKind::CShared | BuildKind::CArchive | BuildKind::Plugin
        )
    }

    /// Built with `go test -c` (the probe's TestProbe is what runs).
    pub fn is_test(self) -> bool {
        matches!(self, BuildKind::Test | BuildKind::Race | BuildKind::Cover)
    }

    /// The oldest Go whose go command has this kind's flag, with why.
    pub fn min_go(self) -> Option<(u64, &'static str)> {
        match self {
            // -pgo is Go 1.20's; Go 1.21 made it a supported feature.
            BuildKind::Pgo => Some((21, "PGO (-pgo) is supported from Go 1.21")),
            _ => None,
        }
    }

    /// The go command's flags for this kind (beside `-o` and `-toolexec`);
    /// `pgo` is the profile for [`BuildKind::Pgo`].
    pub fn go_flags(self, pgo: Option<&Path>) -> Vec<String> {
        let s = |v: &[&str]| v.iter().map(|f| f.to_string()).collect();
        match self {
            BuildKind::Build | BuildKind::Test => vec![],
            BuildKind::Race => s(&["-race"]),
            BuildKind::Cover => s(&["-cover"]),
            BuildKind::Debug => s(&["-gcflags=all=-N -l"]),
            BuildKind::Pie => s(&["-buildmode=pie"]),
            BuildKind::Trimpath => s(&["-trimpath"]),
            BuildKind::Pgo => match pgo {
                Some(p) => vec![format!("-pgo={}", p.display())],
                None => vec![],
            },
            BuildKind::CShared => s(&["-buildmode=c-shared"]),
            BuildKind::CArchive => s(&["-buildmode=c-archive"]),
            BuildKind::Plugin => s(&["-buildmode=plugin"]),
        }
    }

    /// Whether `-gcflags=all=-dwarf=false` and `-ldflags=-s -w` (a lean
    /// build) may be added: a debugger build keeps its own gcflags, and the
    /// C libraries and plugins keep their symbol tables for the loader.
    pub fn allows_lean(self) -> bool {
        !matches!(
            self,
            BuildKind::Debug | BuildKind::CShared | BuildKind::CArchive | BuildKind::Plugin
        )
    }

    /// What a cold cell of this kind costs, in tenths of a second: the
    /// medians of `matrix/evidence/kind-costs.md` (linux/amd64, one thread
    /// while the pool is full) and, for `build`, of every platform's build
    /// cells. Race and cover rebuild std instrumented; C libraries and
    /// plugins rebuild it with other flags and link twice (library, host).
    /// The pool's order and the shards' balance rest on it.
    pub fn cold_cost_ds(self) -> u32 {
        match self {
            BuildKind::Build => 75,
            BuildKind::Trimpath => 78,
            BuildKind::Test | BuildKind::Pie => 80,
            BuildKind::Debug => 89,
            BuildKind::Pgo => 91,
            BuildKind::CArchive => 112,
            BuildKind::CShared => 148,
            BuildKind::Cover => 246,
            BuildKind::Plugin => 304,
            BuildKind::Race => 366,
        }
    }
}

impl std::fmt::Display for BuildKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The GNU triplet of a Linux GOARCH, the prefix of its C cross compiler
/// (`aarch64-linux-gnu-gcc`, Debian's `gcc-aarch64-linux-gnu`) and the
/// folder of its libraries (`/usr/aarch64-linux-gnu`, for qemu's `-L`).
pub fn gnu_triplet(goarch: &str) -> Option<&'static str> {
    Some(match goarch {
        "amd64" => "x86_64-linux-gnu",
        "386" => "i686-linux-gnu",
        "arm64" => "aarch64-linux-gnu",
        "arm" => "arm-linux-gnueabihf",
        "riscv64" => "riscv64-linux-gnu",
        "ppc64le" => "powerpc64le-linux-gnu",
        "s390x" => "s390x-linux-gnu",
        "loong64" => "loongarch64-linux-gnu",
        "mips64le" => "mips64el-linux-gnuabi64",
        _ => return None,
    })
}

/// The C compiler for a cgo build for `target` on this machine: the
/// host's `cc` for the host, else a Linux cross compiler found on `env`'s PATH.
pub fn c_compiler(target: Target, env: &Env) -> Result<PathBuf, String> {
    let Target { goos, goarch } = target;
    let find = |name: &str| crate::go::gocmd::resolve(Path::new(name), env);
    let host = goos == host_goos() && Some(goarch) == host_goarch();
    if host {
        return ["cc", "gcc", "clang"]
            .iter()
            .find_map(|n| find(n))
            .ok_or_else(|| "no C compiler on PATH (cc, gcc or clang)".to_string());
    }
    if goos != "linux" {
        return Err(format!(
            "cgo builds for {goos}/{goarch} need a C cross compiler for {goos}; qcompat looks for Linux ones only"
        ));
    }
    let Some(triplet) = gnu_triplet(goarch) else {
        return Err(format!("no C cross compiler is known for linux/{goarch}"));
    };
    let name = format!("{triplet}-gcc");
    find(&name).ok_or_else(|| {
        format!("{name} is not installed (Debian: gcc-{triplet}), so linux/{goarch} has no cgo builds here")
    })
}

/// This machine's GOOS (Rust says `macos` where Go says `darwin`).
pub fn host_goos() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

/// The go command's refusal of `kind` for `target`, asked without
/// building anything (`go build -n` stops at the flag checks):
/// `-race is not supported on linux/mips`,
/// `-buildmode=c-shared not supported on js/wasm`. None when it accepts it
/// (or says something else).
pub fn refused(go: &Go, target: Target, kind: BuildKind) -> Option<String> {
    let mut cmd = std::process::Command::new(&go.path);
    cmd.args(["build", "-n", "-o", "/dev/null"])
        .args(kind.go_flags(None))
        .arg("runtime");
    crate::support::scratch::isolate(&mut cmd);
    cmd.env("GOTOOLCHAIN", "local")
        .env("GOOS", target.goos)
        .env("GOARCH", target.goarch)
        .env("CGO_ENABLED", if kind.needs_cgo() { "1" } else { "0" });
    let out =
        crate::support::process::run(cmd, std::time::Duration::from_secs(60), go.cancel).ok()?;
    out.stderr
        .lines()
        .map(str::trim)
        .find(|l| l.contains(" not supported on "))
        .map(str::to_string)
}

/// This machine's GOARCH.
pub fn host_goarch() -> Option<&'static str> {
    Some(match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "arm" => "arm",
        "riscv64" => "riscv64",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "s390x" => "s390x",
        "loongarch64" => "loong64",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for k in BuildKind::ALL {
            assert_eq!(BuildKind::parse(k.name()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
            assert_eq!(
                <BuildKind as clap::ValueEnum>::from_str(k.name(), false).unwrap(),
                k
            );
        }
        assert_eq!(BuildKind::parse("shared"), None);
    }

    fn on(goos: &'static str, goarch: &'static str) -> Target<'static> {
        Target { goos, goarch }
    }

    #[test]
    fn the_go_command_says_which_kinds_a_platform_lacks() {
        let go = Go::locate(
            None,
            std::time::Duration::from_secs(60),
            &crate::commands::env_snapshot(),
            crate::support::process::Cancel::detached(),
        )
        .expect("go on PATH");
        let race = refused(&go, on("linux", "mips"), BuildKind::Race).unwrap_or_default();
        assert!(
            race.contains("-race is not supported on linux/mips"),
            "{race}"
        );
        // Go 1.26 has a race runtime for linux/riscv64 (race_linux_riscv64.syso).
        assert_eq!(refused(&go, on("linux", "riscv64"), BuildKind::Race), None);
        let lib = refused(&go, on("js", "wasm"), BuildKind::CShared).unwrap_or_default();
        assert!(lib.contains("not supported on js/wasm"), "{lib}");
        assert_eq!(refused(&go, on("linux", "amd64"), BuildKind::Race), None);
        assert_eq!(refused(&go, on("linux", "arm64"), BuildKind::Plugin), None);
    }

    #[test]
    fn cross_compilers_name_their_package() {
        let e = c_compiler(on("linux", "mips"), &Env::default()).unwrap_err();
        assert!(e.contains("linux/mips"), "{e}");
        let e = c_compiler(on("windows", "amd64"), &Env::default()).unwrap_err();
        assert!(e.contains("windows/amd64"), "{e}");
    }
}
