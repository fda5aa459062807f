//! The linker's `//go:linkname` policy: what the version says to expect, and
//! (with `--verify`) what throwaway builds show.

use crate::go::discover::Toolchain;
use crate::go::version::{Compiler, GoVersion};
use crate::support::scratch;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// Go 1.23+'s linker refusing a pull linkname into the standard library.
pub const INVALID_REFERENCE: &str = "invalid reference to";

/// The words for an accessor missing from the runtime.a that was linked
/// (the injector did not run for runtime), as Go's linker, an external
/// linker (a c-shared or PIE link, a C host linking a c-archive) and the
/// dynamic loader (a c-shared library or plugin opened at run time) say
/// them. One list, so a cell's status and its diagnosis read the same lines.
pub const UNDEFINED_ACCESSOR: [&str; 8] = [
    "relocation target runtime.GoroutineID not defined",
    "relocation target runtime.qcompatGoroutineIDFunc not defined",
    "undefined symbol `runtime.GoroutineID'",
    "undefined symbol `runtime.qcompatGoroutineIDFunc'",
    "undefined reference to `runtime.GoroutineID'",
    "undefined reference to `runtime.qcompatGoroutineIDFunc'",
    "undefined symbol: runtime.GoroutineID",
    "undefined symbol: runtime.qcompatGoroutineIDFunc",
];

/// The first line of `output` that says the accessor is missing.
pub fn undefined_accessor(output: &str) -> Option<&str> {
    output
        .lines()
        .find(|l| UNDEFINED_ACCESSOR.iter().any(|m| l.contains(m)))
        .map(str::trim)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Go 1.13-1.22: push linknames exist and pulls into std link.
    Permissive,
    /// Go 1.23+: pulls into std must target push-marked symbols.
    Restricted,
    /// Before Go 1.13, or not the gc toolchain: no single-argument push.
    Unsupported,
}

impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::support::serde_name::of(self))
    }
}

/// The policy the release notes promise for `v`.
pub fn expected(v: &GoVersion) -> Policy {
    if v.compiler != Compiler::Gc || !v.at_least(1, 13) {
        Policy::Unsupported
    } else if v.at_least(1, 23) {
        Policy::Restricted
    } else {
        Policy::Permissive
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// A pull of the unmarked `runtime.findnull` linked.
    pub pull_unmarked_allowed: bool,
    /// The linker accepted `-checklinkname=0`.
    pub checklinkname_flag: bool,
    /// The linker's message when the pull was refused.
    pub message: Option<String>,
    /// The policy these two facts add up to.
    pub policy: Policy,
}

#[derive(Debug, Clone, Serialize)]
pub struct Linkname {
    pub expected: Policy,
    pub verified: Option<Verified>,
    /// Set when expected and verified disagree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<String>,
}

const PULL_PROGRAM: &str = r#"package main

import _ "unsafe" // for go:linkname

// findnull is a runtime function that no //go:linkname marks as linkable.
//
//go:linkname findnull runtime.findnull
func findnull(s *byte) int

func main() {
	b := []byte("qcompat\x00")
	println(findnull(&b[0]))
}
"#;

/// Builds a program pulling `runtime.findnull`, plain and with `-checklinkname=0`.
pub fn verify(tc: &Toolchain) -> Result<Verified> {
    verify_through(tc, None, false)
}

/// [`verify`], building through `toolexec` when given. Only for an injector
/// known to leave the linker's flags alone (qcompat's own): the matrix uses
/// it so the check shares the runtime its host cell compiles through the
/// same injector, instead of compiling another one; `single_threaded` as
/// for its cells ([`crate::go::gocmd::single_threaded`]).
pub fn verify_through(
    tc: &Toolchain,
    toolexec: Option<&str>,
    single_threaded: bool,
) -> Result<Verified> {
    let dir = scratch::module(&[
        ("go.mod", "module qcompat.invalid/linkname\n\ngo 1.13\n"),
        ("main.go", PULL_PROGRAM),
        // An assembly file lets the compiler accept the body-less declaration.
        ("stub.s", ""),
    ])?;
    // Without DWARF and symbol tables the link checks the same references
    // for less work, except where Go <= 1.19 ships a precompiled host std,
    // which any -gcflags would make it rebuild.
    let lean = !crate::go::platforms::precompiled_std(tc.goroot(), tc.host());
    let build = |checklinkname: bool| -> Result<crate::support::process::Captured> {
        let mut cmd = tc.go.command(["build", "-o"]);
        cmd.arg(dir.path().join("prog"));
        if let Some(t) = toolexec {
            cmd.arg(format!("-toolexec={t}"));
        }
        let extra: &[&str] = if checklinkname {
            &[]
        } else {
            &["-checklinkname=0"]
        };
        if lean {
            crate::go::gocmd::lean_flags(&mut cmd, extra, &tc.go.env);
        } else if !extra.is_empty() {
            cmd.arg(format!("-ldflags={}", extra.join(" ")));
        }
        if single_threaded {
            crate::go::gocmd::single_threaded(&mut cmd, &tc.go.env);
        }
        cmd.arg(".").current_dir(dir.path());
        scratch::isolate(&mut cmd);
        let c = tc.go.run(cmd)?;
        if c.timed_out {
            anyhow::bail!(
                "the linkname test build did not finish within {}s (raise --timeout)",
                tc.go.timeout.as_secs()
            );
        }
        Ok(c)
    };
    let plain = build(true)?;
    let message = (!plain.success()).then(|| {
        plain
            .stderr
            .lines()
            .find(|l| l.contains(INVALID_REFERENCE))
            .unwrap_or_else(|| plain.stderr.lines().last().unwrap_or(""))
            .trim()
            .to_string()
    });
    let flagged = build(false)?;
    let pull_unmarked_allowed = plain.success();
    let checklinkname_flag = flagged.success();
    let policy = if pull_unmarked_allowed {
        Policy::Permissive
    } else if plain.stderr.contains(INVALID_REFERENCE) {
        Policy::Restricted
    } else {
        Policy::Unsupported
    };
    Ok(Verified {
        pull_unmarked_allowed,
        checklinkname_flag,
        message,
        policy,
    })
}

/// Expected beside measured, with any disagreement spelled out.
pub fn assess(tc: &Toolchain, verify_live: bool) -> Result<Linkname> {
    let expected = expected(&tc.version);
    let verified = if verify_live { Some(verify(tc)?) } else { None };
    let disagreement = verified.as_ref().and_then(|v| {
        let flag_expected = expected == Policy::Restricted;
        let mut notes = Vec::new();
        if v.policy != expected {
            notes.push(format!(
                "{} should be {expected} but the builds show {}",
                tc.version.go_name(),
                v.policy
            ));
        }
        if v.checklinkname_flag != flag_expected {
            notes.push(format!(
                "-checklinkname=0 was expected to be {} but was {}",
                if flag_expected {
                    "accepted"
                } else {
                    "rejected"
                },
                if v.checklinkname_flag {
                    "accepted"
                } else {
                    "rejected"
                }
            ));
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    });
    Ok(Linkname {
        expected,
        verified,
        disagreement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::go::version::parse;

    #[test]
    fn a_missing_accessor_in_every_linkers_words() {
        for (words, said) in [
            ("main.main: relocation target runtime.GoroutineID not defined", "go's linker"),
            ("/usr/bin/ld: go.o: relocation R_X86_64_PC32 against undefined symbol `runtime.GoroutineID' can not be used when making a shared object; recompile with -fPIC", "a c-shared link"),
            ("go.go:(.text+0x7d8e5): undefined reference to `runtime.GoroutineID'", "a C host linking a c-archive"),
            ("./host: dlopen: ./libqprobe.so: undefined symbol: runtime.GoroutineID", "the loader"),
            ("relocation target runtime.qcompatGoroutineIDFunc not defined", "the detected variable"),
        ] {
            let text = format!("# pkg\n{words}\ncollect2: error: ld returned 1 exit status\n");
            assert_eq!(undefined_accessor(&text), Some(words), "{said}");
        }
        assert_eq!(
            undefined_accessor("/usr/bin/ld: final link failed: bad value"),
            None
        );
        assert_eq!(undefined_accessor("undefined: runtime.GoroutineIDs"), None);
    }

    #[test]
    fn expected_by_version() {
        let e = |s: &str| expected(&parse(s).unwrap());
        assert_eq!(e("go1.12.17"), Policy::Unsupported);
        assert_eq!(e("go1.13"), Policy::Permissive);
        assert_eq!(e("go1.19.8"), Policy::Permissive);
        assert_eq!(e("go1.22.12"), Policy::Permissive);
        assert_eq!(e("go1.23rc1"), Policy::Restricted);
        assert_eq!(e("go1.27.3"), Policy::Restricted);
        assert_eq!(e("devel go1.30-abcdef Mon"), Policy::Restricted);
        assert_eq!(
            e("go version go1.18 gccgo (GCC) 12.2.0 linux/amd64"),
            Policy::Unsupported
        );
    }
}
